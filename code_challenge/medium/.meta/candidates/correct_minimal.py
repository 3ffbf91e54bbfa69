"""Minimal: deque + dict window, terse Misra-Gries, gamma 1.02 floor buckets.

verdict: accept
how: fewest lines that keep every rule; MG rebuilt by a dict comprehension on each
     decrement; bucket floor(log_1.02 v) reported at 2*g^(i+1)/(g+1).
differs on: n/a
"""

from __future__ import annotations

import math
from collections import deque

RELATIVE_ERROR = 0.01  # Part 3: every percentile within 1% of the exact nearest-rank value

# --- Part 1 --------------------------------------------------------------------------------------


class SlidingWindowCounter:
    def __init__(self, window: float) -> None:
        if not window > 0:
            raise ValueError("window")
        self.window = window
        self.q = deque()
        self.n = {}

    def _expire(self, now: float) -> None:
        while self.q and self.q[0][0] <= now - self.window:
            key = self.q.popleft()[1]
            if self.n[key] == 1:
                del self.n[key]
            else:
                self.n[key] -= 1

    def add(self, timestamp: float, key: str) -> None:
        self._expire(timestamp)
        self.q.append((timestamp, key))
        self.n[key] = self.n.get(key, 0) + 1

    def count(self, key: str, now: float) -> int:
        self._expire(now)
        return self.n.get(key, 0)


# --- Part 2 --------------------------------------------------------------------------------------


class HeavyHitters:
    def __init__(self, capacity: int) -> None:
        if capacity < 1:
            raise ValueError("capacity")
        self.m = capacity
        self.c = {}

    def add(self, key: str) -> None:
        if key in self.c or len(self.c) < self.m:
            self.c[key] = self.c.get(key, 0) + 1
        else:
            self.c = {k: v - 1 for k, v in self.c.items() if v > 1}

    def estimate(self, key: str) -> int:
        return self.c.get(key, 0)

    def heavy_hitters(self) -> dict[str, int]:
        return self.c.copy()

    def merge(self, other: HeavyHitters) -> HeavyHitters:
        if self.m != other.m:
            raise ValueError("capacity")
        s = {k: self.c.get(k, 0) + other.c.get(k, 0) for k in self.c.keys() | other.c.keys()}
        cut = sorted(s.values(), reverse=True)[self.m] if len(s) > self.m else 0
        out = HeavyHitters(self.m)
        out.c = {k: v - cut for k, v in s.items() if v > cut}
        return out


# --- Part 3 --------------------------------------------------------------------------------------

G = 1.02


class QuantileSketch:
    def __init__(self) -> None:
        self.b = {}
        self.zeros = 0
        self.n = 0

    def add(self, value: float) -> None:
        if not (value >= 0 and value != math.inf):
            raise ValueError("value")
        self.n += 1
        if value == 0:
            self.zeros += 1
        else:
            i = math.floor(math.log(value, G))
            self.b[i] = self.b.get(i, 0) + 1

    def percentile(self, p: float) -> float:
        if not self.n:
            raise ValueError("empty")
        rank = max(1, math.ceil(p * self.n / 100))
        seen = self.zeros
        if seen >= rank:
            return 0.0
        for i in sorted(self.b):
            seen += self.b[i]
            if seen >= rank:
                break
        return 2 * G ** (i + 1) / (G + 1)

    def merge(self, other: QuantileSketch) -> QuantileSketch:
        out = QuantileSketch()
        out.b = {i: self.b.get(i, 0) + other.b.get(i, 0) for i in self.b.keys() | other.b.keys()}
        out.zeros = self.zeros + other.zeros
        out.n = self.n + other.n
        return out
