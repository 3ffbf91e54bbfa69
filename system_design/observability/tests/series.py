"""Seeded SLI series (one (good, total) pair per minute) with incidents placed where tests say.

A series is a list of (good, total) pairs; tests turn them into the module's Minute records.
Totals are 900..1,100 requests a minute; bad events are binomial at the baseline error rate,
and at an incident's rate during it.
"""

from __future__ import annotations

import numpy as np

MinuteRow = tuple[int, int]
SLO = 0.999
DAY = 1_440  # minutes


def sli_series(
    minutes: int,
    seed: int,
    error_rate: float = 0.0005,
    incidents: tuple[tuple[int, int, float], ...] = (),
) -> list[MinuteRow]:
    """`minutes` minutes at `error_rate`; each incident is (start minute, length, error rate)."""
    rng = np.random.default_rng(seed)
    totals = rng.integers(900, 1_101, size=minutes)
    rates = np.full(minutes, error_rate)
    for start, length, rate in incidents:
        rates[start : start + length] = rate
    bad = rng.binomial(totals, rates)
    return [(int(t - b), int(t)) for t, b in zip(totals, bad, strict=True)]


def with_spikes(rows: list[MinuteRow], every: int, rate: float) -> list[MinuteRow]:
    """The same series with one-minute spikes at `rate` every `every` minutes (budget-safe noise
    when short and rare)."""
    out = list(rows)
    for t in range(every // 2, len(out), every):
        total = out[t][1]
        out[t] = (total - round(total * rate), total)
    return out
