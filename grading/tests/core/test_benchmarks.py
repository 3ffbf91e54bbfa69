"""Ratios, verdicts and growth exponents computed on plain numbers."""

from __future__ import annotations

import tracemalloc
from types import SimpleNamespace

import pytest

from grading.core import benchmarks


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
        (0.5, "O(n) or O(n log n)"),
        (1.5, "O(n^2)"),
        (2.5, "O(n^3) or worse"),
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


class FakeClock:
    """A process clock that only moves when the timed thunk runs: 5 ms per call."""

    def __init__(self) -> None:
        self.now = 0.0

    def __call__(self) -> float:
        return self.now

    def call(self) -> None:
        self.now += benchmarks.MIN_SAMPLE_SECONDS


def test_calls_per_sample_stops_once_a_sample_lasts_exactly_the_minimum(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    fake = FakeClock()
    monkeypatch.setattr(benchmarks, "clock", fake)
    assert benchmarks._calls_per_sample(fake.call) == 1, "one 5 ms call already lasts long enough"


def test_calls_per_sample_repeats_fast_calls_until_the_sample_is_long_enough(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    fake = FakeClock()
    monkeypatch.setattr(benchmarks, "clock", fake)

    def one_ms() -> None:
        fake.now += 0.001

    # 1 call = 1 ms, 4 calls = 4 ms (too short), 16 calls = 16 ms >= 5 ms.
    assert benchmarks._calls_per_sample(one_ms) == 16


def test_peak_memory_is_net_of_what_was_live_before() -> None:
    tracemalloc.start()
    try:
        held = bytearray(10_000_000)  # live before the thunk runs: not the thunk's peak
        got = benchmarks.peak_memory(lambda: None)
        del held
    finally:
        tracemalloc.stop()
    assert got < 100_000, f"expected a tiny peak for a thunk that allocates nothing, got {got}"


def test_peak_memory_of_a_thunk_that_allocates_nothing_is_zero(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    fake = SimpleNamespace(
        is_tracing=lambda: True,
        reset_peak=lambda: None,
        get_traced_memory=lambda: (5_000, 5_000),  # nothing allocated: peak == baseline
    )
    monkeypatch.setattr(benchmarks, "tracemalloc", fake)
    assert benchmarks.peak_memory(lambda: None) == 0


def test_describe_memory_growth_reads_like_the_scorecard() -> None:
    got = benchmarks.describe_memory_growth(
        [1_000, 2_000, 4_000, 8_000], [12 * 1024, 12 * 1024, 13 * 1024, 30 * 1024]
    )
    assert got == "peak 12 KiB at n=1,000 → 30 KiB at n=8,000 (2.5x for 8x the input)"


def test_memory_ratio_floor_is_64_kib() -> None:
    # A reference with no measurable peak counts as 64 KiB: 128 KiB is then exactly 2x.
    assert benchmarks.memory_ratio(128 * 1024, 0) == 2.0
    assert benchmarks.memory_ratio(64 * 1024, 0) == 1.0


def test_a_ratio_that_grows_with_n_is_a_worse_class_even_under_the_limit() -> None:
    sizes = [1000, 2000, 4000, 8000]
    quadratic, linear = [s * s for s in sizes], [float(s) for s in sizes]
    growth = benchmarks.ratio_growth(sizes, [q / 4000 for q in quadratic], linear)
    assert round(growth, 6) == 1.0, "O(n^2) over O(n): the ratio grows like n"
    got = benchmarks.speed_verdict(2.0, limit=3.0, growth=growth)
    assert (got.passed, got.label) == (False, "grows faster than reference")


def test_a_flat_ratio_or_a_barely_slower_one_passes_whatever_its_growth() -> None:
    sizes = [1000, 2000, 4000, 8000]
    constant = benchmarks.ratio_growth(sizes, [2.5 * s for s in sizes], [float(s) for s in sizes])
    assert abs(constant) < 1e-9, "a constant factor keeps the ratio flat"
    assert benchmarks.speed_verdict(2.5, limit=3.0, growth=constant).passed
    assert benchmarks.speed_verdict(1.4, limit=3.0, growth=1.0).passed, "not clearly slower yet"
    assert benchmarks.speed_verdict(1.6, limit=3.0, growth=0.5).passed, "0.5 is the edge, not over"


def test_memory_that_grows_where_the_reference_s_is_bounded_fails_under_the_limit() -> None:
    got = benchmarks.memory_verdict(2.0, limit=3.0, growth=0.9)
    assert (got.passed, got.label) == (False, "memory grows faster than reference")
    assert benchmarks.memory_verdict(2.0, limit=3.0, growth=0.2).passed
