"""Sketch with exact min/max clamp whose merge keeps self's min and max only.

verdict: reject part 4
rule: "`a.merge(b)`, built on two parts of one stream of n = n1 + n2 events, keeps the guarantee of Part 2 (with that n) or of Part 3 (against the percentiles of all the values), whichever way the stream was split."
how: copied `_min`/`_max` from self instead of combining them
differs on: a = [5.0], b = [1.0]: a.merge(b).percentile(0) is 5.0, not 1.0
(base: correct_defensive.py with one change)
"""

from __future__ import annotations

import math
import numbers
from collections import deque

RELATIVE_ERROR = 0.01  # Part 3: every percentile within 1% of the exact nearest-rank value


def _real(x, what: str) -> float:
    if not isinstance(x, numbers.Real):
        raise TypeError(f"{what} must be a real number, got {type(x).__name__}")
    return float(x)


# --- Part 1 --------------------------------------------------------------------------------------


class SlidingWindowCounter:
    """Per-key event counts over the last `window` seconds, in memory that follows the window."""

    def __init__(self, window: float) -> None:
        w = _real(window, "window")
        if math.isnan(w) or w <= 0:
            raise ValueError(f"window must be > 0, got {window!r}")
        self._window = w
        self._queue: deque[tuple[float, str]] = deque()
        self._per_key: dict[str, int] = {}
        self._clock = -math.inf

    def _tick(self, now: float) -> None:
        if not now >= self._clock:  # also refuses nan
            if type(now) not in (int, float):
                now = _real(now, "time")
            if now != now:
                raise ValueError("time is nan")
            raise ValueError(f"time went backwards: {now} < {self._clock}")
        self._clock = now
        horizon = now - self._window
        q, per_key = self._queue, self._per_key
        while q and q[0][0] <= horizon:
            _, old = q.popleft()
            remaining = per_key[old] - 1
            if remaining > 0:
                per_key[old] = remaining
            else:
                del per_key[old]

    def add(self, timestamp: float, key: str) -> None:
        self._tick(timestamp)
        self._queue.append((timestamp, key))
        self._per_key[key] = self._per_key.get(key, 0) + 1

    def count(self, key: str, now: float) -> int:
        self._tick(now)
        return self._per_key.get(key, 0)


# --- Part 2 --------------------------------------------------------------------------------------


class HeavyHitters:
    """Misra-Gries; estimate(k) = raw[k] - base; keys grouped by raw value for O(1) decrements."""

    def __init__(self, capacity: int) -> None:
        if isinstance(capacity, bool) or not isinstance(capacity, numbers.Integral):
            if not (isinstance(capacity, numbers.Real) and float(capacity).is_integer()):
                raise ValueError(f"capacity must be an integer >= 1, got {capacity!r}")
        capacity = int(capacity)
        if capacity < 1:
            raise ValueError(f"capacity must be >= 1, got {capacity}")
        self._m = capacity
        self._raw: dict[str, int] = {}
        self._by_raw: dict[int, set] = {}
        self._base = 0
        self._n = 0

    @property
    def capacity(self) -> int:
        return self._m

    def _move(self, key: str, old: int | None, new: int) -> None:
        if old is not None:
            group = self._by_raw[old]
            group.discard(key)
            if not group:
                del self._by_raw[old]
        self._raw[key] = new
        self._by_raw.setdefault(new, set()).add(key)

    def add(self, key: str) -> None:
        self._n += 1
        raw = self._raw.get(key)
        if raw is not None:
            self._move(key, raw, raw + 1)
        elif len(self._raw) < self._m:
            self._move(key, None, self._base + 1)
        else:
            self._base += 1  # decrement every counter at once
            for gone in self._by_raw.pop(self._base, ()):
                del self._raw[gone]

    def estimate(self, key: str) -> int:
        raw = self._raw.get(key)
        return 0 if raw is None else raw - self._base

    def heavy_hitters(self) -> dict[str, int]:
        base = self._base
        return {k: r - base for k, r in self._raw.items()}

    @classmethod
    def _from_counts(cls, m: int, counts: dict[str, int], n: int) -> HeavyHitters:
        out = cls(m)
        for k, c in counts.items():
            if c > 0:
                out._move(k, None, c)
        out._n = n
        return out

    def merge(self, other: HeavyHitters) -> HeavyHitters:
        if not isinstance(other, HeavyHitters):
            raise TypeError("can only merge HeavyHitters")
        if other._m != self._m:
            raise ValueError(f"cannot merge capacity {self._m} with capacity {other._m}")
        total = self.heavy_hitters()
        for k, c in other.heavy_hitters().items():
            total[k] = total.get(k, 0) + c
        if len(total) > self._m:
            ordered = sorted(total.values(), reverse=True)
            cut = ordered[self._m]
            total = {k: c - cut for k, c in total.items()}
        return HeavyHitters._from_counts(self._m, total, self._n + other._n)


# --- Part 3 --------------------------------------------------------------------------------------

_ALPHA = 0.008
_GAMMA = (1 + _ALPHA) / (1 - _ALPHA)
_LOG_GAMMA = math.log(_GAMMA)


class QuantileSketch:
    """Percentiles of a stream of non-negative values within 1% relative error."""

    def __init__(self) -> None:
        self._bins: dict[int, int] = {}
        self._zeros = 0
        self._n = 0
        self._min = math.inf
        self._max = -math.inf

    def add(self, value: float) -> None:
        try:
            v = float(value)
        except (TypeError, ValueError):
            raise ValueError(f"not a number: {value!r}") from None
        if math.isnan(v) or math.isinf(v) or v < 0:
            raise ValueError(f"value must be finite and >= 0, got {value!r}")
        if v == 0.0:
            self._zeros += 1
        else:
            i = math.ceil(math.log(v) / _LOG_GAMMA)
            self._bins[i] = self._bins.get(i, 0) + 1
        self._n += 1
        if v < self._min:
            self._min = v
        if v > self._max:
            self._max = v

    def percentile(self, p: float) -> float:
        if self._n == 0:
            raise ValueError("percentile of an empty sketch")
        p = _real(p, "p")
        if not 0 <= p <= 100:
            raise ValueError(f"p must be in [0, 100], got {p}")
        rank = max(1, math.ceil(p * self._n / 100))
        if rank == 1:
            return float(self._min)
        if rank == self._n:
            return float(self._max)
        acc = self._zeros
        if acc >= rank:
            return 0.0
        for i in sorted(self._bins):
            acc += self._bins[i]
            if acc >= rank:
                rep = 2 * _GAMMA**i / (_GAMMA + 1)
                return float(min(max(rep, self._min), self._max))
        return float(self._max)  # unreachable: the counts add up to n

    def merge(self, other: QuantileSketch) -> QuantileSketch:
        if not isinstance(other, QuantileSketch):
            raise TypeError("can only merge QuantileSketch")
        out = QuantileSketch()
        out._bins = dict(self._bins)
        for i, c in other._bins.items():
            out._bins[i] = out._bins.get(i, 0) + c
        out._zeros = self._zeros + other._zeros
        out._n = self._n + other._n
        out._min = self._min
        out._max = self._max
        return out
