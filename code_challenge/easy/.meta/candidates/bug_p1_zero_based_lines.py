"""Bug: line numbers start at 0.

verdict: reject part 1
rule: "Line numbers start at 1 and count **every** line."
how: used enumerate(lines) without start=1
differs on: parse_log(['[1]']) errors: line 0 (expected 1)
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



import heapq
import json
import math

# --- Part 1 --------------------------------------------------------------------------------------


def _check(obj):
    """Return (reason, detail) for the first failing check, or None when obj is a valid call."""
    if not isinstance(obj, dict):
        return "not_object", f"expected an object, got {type(obj).__name__}"
    for field in FIELDS:
        if field not in obj:
            return "missing_field", f"missing {field!r}"
    ts = obj["ts_ms"]
    if not isinstance(ts, int) or isinstance(ts, bool):
        return "wrong_type", f"ts_ms={ts!r}"
    for field in ("run_id", "tool", "status"):
        if not isinstance(obj[field], str):
            return "wrong_type", f"{field}={obj[field]!r}"
    lat = obj["latency_ms"]
    if not isinstance(lat, (int, float)) or isinstance(lat, bool) or not math.isfinite(lat):
        return "wrong_type", f"latency_ms={lat!r}"
    if obj["status"] not in STATUSES:
        return "unknown_status", f"status={obj['status']!r}"
    if lat < 0:
        return "negative_latency", f"latency_ms={lat!r}"
    return None


def _parse_line(text):
    """(ToolCall, None), (None, (reason, detail)), or (None, None) for a blank line."""
    if not text.strip():
        return None, None
    try:
        obj = json.loads(text)
    except Exception as exc:  # JSONDecodeError, RecursionError on absurd nesting, ...
        return None, ("bad_json", str(exc))
    problem = _check(obj)
    if problem is not None:
        return None, problem
    call = ToolCall(
        ts_ms=obj["ts_ms"],
        run_id=obj["run_id"],
        tool=obj["tool"],
        status=obj["status"],
        latency_ms=float(obj["latency_ms"]),
    )
    return call, None


def parse_log(lines: Iterable[str]) -> ParseResult:
    """Parse a JSON Lines log of tool calls without ever raising on a bad line."""
    events: list[ToolCall] = []
    errors: list[LineError] = []
    for number, text in enumerate(lines):
        call, problem = _parse_line(text)
        if call is not None:
            events.append(call)
        elif problem is not None:
            errors.append(LineError(number, problem[0], problem[1]))
    return ParseResult(events=events, errors=errors)


# --- Part 2 --------------------------------------------------------------------------------------


def percentile(sorted_values: Sequence[float], p: float) -> float:
    """The nearest-rank p-th percentile (0 <= p <= 100) of `sorted_values`, sorted ascending."""
    n = len(sorted_values)
    if n == 0:
        raise ValueError("percentile of an empty sequence")
    rank = max(1, math.ceil(p * n / 100))
    rank = min(rank, n)
    return sorted_values[rank - 1]


def summarize(events: Iterable[ToolCall]) -> list[ToolSummary]:
    """One ToolSummary per tool that appears in `events`."""
    latencies: dict[str, list[float]] = {}
    failures: dict[str, int] = {}
    for event in events:
        latencies.setdefault(event.tool, []).append(event.latency_ms)
        failures[event.tool] = failures.get(event.tool, 0) + (event.status != "ok")
    out = []
    for tool, values in latencies.items():
        values = sorted(values)
        calls = len(values)
        out.append(
            ToolSummary(
                tool=tool,
                calls=calls,
                failures=failures[tool],
                error_rate=failures[tool] / calls,
                p50_ms=percentile(values, 50),
                p95_ms=percentile(values, 95),
            )
        )
    out.sort(key=lambda s: (-s.calls, s.tool))
    return out


# --- Part 3 --------------------------------------------------------------------------------------


def slowest_runs(events: Iterable[ToolCall], k: int) -> list[RunDuration]:
    """The k runs with the longest duration, longest first, ties by run_id ascending."""
    if k <= 0:
        return []
    start: dict[str, int] = {}
    end: dict[str, float] = {}
    for event in events:
        finish = event.ts_ms + event.latency_ms
        if event.run_id in start:
            if event.ts_ms < start[event.run_id]:
                start[event.run_id] = event.ts_ms
            if finish > end[event.run_id]:
                end[event.run_id] = finish
        else:
            start[event.run_id] = event.ts_ms
            end[event.run_id] = finish
    durations = ((run_id, end[run_id] - start[run_id]) for run_id in start)
    best = heapq.nsmallest(k, durations, key=lambda item: (-item[1], item[0]))
    return [RunDuration(run_id=run_id, duration_ms=float(d)) for run_id, d in best]


# --- Part 4 --------------------------------------------------------------------------------------

_ALPHA = 0.009  # relative accuracy of a bucket's representative value (the prompt allows 1%)
_GAMMA = (1 + _ALPHA) / (1 - _ALPHA)
_LOG_GAMMA = math.log(_GAMMA)


def _bucket(value):
    """Bucket -1 holds [0, 1); bucket i >= 0 holds [GAMMA**i, GAMMA**(i+1))."""
    if value < 1.0:
        return -1
    return int(math.floor(math.log(value) / _LOG_GAMMA))


def _representative(index):
    if index < 0:
        return 0.5
    low = _GAMMA**index
    high = low * _GAMMA
    return 2 * low * high / (low + high)


def _sketch_rank(counts, rank):
    """The representative of the bucket holding the rank-th smallest value (rank from 1)."""
    seen = 0
    for index in sorted(counts):
        seen += counts[index]
        if seen >= rank:
            return _representative(index)
    raise AssertionError("rank beyond count")


def summarize_stream(lines: Iterable[str]) -> list[ToolSummary]:
    """Part 1's parsing and Part 2's summary in one pass over `lines`, skipping bad lines."""
    calls: dict[str, int] = {}
    failures: dict[str, int] = {}
    sketches: dict[str, dict[int, int]] = {}
    for text in lines:
        call, _problem = _parse_line(text)
        if call is None:
            continue
        tool = call.tool
        calls[tool] = calls.get(tool, 0) + 1
        failures[tool] = failures.get(tool, 0) + (call.status != "ok")
        sketch = sketches.setdefault(tool, {})
        b = _bucket(call.latency_ms)
        sketch[b] = sketch.get(b, 0) + 1
    out = []
    for tool, n in calls.items():
        sketch = sketches[tool]
        out.append(
            ToolSummary(
                tool=tool,
                calls=n,
                failures=failures[tool],
                error_rate=failures[tool] / n,
                p50_ms=_sketch_rank(sketch, max(1, math.ceil(50 * n / 100))),
                p95_ms=_sketch_rank(sketch, max(1, math.ceil(95 * n / 100))),
            )
        )
    out.sort(key=lambda s: (-s.calls, s.tool))
    return out
