"""Tool-call log analyzer: parse an agent platform's JSON Lines log of tool calls, summarize it per
tool, find the slowest runs, and summarize an endless stream in bounded memory.

Glossary:
- tool call: one line of the log, one call an agent made to a tool (`search`, `fetch`, ...).
- run: one agent episode; all its tool calls share a `run_id`.
- failure: a call whose status is not "ok" ("error" or "timeout").
- nearest-rank percentile: the value at rank ceil(p * n / 100) of the n sorted values, counting
  ranks from 1 (and never below rank 1).
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Literal

Status = Literal["ok", "error", "timeout"]
STATUSES: tuple[Status, ...] = ("ok", "error", "timeout")
Reason = Literal[
    "bad_json", "not_object", "missing_field", "wrong_type", "negative_latency", "unknown_status"
]
REASONS: tuple[Reason, ...] = (
    "bad_json",
    "not_object",
    "missing_field",
    "wrong_type",
    "negative_latency",
    "unknown_status",
)
FIELDS = ("ts_ms", "run_id", "tool", "status", "latency_ms")  # required, checked in this order


@dataclass(frozen=True)
class ToolCall:
    """One valid line of the log."""

    ts_ms: int  # call start, epoch milliseconds
    run_id: str
    tool: str
    status: Status
    latency_ms: float


@dataclass(frozen=True)
class LineError:
    """Why one line of the log was rejected."""

    line: int  # 1-based, counting every line (blank ones too)
    reason: Reason  # one of REASONS
    detail: str  # free text for a human; never graded


@dataclass(frozen=True)
class ParseResult:
    events: list[ToolCall]  # valid calls, in input order
    errors: list[LineError]  # one per bad line, in input order


@dataclass(frozen=True)
class ToolSummary:
    tool: str
    calls: int
    failures: int  # calls whose status is not "ok"
    error_rate: float  # failures / calls
    p50_ms: float  # nearest-rank percentiles over all the tool's calls
    p95_ms: float


@dataclass(frozen=True)
class RunDuration:
    run_id: str
    duration_ms: float  # max(ts_ms + latency_ms) - min(ts_ms) over the run's calls


# --- Part 1 --------------------------------------------------------------------------------------


def parse_log(lines: Iterable[str]) -> ParseResult:
    """Parse a JSON Lines log of tool calls without ever raising on a bad line.

    Returns the valid calls as ToolCalls (input order, `latency_ms` as a float) and one LineError
    per bad line, numbered from 1 over every line; blank lines are skipped but still counted.
    `lines` may be any iterable, a one-shot generator included; trailing newlines are fine.
    """
    # TODO (part 1): read each line; keep a ToolCall, or a LineError for the first failing check
    raise NotImplementedError


# --- Part 2 --------------------------------------------------------------------------------------


def percentile(sorted_values: Sequence[float], p: float) -> float:
    """The nearest-rank p-th percentile (0 <= p <= 100) of `sorted_values`, sorted ascending.

    Returns the value at rank ceil(p * n / 100), ranks counted from 1 and never below 1: always one
    of the values, never an interpolation. Raises ValueError when `sorted_values` is empty.
    """
    # TODO (part 2): return the value at the nearest rank ceil(p * n / 100), at least rank 1
    raise NotImplementedError


def summarize(events: Iterable[ToolCall]) -> list[ToolSummary]:
    """One ToolSummary per tool that appears in `events`.

    Returns them most-called first, ties by tool name ascending; [] for no events. Failures are
    the calls whose status is not "ok"; p50/p95 are nearest-rank over all the tool's latencies.
    Does not modify `events`.
    """
    # TODO (part 2): group latencies and failures by tool; order by calls, then tool name
    raise NotImplementedError


# --- Part 3 --------------------------------------------------------------------------------------


def slowest_runs(events: Iterable[ToolCall], k: int) -> list[RunDuration]:
    """The k runs with the longest duration, longest first, ties by run_id ascending.

    A run's duration is max(ts_ms + latency_ms) - min(ts_ms) over its calls. Returns [] when
    k <= 0 and every run when k exceeds their number. Reads `events` once (a one-shot iterator is
    fine) and does not modify it.
    """
    # TODO (part 3): track each run's first start and last finish; keep the k longest
    raise NotImplementedError


# --- Part 4 --------------------------------------------------------------------------------------


def summarize_stream(lines: Iterable[str]) -> list[ToolSummary]:
    """Part 1's parsing and Part 2's summary in one pass over `lines`, skipping bad lines.

    Returns the same tools, order, calls, failures and error rates as
    `summarize(parse_log(lines).events)`; p50/p95 are within 1% of the exact values (any value
    in [0, 1] when the exact one is under 1 ms). Memory grows with the number of distinct tools,
    never with the number of lines.
    """
    # TODO (part 4): parse and count in one pass, a small histogram per tool
    raise NotImplementedError
