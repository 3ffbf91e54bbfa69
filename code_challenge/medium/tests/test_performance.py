"""Benchmarks (run with --bench): your classes beside the reference and the naive baseline,
measured in the same run on the workloads declared in `workloads.py`. Verdicts are ratios to the
reference, never absolute times."""

from __future__ import annotations

import pytest

from grading.core import Compare


@pytest.mark.bench
@pytest.mark.part(1)
class TestPart1WindowBench:
    def test_window_counts_are_as_fast_as_the_reference(self, compare: Compare) -> None:
        compare.run("window_counts")

    def test_window_memory_is_as_small_as_the_reference(self, compare: Compare) -> None:
        compare.run("window_memory")


@pytest.mark.bench
@pytest.mark.part(2)
class TestPart2HeavyHittersBench:
    def test_heavy_hitters_memory_is_as_small_as_the_reference(self, compare: Compare) -> None:
        compare.run("heavy_hitters_memory")


@pytest.mark.bench
@pytest.mark.part(3)
class TestPart3QuantilesBench:
    def test_quantiles_memory_is_as_small_as_the_reference(self, compare: Compare) -> None:
        compare.run("quantiles_memory")
