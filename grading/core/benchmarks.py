"""Same-run performance comparisons: learner vs reference vs naive.

Glossary:
- contender: one implementation being measured (`yours`, `reference`, `naive`).
- ratio: contender time (or peak memory) divided by the reference's, measured in the same run.
- slope: the empirical growth exponent, the least-squares slope of log(time) over log(n) for
  sizes n, 2n, 4n, 8n: ~1 for O(n) or O(n log n), ~2 for O(n^2).

No absolute time is ever judged: machines are shared and noisy, ratios measured side by side are
not. Time is this process's CPU time (`time.process_time`), not the wall clock: on a loaded
machine the wall clock also counts the time the scheduler gave to other processes, which made
the reference measured against itself range 0.4x-4x; CPU time kept it within a few percent.
Contenders are interleaved (A B C, B C A, ...) so what disturbance remains (caches, frequency
scaling) hits all of them alike, and each keeps its fastest repeat.
"""

from __future__ import annotations

import gc
import math
import time
import tracemalloc
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass

Thunk = Callable[[], object]

# A single timed sample shorter than this is mostly timer noise: repeat the call inside it.
MIN_SAMPLE_SECONDS = 0.005
clock = time.process_time


@dataclass(frozen=True)
class Timing:
    contender: str
    size: int
    best_seconds: float  # per call, fastest sample
    median_seconds: float


@dataclass(frozen=True)
class Verdict:
    ratio: float
    label: str  # "ok", "faster than reference", "slower than reference", "too slow", ...
    passed: bool


def _calls_per_sample(thunk: Thunk) -> int:
    """How many calls make one sample last at least MIN_SAMPLE_SECONDS (like timeit.autorange)."""
    number = 1
    while True:
        start = clock()
        for _ in range(number):
            thunk()
        if clock() - start >= MIN_SAMPLE_SECONDS or number >= 1 << 16:
            return number
        number *= 4


