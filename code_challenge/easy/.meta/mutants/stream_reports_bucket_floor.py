"""Mutant: summarize_stream reports a bucket's lower edge, up to 2% below the true latency.

Caught by: Part 4
"""

from __future__ import annotations

import heapq
import json
import math
from collections import Counter, defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
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
    starts: dict[str, int] = {}
    ends: dict[str, float] = {}
    for event in events:
        end = event.ts_ms + event.latency_ms
        if event.run_id in starts:
            starts[event.run_id] = min(starts[event.run_id], event.ts_ms)
            ends[event.run_id] = max(ends[event.run_id], end)
        else:
            starts[event.run_id], ends[event.run_id] = event.ts_ms, end
    durations = (RunDuration(run, float(ends[run] - starts[run])) for run in starts)
    # A heap of size k instead of a full sort: O(n log k). The smallest key is the longest run,
    # and the run_id in the key makes ties come out in one order, whatever the input order.
    return heapq.nsmallest(k, durations, key=lambda r: (-r.duration_ms, r.run_id))


# --- Part 4 --------------------------------------------------------------------------------------

# Bucket i holds latencies in [GAMMA**i, GAMMA**(i+1)). Reporting 2 * GAMMA**(i+1) / (GAMMA + 1)
# for it is off by at most (GAMMA - 1) / (GAMMA + 1) < 1% relative, wherever in the bucket the
# true value lies; and latencies from 1 ms to 1 hour need only ~770 buckets.
_GAMMA = 1.02
_LOG_GAMMA = math.log(_GAMMA)
_BELOW_ONE_MS = 0.5  # reported for the bucket of latencies under 1 ms


@dataclass
class _Histogram:
    calls: int = 0
    failures: int = 0
    below_one_ms: int = 0
    buckets: Counter[int] = field(default_factory=Counter)

    def add(self, event: ToolCall) -> None:
        self.calls += 1
        if event.status != "ok":
            self.failures += 1
        if event.latency_ms < 1:
            self.below_one_ms += 1
        else:
            self.buckets[int(math.log(event.latency_ms) / _LOG_GAMMA)] += 1

    def percentile(self, p: float) -> float:
        rank = max(1, math.ceil(p * self.calls / 100))
        seen = self.below_one_ms
        if seen >= rank:
            return _BELOW_ONE_MS
        for index in sorted(self.buckets):
            seen += self.buckets[index]
            if seen >= rank:
                return _GAMMA**index
        raise AssertionError("rank beyond the number of calls")  # unreachable: rank <= calls

    def summary(self, tool: str) -> ToolSummary:
        return ToolSummary(
            tool=tool,
            calls=self.calls,
            failures=self.failures,
            error_rate=self.failures / self.calls,
            p50_ms=self.percentile(50),
            p95_ms=self.percentile(95),
        )


def summarize_stream(lines: Iterable[str]) -> list[ToolSummary]:
    """Part 1's parsing and Part 2's summary in one pass over `lines`, skipping bad lines.

    Returns the same tools, order, calls, failures and error rates as
    `summarize(parse_log(lines).events)`; p50/p95 are within 1% of the exact values (any value
    in [0, 1] when the exact one is under 1 ms). Memory grows with the number of distinct tools,
    never with the number of lines.
    """
    # Counts per bucket, never the latencies themselves: memory is O(tools x buckets), whatever
    # the length of the log.
    histograms: dict[str, _Histogram] = {}
    for line in lines:
        if not line.strip():
            continue
        checked = _check_line(line)
        if isinstance(checked, ToolCall):
            histograms.setdefault(checked.tool, _Histogram()).add(checked)
    summaries = [histogram.summary(tool) for tool, histogram in histograms.items()]
    return sorted(summaries, key=lambda s: (-s.calls, s.tool))
