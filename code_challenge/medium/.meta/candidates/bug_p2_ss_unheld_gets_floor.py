"""Space-Saving whose estimate() of a key it does not hold returns the error floor, not 0.

verdict: reject part 2
rule: "`estimate(key)` returns the estimated count of `key` (0 for a key it does not hold)."
how: `counts.get(key, self._floor)`: 'an unheld key may have up to floor events'
differs on: prompt example: estimate("c") is 3 (the floor), not 0
(base: correct_dataclass_spacesaving.py with one change)
"""

import math
from collections import deque
from dataclasses import dataclass, field

RELATIVE_ERROR = 0.01  # Part 3: every percentile within 1% of the exact nearest-rank value

# --- Part 1 --------------------------------------------------------------------------------------


@dataclass(slots=True)
class SlidingWindowCounter:
    """Per-key event counts over the last `window` seconds, in memory that follows the window."""

    window: float
    _times: deque = field(default_factory=deque, init=False, repr=False)
    _keys: deque = field(default_factory=deque, init=False, repr=False)
    _counts: dict = field(default_factory=dict, init=False, repr=False)

    def __post_init__(self) -> None:
        if not self.window > 0:
            raise ValueError("window must be > 0")

    def _evict(self, now: float) -> None:
        times, keys, counts = self._times, self._keys, self._counts
        oldest_allowed = now - self.window  # events at or before this have left
        while times and times[0] <= oldest_allowed:
            times.popleft()
            key = keys.popleft()
            left = counts[key] - 1
            if left == 0:
                del counts[key]
            else:
                counts[key] = left

    def add(self, timestamp: float, key: str) -> None:
        self._evict(timestamp)
        self._times.append(timestamp)
        self._keys.append(key)
        counts = self._counts
        counts[key] = counts.get(key, 0) + 1

    def count(self, key: str, now: float) -> int:
        self._evict(now)
        return self._counts.get(key, 0)


# --- Part 2 --------------------------------------------------------------------------------------


@dataclass(slots=True)
class HeavyHitters:
    """Space-Saving with m counters: f(k) <= estimate(k) <= f(k) + floor, floor <= n / m."""

    capacity: int
    _counts: dict = field(default_factory=dict, init=False, repr=False)
    _floor: int = field(default=0, init=False, repr=False)  # bound on any unheld key's count
    _n: int = field(default=0, init=False, repr=False)

    def __post_init__(self) -> None:
        if not self.capacity >= 1:
            raise ValueError("capacity must be >= 1")

    def add(self, key: str) -> None:
        self._n += 1
        counts = self._counts
        if key in counts:
            counts[key] += 1
        elif len(counts) < self.capacity:
            counts[key] = self._floor + 1
        else:
            victim = min(counts, key=counts.__getitem__)
            lowest = counts.pop(victim)
            self._floor = lowest
            counts[key] = lowest + 1

    def estimate(self, key: str) -> int:
        return self._counts.get(key, self._floor)

    def heavy_hitters(self) -> dict[str, int]:
        return dict(self._counts)

    def merge(self, other: "HeavyHitters") -> "HeavyHitters":
        if self.capacity != other.capacity:
            raise ValueError(f"capacities differ: {self.capacity} != {other.capacity}")
        m = self.capacity
        # Misra-Gries form: count - floor never overestimates and errs by at most the floor.
        lower: dict = {}
        for k, c in self._counts.items():
            lower[k] = c - self._floor
        for k, c in other._counts.items():
            lower[k] = lower.get(k, 0) + c - other._floor
        ranked = sorted(lower.items(), key=lambda kv: kv[1], reverse=True)
        cut = ranked[m][1] if len(ranked) > m else 0
        floor = self._floor + other._floor + cut
        merged = HeavyHitters(m)
        merged._counts = {k: d - cut + floor for k, d in ranked[:m]}
        merged._floor = floor
        merged._n = self._n + other._n
        return merged


# --- Part 3 --------------------------------------------------------------------------------------

_SUB = 56  # linear sub-buckets per power of two: widest one is 1/112 of 0.5, under 1.8%


def _index(value: float) -> int:
    mantissa, exponent = math.frexp(value)  # value = mantissa * 2**exponent, 0.5 <= mantissa < 1
    sub = int((mantissa - 0.5) * (2 * _SUB))
    if sub >= _SUB:  # guard against rounding at the top edge
        sub = _SUB - 1
    return exponent * _SUB + sub


def _representative(index: int) -> float:
    exponent, sub = divmod(index, _SUB)
    low = math.ldexp(0.5 + sub / (2 * _SUB), exponent)
    high = math.ldexp(0.5 + (sub + 1) / (2 * _SUB), exponent)
    return 2 * low * high / (low + high)  # equal relative error to both edges


@dataclass(slots=True)
class QuantileSketch:
    """Percentiles of a stream of non-negative values within 1% relative error."""

    _counts: dict = field(default_factory=dict, init=False, repr=False)
    _zeros: int = field(default=0, init=False, repr=False)
    _n: int = field(default=0, init=False, repr=False)

    def add(self, value: float) -> None:
        if not math.isfinite(value) or value < 0:
            raise ValueError(f"refused value {value!r}: must be finite and >= 0")
        self._n += 1
        if value == 0:
            self._zeros += 1
        else:
            i = _index(value)
            self._counts[i] = self._counts.get(i, 0) + 1

    def percentile(self, p: float) -> float:
        if not self._n:
            raise ValueError("no values added")
        rank = math.ceil(p * self._n / 100)
        if rank < 1:
            rank = 1
        if rank <= self._zeros:
            return 0.0
        running = self._zeros
        index = None
        for index in sorted(self._counts):
            running += self._counts[index]
            if running >= rank:
                break
        return _representative(index)

    def merge(self, other: "QuantileSketch") -> "QuantileSketch":
        merged = QuantileSketch()
        counts = dict(self._counts)
        for i, c in other._counts.items():
            counts[i] = counts.get(i, 0) + c
        merged._counts = counts
        merged._zeros = self._zeros + other._zeros
        merged._n = self._n + other._n
        return merged
