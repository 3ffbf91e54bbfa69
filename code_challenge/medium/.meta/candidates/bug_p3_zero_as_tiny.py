"""Zeros are clamped to 1e-9 and bucketed like any value, so the answer for x = 0 is not 0.0.

verdict: reject part 3
rule: "`percentile(p)`, for `0 <= p <= 100`, returns the **nearest-rank** percentile (the value at rank `ceil(p * n / 100)` of the n values sorted ascending, ranks from 1, never below 1) with **relative error at most 1%** (`RELATIVE_ERROR`): if x is the exact value, the answer is within `0.01 * x` of x; so exactly `0.0` when x is 0."
how: `math.log(max(value, 1e-9))` to avoid log(0), no separate zero counter
differs on: prompt example: percentile(0) is ~1e-9, not exactly 0.0
(base: correct_stdlib.py with one change)
"""

from __future__ import annotations

import math
from collections import deque

RELATIVE_ERROR = 0.01  # Part 3: every percentile within 1% of the exact nearest-rank value

# --- Part 1 --------------------------------------------------------------------------------------


class SlidingWindowCounter:
    """Per-key event counts over the last `window` seconds, in memory that follows the window."""

    def __init__(self, window: float) -> None:
        if not window > 0:
            raise ValueError(f"window must be > 0, got {window!r}")
        self._window = window
        self._events: deque = deque()
        self._counts: dict = {}

    def _expire(self, now: float) -> None:
        limit = now - self._window
        events = self._events
        counts = self._counts
        while events and events[0][0] <= limit:
            _, key = events.popleft()
            c = counts[key] - 1
            if c:
                counts[key] = c
            else:
                del counts[key]

    def add(self, timestamp: float, key: str) -> None:
        self._expire(timestamp)
        self._events.append((timestamp, key))
        self._counts[key] = self._counts.get(key, 0) + 1

    def count(self, key: str, now: float) -> int:
        self._expire(now)
        return self._counts.get(key, 0)


# --- Part 2 --------------------------------------------------------------------------------------


class HeavyHitters:
    """Misra-Gries with m counters."""

    def __init__(self, capacity: int) -> None:
        if not capacity >= 1:
            raise ValueError(f"capacity must be >= 1, got {capacity!r}")
        self._m = capacity
        self._counters: dict = {}
        self._n = 0

    def add(self, key: str) -> None:
        self._n += 1
        counters = self._counters
        if key in counters:
            counters[key] += 1
        elif len(counters) < self._m:
            counters[key] = 1
        else:
            for k in list(counters):
                c = counters[k] - 1
                if c:
                    counters[k] = c
                else:
                    del counters[k]

    def estimate(self, key: str) -> int:
        return self._counters.get(key, 0)

    def heavy_hitters(self) -> dict[str, int]:
        return dict(self._counters)

    def merge(self, other: HeavyHitters) -> HeavyHitters:
        if self._m != other._m:
            raise ValueError("cannot merge summaries of different capacities")
        merged = HeavyHitters(self._m)
        sums = dict(self._counters)
        for k, c in other._counters.items():
            sums[k] = sums.get(k, 0) + c
        if len(sums) > self._m:
            cut = sorted(sums.values(), reverse=True)[self._m]
            sums = {k: c - cut for k, c in sums.items() if c > cut}
        merged._counters = sums
        merged._n = self._n + other._n
        return merged


# --- Part 3 --------------------------------------------------------------------------------------

_ALPHA = 0.0099
_GAMMA = (1 + _ALPHA) / (1 - _ALPHA)
_LOG_GAMMA = math.log(_GAMMA)


class QuantileSketch:
    """Log-bucketed sketch: bucket i holds (g^(i-1), g^i]."""

    def __init__(self) -> None:
        self._buckets: dict = {}
        self._zeros = 0
        self._n = 0

    def add(self, value: float) -> None:
        if not (value >= 0 and math.isfinite(value)):
            raise ValueError(f"value must be finite and >= 0, got {value!r}")
        self._n += 1
        i = math.ceil(math.log(max(value, 1e-9)) / _LOG_GAMMA)
        self._buckets[i] = self._buckets.get(i, 0) + 1

    def percentile(self, p: float) -> float:
        if self._n == 0:
            raise ValueError("percentile of an empty sketch")
        rank = max(1, math.ceil(p * self._n / 100))
        seen = self._zeros
        if seen >= rank:
            return 0.0
        for i in sorted(self._buckets):
            seen += self._buckets[i]
            if seen >= rank:
                return 2 * _GAMMA ** i / (_GAMMA + 1)
        i = max(self._buckets)
        return 2 * _GAMMA ** i / (_GAMMA + 1)

    def merge(self, other: QuantileSketch) -> QuantileSketch:
        merged = QuantileSketch()
        merged._buckets = dict(self._buckets)
        for i, c in other._buckets.items():
            merged._buckets[i] = merged._buckets.get(i, 0) + c
        merged._zeros = self._zeros + other._zeros
        merged._n = self._n + other._n
        return merged
