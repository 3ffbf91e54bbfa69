"""Seeded, realistic tool-call logs, and the benchmark workloads built on them.

Self-contained on purpose: the grading tools (`nox -s compare`, `nox -s profile`) import this file
by path, outside the test package, so it imports nothing from its neighbours.

Latencies are multiples of 0.25 ms and timestamps whole milliseconds, so every sum and difference
the exercise asks for is exact in floating point: no expected answer depends on the order in
which an implementation happens to add things up.
"""

from __future__ import annotations

import json
import math
import random
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

from grading.core import Workload

START_MS = 1_764_000_000_000
TOOLS = ("search", "fetch", "python", "browser", "sql", "email", "calendar", "vector_db")
STATUSES = ("ok", "error", "timeout")

# ToolCall's fields as a plain tuple: (ts_ms, run_id, tool, status, latency_ms).
Row = tuple[int, str, str, str, float]

# --- realistic logs ----------------------------------------------------------------------------

_POPULARITY = (40, 25, 12, 8, 6, 4, 3, 2)  # a few tools take most of the calls
_MEDIAN_MS = (180.0, 650.0, 1200.0, 2400.0, 90.0, 300.0, 150.0, 35.0)


def rows(n: int, seed: int, runs: int | None = None) -> list[Row]:
    """`n` realistic tool calls spread over `runs` runs (default n // 10): skewed tool popularity,
    log-normal latencies, ~90% ok, the calls of a run within one hour of its start."""
    rng = random.Random(seed)
    runs = runs or max(1, n // 10)
    return [_row(rng, rng.randrange(runs)) for _ in range(n)]


def line_of(row: Row, **extra: Any) -> str:
    """The JSON Lines form of one row, with a trailing newline as in a real file."""
    ts, run_id, tool, status, latency = row
    record = {"ts_ms": ts, "run_id": run_id, "tool": tool, "status": status, "latency_ms": latency}
    return json.dumps(record | extra) + "\n"


BAD_LINES = (
    '{"ts_ms": 1764000000000, "run_id": "r-1", "tool": "sea',
    "[1, 2, 3]",
    '{"ts_ms": 1764000000000, "tool": "search", "status": "ok", "latency_ms": 3}',
    '{"ts_ms": "1764000000000", "run_id": "r-1", "tool": "search", "status": "ok", '
    '"latency_ms": 3}',
    '{"ts_ms": 1764000000000, "run_id": "r-1", "tool": "search", "status": "OK", "latency_ms": 3}',
    '{"ts_ms": 1764000000000, "run_id": "r-1", "tool": "search", "status": "ok", "latency_ms": -3}',
    '{"ts_ms": 1764000000000, "run_id": "r-1", "tool": "search", "status": "ok", '
    '"latency_ms": NaN}',
    "",
)


def lines(n: int, seed: int, bad_every: int = 0) -> Iterator[str]:
    """A one-shot generator of `n` log lines; every `bad_every`-th line is malformed (0: none).
    Nothing is held in memory: this is the shape of a log read from disk."""
    rng = random.Random(seed)
    for index in range(1, n + 1):
        if bad_every and index % bad_every == 0:
            yield rng.choice(BAD_LINES)
        elif index % 7 == 0:
            yield line_of(_row(rng, rng.randrange(5000)), agent="planner")  # extra keys happen
        else:
            yield line_of(_row(rng, rng.randrange(5000)))


def _row(rng: random.Random, run: int) -> Row:
    tool = rng.choices(range(len(TOOLS)), weights=_POPULARITY)[0]
    status = rng.choices(STATUSES, weights=(90, 7, 3))[0]
    latency = _quarter_ms(rng.lognormvariate(math.log(_MEDIAN_MS[tool]), 0.8))
    run_start = START_MS + run * 7_919 % 86_400_000  # a fixed start per run, no table to keep
    return (run_start + rng.randrange(3_600_000), f"r-{run}", TOOLS[tool], status, latency)


def _quarter_ms(value: float) -> float:
    return round(value * 4) / 4


# --- benchmark workloads -----------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Event:
    """A stand-in ToolCall: every implementation reads these attributes and nothing else."""

    ts_ms: int
    run_id: str
    tool: str
    status: str
    latency_ms: float


def events(n: int, seed: int) -> list[Event]:
    """`n` realistic calls over n // 10 runs."""
    return [Event(*row) for row in rows(n, seed)]


def log_lines(n: int, seed: int) -> list[str]:
    """`n` realistic log lines, every 50th malformed, as a list: every timed call reads it anew."""
    return list(lines(n, seed, bad_every=50))


WORKLOADS = (
    # A list rebuilt per line (`events = events + [call]`) costs O(n^2): ~1.3x the reference at
    # 4,000 lines, ~4x at 16,000, the ratio growing like n^0.8. Below 4,000 lines the copies are
    # lost in the parsing, which only flattens the growth.
    Workload(
        name="parse_log",
        part=1,
        measure="time",
        make_input=log_lines,
        call=lambda mod, given: mod.parse_log(given),
        sizes=(4_000, 8_000, 12_000, 16_000),
        target="O(n)",
    ),
    # An O(n^2) sort (insertion into a sorted list, in Python) is ~100x the reference at 8,000
    # events and its ratio doubles with n; larger sizes only make a slow candidate time out.
    Workload(
        name="summarize",
        part=2,
        measure="time",
        make_input=events,
        call=lambda mod, given: mod.summarize(given),
        sizes=(1_000, 2_000, 4_000, 8_000),
        target="O(n log n)",
    ),
    # ~800 runs at the largest size: a rescan of every event per run costs ~30x one pass.
    Workload(
        name="slowest_runs",
        part=3,
        measure="time",
        make_input=events,
        call=lambda mod, given: mod.slowest_runs(given, 10),
        sizes=(1_000, 2_000, 4_000, 8_000),
        target="O(n log k)",
    ),
    # Memory O(r): 40 runs however long the log, handed over as a one-shot iterator of events
    # that already exist, so the peak is what slowest_runs keeps. The reference's two dicts stay
    # under the 64 KiB floor; a copy of the events (list(events), sorted(events)) is 8 bytes an
    # event, 4x the floor at 32,000 events and growing with n.
    Workload(
        name="slowest_runs_memory",
        part=3,
        measure="memory",
        make_input=lambda n, seed: iter([Event(*row) for row in rows(n, seed, runs=40)]),
        call=lambda mod, given: mod.slowest_runs(given, 10),
        sizes=(4_000, 8_000, 16_000, 32_000),
        target="O(r) memory",
    ),
    # The lines exist before the measurement starts and arrive as a one-shot iterator, so the
    # peak is what summarize_stream itself keeps. At 16,000 lines, keeping every latency as a
    # float already costs ~5x the reference; keeping every ToolCall, ~50x.
    Workload(
        name="summarize_stream",
        part=4,
        measure="memory",
        make_input=lambda n, seed: iter(list(lines(n, seed, bad_every=100))),
        call=lambda mod, given: mod.summarize_stream(given),
        sizes=(2_000, 4_000, 8_000, 16_000),
        target="O(tools) memory",
    ),
)
