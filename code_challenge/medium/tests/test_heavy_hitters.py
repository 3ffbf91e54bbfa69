"""Part 2 — Heavy hitters.

The promise, after n events with m counters: at most m keys held; every estimate within n / m of
the true count; every key with more than n / m of the events held. Each test lists the broken
promises (checked against an exact `collections.Counter`), and expects none.
"""

from __future__ import annotations

from types import ModuleType

import pytest
from hypothesis import given
from hypothesis import strategies as st

from grading.core import returned

from .streams import KEYS, PROPERTY, brief, fed, guarantee_problems
from .workloads import events

# n = 9, m = 2: n / m = 4.5, and "a" has 5
PROMPT_STREAM = ["a", "b", "a", "c", "a", "d", "a", "b", "a"]

# A heavy key hidden among fillers: 9 keys of 5 events each take 9 of m = 10 counters, then the
# heavy key alternates with keys seen once. It has 10 of n = 65 events, more than n / m = 6.5:
# decrementing only the smallest counter keeps evicting it and never counts it past 1.
HIDDEN_HEAVY = [f"filler-{i}" for i in range(9) for _ in range(5)] + [
    key for i in range(10) for key in ("heavy", f"once-{i}")
]
# A tenant that starts spamming late: 400 one-off keys, then 300 events of one key.
LATE_BURST = [f"once-{i}" for i in range(400)] + ["burst"] * 300
# Sorted input: every key's events arrive together, the largest group last.
SORTED_GROUPS = [
    key for key, size in (("a", 30), ("b", 60), ("c", 90), ("d", 120)) for _ in range(size)
]

STREAMS = {
    "a heavy key hidden among fillers, m=10": (HIDDEN_HEAVY, 10),
    "a late burst after 400 one-off keys, m=4": (LATE_BURST, 4),
    "sorted groups of 30, 60, 90, 120 events, m=3": (SORTED_GROUPS, 3),
    "one key only, m=1": (["solo"] * 50, 1),
    "all keys distinct, m=5": ([f"k{i}" for i in range(100)], 5),
    "round-robin over m + 1 keys, m=4": ([f"k{i % 5}" for i in range(200)], 4),
}


