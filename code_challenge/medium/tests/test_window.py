"""Part 1 — Sliding-window counts."""

from __future__ import annotations

from types import ModuleType

import pytest
from hypothesis import given

from grading.core import returned

from .streams import PROPERTY, Step, replay, scripts, show, windows
from .workloads import events

# The worked example of PROMPT.md: a 60-second window.
PROMPT_SCRIPT: list[Step] = [
    ("add", 0, "search:acme"),
    ("add", 10, "fetch:acme"),
    ("add", 30, "search:acme"),
    ("add", 59.5, "search:acme"),
    ("count", "search:acme", 59.5),
    ("count", "search:acme", 60),
    ("count", "fetch:acme", 69.875),
    ("count", "fetch:acme", 70),
    ("count", "sql:acme", 70),
]

# script, window, the answers of its counts
CASES: dict[str, tuple[list[Step], float, list[int]]] = {
    "an event exactly one window old has left": (
        [("add", 0, "a"), ("count", "a", 10)],
        10,
        [0],
    ),
    "an event 1/8 s inside the window still counts": (
        [("add", 0.125, "a"), ("count", "a", 10)],
        10,
        [1],
    ),
    "an event at the query time counts": (
        [("add", 5, "a"), ("count", "a", 5)],
        10,
        [1],
    ),
    "events sharing a timestamp arrive and leave together": (
        [("add", 1, "a"), ("add", 1, "a"), ("add", 1, "a"), ("count", "a", 1), ("count", "a", 11)],
        10,
        [3, 0],
    ),
    "a key never added counts 0": (
        [("add", 1, "a"), ("count", "b", 1)],
        10,
        [0],
    ),
    "keys are counted separately": (
        [("add", 1, "a"), ("add", 2, "b"), ("add", 3, "a"), ("count", "a", 3), ("count", "b", 3)],
        10,
        [2, 1],
    ),
    "counts fall as time passes with no new events": (
        [("add", t, "a") for t in range(10)] + [("count", "a", now) for now in (9, 10, 12, 14, 15)],
        5,
        [5, 4, 2, 0, 0],
    ),
    "a key comes back after its events all left": (
        [("add", 0, "a"), ("count", "a", 20), ("add", 25, "a"), ("count", "a", 25)],
        10,
        [0, 1],
    ),
    "a half-second window": (
        [("add", 0, "a"), ("add", 0.25, "a"), ("count", "a", 0.5), ("count", "a", 0.625)],
        0.5,
        [1, 1],
    ),
}


@pytest.mark.part(1)
class TestPart1SlidingWindow:
    @pytest.mark.rule("1.1", "1.2", "1.3", "1.4", "1.5")
    def test_prompt_example(self, impl: ModuleType) -> None:
        got = replay(impl, 60, PROMPT_SCRIPT)
        expected = [3, 2, 1, 0, 0]
        assert got == expected, (
            f"SlidingWindowCounter(60), then {show(PROMPT_SCRIPT)}: the window is (now - 60, now]"
        )

    @pytest.mark.rule("1.2", "1.3", "1.4", "1.5", "1.6")
    @pytest.mark.parametrize(("script", "window", "expected"), CASES.values(), ids=CASES.keys())
    def test_window_boundaries(
        self, impl: ModuleType, script: list[Step], window: float, expected: list[int]
    ) -> None:
        got = replay(impl, window, script)
        assert got == expected, (
            f"SlidingWindowCounter({window}), then {show(script)}: the window at time now is "
            f"(now - {window}, now]"
        )

    @pytest.mark.rule("1.3")
    def test_count_returns_an_int(self, impl: ModuleType) -> None:
        counter = impl.SlidingWindowCounter(10)
        counter.add(1.0, "a")
        got = counter.count("a", 1.0)
        returned(got, int, "SlidingWindowCounter(10); add(1.0, 'a'); count('a', 1.0)")

    @pytest.mark.rule("1.7")
    @pytest.mark.parametrize("window", [0, -5.0], ids=["zero", "negative"])
    def test_window_must_be_positive(self, impl: ModuleType, window: float) -> None:
        with pytest.raises(ValueError):
            impl.SlidingWindowCounter(window)

    @pytest.mark.rule("1.1", "1.3", "1.6")
    def test_a_long_stream_agrees_with_the_reference(
        self, impl: ModuleType, reference: ModuleType, seed: int
    ) -> None:
        script: list[Step] = []
        for index, (timestamp, key, _value) in enumerate(events(3000, seed)):
            script.append(("add", timestamp, key))
            if index % 10 == 0:
                script.append(("count", key, timestamp))
                script.append(("count", "search:acme", timestamp))
        got = replay(impl, 10, script)
        expected = replay(reference, 10, script)
        assert got == expected, (
            f"SlidingWindowCounter(10) over 3,000 seeded events (seed {seed}), counting the "
            "event's key and 'search:acme' every 10 events"
        )

    @pytest.mark.rule("1.1", "1.2", "1.3", "1.4", "1.5", "1.6")
    @PROPERTY
    @given(script=scripts(), window=windows)
    def test_agrees_with_the_reference(
        self, impl: ModuleType, reference: ModuleType, script: list[Step], window: float
    ) -> None:
        got = replay(impl, window, script)
        expected = replay(reference, window, script)
        assert got == expected, f"SlidingWindowCounter({window}), then {show(script)}"
