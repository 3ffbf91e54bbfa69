"""Alternative: an array queue, Misra–Gries with batched decrements, and geometric sub-buckets
found by bisection.

- Part 1 keeps the window in two parallel lists (timestamps, keys) with a moving head index
  instead of a deque, and compacts them once the expired prefix outweighs the live part: each
  event is copied O(1) times, and memory stays within twice the window.
- Part 2 is Misra–Gries that, when full, subtracts the smallest count from every counter at once
  (freeing at least one) instead of 1 at a time. Each batch of size d removes m * d events from
  the counters, so no estimate trails the truth by more than n / m.
- Part 3 splits every power of two (`math.frexp`) into 36 geometric sub-buckets whose edges are
  precomputed and found with `bisect`: the same 1% buckets as a logarithm, without one.
"""

from __future__ import annotations

import math
from bisect import bisect_right

RELATIVE_ERROR = 0.01  # Part 3: every percentile within 1% of the exact nearest-rank value

# --- Part 1 --------------------------------------------------------------------------------------

_COMPACT_AT = 256  # never compact tiny queues: copying would cost more than it frees


class SlidingWindowCounter:
    """Per-key event counts over the last `window` seconds, in memory that follows the window."""

    def __init__(self, window: float) -> None:
        """A counter over windows of `window` seconds; raises ValueError unless window > 0."""
        if not window > 0:
            raise ValueError(f"window must be > 0 seconds, got {window!r}")
        self._window = window
        self._times: list[float] = []
        self._keys: list[str] = []
        self._head = 0  # events before this index have left the window
        self._counts: dict[str, int] = {}

    def add(self, timestamp: float, key: str) -> None:
        """Record one event of `key` at `timestamp` (never earlier than the previous call's time)."""
        self._expire(timestamp)
        self._times.append(timestamp)
        self._keys.append(key)
        self._counts[key] = self._counts.get(key, 0) + 1

    def count(self, key: str, now: float) -> int:
        """How many events of `key` have a timestamp in (now - window, now]; 0 for unseen keys."""
        self._expire(now)
        return self._counts.get(key, 0)

    def _expire(self, now: float) -> None:
        horizon = now - self._window
        times, keys, counts = self._times, self._keys, self._counts
        head, end = self._head, len(times)
        while head < end and times[head] <= horizon:
            key = keys[head]
            left = counts[key] - 1
            if left:
                counts[key] = left
            else:
                del counts[key]
            head += 1
        if head >= _COMPACT_AT and 2 * head >= end:
            del times[:head], keys[:head]
            head = 0
        self._head = head


# --- Part 2 --------------------------------------------------------------------------------------


class HeavyHitters:
    """Approximate counts in `capacity` (m) counters: after n events every estimate is within
    n / m of the true count, and every key with more than n / m of the events is held."""

    # Invariant: for every key, 0 <= true - estimate <= (n - sum of counters) / m.

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
            return
        if len(counters) >= self._capacity:
            smallest = min(counters.values())
            counters = self._counters = {
                k: c - smallest for k, c in counters.items() if c > smallest
            }
        counters[key] = 1

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
        if len(summed) > self._capacity:
            cut = sorted(summed.values(), reverse=True)[self._capacity]
            summed = {k: c - cut for k, c in summed.items() if c > cut}
        merged = HeavyHitters(self._capacity)
        merged._counters = summed
        return merged


# --- Part 3 --------------------------------------------------------------------------------------

_STEPS = 36  # sub-buckets per power of two: each edge 2**(1/36) = 1.0194x the previous
_EDGES = [0.5 * 2 ** (step / _STEPS) for step in range(_STEPS)] + [1.0]


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
        mantissa, exponent = math.frexp(value)
        index = exponent * _STEPS + bisect_right(_EDGES, mantissa, 0, _STEPS) - 1
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
                exponent, step = divmod(index, _STEPS)
                low = math.ldexp(_EDGES[step], exponent)
                high = math.ldexp(_EDGES[step + 1], exponent)
                return 2 * low * high / (low + high)
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