@pytest.mark.part(2)
class TestPart2HeavyHitters:
    @pytest.mark.rule("2.8", "2.9", "2.10")
    def test_prompt_example(self, impl: ModuleType) -> None:
        sketch = fed(impl, 2, PROMPT_STREAM)
        got = guarantee_problems(sketch, PROMPT_STREAM, 2)
        assert got == [], f"HeavyHitters(2) after adding {brief(PROMPT_STREAM)}: {'; '.join(got)}"

    @pytest.mark.rule("2.5")
    def test_heavy_hitters_returns_a_dict(self, impl: ModuleType) -> None:
        got = fed(impl, 2, PROMPT_STREAM).heavy_hitters()
        returned(got, dict, f"HeavyHitters(2) after adding {brief(PROMPT_STREAM)}: heavy_hitters()")

    @pytest.mark.rule("2.1", "2.8", "2.9", "2.10", "2.6")
    @pytest.mark.parametrize(
        ("name", "stream", "capacity"),
        [(name, *case) for name, case in STREAMS.items()],
        ids=STREAMS.keys(),
    )
    def test_adversarial_streams_keep_the_promise(
        self, impl: ModuleType, name: str, stream: list[str], capacity: int
    ) -> None:
        got = guarantee_problems(fed(impl, capacity, stream), stream, capacity)
        assert got == [], f"HeavyHitters({capacity}) on {name}: {'; '.join(got)}"

    @pytest.mark.rule("2.2", "2.11")
    def test_counts_are_exact_while_the_keys_fit(self, impl: ModuleType) -> None:
        stream = ["x", "y", "x", "z", "x", "y", "x"]
        got = fed(impl, 3, stream).heavy_hitters()
        expected = {"x": 4, "y": 2, "z": 1}
        assert got == expected, (
            f"HeavyHitters(3) after adding {brief(stream)}: 3 distinct keys fit in 3 counters, "
            "so nothing is ever evicted and every count is exact"
        )

    @pytest.mark.rule("2.3", "2.5")
    def test_a_fresh_summary_holds_nothing(self, impl: ModuleType) -> None:
        sketch = impl.HeavyHitters(4)
        got = (sketch.heavy_hitters(), sketch.estimate("a"))
        expected = ({}, 0)
        assert got == expected, "HeavyHitters(4): (heavy_hitters(), estimate('a')) before any add"

    @pytest.mark.rule("2.5")
    def test_heavy_hitters_is_a_copy(self, impl: ModuleType) -> None:
        sketch = fed(impl, 3, ["x", "y", "x"])
        sketch.heavy_hitters()["x"] = 100
        got = sketch.heavy_hitters()
        expected = {"x": 2, "y": 1}
        assert got == expected, (
            "HeavyHitters(3) after adding 'x y x'; heavy_hitters()['x'] = 100; heavy_hitters(): "
            "changing the returned dict must not change the summary"
        )

    @pytest.mark.rule("2.3")
    @pytest.mark.parametrize(
        ("stream", "capacity"),
        [(PROMPT_STREAM, 2), (LATE_BURST, 4), (HIDDEN_HEAVY, 10)],
        ids=["prompt example, m=2", "late burst, m=4", "hidden heavy key, m=10"],
    )
    def test_a_key_not_held_is_estimated_zero(
        self, impl: ModuleType, stream: list[str], capacity: int
    ) -> None:
        sketch = fed(impl, capacity, stream)
        held = sketch.heavy_hitters()
        unheld = [*sorted(set(stream) - set(held)), "never-seen"]
        got = {key: sketch.estimate(key) for key in unheld if sketch.estimate(key) != 0}
        assert got == {}, (
            f"HeavyHitters({capacity}) after adding {brief(stream)}: heavy_hitters() holds "
            f"{sorted(held)}, yet estimate() of these keys it does not hold is not 0: "
            f"{dict(list(got.items())[:5])}. PROMPT.md: estimate(key) returns exactly 0 for a "
            "key it does not hold"
        )

    @pytest.mark.rule("2.4", "2.8")
    def test_estimate_does_not_change_the_summary(self, impl: ModuleType) -> None:
        sketch = fed(impl, 1, ["a"])
        for key in ("x", "y", "a"):
            sketch.estimate(key)
        got = sketch.heavy_hitters()
        expected = {"a": 1}
        assert got == expected, (
            "HeavyHitters(1); add('a'); estimate('x'); estimate('y'); estimate('a'); "
            "heavy_hitters(): asking for an estimate is not an event, and the summary holds at "
            "most m = 1 key"
        )

    @pytest.mark.rule("2.7")
    @pytest.mark.parametrize("capacity", [0, -1], ids=["zero", "negative"])
    def test_capacity_must_be_positive(self, impl: ModuleType, capacity: int) -> None:
        with pytest.raises(ValueError):
            impl.HeavyHitters(capacity)

    @pytest.mark.rule("2.1", "2.3", "2.4", "2.6", "2.8", "2.9", "2.10")
    def test_a_telemetry_stream_keeps_the_promise(self, impl: ModuleType, seed: int) -> None:
        stream = [key for _timestamp, key, _value in events(5000, seed)]
        got = guarantee_problems(fed(impl, 16, stream), stream, 16)
        assert got == [], f"HeavyHitters(16) on 5,000 seeded events (seed {seed}): {'; '.join(got)}"

    @pytest.mark.rule("2.2", "2.3", "2.4", "2.6", "2.8", "2.9", "2.10", "2.11")
    @PROPERTY
    @given(stream=st.lists(KEYS, max_size=60), capacity=st.integers(1, 6))
    def test_keeps_the_promise_against_exact_counts(
        self, impl: ModuleType, stream: list[str], capacity: int
    ) -> None:
        got = guarantee_problems(fed(impl, capacity, stream), stream, capacity)
        assert got == [], f"HeavyHitters({capacity}) after adding {brief(stream)}: {'; '.join(got)}"
