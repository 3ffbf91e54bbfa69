"""Seeded trace streams and the worked examples of PROMPT.md, as plain tuples.

A row is Trace's fields in order: (trace_id, spans, size_bytes, duration_ms, error). Sizes are
whole bytes and durations whole milliseconds, so every sum the tests compare is exact.
"""

from __future__ import annotations

import random

from hypothesis import settings

TraceRow = tuple[str, int, int, float, bool]

# Part 2's worked example: budget 1,000,000 bytes, slow_ms 120,000.
PROMPT_TRACES: tuple[TraceRow, ...] = (
    ("t1", 40, 80_000, 9_000.0, False),
    ("t2", 300, 600_000, 95_000.0, True),
    ("t3", 60, 120_000, 150_000.0, False),
    ("t4", 35, 70_000, 7_000.0, False),
    ("t5", 50, 100_000, 12_000.0, True),
    ("t6", 45, 90_000, 130_000.0, False),
    ("t7", 50, 100_000, 4_000.0, False),
    ("t8", 55, 110_000, 6_000.0, False),
)
PROMPT_BUDGET = 1_000_000
PROMPT_SLOW_MS = 120_000.0
PROMPT_TAIL_KEPT = ["t1", "t2", "t3", "t5", "t6"]
PROMPT_HEAD_KEPT = ["t1", "t7"]  # head_sample(..., 0.5)

SLOW_MS = 120_000.0  # the stream's slow threshold: about its slowest 1% of runs


def trace_stream(n: int, seed: int, error_rate: float = 0.02) -> list[TraceRow]:
    """`n` traces of agent runs: ~2% errors (larger: retries add spans), lognormal durations."""
    rng = random.Random(seed)
    rows: list[TraceRow] = []
    for i in range(n):
        error = rng.random() < error_rate
        spans = 20 + int(rng.expovariate(1 / (180 if error else 100)))
        size = spans * rng.randint(1_200, 2_800)
        duration = float(round(rng.lognormvariate(10.3, 0.6) * (1.5 if error else 1.0)))
        rows.append((f"{seed:x}-{i:06d}", spans, size, duration, error))
    return rows


def total_bytes(rows: list[TraceRow] | tuple[TraceRow, ...]) -> int:
    return sum(row[2] for row in rows)


PROPERTY = settings(max_examples=50)  # on top of the grading profile (derandomized, no explain)
