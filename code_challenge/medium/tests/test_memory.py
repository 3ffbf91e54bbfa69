"""Parts 1–3 — bounded memory, checked on every run (not only with --bench).

Each test feeds your class a stream of n events and then one of 8n events, measuring the peak
memory Python allocates meanwhile (tracemalloc). The stream is generated as it is read, so what
your class keeps is what it costs. Bounded memory means the peak hardly moves:
peak(8n) <= 1.5 x peak(n) + 32 KiB. Keeping every event (or every key, or every value) makes it
grow about 8x, and fails the part.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from types import ModuleType

import pytest

from grading.core import peak_memory

from .workloads import WINDOW_SECONDS, Event, events

SIZES = (1_000, 8_000)
SLACK_BYTES = 32 * 1024

Feed = Callable[[ModuleType, Iterator[Event]], object]


def feed_window(module: ModuleType, stream: Iterator[Event]) -> object:
    counter = module.SlidingWindowCounter(WINDOW_SECONDS)
    for index, (timestamp, key, _value) in enumerate(stream):
        counter.add(timestamp, key)
        if index % 100 == 0:
            counter.count("search:acme", timestamp)
    return counter.count("search:acme", timestamp)


def feed_heavy_hitters(module: ModuleType, stream: Iterator[Event]) -> object:
    sketch = module.HeavyHitters(32)
    for _timestamp, key, _value in stream:
        sketch.add(key)
    return sketch.heavy_hitters()


def feed_quantiles(module: ModuleType, stream: Iterator[Event]) -> object:
    sketch = module.QuantileSketch()
    for _timestamp, _key, value in stream:
        sketch.add(value)
    return sketch.percentile(99)


def memory_problem(impl: ModuleType, feed: Feed, seed: int) -> str | None:
    """None when the peak stays bounded from n to 8n events, else what grew and by how much."""
    peaks = [peak_memory(lambda n=n: feed(impl, events(n, seed))) for n in SIZES]
    if peaks[1] <= 1.5 * peaks[0] + SLACK_BYTES:
        return None
    return (
        f"memory grows with the stream: peak {peaks[0] / 1024:,.0f} KiB at {SIZES[0]:,} events, "
        f"{peaks[1] / 1024:,.0f} KiB at {SIZES[1]:,} ({peaks[1] / max(peaks[0], 1):.1f}x; "
        "bounded means at most 1.5x + 32 KiB)"
    )


@pytest.mark.part(1)
class TestPart1WindowMemory:
    @pytest.mark.rule("1.10", "1.11")
    @pytest.mark.bound
    def test_memory_follows_the_window_not_the_stream(self, impl: ModuleType, seed: int) -> None:
        got = memory_problem(impl, feed_window, seed)
        assert got is None, (
            f"{got}: SlidingWindowCounter({WINDOW_SECONDS}) over seeded events (seed {seed}), "
            "~213 in the window, 40% with one-off keys. Drop what left the window, and every key "
            "whose count fell to 0, even keys nobody asks about"
        )


@pytest.mark.part(2)
class TestPart2HeavyHittersMemory:
    @pytest.mark.rule("2.1", "2.12")
    @pytest.mark.bound
    def test_memory_follows_m_not_the_stream(self, impl: ModuleType, seed: int) -> None:
        got = memory_problem(impl, feed_heavy_hitters, seed)
        assert got is None, (
            f"{got}: HeavyHitters(32) over seeded events (seed {seed}), 40% with one-off keys. "
            "Hold at most m keys, never a count for every key seen"
        )


@pytest.mark.part(3)
class TestPart3QuantilesMemory:
    @pytest.mark.rule("3.6")
    @pytest.mark.bound
    def test_memory_follows_the_buckets_not_the_stream(self, impl: ModuleType, seed: int) -> None:
        got = memory_problem(impl, feed_quantiles, seed)
        assert got is None, (
            f"{got}: QuantileSketch() over seeded latencies of 0.25 ms to 30 s (seed {seed}). "
            "Count values per bucket; never keep the values"
        )
