"""Bug: label ties broken by dict insertion order, not label name.

verdict: reject part 4
rule: "greedily drop the (metric, label) whose removal saves the most series (ties by metric name, then label), never a label in `keep`, until the total fits;"
how: relied on first-seen wins, iterating labels in dict order
differs on: drop_labels([Metric('a','counter',{'y':10,'x':10})], 15): correct [('a','x')], bug [('a','y')]
"""

from __future__ import annotations

import hashlib
import struct
from collections import deque
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Literal

SECONDS_PER_DAY = 86_400
MB = 10**6  # bytes; storage vendors and this prompt count in powers of ten
GB = 10**9
TB = 10**12


@dataclass(frozen=True)
class TraceLoad:
    """What the platform sends to the tracing pipeline."""

    runs_per_day: float  # one trace per agent run
    spans_per_run: float  # average
    bytes_per_span: float  # average, raw OTLP before compression
    peak_to_average: float  # peak-second traffic / daily-average traffic
    compression_ratio: float  # raw bytes / stored bytes
    replication: int  # stored copies
    retention_days: int


@dataclass(frozen=True)
class TraceEstimate:
    spans_per_second: float  # daily average
    peak_spans_per_second: float
    peak_ingest_mb_per_s: float  # raw bytes the collectors receive at peak, every span
    stored_tb_per_day: float  # kept traces only, after compression and replication
    stored_tb: float  # over the whole retention period


@dataclass(frozen=True)
class Trace:
    """One complete trace, as a tail sampler sees it once the run has ended."""

    trace_id: str
    spans: int
    size_bytes: int
    duration_ms: float
    error: bool  # any span ended in error


@dataclass(frozen=True)
class Minute:
    """One minute of the SLI: events served, and how many of them were good."""

    good: int
    total: int


@dataclass(frozen=True)
class BurnRule:
    """Fire while the burn rate is >= threshold over BOTH the long and the short window."""

    name: str
    long_minutes: int
    short_minutes: int
    threshold: float


@dataclass(frozen=True)
class Alert:
    """A rule fired at every minute from `start` to `end`, both included (series indexes)."""

    rule: str
    start: int
    end: int


# The multi-window, multi-burn-rate alerts of the Google SRE workbook for a 30-day SLO.
DEFAULT_RULES = (
    BurnRule("page-1h", 60, 5, 14.4),
    BurnRule("page-6h", 360, 30, 6.0),
    BurnRule("ticket-3d", 4320, 360, 1.0),
)

Kind = Literal["counter", "gauge", "histogram"]


@dataclass(frozen=True)
class Metric:
    name: str
    kind: Kind
    labels: dict[str, int]  # label name -> number of distinct values it takes
    buckets: int = 0  # histograms: finite buckets (the +Inf bucket not counted)


# --- Part 1 --------------------------------------------------------------------------------------


class _Volume:
    def __init__(self, load: TraceLoad) -> None:
        self.load = load
        self.spans_per_day = load.runs_per_day * load.spans_per_run

    @property
    def avg_rate(self) -> float:
        return self.spans_per_day / SECONDS_PER_DAY

    @property
    def peak_rate(self) -> float:
        return self.avg_rate * self.load.peak_to_average

    def stored_bytes_per_day(self, keep: float) -> float:
        raw = self.spans_per_day * self.load.bytes_per_span * keep
        return raw / self.load.compression_ratio * self.load.replication


def estimate_traces(load: TraceLoad, keep_fraction: float = 1.0) -> TraceEstimate:
    if keep_fraction < 0 or keep_fraction > 1 or keep_fraction != keep_fraction:
        raise ValueError("keep_fraction out of range")
    v = _Volume(load)
    per_day_tb = v.stored_bytes_per_day(keep_fraction) / TB
    return TraceEstimate(
        v.avg_rate,
        v.peak_rate,
        v.peak_rate * load.bytes_per_span / MB,
        per_day_tb,
        per_day_tb * load.retention_days,
    )


def max_keep_fraction(load: TraceLoad, budget_tb: float) -> float:
    full_tb = _Volume(load).stored_bytes_per_day(1.0) * load.retention_days / TB
    if full_tb == 0:
        return 1.0
    return max(0.0, min(1.0, budget_tb / full_tb))


def tail_buffer_gb(load: TraceLoad, decision_wait_s: float) -> float:
    return _Volume(load).peak_rate * decision_wait_s * load.bytes_per_span / GB


# --- Part 2 --------------------------------------------------------------------------------------


def trace_score(trace_id: str) -> float:
    (value,) = struct.unpack(">Q", hashlib.sha256(trace_id.encode("utf-8")).digest()[:8])
    return value / 2**64


def head_sample(traces: Sequence[Trace], rate: float) -> list[str]:
    return [t.trace_id for t in traces if trace_score(t.trace_id) < rate]


