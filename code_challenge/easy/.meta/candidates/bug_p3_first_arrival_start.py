"""Bug: run start is the first call to arrive, not the earliest start.

verdict: reject part 3
rule: "Calls of a run may overlap and may arrive in any order; a run of one call lasts its latency."
how: assumed calls arrive in time order and never lowered the start
differs on: run r: (ts 100, lat 10), (ts 0, lat 5) -> 10.0 (expected 110.0)
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
import numbers

import numpy as np

# --- Part 1 --------------------------------------------------------------------------------------


def _reason(obj):
    if not isinstance(obj, dict):
        return "not_object"
    if any(f not in obj for f in FIELDS):
        return "missing_field"
    ts, lat = obj["ts_ms"], obj["latency_ms"]
    if isinstance(ts, bool) or not isinstance(ts, numbers.Integral):
        return "wrong_type"
    if not (isinstance(obj["run_id"], str) and isinstance(obj["tool"], str)
            and isinstance(obj["status"], str)):
        return "wrong_type"
    if isinstance(lat, bool) or not isinstance(lat, (int, float)):
        return "wrong_type"
    if isinstance(lat, float) and not np.isfinite(lat):
        return "wrong_type"
    if obj["status"] not in STATUSES:
        return "unknown_status"
    if lat < 0:
        return "negative_latency"
    return None


def _one(text):
    if text.strip() == "":
        return None, None
    try:
        obj = json.loads(text)
    except BaseException as exc:  # noqa: BLE001 - whatever json.loads raises means bad_json
        if isinstance(exc, (KeyboardInterrupt, SystemExit)):
            raise
        return None, "bad_json"
    reason = _reason(obj)
    if reason:
        return None, reason
    return ToolCall(obj["ts_ms"], obj["run_id"], obj["tool"], obj["status"],
                    float(obj["latency_ms"])), None


def parse_log(lines: Iterable[str]) -> ParseResult:
    """Parse a JSON Lines log of tool calls without ever raising on a bad line."""
    events, errors = [], []
    line_no = 0
    for text in lines:
        line_no += 1
        call, reason = _one(text)
        if call is not None:
            events.append(call)
        elif reason is not None:
            errors.append(LineError(line_no, reason, f"rejected: {reason}"))
    return ParseResult(events, errors)


# --- Part 2 --------------------------------------------------------------------------------------


def percentile(sorted_values: Sequence[float], p: float) -> float:
    """The nearest-rank p-th percentile (0 <= p <= 100) of `sorted_values`, sorted ascending."""
    n = len(sorted_values)
    if n == 0:
        raise ValueError("percentile: empty input")
    idx = int(np.clip(math.ceil(p * n / 100), 1, n)) - 1
    return float(sorted_values[idx])


def summarize(events: Iterable[ToolCall]) -> list[ToolSummary]:
    """One ToolSummary per tool that appears in `events`."""
    evs = list(events)  # a new list; the caller's sequence is not touched
    if not evs:
        return []
    index: dict[str, int] = {}
    codes = np.fromiter((index.setdefault(e.tool, len(index)) for e in evs), dtype=np.int64,
                        count=len(evs))
    names = list(index)
    lat = np.fromiter((e.latency_ms for e in evs), dtype=np.float64, count=len(evs))
    failed = np.fromiter((e.status != "ok" for e in evs), dtype=np.int64, count=len(evs))
    order = np.lexsort((lat, codes))  # by tool code, then latency
    sorted_codes = codes[order]
    sorted_lat = lat[order]
    counts = np.bincount(codes, minlength=len(names))
    fails = np.bincount(codes, weights=failed, minlength=len(names))
    starts = np.concatenate(([0], np.cumsum(counts)[:-1]))
    out = []
    for i, name in enumerate(names):
        n = int(counts[i])
        group = sorted_lat[starts[i]:starts[i] + n]
        assert (sorted_codes[starts[i]:starts[i] + n] == i).all()
        f = int(fails[i])
        out.append(ToolSummary(str(name), n, f, f / n, percentile(group, 50), percentile(group, 95)))
    out.sort(key=lambda s: (-s.calls, s.tool))
    return out


# --- Part 3 --------------------------------------------------------------------------------------


def slowest_runs(events: Iterable[ToolCall], k: int) -> list[RunDuration]:
    """The k runs with the longest duration, longest first, ties by run_id ascending."""
    first: dict[str, int] = {}
    last: dict[str, float] = {}
    for e in events:
        end = e.ts_ms + e.latency_ms
        s = first.get(e.run_id)
        if s is None:
            first[e.run_id] = e.ts_ms
            last[e.run_id] = end
        else:
            if end > last[e.run_id]:
                last[e.run_id] = end
    if k <= 0 or not first:
        return []
    pairs = [(last[r] - first[r], r) for r in first]
    top = heapq.nsmallest(k, pairs, key=lambda t: (-t[0], t[1]))
    return [RunDuration(r, float(d)) for d, r in top]


# --- Part 4 --------------------------------------------------------------------------------------

_SUB = 56  # linear sub-buckets per power of two: bucket width <= 1/56 of its lower edge


def _hdr_key(v: float) -> int:
    """HDR-histogram-like: split each [2^e, 2^(e+1)) into _SUB equal slices; -1 for v < 1."""
    if v < 1.0:
        return -1
    m, e = math.frexp(v)  # v = m * 2**e, 0.5 <= m < 1
    return e * _SUB + int((m - 0.5) * 2 * _SUB)


def _hdr_value(key: int) -> float:
    if key < 0:
        return 1.0
    e, s = divmod(key, _SUB)
    lo = math.ldexp(0.5 + s / (2 * _SUB), e)
    hi = math.ldexp(0.5 + (s + 1) / (2 * _SUB), e)
    return (lo + hi) / 2


def _hdr_rank(hist: dict, rank: int) -> float:
    keys = np.array(sorted(hist), dtype=np.int64)
    cum = np.cumsum([hist[int(k)] for k in keys])
    return _hdr_value(int(keys[int(np.searchsorted(cum, rank))]))


def summarize_stream(lines: Iterable[str]) -> list[ToolSummary]:
    """Part 1's parsing and Part 2's summary in one pass over `lines`, skipping bad lines."""
    stats: dict[str, list] = {}  # tool -> [calls, failures, histogram]
    for text in lines:
        call, _ = _one(text)
        if call is None:
            continue
        st = stats.get(call.tool)
        if st is None:
            st = stats[call.tool] = [0, 0, {}]
        st[0] += 1
        st[1] += call.status != "ok"
        key = _hdr_key(call.latency_ms)
        st[2][key] = st[2].get(key, 0) + 1
    out = []
    for tool, (n, f, hist) in stats.items():
        r50 = max(1, math.ceil(50 * n / 100))
        r95 = max(1, math.ceil(95 * n / 100))
        out.append(ToolSummary(tool, n, f, f / n, _hdr_rank(hist, r50), _hdr_rank(hist, r95)))
    out.sort(key=lambda s: (-s.calls, s.tool))
    return out
