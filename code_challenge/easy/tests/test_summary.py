"""Part 2 — Per-tool summary."""

from __future__ import annotations

from types import ModuleType

import pytest
from hypothesis import given
from hypothesis import strategies as st

from grading.core import plain, returned

from .logs import PROMPT_ROWS, PROPERTY, common_percentiles, latencies, rows_strategy
from .workloads import Row, rows

# sorted values, p, the nearest-rank percentile
PERCENTILES = {
    "p50 of the example's search latencies": ([80.0, 95.0, 120.5, 300.0], 50, 95.0),
    "p95 of the example's search latencies": ([80.0, 95.0, 120.5, 300.0], 95, 300.0),
    "p50 of two values is the lower one, not the mean": ([10.0, 20.0], 50, 10.0),
    "p50 of five values is the middle one": ([1.0, 2.0, 3.0, 4.0, 5.0], 50, 3.0),
    "p90 of 1..11 is rank ceil(9.9) = 10": ([float(v) for v in range(1, 12)], 90, 10.0),
    "p95 of 1..100 is the 95th value": ([float(v) for v in range(1, 101)], 95, 95.0),
    "p7 of 1..100 is the 7th value": ([float(v) for v in range(1, 101)], 7, 7.0),
    "p0 is the smallest value (rank at least 1)": ([3.0, 5.0, 8.0], 0, 3.0),
    "p100 is the largest value": ([3.0, 5.0, 8.0], 100, 8.0),
    "a single value is every percentile": ([42.5], 95, 42.5),
}


def events_of(impl: ModuleType, given_rows: list[Row] | tuple[Row, ...]) -> list[object]:
    return [impl.ToolCall(*row) for row in given_rows]


