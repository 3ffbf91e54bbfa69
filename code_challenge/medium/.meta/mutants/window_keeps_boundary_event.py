"""Mutant: an event exactly `window` seconds old is still counted (`<` instead of `<=`).

The window is (now - window, now]: at now = 60 with a 60 s window, the event at 0 has left.
Caught by: Part 1
"""

from __future__ import annotations

import math
from collections import deque

RELATIVE_ERROR = 0.01  # Part 3: every percentile within 1% of the exact nearest-rank value

# --- Part 1 --------------------------------------------------------------------------------------


class SlidingWindowCounter:
    """Per-key event counts over the last `window` seconds, in memory that follows the window."""

    __slots__ = ("_counts", "_events", "_window")

    def __init__(self, window: float) -> None:
        """A counter over windows of `window` seconds; raises ValueError unless window > 0."""
        if not window > 0:  # `not >` also rejects NaN
            raise ValueError(f"window must be > 0 seconds, got {window!r}")
        self._window = window
        self._events: deque[tuple[float, str]] = deque()
        self._counts: dict[str, int] = {}

    def add(self, timestamp: float, key: str) -> None:
        """Record one event of `key` at `timestamp` (never earlier than the previous call's time)."""
        self._expire(timestamp)
        self._events.append((timestamp, key))
        counts = self._counts
        counts[key] = counts.get(key, 0) + 1

    def count(self, key: str, now: float) -> int:
        """How many events of `key` have a timestamp in (now - window, now]; 0 for unseen keys."""
        self._expire(now)
        return self._counts.get(key, 0)

    def _expire(self, now: float) -> None:
        # Time only moves forward, so an event that has left the window never comes back: each
        # event is appended once and popped once, O(1) amortized however the calls interleave.
        horizon = now - self._window
        events, counts = self._events, self._counts
        while events and events[0][0] < horizon:
            _, key = events.popleft()
            left = counts[key] - 1
            if left:
                counts[key] = left
            else:
                del counts[key]  # a key with no event in the window costs nothing


# --- Part 2 --------------------------------------------------------------------------------------


class HeavyHitters:
    """Approximate counts in `capacity` (m) counters: after n events every estimate is within
    n / m of the true count, and every key with more than n / m of the events is held."""

    # Misra–Gries: estimates never exceed the truth and trail it by at most n / (m + 1).

    __slots__ = ("_capacity", "_counters")

    def __init__(self, capacity: int) -> None:
        """A summary with `capacity` (m) counters; raises ValueError unless capacity >= 1."""
        if capacity < 1:
            raise ValueError(f"capacity must be at least 1 counter, got {capacity!r}")
        self._capacity = capacity
        self._counters: dict[str, int] = {}

    def add(self, key: str) -> None:
        """Count one event of `key`."""
        counters = self._counters
        if key in counters:
            counters[key] += 1
        elif len(counters) < self._capacity:
            counters[key] = 1
        else:
            # The new event cancels one event of each held key: m + 1 events vanish at once, which
            # can happen at most n / (m + 1) times, so no estimate falls further behind than that.
            # Each O(m) decrement is paid for by the m increments it erases: O(1) amortized.
            self._counters = {k: c - 1 for k, c in counters.items() if c > 1}

    def estimate(self, key: str) -> int:
        """The estimated count of `key`: within n / m of the truth; 0 if `key` is not held."""
        return self._counters.get(key, 0)

    def heavy_hitters(self) -> dict[str, int]:
        """The held keys (at most m) with their estimates; every key with more than n / m of the
        events is among them. A new dict: changing it does not change the summary."""
        return dict(self._counters)

    def merge(self, other: HeavyHitters) -> HeavyHitters:
        """A new summary of both streams together, within (n1 + n2) / m; neither input changes.
        Raises ValueError when the capacities differ."""
        if other._capacity != self._capacity:
            raise ValueError(
                f"cannot merge summaries of {self._capacity} and {other._capacity} counters"
            )
        summed = dict(self._counters)
        for key, count in other._counters.items():
            summed[key] = summed.get(key, 0) + count
        merged = HeavyHitters(self._capacity)
        if len(summed) > self._capacity:
            # Subtracting the (m+1)-th largest count from all removes at least (m+1) times what it
            # adds to any one key's error: the Misra–Gries bound survives (Agarwal et al., 2012).
            cut = sorted(summed.values(), reverse=True)[self._capacity]
            summed = {k: c - cut for k, c in summed.items() if c > cut}
        merged._counters = summed
        return merged


# --- Part 3 --------------------------------------------------------------------------------------

# Bucket i holds the values in [GAMMA**i, GAMMA**(i+1)). Reporting 2 * GAMMA**(i+1) / (GAMMA + 1)
# is off by at most (GAMMA - 1) / (GAMMA + 1) = 0.99% wherever the value sits in its bucket; and
# 12 decades of values (1 µs to 11 days, in seconds) need only ~1,400 buckets.
_GAMMA = 1.02
_LOG_GAMMA = math.log(_GAMMA)


class QuantileSketch:
    """Percentiles of a stream of non-negative values within 1% relative error, in memory that
    grows with log(largest / smallest value), never with the number of values."""

    __slots__ = ("_buckets", "_count", "_zeros")

    def __init__(self) -> None:
        """An empty sketch."""
        self._buckets: dict[int, int] = {}
        self._count = 0
        self._zeros = 0

    def add(self, value: float) -> None:
        """Record one value; raises ValueError unless it is finite and >= 0."""
        if not 0 <= value < math.inf:  # also rejects NaN, for which every comparison is False
            raise ValueError(f"values must be finite and >= 0, got {value!r}")
        self._count += 1
        if value == 0:
            self._zeros += 1  # log(0) is undefined, and 0 must come back exactly
            return
        # floor, not int(): int() rounds toward zero, which puts 0.5 in the bucket of 1.0.
        index = math.floor(math.log(value) / _LOG_GAMMA)
        buckets = self._buckets
        buckets[index] = buckets.get(index, 0) + 1

    def percentile(self, p: float) -> float:
        """The nearest-rank p-th percentile (0 <= p <= 100) of the values added, within 1% of the
        exact value (exactly 0.0 when that is 0). Raises ValueError when nothing was added."""
        if not self._count:
            raise ValueError("percentile() of an empty sketch")
        rank = max(1, math.ceil(p * self._count / 100))
        seen = self._zeros
        if seen >= rank:
            return 0.0
        buckets = self._buckets
        for index in sorted(buckets):
            seen += buckets[index]
            if seen >= rank:
                return 2 * _GAMMA ** (index + 1) / (_GAMMA + 1)
        raise AssertionError("rank beyond the number of values")  # unreachable: rank <= count

    def merge(self, other: QuantileSketch) -> QuantileSketch:
        """A new sketch of both streams together, as accurate as either; neither input changes."""
        merged = QuantileSketch()
        # Same buckets on every shard, so adding counts gives exactly the sketch of the union:
        # merging is associative and loses nothing.
        buckets = dict(self._buckets)
        for index, count in other._buckets.items():
            buckets[index] = buckets.get(index, 0) + count
        merged._buckets = buckets
        merged._count = self._count + other._count
        merged._zeros = self._zeros + other._zeros
        return merged