@dataclass
class _TailSampler:
    budget_bytes: int
    slow_ms: float
    used: int = 0
    kept: set = field(default_factory=set)

    def tier(self, t: Trace) -> int:
        if t.error:
            return 0
        if t.duration_ms >= self.slow_ms:
            return 1
        return 2

    def offer(self, position: int, t: Trace) -> None:
        if self.used + t.size_bytes <= self.budget_bytes:
            self.used += t.size_bytes
            self.kept.add(position)

    def run(self, traces: Sequence[Trace]) -> list[str]:
        order = sorted(
            range(len(traces)),
            key=lambda i: (self.tier(traces[i]), trace_score(traces[i].trace_id), traces[i].trace_id),
        )
        for i in order:
            self.offer(i, traces[i])
        return [t.trace_id for i, t in enumerate(traces) if i in self.kept]


def tail_sample(traces: Sequence[Trace], budget_bytes: int, slow_ms: float) -> list[str]:
    return _TailSampler(budget_bytes, slow_ms).run(traces)


def error_recall(traces: Sequence[Trace], kept: Sequence[str]) -> float:
    errors = [t for t in traces if t.error]
    if not errors:
        return 1.0
    kept_set = frozenset(kept)
    return sum(1 for t in errors if t.trace_id in kept_set) / len(errors)


# --- Part 3 --------------------------------------------------------------------------------------


def burn_rate(bad: int, total: int, slo: float) -> float:
    if not total:
        return 0.0
    return (bad / total) / (1 - slo)


def window_burn_rate(series: Sequence[Minute], end: int, minutes: int, slo: float) -> float:
    window = series[max(0, end - minutes + 1) : end + 1]
    return burn_rate(sum(m.total - m.good for m in window), sum(m.total for m in window), slo)


def budget_remaining(series: Sequence[Minute], slo: float) -> float:
    total = sum(m.total for m in series)
    if total == 0:
        return 1.0
    bad = sum(m.total - m.good for m in series)
    return 1 - bad / ((1 - slo) * total)


class _Window:
    """Running bad/total over the last `size` minutes: add the new minute, evict the oldest."""

    def __init__(self, size: int) -> None:
        self.size = size
        self.items: deque[Minute] = deque()
        self.bad = 0
        self.total = 0

    def push(self, m: Minute) -> None:
        self.items.append(m)
        self.bad += m.total - m.good
        self.total += m.total
        while len(self.items) > self.size:
            old = self.items.popleft()
            self.bad -= old.total - old.good
            self.total -= old.total

    def rate(self, slo: float) -> float:
        return burn_rate(self.bad, self.total, slo)


def evaluate_alerts(
    series: Sequence[Minute], slo: float, rules: Sequence[BurnRule] = DEFAULT_RULES
) -> list[Alert]:
    alerts: list[Alert] = []
    for rule in rules:
        long_w, short_w = _Window(rule.long_minutes), _Window(rule.short_minutes)
        open_start = -1
        for t, m in enumerate(series):
            long_w.push(m)
            short_w.push(m)
            fires = (
                t >= rule.long_minutes - 1
                and long_w.rate(slo) >= rule.threshold
                and short_w.rate(slo) >= rule.threshold
            )
            if fires:
                if open_start < 0:
                    open_start = t
            elif open_start >= 0:
                alerts.append(Alert(rule=rule.name, start=open_start, end=t - 1))
                open_start = -1
        if open_start >= 0:
            alerts.append(Alert(rule=rule.name, start=open_start, end=len(series) - 1))
    return sorted(alerts, key=lambda a: (a.start, a.rule, a.end))


# --- Part 4 --------------------------------------------------------------------------------------


def series_count(metric: Metric) -> int:
    count = 1
    for cardinality in metric.labels.values():
        count *= cardinality
    return count * (metric.buckets + 3) if metric.kind == "histogram" else count


def total_series(metrics: Sequence[Metric]) -> int:
    return sum(series_count(m) for m in metrics)


class _Planner:
    def __init__(self, metrics: Sequence[Metric], keep: frozenset[str]) -> None:
        self.keep = keep
        self.state = {m.name: Metric(m.name, m.kind, dict(m.labels), m.buckets) for m in metrics}

    def total(self) -> int:
        return total_series(list(self.state.values()))

    def candidates(self):
        for name in sorted(self.state):
            m = self.state[name]
            now = series_count(m)
            for label in m.labels:
                if label in self.keep:
                    continue
                after = series_count(
                    Metric(m.name, m.kind, {k: v for k, v in m.labels.items() if k != label}, m.buckets)
                )
                yield now - after, name, label

    def best(self):
        best = None
        for saving, name, label in self.candidates():
            if best is None or saving > best[0]:  # first in (name, label) order wins ties
                best = (saving, name, label)
        return best

    def drop(self, name: str, label: str) -> None:
        m = self.state[name]
        self.state[name] = Metric(
            m.name, m.kind, {k: v for k, v in m.labels.items() if k != label}, m.buckets
        )


def drop_labels(
    metrics: Sequence[Metric], budget: int, keep: frozenset[str] = frozenset()
) -> list[tuple[str, str]]:
    planner = _Planner(metrics, keep)
    plan: list[tuple[str, str]] = []
    while planner.total() > budget:
        best = planner.best()
        if best is None:
            raise ValueError("budget cannot be met even after dropping every droppable label")
        _, name, label = best
        planner.drop(name, label)
        plan.append((name, label))
    return plan
