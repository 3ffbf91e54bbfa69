"""Naive baseline for the tool-call log analyzer: correct, but slow and memory-hungry.

The benchmarks measure it beside the reference, to show what the reference's ideas buy:
- slowest_runs rescans every event for every run: O(runs * n) instead of O(n log k), and keeps
  a list of every event: memory O(n) instead of O(runs);
- summarize_stream keeps every event in a list, then summarizes: memory grows with the log.
Parts 1 and 2 are the reference's; every percentile here is exact.
"""

from __future__ import annotations

import json
import math
from collections import Counter, defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any, Literal

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
    events: list[ToolCall] = []
    errors: list[LineError] = []
    for number, line in enumerate(lines, start=1):
        if not line.strip():
            continue
        checked = _check_line(line)
        if isinstance(checked, ToolCall):
            events.append(checked)
        else:
            reason, detail = checked
            errors.append(LineError(number, reason, detail))
    return ParseResult(events, errors)


def _check_line(line: str) -> ToolCall | tuple[Reason, str]:
    # The checks run in the prompt's order and the first failure wins, so every bad line has
    # exactly one reason, whichever implementation reads it.
    try:
        record = json.loads(line)
    except (ValueError, RecursionError) as error:
        return "bad_json", str(error)
    if not isinstance(record, dict):
        return "not_object", f"expected a JSON object, got {type(record).__name__}"
    for name in FIELDS:
        if name not in record:
            return "missing_field", f"no {name!r}"
    wrong = _wrongly_typed(record)
    if wrong is not None:
        return "wrong_type", f"{wrong} is {record[wrong]!r}"
    if record["status"] not in STATUSES:
        return "unknown_status", f"status {record['status']!r} is not one of {STATUSES}"
    latency = float(record["latency_ms"])
    if latency < 0:
        return "negative_latency", f"latency_ms is {latency}"
    return ToolCall(record["ts_ms"], record["run_id"], record["tool"], record["status"], latency)


def _wrongly_typed(record: dict[str, Any]) -> str | None:
    """The first field (in FIELDS order) whose value has the wrong type, or None."""
    for name in FIELDS:
        value = record[name]
        if name == "ts_ms":
            ok = isinstance(value, int) and not isinstance(value, bool)  # True is an int in Python
        elif name == "latency_ms":
            ok = _finite_number(value)
        else:
            ok = isinstance(value, str)
        if not ok:
            return name
    return None


def _finite_number(value: object) -> bool:
    if isinstance(value, bool) or not isinstance(value, int | float):
        return False
    try:
        return math.isfinite(value)  # json.loads accepts NaN and Infinity
    except OverflowError:  # an integer too large for a float
        return False


# --- Part 2 --------------------------------------------------------------------------------------


def percentile(sorted_values: Sequence[float], p: float) -> float:
    """The nearest-rank p-th percentile (0 <= p <= 100) of `sorted_values`, sorted ascending.

    Returns the value at rank ceil(p * n / 100), ranks counted from 1 and never below 1: always one
    of the values, never an interpolation. Raises ValueError when `sorted_values` is empty.
    """
    if not sorted_values:
        raise ValueError("percentile() of an empty sequence")
    # Nearest rank: the smallest value with at least p% of the values at or below it. Multiply
    # before dividing: p * n / 100 is exact for whole p, while 7 / 100 * 100 is 7.000000000000001.
    rank = max(1, math.ceil(p * len(sorted_values) / 100))
    return sorted_values[rank - 1]


def summarize(events: Iterable[ToolCall]) -> list[ToolSummary]:
    """One ToolSummary per tool that appears in `events`.

    Returns them most-called first, ties by tool name ascending; [] for no events. Failures are
    the calls whose status is not "ok"; p50/p95 are nearest-rank over all the tool's latencies.
    Does not modify `events`.
    """
    latencies: defaultdict[str, list[float]] = defaultdict(list)
    failures: Counter[str] = Counter()
    for event in events:
        latencies[event.tool].append(event.latency_ms)
        if event.status != "ok":
            failures[event.tool] += 1
    summaries = [
        _summary(tool, sorted(values), failures[tool]) for tool, values in latencies.items()
    ]
    # Sort the few summaries, not the many events: one sort per tool, then one tiny sort.
    return sorted(summaries, key=lambda s: (-s.calls, s.tool))


def _summary(tool: str, sorted_latencies: list[float], failures: int) -> ToolSummary:
    calls = len(sorted_latencies)
    return ToolSummary(
        tool=tool,
        calls=calls,
        failures=failures,
        error_rate=failures / calls,
        p50_ms=percentile(sorted_latencies, 50),
        p95_ms=percentile(sorted_latencies, 95),
    )


# --- Part 3 --------------------------------------------------------------------------------------


def slowest_runs(events: Iterable[ToolCall], k: int) -> list[RunDuration]:
    """The k runs with the longest duration, longest first, ties by run_id ascending.

    A run's duration is max(ts_ms + latency_ms) - min(ts_ms) over its calls. Returns [] when
    k <= 0 and every run when k exceeds their number. Reads `events` once (a one-shot iterator is
    fine) and does not modify it.
    """
    if k <= 0:
        return []
    calls = list(events)
    durations = []
    for run_id in dict.fromkeys(call.run_id for call in calls):
        mine = [call for call in calls if call.run_id == run_id]  # a full scan per run
        end = max(call.ts_ms + call.latency_ms for call in mine)
        durations.append(RunDuration(run_id, float(end - min(call.ts_ms for call in mine))))
    durations.sort(key=lambda r: (-r.duration_ms, r.run_id))
    return durations[:k]


# --- Part 4 --------------------------------------------------------------------------------------


def summarize_stream(lines: Iterable[str]) -> list[ToolSummary]:
    """Part 1's parsing and Part 2's summary in one pass over `lines`, skipping bad lines.

    Returns the same tools, order, calls, failures and error rates as
    `summarize(parse_log(lines).events)`; p50/p95 are within 1% of the exact values (any value
    in [0, 1] when the exact one is under 1 ms). Memory grows with the number of distinct tools,
    never with the number of lines.
    """
    return summarize(parse_log(lines).events)  # every event held at once, percentiles exact
