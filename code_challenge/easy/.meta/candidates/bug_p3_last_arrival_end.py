"""Bug: run end is the end of the last call to arrive, not the latest end.

verdict: reject part 3
rule: "Calls of a run may overlap and may arrive in any order; a run of one call lasts its latency."
how: overwrote the end with each new call instead of keeping the max
differs on: run r: (ts 0, lat 1000), (ts 100, lat 10) -> 110.0 (expected 1000.0)
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



import json
import math
from collections import defaultdict
from heapq import nsmallest

# --- Part 1 --------------------------------------------------------------------------------------


def _reason(o):
    if type(o) is not dict:
        return "not_object"
    if not set(FIELDS) <= o.keys():
        return "missing_field"
    t, lat = o["ts_ms"], o["latency_ms"]
    if (type(t) is not int or type(lat) not in (int, float) or not math.isfinite(lat)
            or not all(type(o[f]) is str for f in ("run_id", "tool", "status"))):
        return "wrong_type"
    if o["status"] not in STATUSES:
        return "unknown_status"
    if lat < 0:
        return "negative_latency"
    return None


def _parse(line):
    """None for a blank line, else a ToolCall or a reason string."""
    if not line.strip():
        return None
    try:
        o = json.loads(line)
    except (ValueError, RecursionError):
        return "bad_json"
    r = _reason(o)
    return r or ToolCall(o["ts_ms"], o["run_id"], o["tool"], o["status"], float(o["latency_ms"]))


def parse_log(lines: Iterable[str]) -> ParseResult:
    """Parse a JSON Lines log of tool calls without ever raising on a bad line."""
    res = ParseResult([], [])
    for i, line in enumerate(lines, 1):
        x = _parse(line)
        if isinstance(x, ToolCall):
            res.events.append(x)
        elif x:
            res.errors.append(LineError(i, x, ""))
    return res


# --- Part 2 --------------------------------------------------------------------------------------


def percentile(sorted_values: Sequence[float], p: float) -> float:
    """The nearest-rank p-th percentile (0 <= p <= 100) of `sorted_values`, sorted ascending."""
    if not len(sorted_values):
        raise ValueError("empty")
    return sorted_values[max(0, math.ceil(p * len(sorted_values) / 100) - 1)]


def _summaries(stats):
    rows = [ToolSummary(t, n, f, f / n, p50, p95) for t, (n, f, p50, p95) in stats.items()]
    return sorted(rows, key=lambda s: (-s.calls, s.tool))


def summarize(events: Iterable[ToolCall]) -> list[ToolSummary]:
    """One ToolSummary per tool that appears in `events`."""
    lat, fail = defaultdict(list), defaultdict(int)
    for e in events:
        lat[e.tool].append(e.latency_ms)
        fail[e.tool] += e.status != "ok"
    stats = {}
    for t, v in lat.items():
        v = sorted(v)
        stats[t] = (len(v), fail[t], percentile(v, 50), percentile(v, 95))
    return _summaries(stats)


# --- Part 3 --------------------------------------------------------------------------------------


def slowest_runs(events: Iterable[ToolCall], k: int) -> list[RunDuration]:
    """The k runs with the longest duration, longest first, ties by run_id ascending."""
    span = {}  # run_id -> [first start, last end]
    for e in events:
        end = e.ts_ms + e.latency_ms
        s = span.get(e.run_id)
        if s is None:
            span[e.run_id] = [e.ts_ms, end]
        else:
            if e.ts_ms < s[0]:
                s[0] = e.ts_ms
            s[1] = end
    if k <= 0:
        return []
    top = nsmallest(k, span.items(), key=lambda kv: (-(kv[1][1] - kv[1][0]), kv[0]))
    return [RunDuration(r, f - s) for r, (s, f) in top]


# --- Part 4 --------------------------------------------------------------------------------------

_G = 1.015
_LG = math.log(_G)


def summarize_stream(lines: Iterable[str]) -> list[ToolSummary]:
    """Part 1's parsing and Part 2's summary in one pass over `lines`, skipping bad lines."""
    acc = {}  # tool -> [calls, failures, {bucket: count}]
    for line in lines:
        e = _parse(line)
        if not isinstance(e, ToolCall):
            continue
        a = acc.setdefault(e.tool, [0, 0, defaultdict(int)])
        a[0] += 1
        a[1] += e.status != "ok"
        a[2][-1 if e.latency_ms < 1 else int(math.log(e.latency_ms) / _LG)] += 1

    def at(hist, n, p):
        rank, seen = max(1, math.ceil(p * n / 100)), 0
        for b in sorted(hist):
            seen += hist[b]
            if seen >= rank:
                return 0.0 if b < 0 else _G ** (b + 0.5)  # geometric middle of [G^b, G^(b+1))
        raise AssertionError

    return _summaries({t: (n, f, at(h, n, 50), at(h, n, 95)) for t, (n, f, h) in acc.items()})
