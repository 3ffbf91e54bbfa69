"""Part 4 — One pass, bounded memory (stretch).

Counts must be exact; each percentile must be within 1% of the exact nearest-rank value (any value
in [0, 1] when the exact one is under 1 ms). So every test compares a pair: (the exact counts,
the list of percentiles that are too far off), and the second should be empty.
"""

from __future__ import annotations

from collections.abc import Iterable
from types import ModuleType
from typing import Any

import pytest
from hypothesis import given

from grading.core import plain, returned

from .logs import PROMPT_LINES, PROPERTY, log_lines, within_one_percent
from .workloads import line_of, lines

Summary = dict[str, Any]
RULE = (
    "the first list (tool, calls, failures, error_rate) must be exact; the second lists "
    "(tool, field, yours, exact) for every percentile off by more than 1%, and must be empty"
)


def exact_summary(reference: ModuleType, given_lines: Iterable[str]) -> list[Summary]:
    """The exact answer: Part 1 then Part 2 of the reference, holding every event."""
    summaries: list[Summary] = plain(reference.summarize(reference.parse_log(given_lines).events))
    return summaries


def judged(got: list[Summary], exact: list[Summary]) -> tuple[list[tuple[Any, ...]], list[Any]]:
    """(tool, calls, failures, error_rate) of every summary, which must be exact, and
    (tool, field, yours, exact) of every percentile beyond the 1% rule, which must be none."""
    far = [
        (e["tool"], name, g[name], e[name])
        for g, e in zip(got, exact, strict=False)
        for name in ("p50_ms", "p95_ms")
        if not within_one_percent(g[name], e[name])
    ]
    return [(s["tool"], s["calls"], s["failures"], s["error_rate"]) for s in got], far


def wanted(exact: list[Summary]) -> tuple[list[tuple[Any, ...]], list[Any]]:
    return judged(exact, exact)


