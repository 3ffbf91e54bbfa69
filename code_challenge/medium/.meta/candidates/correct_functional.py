"""Functional style: run-length window, Counter-based Misra-Gries, heapq merge, accumulate+bisect.

verdict: accept
how: consecutive identical (timestamp, key) events collapse into one run; MG through Counter
     arithmetic; merge cuts with heapq.nlargest; floor-log buckets (gamma 1.02) reported at the
     geometric middle, percentile by itertools.accumulate and bisect.
differs on: n/a
"""

from __future__ import annotations

import heapq
import math
from bisect import bisect_left
from collections import Counter, deque
from itertools import accumulate

RELATIVE_ERROR = 0.01  # Part 3: every percentile within 1% of the exact nearest-rank value

# --- Part 1 --------------------------------------------------------------------------------------


class SlidingWindowCounter:
    """Per-key event counts over the last `window` seconds, in memory that follows the window."""

    __slots__ = ("_window", "_runs", "_live")

    def __init__(self, window: float) -> None:
        if window <= 0 or window != window:
            raise ValueError("window must be positive")
        self._window = window
        self._runs: deque = deque()  # [timestamp, key, how many] in time order
        self._live: dict = {}

    def _drop_old(self, now: float) -> None:
        runs, live = self._runs, self._live
        edge = now - self._window
        while runs and runs[0][0] <= edge:
            _, key, n = runs.popleft()
            rest = live.pop(key) - n
            if rest > 0:
                live[key] = rest

    def add(self, timestamp: float, key: str) -> None:
        self._drop_old(timestamp)
        runs = self._runs
        if runs and runs[-1][0] == timestamp and runs[-1][1] == key:
            runs[-1][2] += 1
        else:
            runs.append([timestamp, key, 1])
        self._live[key] = self._live.get(key, 0) + 1

    def count(self, key: str, now: float) -> int:
        self._drop_old(now)
        return self._live.get(key, 0)


# --- Part 2 --------------------------------------------------------------------------------------


def _cut_to(counters: Counter, m: int) -> Counter:
    """Agarwal et al.: subtract the (m+1)-th largest counter from all, keep the positive ones."""
    if len(counters) <= m:
        return Counter(counters)
    cut = heapq.nlargest(m + 1, counters.values())[-1]
    return Counter({k: c - cut for k, c in counters.items() if c > cut})


class HeavyHitters:
    """Misra-Gries summary kept in a Counter."""

    def __init__(self, capacity: int) -> None:
        if capacity < 1:
            raise ValueError("need at least one counter")
        self.capacity = capacity
        self._c: Counter = Counter()

    def add(self, key: str) -> None:
        c = self._c
        if key in c or len(c) < self.capacity:
            c[key] += 1
        else:
            c.subtract(dict.fromkeys(c, 1))
            self._c = +c  # unary plus keeps only the positive counters

    def estimate(self, key: str) -> int:
        return self._c.get(key, 0)

    def heavy_hitters(self) -> dict[str, int]:
        return dict(self._c)

    def merge(self, other: HeavyHitters) -> HeavyHitters:
        if other.capacity != self.capacity:
            raise ValueError("capacity mismatch")
        out = HeavyHitters(self.capacity)
        out._c = _cut_to(self._c + other._c, self.capacity)
        return out


# --- Part 3 --------------------------------------------------------------------------------------

_GAMMA = 1.02
_LOG_GAMMA = math.log(_GAMMA)
_HALF = math.sqrt(_GAMMA)  # geometric middle of [g^i, g^(i+1)): relative error < 0.995%


class QuantileSketch:
    """Bucket i holds [1.02^i, 1.02^(i+1)); zeros are counted apart."""

    def __init__(self) -> None:
        self._bins: Counter = Counter()
        self._zero = 0

    def add(self, value: float) -> None:
        if not 0 <= value < math.inf:  # False for nan, inf and negatives
            raise ValueError(f"bad value {value!r}")
        if value == 0:
            self._zero += 1
        else:
            self._bins[math.floor(math.log(value) / _LOG_GAMMA)] += 1

    def _total(self) -> int:
        return self._zero + sum(self._bins.values())

    def percentile(self, p: float) -> float:
        n = self._total()
        if n == 0:
            raise ValueError("empty sketch")
        rank = max(1, math.ceil(p * n / 100))
        if rank <= self._zero:
            return 0.0
        keys = sorted(self._bins)
        cumulative = list(accumulate((self._bins[k] for k in keys), initial=self._zero))[1:]
        pos = min(bisect_left(cumulative, rank), len(keys) - 1)
        return _GAMMA ** keys[pos] * _HALF

    def merge(self, other: QuantileSketch) -> QuantileSketch:
        out = QuantileSketch()
        out._bins = self._bins + other._bins
        out._zero = self._zero + other._zero
        return out
