"""Benchmarks (run with --bench): your functions beside the reference and the naive baseline,
measured in the same run on the workloads declared in `workloads.py`. Verdicts are ratios to the
reference, never absolute times."""

from __future__ import annotations

import pytest

from grading.core import Compare


@pytest.mark.bench
@pytest.mark.part(1)
class TestPart1ParseBench:
    @pytest.mark.rule("1.18", "1.19")
    def test_parse_log_is_as_fast_as_the_reference(self, compare: Compare) -> None:
        compare.run("parse_log")


@pytest.mark.bench
@pytest.mark.part(2)
class TestPart2SummaryBench:
    @pytest.mark.rule("2.12", "2.13")
    def test_summarize_is_as_fast_as_the_reference(self, compare: Compare) -> None:
        compare.run("summarize")


@pytest.mark.bench
@pytest.mark.part(3)
class TestPart3SlowestRunsBench:
    @pytest.mark.rule("3.8", "3.9")
    def test_slowest_runs_is_as_fast_as_the_reference(self, compare: Compare) -> None:
        compare.run("slowest_runs")

    @pytest.mark.rule("3.8")
    def test_slowest_runs_memory_grows_with_runs_not_events(self, compare: Compare) -> None:
        compare.run("slowest_runs_memory")


@pytest.mark.bench
@pytest.mark.part(4)
class TestPart4StreamBench:
    @pytest.mark.rule("4.1", "4.5", "4.6")
    def test_summarize_stream_memory_does_not_grow_with_the_log(self, compare: Compare) -> None:
        compare.run("summarize_stream")
