"""Naive baseline for the telemetry aggregator: exact answers, memory that grows with the stream.

The benchmarks measure it beside the reference, to show what bounded memory buys:
- SlidingWindowCounter keeps every event ever added and rescans them all on each query: memory
  O(n) and O(n) per query, O(n^2) over a query-heavy stream;
- HeavyHitters keeps an exact Counter: memory grows with the number of distinct keys;
- QuantileSketch keeps every value and sorts on each query: memory O(n).
Every answer is exact, so every correctness test passes except the bounded-memory ones of
tests/test_memory.py, which skip themselves for `--impl naive` (verify requires this baseline's
correctness parts to pass; the same file under any other name fails them, as it should).
"""

from __future__ import annotations

import math
from collections import Counter

RELATIVE_ERROR = 0.01  # Part 3: every percentile within 1% of the exact nearest-rank value

# --- Part 1 --------------------------------------------------------------------------------------


class SlidingWindowCounter:
    """Per-key event counts over the last `window` seconds."""

    def __init__(self, window: float) -> None:
        """A counter over windows of `window` seconds; raises ValueError unless window > 0."""
        if not window > 0:
            raise ValueError(f"window must be > 0 seconds, got {window!r}")
        self._window = window
        self._events: list[tuple[float, str]] = []  # every event, forever

    def add(self, timestamp: float, key: str) -> None:
        """Record one event of `key` at `timestamp` (never earlier than the previous call's time)."""
        self._events.append((timestamp, key))

    def count(self, key: str, now: float) -> int:
        """How many events of `key` have a timestamp in (now - window, now]; 0 for unseen keys."""
        horizon = now - self._window
        return sum(1 for t, k in self._events if k == key and horizon < t <= now)


# --- Part 2 --------------------------------------------------------------------------------------


class HeavyHitters:
    """Exact counts of every key, reported as if by a summary of `capacity` (m) counters."""

    def __init__(self, capacity: int) -> None:
        """A summary with `capacity` (m) counters; raises ValueError unless capacity >= 1."""
        if capacity < 1:
            raise ValueError(f"capacity must be at least 1 counter, got {capacity!r}")
        self._capacity = capacity
        self._counts: Counter[str] = Counter()  # one entry per distinct key, forever

    def add(self, key: str) -> None:
        """Count one event of `key`."""
        self._counts[key] += 1

    def estimate(self, key: str) -> int:
        """The exact count of `key` when it is among the m keys held; 0 for a key it does not
        hold, as PROMPT.md asks of every summary."""
        return self.heavy_hitters().get(key, 0)

    def heavy_hitters(self) -> dict[str, int]:
        """The m most frequent keys, exactly counted: every key with more than n / m of the
        events is among them, since fewer than m keys can each have that many."""
        return dict(self._counts.most_common(self._capacity))

    def merge(self, other: HeavyHitters) -> HeavyHitters:
        """Exact counts of both streams together; neither input changes."""
        if other._capacity != self._capacity:
            raise ValueError(
                f"cannot merge summaries of {self._capacity} and {other._capacity} counters"
            )
        merged = HeavyHitters(self._capacity)
        merged._counts = self._counts + other._counts
        return merged


# --- Part 3 --------------------------------------------------------------------------------------


class QuantileSketch:
    """Exact percentiles: every value is kept."""

    def __init__(self) -> None:
        """An empty sketch."""
        self._values: list[float] = []  # every value, forever

    def add(self, value: float) -> None:
        """Record one value; raises ValueError unless it is finite and >= 0."""
        if not 0 <= value < math.inf:
            raise ValueError(f"values must be finite and >= 0, got {value!r}")
        self._values.append(value)

    def percentile(self, p: float) -> float:
        """The exact nearest-rank p-th percentile; raises ValueError when nothing was added."""
        if not self._values:
            raise ValueError("percentile() of an empty sketch")
        ordered = sorted(self._values)
        return ordered[max(1, math.ceil(p * len(ordered) / 100)) - 1]

    def merge(self, other: QuantileSketch) -> QuantileSketch:
        """Every value of both streams; neither input changes."""
        merged = QuantileSketch()
        merged._values = self._values + other._values
        return merged
