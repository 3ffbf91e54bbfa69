"""Bug: only JSONDecodeError is caught; deeply nested JSON raises RecursionError out of parse_log.

verdict: reject part 1
rule: "`parse_log` never raises because of a line's content."
how: caught json.JSONDecodeError, the one exception the docs mention
differs on: parse_log(['[' * 100000]) raises RecursionError (expected [(1, 'bad_json')])
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
from dataclasses import field as _dc_field

# --- Part 1 --------------------------------------------------------------------------------------


class _Reject(Exception):
    def __init__(self, reason: str, detail: str) -> None:
        super().__init__(reason, detail)
        self.reason = reason
        self.detail = detail


class _LineValidator:
    """Runs the checks of the prompt's table in order; raises _Reject on the first failure."""

    def validate(self, text: str) -> ToolCall:
        obj = self.decode(text)
        self.require_object(obj)
        self.require_fields(obj)
        self.require_types(obj)
        self.require_status(obj)
        self.require_non_negative(obj)
        return ToolCall(
            ts_ms=obj["ts_ms"],
            run_id=obj["run_id"],
            tool=obj["tool"],
            status=obj["status"],
            latency_ms=float(obj["latency_ms"]),
        )

    @staticmethod
    def decode(text: str):
        try:
            return json.loads(text)
        except json.JSONDecodeError as exc:
            raise _Reject("bad_json", repr(exc)) from None

    @staticmethod
    def require_object(obj) -> None:
        if type(obj) is not dict:
            raise _Reject("not_object", type(obj).__name__)

    @staticmethod
    def require_fields(obj: dict) -> None:
        missing = [name for name in FIELDS if name not in obj]
        if missing:
            raise _Reject("missing_field", ", ".join(missing))

    @staticmethod
    def require_types(obj: dict) -> None:
        ts = obj["ts_ms"]
        if type(ts) is not int:  # json.loads only makes plain ints; this also rules out bools
            raise _Reject("wrong_type", f"ts_ms is {type(ts).__name__}")
        for name in ("run_id", "tool", "status"):
            if type(obj[name]) is not str:
                raise _Reject("wrong_type", f"{name} is {type(obj[name]).__name__}")
        lat = obj["latency_ms"]
        if type(lat) not in (int, float):
            raise _Reject("wrong_type", f"latency_ms is {type(lat).__name__}")
        if type(lat) is float and (math.isnan(lat) or math.isinf(lat)):
            raise _Reject("wrong_type", f"latency_ms is {lat}")

    @staticmethod
    def require_status(obj: dict) -> None:
        if obj["status"] not in ("ok", "error", "timeout"):
            raise _Reject("unknown_status", obj["status"])

    @staticmethod
    def require_non_negative(obj: dict) -> None:
        if obj["latency_ms"] < 0:
            raise _Reject("negative_latency", str(obj["latency_ms"]))


class _Parser:
    def __init__(self) -> None:
        self.validator = _LineValidator()
        self.line_no = 0

    def feed(self, text: str):
        """Returns a ToolCall, a LineError, or None for a blank line."""
        self.line_no += 1
        if text == "" or text.isspace():
            return None
        try:
            return self.validator.validate(text)
        except _Reject as rej:
            return LineError(line=self.line_no, reason=rej.reason, detail=rej.detail)


def parse_log(lines: Iterable[str]) -> ParseResult:
    """Parse a JSON Lines log of tool calls without ever raising on a bad line."""
    parser = _Parser()
    result = ParseResult(events=[], errors=[])
    for text in lines:
        item = parser.feed(text)
        if isinstance(item, ToolCall):
            result.events.append(item)
        elif isinstance(item, LineError):
            result.errors.append(item)
    return result


# --- Part 2 --------------------------------------------------------------------------------------


def percentile(sorted_values: Sequence[float], p: float) -> float:
    """The nearest-rank p-th percentile (0 <= p <= 100) of `sorted_values`, sorted ascending."""
    if len(sorted_values) == 0:
        raise ValueError("no values")
    n = len(sorted_values)
    rank = math.ceil(p * n / 100)
    if rank < 1:
        rank = 1
    if rank > n:
        rank = n
    return float(sorted_values[rank - 1])


@dataclass
class _ToolAcc:
    tool: str
    latencies: list = _dc_field(default_factory=list)
    failures: int = 0

    def add(self, call: ToolCall) -> None:
        self.latencies.append(call.latency_ms)
        if call.status != "ok":
            self.failures += 1

    def summary(self) -> ToolSummary:
        values = sorted(self.latencies)
        n = len(values)
        return ToolSummary(self.tool, n, self.failures, self.failures / n,
                           percentile(values, 50), percentile(values, 95))


