"""Alternative: per-key queues, Space-Saving, and power-of-two buckets with linear sub-buckets.

- Part 1 keeps one deque of timestamps per key plus one queue of keys in arrival order, so a
  count is `len()` of the key's deque; the oldest event overall heads the deque of the first key
  in the arrival queue.
- Part 2 is Space-Saving (Metwally et al., 2005): a new key takes over the smallest counter and
  inherits its count plus one, so estimates are never below the truth and at most n / m above it
  (the opposite side of Misra–Gries, which the tests accept just the same).
- Part 3 splits every power of two into 64 equal sub-buckets (the HDR-histogram layout):
  `math.frexp` finds the power, no logarithm on the hot path. Relative error <= 1/129 < 0.78%.
"""

from __future__ import annotations

import math
from collections import deque

RELATIVE_ERROR = 0.01  # Part 3: every percentile within 1% of the exact nearest-rank value

# --- Part 1 --------------------------------------------------------------------------------------


class SlidingWindowCounter:
    """Per-key event counts over the last `window` seconds, in memory that follows the window."""

    def __init__(self, window: float) -> None:
        """A counter over windows of `window` seconds; raises ValueError unless window > 0."""
        if not window > 0:
            raise ValueError(f"window must be > 0 seconds, got {window!r}")
        self._window = window
        self._times: dict[str, deque[float]] = {}  # key -> its timestamps in the window
        self._arrivals: deque[str] = deque()  # the key of every event in the window, oldest first

    def add(self, timestamp: float, key: str) -> None:
        """Record one event of `key` at `timestamp` (never earlier than the previous call's time)."""
        self._expire(timestamp)
        times = self._times.get(key)
        if times is None:
            times = self._times[key] = deque()
        times.append(timestamp)
        self._arrivals.append(key)

    def count(self, key: str, now: float) -> int:
        """How many events of `key` have a timestamp in (now - window, now]; 0 for unseen keys."""
        self._expire(now)
        times = self._times.get(key)
        return len(times) if times is not None else 0

    def _expire(self, now: float) -> None:
        horizon = now - self._window
        arrivals, by_key = self._arrivals, self._times
        while arrivals:
            times = by_key[arrivals[0]]
            if times[0] > horizon:
                return
            times.popleft()
            key = arrivals.popleft()
            if not times:
                del by_key[key]


# --- Part 2 --------------------------------------------------------------------------------------


class HeavyHitters:
    """Approximate counts in `capacity` (m) counters: after n events every estimate is within
    n / m of the true count, and every key with more than n / m of the events is held."""

    # Invariants (n events, m counters, floor F): a held key's count c satisfies
    # true <= c <= true + F; an unheld key has true <= F; every c >= F; and
    # sum(c) + (m - held) * F <= n. Together they give F <= n / m. Streaming Space-Saving keeps
    # them with F = the last count evicted; `merge` keeps them too (proof in its comment).

    def __init__(self, capacity: int) -> None:
        """A summary with `capacity` (m) counters; raises ValueError unless capacity >= 1."""
        if capacity < 1:
            raise ValueError(f"capacity must be at least 1 counter, got {capacity!r}")
        self._capacity = capacity
        self._counters: dict[str, int] = {}
        self._floor = 0  # F: no unheld key has more events than this

    def add(self, key: str) -> None:
        """Count one event of `key`."""
        counters = self._counters
        if key in counters:
            counters[key] += 1
        elif len(counters) < self._capacity:
            counters[key] = self._floor + 1
        else:
            # O(m) per new key; a heap or the stream-summary list would make it O(log m) or O(1).
            victim = min(counters, key=counters.__getitem__)
            smallest = counters.pop(victim)
            self._floor = smallest
            counters[key] = smallest + 1

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
        # Upper bounds on the union: a key's count on a shard, or that shard's floor if unheld.
        # Any m of them sum to at most n1 + n2, so the (m+1)-th largest is <= (n1 + n2) / m and
        # can serve as the new floor; the m largest are kept.
        a, b = self._counters, other._counters
        upper = {
            key: a.get(key, self._floor) + b.get(key, other._floor)
            for key in dict.fromkeys([*a, *b])  # a set would make the order (and ties) vary
        }
        ranked = sorted(upper.items(), key=lambda item: (-item[1], item[0]))
        merged = HeavyHitters(self._capacity)
        merged._counters = dict(ranked[: self._capacity])
        dropped = ranked[self._capacity][1] if len(ranked) > self._capacity else 0
        merged._floor = max(dropped, self._floor + other._floor)
        return merged


# --- Part 3 --------------------------------------------------------------------------------------

_SUB = 64  # sub-buckets per power of two: [0.5, 1) in steps of 1/128


class QuantileSketch:
    """Percentiles of a stream of non-negative values within 1% relative error, in memory that
    grows with log(largest / smallest value), never with the number of values."""

    def __init__(self) -> None:
        """An empty sketch."""
        self._buckets: dict[int, int] = {}
        self._count = 0
        self._zeros = 0

    def add(self, value: float) -> None:
        """Record one value; raises ValueError unless it is finite and >= 0."""
        if not 0 <= value < math.inf:
            raise ValueError(f"values must be finite and >= 0, got {value!r}")
        self._count += 1
        if value == 0:
            self._zeros += 1
            return
        mantissa, exponent = math.frexp(value)  # value = mantissa * 2**exponent, 0.5 <= m < 1
        index = exponent * _SUB + int((mantissa - 0.5) * 2 * _SUB)
        self._buckets[index] = self._buckets.get(index, 0) + 1

    def percentile(self, p: float) -> float:
        """The nearest-rank p-th percentile (0 <= p <= 100) of the values added, within 1% of the
        exact value (exactly 0.0 when that is 0). Raises ValueError when nothing was added."""
        if not self._count:
            raise ValueError("percentile() of an empty sketch")
        rank = max(1, math.ceil(p * self._count / 100))
        seen = self._zeros
        if seen >= rank:
            return 0.0
        for index in sorted(self._buckets):
            seen += self._buckets[index]
            if seen >= rank:
                exponent, sub = divmod(index, _SUB)
                low = math.ldexp(0.5 + sub / (2 * _SUB), exponent)
                high = math.ldexp(0.5 + (sub + 1) / (2 * _SUB), exponent)
                return 2 * low * high / (low + high)  # the harmonic mean: equal relative error
        raise AssertionError("rank beyond the number of values")

    def merge(self, other: QuantileSketch) -> QuantileSketch:
        """A new sketch of both streams together, as accurate as either; neither input changes."""
        merged = QuantileSketch()
        merged._buckets = dict(self._buckets)
        for index, count in other._buckets.items():
            merged._buckets[index] = merged._buckets.get(index, 0) + count
        merged._count = self._count + other._count
        merged._zeros = self._zeros + other._zeros
        return merged