@pytest.mark.part(4)
class TestPart4Stream:
    @pytest.mark.rule("4.1")
    def test_returns_a_list(self, impl: ModuleType) -> None:
        got = impl.summarize_stream(iter(PROMPT_LINES))
        returned(got, list, "summarize_stream(<the 13 lines of the example in PROMPT.md>)")

    @pytest.mark.rule("4.2", "4.3")
    def test_prompt_example(self, impl: ModuleType, reference: ModuleType) -> None:
        exact = exact_summary(reference, PROMPT_LINES)
        got = judged(plain(impl.summarize_stream(iter(PROMPT_LINES))), exact)
        expected = wanted(exact)
        assert got == expected, (
            f"summarize_stream(<the 13 lines of the example in PROMPT.md>): {RULE}"
        )

    @pytest.mark.rule("4.2")
    def test_no_lines_give_no_summaries(self, impl: ModuleType) -> None:
        got = impl.summarize_stream(iter([]))
        expected: list[object] = []
        assert got == expected, "summarize_stream(iter([]))"

    @pytest.mark.rule("4.1")
    def test_bad_and_blank_lines_are_skipped(self, impl: ModuleType) -> None:
        given_lines = ["{", "\n", "[]", line_of((1000, "r-1", "sql", "ok", 8.0)), '{"tool": "sql"}']
        exact = [dict(tool="sql", calls=1, failures=0, error_rate=0.0, p50_ms=8.0, p95_ms=8.0)]
        got = judged(plain(impl.summarize_stream(iter(given_lines))), exact)
        expected = wanted(exact)
        assert got == expected, f"summarize_stream(iter({given_lines!r})): {RULE}"

    @pytest.mark.rule("4.2")
    def test_orders_by_calls_then_tool_name(self, impl: ModuleType) -> None:
        # First seen: "sql", then "fetch", "search", "browser"; the order must not depend on it.
        tools = ["sql", "search", "fetch", "search", "browser", "fetch", "sql", "sql", "email"]
        given_lines = [line_of((1000 + i, "r-1", t, "ok", 5.0)) for i, t in enumerate(tools)]
        got = [(s.tool, s.calls) for s in impl.summarize_stream(iter(given_lines))]
        expected = [("sql", 3), ("fetch", 2), ("search", 2), ("browser", 1), ("email", 1)]
        assert got == expected, (
            f"summarize_stream(<lines of tools {tools}>): (tool, calls), the order of "
            "summarize: most calls first, ties by tool name ascending, not by first appearance"
        )

    @pytest.mark.rule("4.3")
    def test_every_latency_is_reported_within_one_percent(self, impl: ModuleType) -> None:
        # One call per tool, so a tool's p50 and p95 are its one latency. The sweep goes from 1 ms
        # to ~100 s in steps under 2%, so it lands in every part of any reasonable bucketing.
        sweep = [round(1.0195**i, 4) for i in range(600)]
        given_lines = [
            line_of((1000, "r-1", f"tool-{i:03d}", "ok", v)) for i, v in enumerate(sweep)
        ]
        exact = [
            dict(tool=f"tool-{i:03d}", calls=1, failures=0, error_rate=0.0, p50_ms=v, p95_ms=v)
            for i, v in enumerate(sweep)
        ]
        got = judged(plain(impl.summarize_stream(iter(given_lines))), exact)
        expected = wanted(exact)
        assert got == expected, (
            f"summarize_stream(<600 tools of one call each, latencies from 1 ms to 100 s>): {RULE}"
        )

    @pytest.mark.rule("4.4")
    def test_latencies_under_one_ms_report_between_0_and_1(self, impl: ModuleType) -> None:
        given_lines = [line_of((1000, "r-1", "cache", "ok", v)) for v in (0.0, 0.25, 0.5, 0.75)]
        summaries = impl.summarize_stream(iter(given_lines))
        got = [0 <= s.p50_ms <= 1 and 0 <= s.p95_ms <= 1 for s in summaries]
        expected = [True]
        assert got == expected, (
            f"summarize_stream(iter({given_lines!r})) returned {summaries}; any percentile in "
            "[0, 1] is accepted when the exact one is under 1 ms"
        )

    @pytest.mark.rule("4.3", "4.4")
    def test_one_latency_under_one_ms_counts_once_toward_the_rank(
        self, impl: ModuleType, reference: ModuleType
    ) -> None:
        # p50 of three calls is rank 2: the 0.5 ms call is rank 1, so p50 is the 100 ms one.
        given_lines = [
            line_of((1000 + i, "r-1", "cache", "ok", v)) for i, v in enumerate((0.5, 100.0, 200.0))
        ]
        exact = exact_summary(reference, given_lines)
        got = judged(plain(impl.summarize_stream(iter(given_lines))), exact)
        expected = wanted(exact)
        assert got == expected, f"summarize_stream(iter({given_lines!r})): {RULE}"

    @pytest.mark.rule("4.1", "4.5")
    def test_reads_a_one_shot_generator(
        self, impl: ModuleType, reference: ModuleType, seed: int
    ) -> None:
        exact = exact_summary(reference, lines(5000, seed, bad_every=50))
        got = judged(plain(impl.summarize_stream(lines(5000, seed, bad_every=50))), exact)
        expected = wanted(exact)
        assert got == expected, (
            f"summarize_stream(<a generator of 5000 lines, seed {seed}, every 50th bad>): {RULE}"
        )

    @pytest.mark.rule("4.2", "4.3")
    @PROPERTY
    @given(given_lines=log_lines)
    def test_agrees_with_the_exact_summary(
        self, impl: ModuleType, reference: ModuleType, given_lines: list[str]
    ) -> None:
        exact = exact_summary(reference, given_lines)
        got = judged(plain(impl.summarize_stream(iter(given_lines))), exact)
        expected = wanted(exact)
        assert got == expected, f"summarize_stream(iter({given_lines!r})): {RULE}"
