"""Streaming telemetry aggregation in bounded memory: sliding-window counts, heavy hitters,
streaming percentiles, and (stretch) sketches that merge across shards.

Glossary:
- event: one (timestamp, key, value) record of the stream: a tool call, a tenant's request.
- window: at query time `now`, the half-open interval (now - window, now]; an event exactly
  `window` seconds old has left it.
- heavy hitter: a key that holds more than n / m of the n events seen, for m counters.
- sketch: a summary of fixed size that answers within a stated error instead of exactly.
- nearest-rank percentile: the value at rank ceil(p * n / 100) of the n values sorted ascending,
  ranks counted from 1 and never below 1.
"""

from __future__ import annotations

RELATIVE_ERROR = 0.01  # Part 3: every percentile within 1% of the exact nearest-rank value

# --- Part 1 --------------------------------------------------------------------------------------


class SlidingWindowCounter:
    """Per-key event counts over the last `window` seconds, in memory that follows the window."""

    def __init__(self, window: float) -> None:
        """A counter over windows of `window` seconds; raises ValueError unless window > 0."""
        # TODO (part 1): validate the window; set up the events in the window and a count per key
        raise NotImplementedError

    def add(self, timestamp: float, key: str) -> None:
        """Record one event of `key` at `timestamp` (never earlier than the previous call's time)."""
        # TODO (part 1): drop the events that left the window, then record this one
        raise NotImplementedError

    def count(self, key: str, now: float) -> int:
        """How many events of `key` have a timestamp in (now - window, now]; 0 for unseen keys."""
        # TODO (part 1): drop the events that left the window by `now`; look the count up
        raise NotImplementedError


# --- Part 2 --------------------------------------------------------------------------------------


class HeavyHitters:
    """Approximate counts in `capacity` (m) counters: after n events every estimate is within
    n / m of the true count, and every key with more than n / m of the events is held."""

    def __init__(self, capacity: int) -> None:
        """A summary with `capacity` (m) counters; raises ValueError unless capacity >= 1."""
        # TODO (part 2): validate the capacity; start with no counters
        raise NotImplementedError

    def add(self, key: str) -> None:
        """Count one event of `key`."""
        # TODO (part 2): Misra–Gries or Space-Saving: what happens when all m counters are taken?
        raise NotImplementedError

    def estimate(self, key: str) -> int:
        """The estimated count of `key`: within n / m of the truth; 0 if `key` is not held."""
        # TODO (part 2): the key's counter, or 0
        raise NotImplementedError

    def heavy_hitters(self) -> dict[str, int]:
        """The held keys (at most m) with their estimates; every key with more than n / m of the
        events is among them. A new dict: changing it does not change the summary."""
        # TODO (part 2): a copy of the counters
        raise NotImplementedError

    def merge(self, other: HeavyHitters) -> HeavyHitters:
        """A new summary of both streams together, within (n1 + n2) / m; neither input changes.
        Raises ValueError when the capacities differ."""
        # TODO (part 4): add the counters up, then cut back to m without breaking the bound
        raise NotImplementedError


# --- Part 3 --------------------------------------------------------------------------------------


class QuantileSketch:
    """Percentiles of a stream of non-negative values within 1% relative error, in memory that
    grows with log(largest / smallest value), never with the number of values."""

    def __init__(self) -> None:
        """An empty sketch."""
        # TODO (part 3): counts per bucket, a count of zeros, the number of values
        raise NotImplementedError

    def add(self, value: float) -> None:
        """Record one value; raises ValueError unless it is finite and >= 0."""
        # TODO (part 3): validate, then count the value in its log-spaced bucket
        raise NotImplementedError

    def percentile(self, p: float) -> float:
        """The nearest-rank p-th percentile (0 <= p <= 100) of the values added, within 1% of the
        exact value (exactly 0.0 when that is 0). Raises ValueError when nothing was added."""
        # TODO (part 3): walk the buckets in order until the rank is reached; report from inside
        raise NotImplementedError

    def merge(self, other: QuantileSketch) -> QuantileSketch:
        """A new sketch of both streams together, as accurate as either; neither input changes."""
        # TODO (part 4): a new sketch whose bucket counts are the sums of both
        raise NotImplementedError
