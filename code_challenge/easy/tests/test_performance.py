"""Benchmarks (run with --bench): your functions beside the reference and the naive baseline,
measured in the same run on the workloads declared in `workloads.py`. Verdicts are ratios to the
reference, never absolute times."""

from __future__ import annotations

import pytest

from grading.core import Compare


@pytest.mark.bench
@pytest.mark.part(2)
class TestPart2SummaryBench:
    def test_summarize_is_as_fast_as_the_reference(self, compare: Compare) -> None:
        compare.run("summarize")


@pytest.mark.bench
@pytest.mark.part(3)
class TestPart3SlowestRunsBench:
    def test_slowest_runs_is_as_fast_as_the_reference(self, compare: Compare) -> None:
        compare.run("slowest_runs")


@pytest.mark.bench
@pytest.mark.part(4)
class TestPart4StreamBench:
    def test_summarize_stream_memory_does_not_grow_with_the_log(self, compare: Compare) -> None:
        compare.run("summarize_stream")
