"""Benchmarks (run with --bench): your classes beside the reference and the naive baseline,
measured in the same run on the workloads declared in `workloads.py`. Verdicts are ratios to the
reference, never absolute times."""

from __future__ import annotations

import pytest

from grading.core import Compare


@pytest.mark.bench
@pytest.mark.part(1)
class TestPart1WindowBench:
    @pytest.mark.rule("1.8")
    def test_window_counts_are_as_fast_as_the_reference(self, compare: Compare) -> None:
        compare.run("window_counts")

    @pytest.mark.rule("1.8", "1.9")
    def test_window_counts_stay_fast_when_the_window_grows(self, compare: Compare) -> None:
        compare.run("window_counts_wide")

    @pytest.mark.rule("1.8", "1.9")
    def test_window_expiry_stays_fast_when_the_window_grows(self, compare: Compare) -> None:
        compare.run("window_expiry_wide")

    @pytest.mark.rule("1.10")
    def test_window_memory_is_as_small_as_the_reference(self, compare: Compare) -> None:
        compare.run("window_memory")


@pytest.mark.bench
@pytest.mark.part(2)
class TestPart2HeavyHittersBench:
    @pytest.mark.rule("2.12")
    def test_heavy_hitters_memory_is_as_small_as_the_reference(self, compare: Compare) -> None:
        compare.run("heavy_hitters_memory")


@pytest.mark.bench
@pytest.mark.part(3)
class TestPart3QuantilesBench:
    @pytest.mark.rule("3.6")
    def test_quantiles_memory_is_as_small_as_the_reference(self, compare: Compare) -> None:
        compare.run("quantiles_memory")
