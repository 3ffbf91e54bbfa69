"""Bug: only status 'error' counts as a failure; timeouts are ignored.

verdict: reject part 2
rule: "`failures`: how many of them have a status other than `"ok"` (`"error"` **and** `"timeout"`);"
how: tested status == 'error'
differs on: example: fetch failures 0, error_rate 0.0 (expected 1 and 0.5)
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
from collections import defaultdict

# --- Part 1 --------------------------------------------------------------------------------------

_TEXT_FIELDS = ("run_id", "tool", "status")


def _finite_number(value) -> bool:
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        return False
    try:
        return math.isfinite(value)
    except OverflowError:  # an int too large for a float (out of scope, but never crash)
        return False


def _validate(text):
    """Return ('event', ToolCall), ('error', (reason, detail)) or ('blank', None)."""
    if isinstance(text, (bytes, bytearray)):
        try:
            text = text.decode("utf-8")
        except UnicodeDecodeError as exc:
            return "error", ("bad_json", f"undecodable bytes: {exc}")
    if not isinstance(text, str):
        return "error", ("bad_json", f"not a string: {type(text).__name__}")
    if text.strip() == "":
        return "blank", None
    try:
        obj = json.loads(text)
    except (json.JSONDecodeError, ValueError, RecursionError, TypeError, MemoryError) as exc:
        return "error", ("bad_json", f"{type(exc).__name__}: {exc}"[:200])
    except Exception as exc:  # pragma: no cover - anything else json.loads may throw
        return "error", ("bad_json", f"{type(exc).__name__}"[:200])
    if not isinstance(obj, dict):
        return "error", ("not_object", f"got JSON {type(obj).__name__}")
    missing = [name for name in FIELDS if name not in obj]
    if missing:
        return "error", ("missing_field", "missing: " + ", ".join(missing))
    ts = obj["ts_ms"]
    if isinstance(ts, bool) or not isinstance(ts, int):
        return "error", ("wrong_type", f"ts_ms must be an integer, got {ts!r}"[:200])
    for name in _TEXT_FIELDS:
        if not isinstance(obj[name], str):
            return "error", ("wrong_type", f"{name} must be a string, got {obj[name]!r}"[:200])
    latency = obj["latency_ms"]
    if not _finite_number(latency):
        return "error", ("wrong_type", f"latency_ms must be a finite number, got {latency!r}"[:200])
    status = obj["status"]
    if status not in STATUSES:
        return "error", ("unknown_status", f"status {status!r} is not one of {STATUSES}"[:200])
    if latency < 0:
        return "error", ("negative_latency", f"latency_ms {latency!r} < 0")
    return "event", ToolCall(
        ts_ms=int(ts),
        run_id=str(obj["run_id"]),
        tool=str(obj["tool"]),
        status=status,
        latency_ms=float(latency),
    )


def parse_log(lines: Iterable[str]) -> ParseResult:
    """Parse a JSON Lines log of tool calls without ever raising on a bad line."""
    events: list[ToolCall] = []
    errors: list[LineError] = []
    for line_no, text in enumerate(iter(lines), start=1):
        try:
            kind, payload = _validate(text)
        except Exception as exc:  # belt and braces: a line's content never escapes as an error
            kind, payload = "error", ("bad_json", f"unexpected {type(exc).__name__}")
        if kind == "event":
            events.append(payload)
        elif kind == "error":
            reason, detail = payload
            errors.append(LineError(line=line_no, reason=reason, detail=detail))
    return ParseResult(events=events, errors=errors)


# --- Part 2 --------------------------------------------------------------------------------------


def percentile(sorted_values: Sequence[float], p: float) -> float:
    """The nearest-rank p-th percentile (0 <= p <= 100) of `sorted_values`, sorted ascending."""
    n = len(sorted_values)
    if n == 0:
        raise ValueError("percentile() needs at least one value")
    if isinstance(p, bool) or not isinstance(p, (int, float)) or not 0 <= p <= 100:
        raise ValueError(f"p must be a number in [0, 100], got {p!r}")
    rank = math.ceil(p * n / 100)
    rank = 1 if rank < 1 else (n if rank > n else rank)
    return float(sorted_values[rank - 1])


def summarize(events: Iterable[ToolCall]) -> list[ToolSummary]:
    """One ToolSummary per tool that appears in `events`."""
    per_tool: dict[str, list[float]] = defaultdict(list)
    failed: dict[str, int] = defaultdict(int)
    for call in events:  # read only; we never mutate the caller's container
        per_tool[call.tool].append(float(call.latency_ms))
        if call.status == "error":
            failed[call.tool] += 1
    summaries = []
    for tool in sorted(per_tool, key=lambda t: (-len(per_tool[t]), t)):
        values = sorted(per_tool[tool])  # sorted copy of our own list
        calls = len(values)
        fails = failed.get(tool, 0)
        summaries.append(ToolSummary(
            tool=tool,
            calls=calls,
            failures=fails,
            error_rate=fails / calls if calls else 0.0,
            p50_ms=percentile(values, 50),
            p95_ms=percentile(values, 95),
        ))
    return summaries


# --- Part 3 --------------------------------------------------------------------------------------


class _Desc:
    """Wraps a str so that comparisons are reversed (for a min-heap that evicts large run_ids)."""

    __slots__ = ("s",)

    def __init__(self, s: str) -> None:
        self.s = s

    def __lt__(self, other: "_Desc") -> bool:
        return self.s > other.s

    def __eq__(self, other: object) -> bool:
        return isinstance(other, _Desc) and self.s == other.s


def slowest_runs(events: Iterable[ToolCall], k: int) -> list[RunDuration]:
    """The k runs with the longest duration, longest first, ties by run_id ascending."""
    if isinstance(k, bool) or not isinstance(k, int):
        k = int(k)
    starts: dict[str, int] = {}
    ends: dict[str, float] = {}
    for call in events:
        run = call.run_id
        finish = call.ts_ms + call.latency_ms
        if run not in starts:
            starts[run] = call.ts_ms
            ends[run] = finish
            continue
        if call.ts_ms < starts[run]:
            starts[run] = call.ts_ms
        if finish > ends[run]:
            ends[run] = finish
    if k <= 0:
        return []
    heap: list = []  # min-heap of (duration, _Desc(run_id)): the root is the first to drop
    for run in starts:
        item = (ends[run] - starts[run], _Desc(run))
        if len(heap) < k:
            heapq.heappush(heap, item)
        elif heap[0] < item:
            heapq.heapreplace(heap, item)
    top = sorted(heap, reverse=True)
    return [RunDuration(run_id=d.s, duration_ms=float(dur)) for dur, d in top]


# --- Part 4 --------------------------------------------------------------------------------------


class _Histogram:
    """Log-bucketed histogram, relative error <= 0.9% for values >= 1 ms; values are clamped to
    the observed [min, max] so a single-valued tool comes out exact."""

    ALPHA = 0.009
    GAMMA = (1 + ALPHA) / (1 - ALPHA)
    LOG_GAMMA = math.log(GAMMA)

    __slots__ = ("n", "sub_one", "sub_one_max", "buckets", "lo", "hi")

    def __init__(self) -> None:
        self.n = 0
        self.sub_one = 0
        self.sub_one_max = 0.0
        self.buckets: dict[int, int] = {}
        self.lo = math.inf
        self.hi = -math.inf

    def add(self, v: float) -> None:
        self.n += 1
        self.lo = min(self.lo, v)
        self.hi = max(self.hi, v)
        if v < 1.0:
            self.sub_one += 1
            self.sub_one_max = max(self.sub_one_max, v)
            return
        i = int(math.log(v) / self.LOG_GAMMA)
        self.buckets[i] = self.buckets.get(i, 0) + 1

    def at_rank(self, rank: int) -> float:
        if self.n == 0:
            raise ValueError("empty histogram")
        rank = min(max(rank, 1), self.n)
        if rank <= self.sub_one:
            return self.sub_one_max
        seen = self.sub_one
        for i in sorted(self.buckets):
            seen += self.buckets[i]
            if seen >= rank:
                low = self.GAMMA**i
                estimate = 2 * low * self.GAMMA / (1 + self.GAMMA)
                return min(max(estimate, max(self.lo, 1.0)), self.hi)
        return self.hi  # unreachable

    def percentile(self, p: float) -> float:
        return self.at_rank(math.ceil(p * self.n / 100))


def summarize_stream(lines: Iterable[str]) -> list[ToolSummary]:
    """Part 1's parsing and Part 2's summary in one pass over `lines`, skipping bad lines."""
    calls: dict[str, int] = {}
    fails: dict[str, int] = {}
    hists: dict[str, _Histogram] = {}
    for text in lines:
        try:
            kind, call = _validate(text)
        except Exception:
            continue
        if kind != "event":
            continue
        calls[call.tool] = calls.get(call.tool, 0) + 1
        fails[call.tool] = fails.get(call.tool, 0) + (0 if call.status == "ok" else 1)
        hist = hists.get(call.tool)
        if hist is None:
            hist = hists[call.tool] = _Histogram()
        hist.add(call.latency_ms)
    result = []
    for tool in sorted(calls, key=lambda t: (-calls[t], t)):
        n, h = calls[tool], hists[tool]
        result.append(ToolSummary(tool, n, fails[tool], fails[tool] / n,
                                  h.percentile(50), h.percentile(95)))
    return result