@pytest.mark.part(2)
class TestPart2Summary:
    @pytest.mark.rule("2.1", "2.2")
    @pytest.mark.parametrize(
        ("values", "p", "expected"), PERCENTILES.values(), ids=PERCENTILES.keys()
    )
    def test_percentile_is_nearest_rank(
        self, impl: ModuleType, values: list[float], p: int, expected: float
    ) -> None:
        got = impl.percentile(values, p)
        assert got == expected, f"percentile({values}, {p}): rank = ceil(p * n / 100), from 1"

    @pytest.mark.rule("2.1")
    def test_p95_uses_nearest_rank(self, impl: ModuleType) -> None:
        values = [float(v) for v in range(1, 21)]
        got = impl.percentile(values, 95)
        expected = 19.0
        assert got == expected, (
            "percentile([1.0, 2.0, ..., 20.0], 95): rank ceil(95 * 20 / 100) = 19, the 19th value"
        )

    @pytest.mark.rule("2.1", "2.4", "2.15")
    def test_rank_is_exact_for_every_whole_p(self, impl: ModuleType) -> None:
        # ceil(p * n / 100) in integers, as the oracle. p / 100 * n lands just above a whole
        # number for a few (p, n): 7 / 100 * 100 is 7.000000000000001, one rank too high.
        wrong = []
        for n in range(1, 101):
            values = [float(v) for v in range(1, n + 1)]
            for p in range(101):
                rank = max(1, -(-p * n // 100))
                got = impl.percentile(values, p)
                if got != values[rank - 1]:
                    wrong.append((n, p, got, values[rank - 1]))
        expected: list[object] = []
        assert wrong == expected, (
            "percentile([1.0, 2.0, ..., n], p) for n in 1..100 and every whole p in 0..100; "
            "(n, p, yours, nearest rank) where they differ. Compute the rank as p * n / 100, "
            "which is exact for whole p; p / 100 * n is not"
        )

    @pytest.mark.rule("2.3")
    def test_percentile_of_nothing_raises(self, impl: ModuleType) -> None:
        with pytest.raises(ValueError):
            impl.percentile([], 50)

    @pytest.mark.rule("2.1", "2.2")
    @PROPERTY
    @given(values=st.lists(latencies, min_size=1, max_size=40), p=common_percentiles)
    def test_percentile_agrees_with_the_reference(
        self, impl: ModuleType, reference: ModuleType, values: list[float], p: int
    ) -> None:
        values.sort()
        got = impl.percentile(values, p)
        expected = reference.percentile(values, p)
        assert got == expected, f"percentile({values}, {p})"

    @pytest.mark.rule("2.5")
    def test_summarize_returns_a_list(self, impl: ModuleType) -> None:
        got = impl.summarize(events_of(impl, PROMPT_ROWS))
        returned(got, list, "summarize(<the 6 events of the example in PROMPT.md>)")

    @pytest.mark.rule("2.5", "2.6", "2.7", "2.8", "2.9", "2.10")
    def test_prompt_example(self, impl: ModuleType) -> None:
        got = impl.summarize(events_of(impl, PROMPT_ROWS))
        expected = [
            impl.ToolSummary("search", 4, 1, 0.25, 95.0, 300.0),
            impl.ToolSummary("fetch", 2, 1, 0.5, 450.0, 3000.0),
        ]
        assert got == expected, "summarize(<the 6 events of the example in PROMPT.md>)"

    @pytest.mark.rule("2.11")
    def test_no_events_give_no_summaries(self, impl: ModuleType) -> None:
        got = impl.summarize([])
        expected: list[object] = []
        assert got == expected, "summarize([])"

    @pytest.mark.rule("2.6", "2.7", "2.8")
    def test_a_single_event(self, impl: ModuleType) -> None:
        given_rows = [(1000, "r-1", "sql", "error", 42.25)]
        got = impl.summarize(events_of(impl, given_rows))
        expected = [impl.ToolSummary("sql", 1, 1, 1.0, 42.25, 42.25)]
        assert got == expected, f"summarize(<ToolCalls {given_rows}>)"

    @pytest.mark.rule("2.7", "2.8")
    def test_timeouts_and_errors_both_count_as_failures(self, impl: ModuleType) -> None:
        given_rows = [
            (1000, "r-1", "fetch", "ok", 10.0),
            (1001, "r-1", "fetch", "error", 20.0),
            (1002, "r-1", "fetch", "timeout", 30.0),
            (1003, "r-1", "fetch", "ok", 40.0),
        ]
        got = [(s.failures, s.error_rate) for s in impl.summarize(events_of(impl, given_rows))]
        expected = [(2, 0.5)]
        assert got == expected, f"summarize(<ToolCalls {given_rows}>): (failures, error_rate)"

    @pytest.mark.rule("2.7")
    def test_a_status_equal_to_ok_counts_as_ok(self, impl: ModuleType) -> None:
        # Built at run time, so not the interned literal: `status is not "ok"` would call it a
        # failure, `status != "ok"` does not.
        ok = "".join(["o", "k"])
        given_rows = [(1000, "r-1", "fetch", ok, 10.0), (1001, "r-1", "fetch", ok, 20.0)]
        got = [(s.failures, s.error_rate) for s in impl.summarize(events_of(impl, given_rows))]
        expected = [(0, 0.0)]
        assert got == expected, (
            f"summarize(<ToolCalls {given_rows}>) with a status built at run time: "
            "(failures, error_rate); compare strings with ==, not `is`"
        )

    @pytest.mark.rule("2.9")
    def test_percentiles_include_failed_calls(self, impl: ModuleType) -> None:
        given_rows = [
            (1000, "r-1", "python", "ok", 5.0),
            (1001, "r-1", "python", "timeout", 30000.0),
        ]
        got = [(s.p50_ms, s.p95_ms) for s in impl.summarize(events_of(impl, given_rows))]
        expected = [(5.0, 30000.0)]
        assert got == expected, f"summarize(<ToolCalls {given_rows}>): (p50_ms, p95_ms)"

    @pytest.mark.rule("2.6", "2.10")
    def test_orders_by_calls_then_tool_name(self, impl: ModuleType) -> None:
        tools = ["sql", "fetch", "search", "fetch", "browser", "sql", "email", "search", "sql"]
        given_rows = [(1000 + i, "r-1", tool, "ok", 1.0) for i, tool in enumerate(tools)]
        got = [(s.tool, s.calls) for s in impl.summarize(events_of(impl, given_rows))]
        expected = [("sql", 3), ("fetch", 2), ("search", 2), ("browser", 1), ("email", 1)]
        assert got == expected, (
            f"summarize(<ToolCalls of tools {tools}>): most calls first, ties by tool name"
        )

    @pytest.mark.rule("2.14")
    def test_does_not_mutate_its_input(self, impl: ModuleType, seed: int) -> None:
        events = events_of(impl, rows(200, seed))
        before = list(events)
        impl.summarize(events)
        got = events
        expected = before
        assert got == expected, "summarize(events) reordered or changed the caller's list"

    @pytest.mark.rule("2.5")
    def test_agrees_with_the_reference_on_a_realistic_log(
        self, impl: ModuleType, reference: ModuleType, seed: int
    ) -> None:
        given_rows = rows(3000, seed)
        got = plain(impl.summarize(events_of(impl, given_rows)))
        expected = plain(reference.summarize(events_of(reference, given_rows)))
        assert got == expected, f"summarize(<3000 realistic events, seed {seed}>)"

    @pytest.mark.rule("2.5")
    @PROPERTY
    @given(given_rows=st.lists(rows_strategy, max_size=40))
    def test_agrees_with_the_reference(
        self, impl: ModuleType, reference: ModuleType, given_rows: list[Row]
    ) -> None:
        got = plain(impl.summarize(events_of(impl, given_rows)))
        expected = plain(reference.summarize(events_of(reference, given_rows)))
        assert got == expected, f"summarize(<ToolCalls {given_rows}>)"
