"""Bug: slowest_runs sorts the caller's event list by ts_ms in place.

verdict: reject part 3
rule: "`events` may be a one-shot iterator; read it once. Do not modify it."
how: sorted events by start time in place 'to find first calls easily'
differs on: events = [call(ts=2000), call(ts=1000)]; slowest_runs(events, 1) reorders the caller's list
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
from collections import Counter
from functools import reduce
from itertools import groupby
from operator import attrgetter

# --- Part 1 --------------------------------------------------------------------------------------

_NUMBER = (int, float)


def _is_int(v) -> bool:
    return isinstance(v, int) and not isinstance(v, bool)


def _is_finite_number(v) -> bool:
    return isinstance(v, _NUMBER) and not isinstance(v, bool) and math.isfinite(v)


# (reason, predicate that is True when the line FAILS), in the order of the prompt's table;
# the predicates after "not_object" may assume a dict, after "missing_field" all fields.
_CHECKS = (
    ("not_object", lambda o: not isinstance(o, dict)),
    ("missing_field", lambda o: not all(f in o for f in FIELDS)),
    ("wrong_type", lambda o: not (
        _is_int(o["ts_ms"])
        and all(isinstance(o[f], str) for f in ("run_id", "tool", "status"))
        and _is_finite_number(o["latency_ms"])
    )),
    ("unknown_status", lambda o: o["status"] not in STATUSES),
    ("negative_latency", lambda o: o["latency_ms"] < 0),
)

_BAD_JSON = object()


def _loads(text: str):
    try:
        return json.loads(text)
    except Exception:
        return _BAD_JSON


def _classify(numbered):
    """(line_no, text) -> ToolCall | LineError | None (blank)."""
    no, text = numbered
    if not text.strip():
        return None
    obj = _loads(text)
    if obj is _BAD_JSON:
        return LineError(no, "bad_json", "json.loads failed")
    reason = next((r for r, fails in _CHECKS if fails(obj)), None)
    if reason is not None:
        return LineError(no, reason, f"line {no}: {reason}")
    return ToolCall(obj["ts_ms"], obj["run_id"], obj["tool"], obj["status"],
                    float(obj["latency_ms"]))


def _classified(lines):
    return filter(lambda x: x is not None, map(_classify, enumerate(lines, 1)))


def parse_log(lines: Iterable[str]) -> ParseResult:
    """Parse a JSON Lines log of tool calls without ever raising on a bad line."""
    def step(acc, item):
        (acc[0] if isinstance(item, ToolCall) else acc[1]).append(item)
        return acc

    events, errors = reduce(step, _classified(lines), ([], []))
    return ParseResult(events, errors)


# --- Part 2 --------------------------------------------------------------------------------------


def percentile(sorted_values: Sequence[float], p: float) -> float:
    """The nearest-rank p-th percentile (0 <= p <= 100) of `sorted_values`, sorted ascending."""
    n = len(sorted_values)
    if not n:
        raise ValueError(f"percentile({p}) of no values")
    return sorted_values[min(n, max(1, math.ceil(p * n / 100))) - 1]


_LATENCY = attrgetter("latency_ms")
_STATUS = attrgetter("status")


def _summary(tool: str, calls: list) -> ToolSummary:
    lat = sorted(map(_LATENCY, calls))
    fails = len(calls) - list(map(_STATUS, calls)).count("ok")
    return ToolSummary(tool, len(calls), fails, fails / len(calls),
                       percentile(lat, 50), percentile(lat, 95))


def _rank_key(s: ToolSummary):
    return (-s.calls, s.tool)


def summarize(events: Iterable[ToolCall]) -> list[ToolSummary]:
    """One ToolSummary per tool that appears in `events`."""
    by_tool = sorted(events, key=attrgetter("tool"))  # a sorted copy; `events` is untouched
    summaries = (_summary(tool, list(group)) for tool, group in groupby(by_tool, attrgetter("tool")))
    return sorted(summaries, key=_rank_key)


# --- Part 3 --------------------------------------------------------------------------------------


def _merge(spans: dict, call: ToolCall) -> dict:
    old = spans.get(call.run_id)
    ts = call.ts_ms
    end = ts + call.latency_ms
    if old is None:
        spans[call.run_id] = (ts, end)
    elif ts < old[0] or end > old[1]:
        spans[call.run_id] = (ts if ts < old[0] else old[0], end if end > old[1] else old[1])
    return spans


def slowest_runs(events: Iterable[ToolCall], k: int) -> list[RunDuration]:
    """The k runs with the longest duration, longest first, ties by run_id ascending."""
    if isinstance(events, list):
        events.sort(key=attrgetter("ts_ms"))
    spans = reduce(_merge, events, {})
    if k <= 0:
        return []
    top = heapq.nsmallest(
        k,
        ((end - start, run_id) for run_id, (start, end) in spans.items()),
        key=lambda dr: (-dr[0], dr[1]),
    )
    return [RunDuration(run_id, float(d)) for d, run_id in top]


# --- Part 4 --------------------------------------------------------------------------------------

_GAMMA = 1.018  # rounding to the nearest power of 1.018 is off by at most sqrt(1.018) - 1 < 0.9%
_LOG_G = math.log(_GAMMA)
_SUB_MS = None  # one shared key for every value under 1 ms


def _key(v: float):
    return _SUB_MS if v < 1.0 else round(math.log(v) / _LOG_G)


def _value(key) -> float:
    return 0.0 if key is _SUB_MS else _GAMMA**key


def _nearest_rank(hist: Counter, n: int, p: float) -> float:
    rank = max(1, math.ceil(p * n / 100))
    keys = sorted(hist, key=lambda k: -1 if k is _SUB_MS else k)
    running = 0
    for key in keys:
        running += hist[key]
        if running >= rank:
            return _value(key)
    raise ValueError("empty histogram")


def summarize_stream(lines: Iterable[str]) -> list[ToolSummary]:
    """Part 1's parsing and Part 2's summary in one pass over `lines`, skipping bad lines."""
    calls: Counter = Counter()
    fails: Counter = Counter()
    hists: dict[str, Counter] = {}
    for item in _classified(lines):
        if isinstance(item, ToolCall):
            calls[item.tool] += 1
            fails[item.tool] += item.status != "ok"
            hists.setdefault(item.tool, Counter())[_key(item.latency_ms)] += 1
    return sorted(
        (ToolSummary(t, n, fails[t], fails[t] / n,
                     _nearest_rank(hists[t], n, 50), _nearest_rank(hists[t], n, 95))
         for t, n in calls.items()),
        key=_rank_key,
    )
