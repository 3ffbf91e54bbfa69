"""The benchmark workloads of this exercise (Part 3's alert evaluation), declared once.

Self-contained on purpose: the grading tools (`nox -s compare`, `nox -s profile`) import this file
by path, outside the test package, so it imports nothing from its neighbours.

The series burns at about 2x a 99.9% SLO the whole time, so every rule's long window stays above
its threshold and the reference evaluates both windows at almost every minute: an O(n) answer
(prefix sums, running sums, cumulative arrays) costs about what the reference does. The windows
grow with the series (a long window of n / 8 minutes), so re-adding each window at every minute
is O(n^2) and shows as a ratio that grows with n, as the 3-day window does over 30 days.
"""

from __future__ import annotations

from types import ModuleType
from typing import Any

import numpy as np

from grading.core import Workload

SLO = 0.999

AlertInput = tuple[list[tuple[int, int]], list[tuple[str, int, int, float]]]


def burning_series(n: int, seed: int) -> AlertInput:
    """`n` minutes of 900..1,100 events at 0.2% errors (burn rate 2), and two rules whose windows
    are n / 8 and n / 16 minutes long (short windows twelve times shorter, as DEFAULT_RULES')."""
    rng = np.random.default_rng(seed)
    totals = rng.integers(900, 1_101, size=n)
    bad = rng.binomial(totals, 0.002)
    rows = [(int(t - b), int(t)) for t, b in zip(totals, bad, strict=True)]
    rules = [("ticket", n // 8, n // 96, 1.0), ("page", n // 16, n // 192, 1.5)]
    return rows, rules


def evaluate(module: ModuleType, given: AlertInput) -> Any:
    rows, rules = given
    series = [module.Minute(good, total) for good, total in rows]
    return module.evaluate_alerts(series, SLO, [module.BurnRule(*rule) for rule in rules])


WORKLOADS = (
    # At 16,000 minutes the long window is 2,000 wide: re-adding it every minute is ~8x the
    # reference with numpy slices, ~25x with Python slices, and the ratio grows with n.
    Workload(
        name="evaluate_alerts",
        part=3,
        measure="time",
        make_input=burning_series,
        call=evaluate,
        sizes=(2_000, 4_000, 8_000, 16_000),
        target="O(n) per rule",
    ),
)
