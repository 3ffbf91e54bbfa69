"""Part 3 — Slowest runs."""

from __future__ import annotations

from types import ModuleType

import pytest
from hypothesis import given
from hypothesis import strategies as st

from grading.core import returned

from .logs import PROMPT_ROWS, PROPERTY, rows_strategy
from .workloads import Row, rows


def events_of(impl: ModuleType, given_rows: list[Row] | tuple[Row, ...]) -> list[object]:
    return [impl.ToolCall(*row) for row in given_rows]


def pairs(durations: list[object]) -> list[tuple[str, float]]:
    return [(d.run_id, d.duration_ms) for d in durations]  # type: ignore[attr-defined]


# Five runs: "b" and "d" tie at 500 ms, "a" and "c" tie at 200 ms, "e" is 900 ms.
TIED_ROWS: tuple[Row, ...] = (
    (1000, "d", "search", "ok", 500.0),
    (1000, "c", "search", "ok", 200.0),
    (2000, "e", "fetch", "ok", 100.0),
    (1000, "b", "fetch", "ok", 500.0),
    (1000, "a", "search", "ok", 200.0),
    (2100, "e", "python", "error", 800.0),
)


@pytest.mark.part(3)
class TestPart3SlowestRuns:
    @pytest.mark.rule("3.3")
    def test_returns_a_list(self, impl: ModuleType) -> None:
        got = impl.slowest_runs(events_of(impl, PROMPT_ROWS), 2)
        returned(got, list, "slowest_runs(<the 6 events of the example in PROMPT.md>, 2)")

    @pytest.mark.rule("3.1", "3.3")
    def test_prompt_example(self, impl: ModuleType) -> None:
        got = impl.slowest_runs(events_of(impl, PROMPT_ROWS), 2)
        expected = [impl.RunDuration("r-1", 3200.0), impl.RunDuration("r-3", 550.0)]
        assert got == expected, "slowest_runs(<the 6 events of the example in PROMPT.md>, 2)"

    @pytest.mark.rule("3.2")
    def test_a_single_call_lasts_its_latency(self, impl: ModuleType) -> None:
        given_rows = [(1764000000123, "r-17", "search", "ok", 120.5)]
        got = pairs(impl.slowest_runs(events_of(impl, given_rows), 1))
        expected = [("r-17", 120.5)]
        assert got == expected, f"slowest_runs(<ToolCalls {given_rows}>, 1)"

    @pytest.mark.rule("3.1", "3.2")
    def test_duration_ends_at_the_latest_finish_not_the_last_start(self, impl: ModuleType) -> None:
        # The first call starts first and finishes last: it overlaps the second one.
        given_rows = [(1000, "r-1", "browser", "ok", 5000.0), (1100, "r-1", "search", "ok", 10.0)]
        got = pairs(impl.slowest_runs(events_of(impl, given_rows), 1))
        expected = [("r-1", 5000.0)]
        assert got == expected, (
            f"slowest_runs(<ToolCalls {given_rows}>, 1): max(ts_ms + latency_ms) - min(ts_ms)"
        )

    @pytest.mark.rule("3.2")
    def test_events_need_not_be_in_time_order(self, impl: ModuleType) -> None:
        given_rows = [(3000, "r-1", "sql", "ok", 1.0), (1000, "r-1", "sql", "ok", 1.0)]
        got = pairs(impl.slowest_runs(events_of(impl, given_rows), 1))
        expected = [("r-1", 2001.0)]
        assert got == expected, f"slowest_runs(<ToolCalls {given_rows}>, 1)"

    @pytest.mark.rule("3.4")
    def test_ties_go_to_the_smaller_run_id(self, impl: ModuleType) -> None:
        got = pairs(impl.slowest_runs(events_of(impl, TIED_ROWS), 5))
        expected = [("e", 900.0), ("b", 500.0), ("d", 500.0), ("a", 200.0), ("c", 200.0)]
        assert got == expected, (
            f"slowest_runs(<ToolCalls {list(TIED_ROWS)}>, 5): equal durations by run_id ascending"
        )

    @pytest.mark.rule("3.4", "3.7")
    def test_the_prompts_tie_example(self, impl: ModuleType) -> None:
        given_rows = [(1000, "b", "search", "ok", 500.0), (1000, "a", "search", "ok", 500.0)]
        got = pairs(impl.slowest_runs(events_of(impl, given_rows), 2))
        expected = [("a", 500.0), ("b", 500.0)]
        assert got == expected, (
            f"slowest_runs(<ToolCalls {given_rows}>, 2): two runs of 500 ms each, 'a' first"
        )

    @pytest.mark.rule("3.3")
    @pytest.mark.parametrize(
        ("k", "expected"),
        [
            (1, ["e"]),
            (2, ["e", "b"]),
            (3, ["e", "b", "d"]),
            (4, ["e", "b", "d", "a"]),
        ],
        ids=["k=1", "k=2 cuts between a tie", "k=3", "k=4 cuts between a tie"],
    )
    def test_returns_exactly_k_runs(self, impl: ModuleType, k: int, expected: list[str]) -> None:
        got = [d.run_id for d in impl.slowest_runs(events_of(impl, TIED_ROWS), k)]
        assert got == expected, f"slowest_runs(<ToolCalls {list(TIED_ROWS)}>, {k})"

    @pytest.mark.rule("3.6")
    @pytest.mark.parametrize("k", [5, 6, 100], ids=["k = runs", "k = runs + 1", "k much larger"])
    def test_k_beyond_the_runs_returns_them_all(self, impl: ModuleType, k: int) -> None:
        got = [d.run_id for d in impl.slowest_runs(events_of(impl, TIED_ROWS), k)]
        expected = ["e", "b", "d", "a", "c"]
        assert got == expected, f"slowest_runs(<ToolCalls {list(TIED_ROWS)}>, {k})"

    @pytest.mark.rule("3.5")
    @pytest.mark.parametrize("k", [0, -1], ids=["k=0", "k=-1"])
    def test_k_of_zero_or_less_returns_nothing(self, impl: ModuleType, k: int) -> None:
        got = impl.slowest_runs(events_of(impl, TIED_ROWS), k)
        expected: list[object] = []
        assert got == expected, f"slowest_runs(<5 runs>, {k})"

    @pytest.mark.rule("3.3")
    def test_no_events_give_no_runs(self, impl: ModuleType) -> None:
        got = impl.slowest_runs([], 3)
        expected: list[object] = []
        assert got == expected, "slowest_runs([], 3)"

    @pytest.mark.rule("3.10")
    def test_reads_a_one_shot_iterator(
        self, impl: ModuleType, reference: ModuleType, seed: int
    ) -> None:
        given_rows = rows(500, seed)
        got = pairs(impl.slowest_runs(iter(events_of(impl, given_rows)), 5))
        expected = pairs(reference.slowest_runs(events_of(reference, given_rows), 5))
        assert got == expected, f"slowest_runs(iter(<500 realistic events, seed {seed}>), 5)"

    @pytest.mark.rule("3.11")
    def test_does_not_mutate_its_input(self, impl: ModuleType, seed: int) -> None:
        events = events_of(impl, rows(200, seed))
        before = list(events)
        impl.slowest_runs(events, 5)
        got = events
        expected = before
        assert got == expected, "slowest_runs(events, 5) reordered or changed the caller's list"

    @pytest.mark.rule("3.3")
    def test_agrees_with_the_reference_on_a_realistic_log(
        self, impl: ModuleType, reference: ModuleType, seed: int
    ) -> None:
        given_rows = rows(3000, seed)
        got = pairs(impl.slowest_runs(events_of(impl, given_rows), 10))
        expected = pairs(reference.slowest_runs(events_of(reference, given_rows), 10))
        assert got == expected, f"slowest_runs(<3000 realistic events, seed {seed}>, 10)"

    @pytest.mark.rule("3.3", "3.4", "3.5")
    @PROPERTY
    @given(
        given_rows=st.lists(rows_strategy, max_size=30), k=st.integers(min_value=-1, max_value=9)
    )
    def test_agrees_with_the_reference(
        self, impl: ModuleType, reference: ModuleType, given_rows: list[Row], k: int
    ) -> None:
        got = pairs(impl.slowest_runs(events_of(impl, given_rows), k))
        expected = pairs(reference.slowest_runs(events_of(reference, given_rows), k))
        assert got == expected, f"slowest_runs(<ToolCalls {given_rows}>, {k})"
