"""numpy-heavy: list ring with compaction, slot-array Misra-Gries, dense numpy bucket array.

verdict: accept
how: Part 1 keeps two Python lists and a head index, compacting when half is dead; MG keeps m
     slots in a numpy array and decrements them in one vector op; Part 3 keeps a dense int64
     numpy array over the occupied index range, percentile by cumsum + searchsorted.
differs on: n/a
"""

from __future__ import annotations

import math

import numpy as np

RELATIVE_ERROR = 0.01  # Part 3: every percentile within 1% of the exact nearest-rank value

# --- Part 1 --------------------------------------------------------------------------------------


class SlidingWindowCounter:
    """Per-key event counts over the last `window` seconds, in memory that follows the window."""

    def __init__(self, window: float) -> None:
        window = float(window)
        if not (window > 0):
            raise ValueError("window must be > 0")
        self.window = window
        self._t: list = []
        self._k: list = []
        self._head = 0
        self._counts: dict = {}

    def _advance(self, now: float) -> None:
        t, k, counts = self._t, self._k, self._counts
        head, end = self._head, len(t)
        cutoff = now - self.window
        while head < end and t[head] <= cutoff:
            key = k[head]
            k[head] = None
            head += 1
            left = counts[key] - 1
            if left:
                counts[key] = left
            else:
                del counts[key]
        if head > 64 and head * 2 > end:
            del t[:head]
            del k[:head]
            head = 0
        self._head = head

    def add(self, timestamp: float, key: str) -> None:
        self._advance(timestamp)
        self._t.append(timestamp)
        self._k.append(key)
        self._counts[key] = self._counts.get(key, 0) + 1

    def count(self, key: str, now: float) -> int:
        self._advance(now)
        return self._counts.get(key, 0)


# --- Part 2 --------------------------------------------------------------------------------------


class HeavyHitters:
    """Misra-Gries in m slots: slot_of[key] -> index into a numpy count array."""

    def __init__(self, capacity: int) -> None:
        if int(capacity) != capacity or capacity < 1:
            raise ValueError("capacity must be an integer >= 1")
        self.m = int(capacity)
        self._counts = np.zeros(self.m, dtype=np.int64)
        self._keys: list = [None] * self.m
        self._slot: dict = {}
        self._free = list(range(self.m - 1, -1, -1))

    def add(self, key: str) -> None:
        slot = self._slot.get(key)
        if slot is not None:
            self._counts[slot] += 1
        elif self._free:
            slot = self._free.pop()
            self._slot[key] = slot
            self._keys[slot] = key
            self._counts[slot] = 1
        else:
            self._counts -= 1
            for s in np.flatnonzero(self._counts == 0).tolist():
                del self._slot[self._keys[s]]
                self._keys[s] = None
                self._free.append(s)

    def estimate(self, key: str) -> int:
        slot = self._slot.get(key)
        return 0 if slot is None else int(self._counts[slot])

    def heavy_hitters(self) -> dict[str, int]:
        return {key: int(self._counts[slot]) for key, slot in self._slot.items()}

    def merge(self, other: HeavyHitters) -> HeavyHitters:
        if self.m != other.m:
            raise ValueError("different capacities")
        mine, theirs = self.heavy_hitters(), other.heavy_hitters()
        keys = list(mine.keys() | theirs.keys())
        totals = np.array([mine.get(k, 0) + theirs.get(k, 0) for k in keys], dtype=np.int64)
        if len(keys) > self.m:
            cut = np.sort(totals)[::-1][self.m]
            totals = totals - cut
        out = HeavyHitters(self.m)
        for k, c in zip(keys, totals.tolist()):
            if c > 0:
                slot = out._free.pop()
                out._slot[k] = slot
                out._keys[slot] = k
                out._counts[slot] = c
        return out


# --- Part 3 --------------------------------------------------------------------------------------

_ALPHA = 0.0095
_GAMMA = (1 + _ALPHA) / (1 - _ALPHA)
_LN_GAMMA = math.log(_GAMMA)


class QuantileSketch:
    """Dense counts for bucket indexes offset .. offset + len - 1; bucket i is (g^(i-1), g^i]."""

    def __init__(self) -> None:
        self._offset = 0
        self._dense = np.zeros(0, dtype=np.int64)
        self._zeros = 0

    def _grow_to(self, i: int) -> None:
        if self._dense.size == 0:
            self._offset = i
            self._dense = np.zeros(1, dtype=np.int64)
        elif i < self._offset:
            self._dense = np.concatenate([np.zeros(self._offset - i, dtype=np.int64), self._dense])
            self._offset = i
        elif i >= self._offset + self._dense.size:
            extra = i - self._offset - self._dense.size + 1
            self._dense = np.concatenate([self._dense, np.zeros(extra, dtype=np.int64)])

    def add(self, value: float) -> None:
        if not np.isfinite(value) or value < 0:
            raise ValueError("values must be finite and non-negative")
        if value == 0:
            self._zeros += 1
            return
        i = math.ceil(math.log(value) / _LN_GAMMA)
        if not (self._dense.size and self._offset <= i < self._offset + self._dense.size):
            self._grow_to(i)
        self._dense[i - self._offset] += 1

    def percentile(self, p: float) -> float:
        n = self._zeros + int(self._dense.sum())
        if n == 0:
            raise ValueError("no values")
        rank = max(1, math.ceil(p * n / 100))
        if rank <= self._zeros:
            return 0.0
        cum = np.cumsum(self._dense) + self._zeros
        pos = int(np.searchsorted(cum, rank, side="left"))
        pos = min(pos, self._dense.size - 1)
        i = self._offset + pos
        return float(2 * _GAMMA ** i / (_GAMMA + 1))

    def merge(self, other: QuantileSketch) -> QuantileSketch:
        out = QuantileSketch()
        out._zeros = self._zeros + other._zeros
        parts = [s for s in (self, other) if s._dense.size]
        if parts:
            lo = min(s._offset for s in parts)
            hi = max(s._offset + s._dense.size for s in parts)
            dense = np.zeros(hi - lo, dtype=np.int64)
            for s in parts:
                dense[s._offset - lo: s._offset - lo + s._dense.size] += s._dense
            out._offset, out._dense = lo, dense
        return out