def time_interleaved(
    thunks: Mapping[str, Thunk], repeats: int = 5
) -> dict[str, tuple[float, float]]:
    """Time each thunk `repeats` times, rotating the order every round.

    Returns contender -> (best, median) seconds per call. Garbage collection is paused while
    sampling, as timeit does, so one contender's garbage is not collected on another's clock.
    """
    names = list(thunks)
    numbers = {name: _calls_per_sample(thunks[name]) for name in names}
    samples: dict[str, list[float]] = {name: [] for name in names}
    gc_was_enabled = gc.isenabled()
    gc.disable()
    try:
        for round_index in range(repeats):
            shift = round_index % len(names)
            for name in names[shift:] + names[:shift]:
                thunk, number = thunks[name], numbers[name]
                start = clock()
                for _ in range(number):
                    thunk()
                samples[name].append((clock() - start) / number)
            gc.collect()
    finally:
        if gc_was_enabled:
            gc.enable()
    return {
        name: (min(values), sorted(values)[len(values) // 2]) for name, values in samples.items()
    }


def peak_memory(thunk: Thunk) -> int:
    """Peak bytes allocated by Python while `thunk` runs (tracemalloc), net of what was live before."""
    gc.collect()
    already_tracing = tracemalloc.is_tracing()
    if not already_tracing:
        tracemalloc.start()
    try:
        tracemalloc.reset_peak()
        baseline, _ = tracemalloc.get_traced_memory()
        thunk()
        _, peak = tracemalloc.get_traced_memory()
    finally:
        if not already_tracing:
            tracemalloc.stop()
    return max(peak - baseline, 0)


def growth_slope(sizes: Sequence[int], seconds: Sequence[float]) -> float:
    """Least-squares slope of log(seconds) against log(size)."""
    if len(sizes) != len(seconds) or len(sizes) < 2:
        raise ValueError("growth_slope needs at least two (size, seconds) pairs of equal length")
    xs = [math.log(s) for s in sizes]
    ys = [math.log(max(t, 1e-12)) for t in seconds]
    mean_x, mean_y = sum(xs) / len(xs), sum(ys) / len(ys)
    spread = sum((x - mean_x) ** 2 for x in xs)
    if spread == 0:
        raise ValueError("growth_slope needs at least two different sizes")
    return sum((x - mean_x) * (y - mean_y) for x, y in zip(xs, ys, strict=True)) / spread


def complexity_name(slope: float) -> str:
    """The usual name for an empirical slope: 1.03 -> 'O(n)', 1.9 -> 'O(n^2)'."""
    if slope < 0.5:
        return "O(1) or O(log n)"
    if slope < 1.5:
        return "O(n) or O(n log n)"
    if slope < 2.5:
        return "O(n^2)"
    return "O(n^3) or worse"


def describe_growth(slope: float, target: str) -> str:
    """`looks O(n^2), slope 1.97; target O(n log n)`."""
    return f"looks {complexity_name(slope)}, slope {slope:.2f}; target {target}"


def describe_memory_growth(sizes: Sequence[int], peaks: Sequence[int]) -> str:
    """`peak 12 KiB at n=1,000 → 13 KiB at n=8,000 (1.1x for 8x the input)`."""
    factor = max(peaks[-1], 1) / max(peaks[0], 1)
    return (
        f"peak {peaks[0] / 1024:,.0f} KiB at n={sizes[0]:,} → {peaks[-1] / 1024:,.0f} KiB at "
        f"n={sizes[-1]:,} ({factor:.1f}x for {sizes[-1] / sizes[0]:g}x the input)"
    )


# One ratio at one size cannot tell a worse complexity class from a bigger constant: a rescan per
# item reads 2.9x at 8 tools and 31x at 128. So a verdict also judges how the ratio grows over the
# sizes: a ratio that grows like n^0.5 or faster (O(n^2) against O(n) grows like n^1) is a worse
# class, once it is clearly slower; a constant factor keeps the ratio flat, O(n log n) against
# O(n) adds a slope of about 0.1.
GROWTH_LIMIT = 0.5
GROWTH_MIN_RATIO = 1.5


def ratio_growth(sizes: Sequence[int], yours: Sequence[float], reference: Sequence[float]) -> float:
    """The slope of log(yours / reference) over log(n): 0 for the same complexity class."""
    ratios = [max(a, 1e-12) / max(b, 1e-12) for a, b in zip(yours, reference, strict=True)]
    return growth_slope(sizes, ratios)


def speed_verdict(ratio: float, limit: float, growth: float = 0.0) -> Verdict:
    """Judge a time ratio (contender / reference) at the largest size, and its `growth` over the
    sizes (see ratio_growth): beyond `limit`, or growing faster than the reference's, fails."""
    if ratio > limit:
        return Verdict(ratio, "too slow", passed=False)
    if growth > GROWTH_LIMIT and ratio > GROWTH_MIN_RATIO:
        return Verdict(ratio, "grows faster than reference", passed=False)
    if ratio > 1.5:
        return Verdict(ratio, "slower than reference", passed=True)
    if ratio < 0.67:
        return Verdict(ratio, "faster than reference", passed=True)
    return Verdict(ratio, "ok", passed=True)


# Peaks below this are noise (interpreter caches, small temporaries), not a design choice.
MEMORY_FLOOR_BYTES = 64 * 1024


def memory_ratio(contender_bytes: int, reference_bytes: int) -> float:
    """Peak-memory ratio, with both sides raised to MEMORY_FLOOR_BYTES so tiny peaks compare as equal."""
    return max(contender_bytes, MEMORY_FLOOR_BYTES) / max(reference_bytes, MEMORY_FLOOR_BYTES)


def memory_verdict(ratio: float, limit: float, growth: float = 0.0) -> Verdict:
    """Judge a peak-memory ratio (contender / reference) and its growth over the sizes: memory
    that grows with the input where the reference's stays bounded fails before it reaches `limit`."""
    if ratio > limit:
        return Verdict(ratio, "too much memory", passed=False)
    if growth > GROWTH_LIMIT and ratio > GROWTH_MIN_RATIO:
        return Verdict(ratio, "memory grows faster than reference", passed=False)
    if ratio > 1.5:
        return Verdict(ratio, "more memory than reference", passed=True)
    return Verdict(ratio, "ok", passed=True)


def format_ratio(verdict: Verdict) -> str:
    """`9.8x reference — too slow`."""
    return f"{verdict.ratio:.1f}x reference — {verdict.label}"
