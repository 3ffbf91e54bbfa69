"""Ratios, verdicts and growth exponents computed on plain numbers."""

from __future__ import annotations

import pytest

from grading import benchmarks


@pytest.mark.parametrize(
    ("seconds", "expected"),
    [
        ([1.0, 2.0, 4.0, 8.0], 1.0),
        ([1.0, 4.0, 16.0, 64.0], 2.0),
        ([5.0, 5.0, 5.0, 5.0], 0.0),
    ],
    ids=["linear", "quadratic", "constant"],
)
def test_growth_slope_recovers_the_exponent(seconds: list[float], expected: float) -> None:
    got = benchmarks.growth_slope([100, 200, 400, 800], seconds)
    assert got == pytest.approx(expected, abs=1e-9)


def test_growth_slope_needs_two_distinct_sizes() -> None:
    with pytest.raises(ValueError, match="at least two different sizes"):
        benchmarks.growth_slope([100, 100], [1.0, 2.0])


@pytest.mark.parametrize(
    ("slope", "name"),
    [
        (0.1, "O(1) or O(log n)"),
        (1.1, "O(n) or O(n log n)"),
        (1.97, "O(n^2)"),
        (3.0, "O(n^3) or worse"),
    ],
)
def test_complexity_names(slope: float, name: str) -> None:
    assert benchmarks.complexity_name(slope) == name


def test_describe_growth_reads_like_the_scorecard() -> None:
    got = benchmarks.describe_growth(1.9, "O(n log n)")
    assert got == "looks O(n^2), slope 1.90; target O(n log n)"


@pytest.mark.parametrize(
    ("ratio", "label", "passed"),
    [
        (0.5, "faster than reference", True),
        (1.0, "ok", True),
        (1.3, "ok", True),
        (2.0, "slower than reference", True),
        (3.0, "slower than reference", True),
        (9.8, "too slow", False),
    ],
)
def test_speed_verdict_fails_only_beyond_the_limit(ratio: float, label: str, passed: bool) -> None:
    got = benchmarks.speed_verdict(ratio, limit=3.0)
    assert (got.label, got.passed) == (label, passed)


def test_format_ratio() -> None:
    assert (
        benchmarks.format_ratio(benchmarks.speed_verdict(9.8, 3.0)) == "9.8x reference — too slow"
    )


def test_memory_ratio_treats_tiny_peaks_as_equal() -> None:
    assert benchmarks.memory_ratio(10, 1_000) == 1.0
    assert benchmarks.memory_ratio(10 * 1024 * 1024, 1024 * 1024) == pytest.approx(10.0)
    assert not benchmarks.memory_verdict(10.0, limit=3.0).passed


def test_peak_memory_sees_a_large_list_and_not_a_small_one() -> None:
    big = benchmarks.peak_memory(lambda: list(range(200_000)))
    small = benchmarks.peak_memory(lambda: sum(range(200_000)))
    assert big > 1_000_000 > small


def test_time_interleaved_returns_best_and_median_per_contender() -> None:
    got = benchmarks.time_interleaved({"a": lambda: sum(range(100)), "b": lambda: None}, repeats=3)
    assert set(got) == {"a", "b"}
    assert all(0 < best <= median for best, median in got.values())