def _order(summaries):
    return sorted(summaries, key=lambda s: (-s.calls, s.tool))


def summarize(events: Iterable[ToolCall]) -> list[ToolSummary]:
    """One ToolSummary per tool that appears in `events`."""
    accs: dict[str, _ToolAcc] = {}
    for call in events:
        acc = accs.get(call.tool)
        if acc is None:
            acc = accs[call.tool] = _ToolAcc(call.tool)
        acc.add(call)
    return _order(acc.summary() for acc in accs.values())


# --- Part 3 --------------------------------------------------------------------------------------


class _Span:
    __slots__ = ("start", "end")

    def __init__(self, call: ToolCall) -> None:
        self.start = call.ts_ms
        self.end = call.ts_ms + call.latency_ms

    def extend(self, call: ToolCall) -> None:
        if call.ts_ms < self.start:
            self.start = call.ts_ms
        end = call.ts_ms + call.latency_ms
        if end > self.end:
            self.end = end


class _Ranked:
    """Heap entry where the 'smallest' is the one to evict: shortest, then largest run_id."""

    __slots__ = ("duration", "run_id")

    def __init__(self, duration: float, run_id: str) -> None:
        self.duration = duration
        self.run_id = run_id

    def __lt__(self, other: "_Ranked") -> bool:
        if self.duration != other.duration:
            return self.duration < other.duration
        return self.run_id > other.run_id


def slowest_runs(events: Iterable[ToolCall], k: int) -> list[RunDuration]:
    """The k runs with the longest duration, longest first, ties by run_id ascending."""
    import heapq

    spans: dict[str, _Span] = {}
    for call in events:
        span = spans.get(call.run_id)
        if span is None:
            spans[call.run_id] = _Span(call)
        else:
            span.extend(call)
    if k <= 0:
        return []
    heap: list[_Ranked] = []
    for run_id, span in spans.items():
        entry = _Ranked(span.end - span.start, run_id)
        if len(heap) < k:
            heapq.heappush(heap, entry)
        elif heap[0] < entry:
            heapq.heapreplace(heap, entry)
    ordered = []
    while heap:
        ordered.append(heapq.heappop(heap))
    ordered.reverse()
    return [RunDuration(e.run_id, float(e.duration)) for e in ordered]


# --- Part 4 --------------------------------------------------------------------------------------


class _LogSketch:
    """DDSketch-style histogram: sub-1 ms values share one bucket; above, log buckets."""

    def __init__(self, alpha: float = 0.008) -> None:
        self.gamma = (1 + alpha) / (1 - alpha)
        self.log_gamma = math.log(self.gamma)
        self.low = 0
        self.buckets: dict[int, int] = {}
        self.count = 0

    def add(self, value: float) -> None:
        self.count += 1
        if value < 1.0:
            self.low += 1
            return
        i = math.ceil(math.log(value) / self.log_gamma)  # value in (gamma^(i-1), gamma^i]
        self.buckets[i] = self.buckets.get(i, 0) + 1

    def value_at_rank(self, rank: int) -> float:
        if rank <= self.low:
            return 0.0
        seen = self.low
        for i in sorted(self.buckets):
            seen += self.buckets[i]
            if seen >= rank:
                return 2 * self.gamma**i / (self.gamma + 1)
        raise ValueError("rank out of range")

    def percentile(self, p: float) -> float:
        if self.count == 0:
            raise ValueError("empty sketch")
        return self.value_at_rank(max(1, math.ceil(p * self.count / 100)))


class _StreamTool:
    def __init__(self, tool: str) -> None:
        self.tool = tool
        self.calls = 0
        self.failures = 0
        self.sketch = _LogSketch()

    def add(self, call: ToolCall) -> None:
        self.calls += 1
        self.failures += call.status != "ok"
        self.sketch.add(call.latency_ms)

    def summary(self) -> ToolSummary:
        return ToolSummary(self.tool, self.calls, self.failures, self.failures / self.calls,
                           self.sketch.percentile(50), self.sketch.percentile(95))


def summarize_stream(lines: Iterable[str]) -> list[ToolSummary]:
    """Part 1's parsing and Part 2's summary in one pass over `lines`, skipping bad lines."""
    parser = _Parser()
    tools: dict[str, _StreamTool] = {}
    for text in lines:
        item = parser.feed(text)
        if isinstance(item, ToolCall):
            acc = tools.get(item.tool)
            if acc is None:
                acc = tools[item.tool] = _StreamTool(item.tool)
            acc.add(item)
    return _order(acc.summary() for acc in tools.values())
