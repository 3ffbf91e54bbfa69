"""Bug: stored bytes forget the replicas.

verdict: reject part 1
rule: "| span size | 2,000 bytes raw OTLP (prompts are attributes); stored compressed 6×, 3 replicas |"
how: divided by the compression ratio but never multiplied by load.replication
differs on: platform: stored_tb_per_day 0.4 instead of 1.2, stored_tb 12 instead of 36, keep 0.5 instead of 1/6
"""

from __future__ import annotations

import hashlib
import heapq
import math
from collections.abc import Sequence
from dataclasses import dataclass, replace
from itertools import accumulate, chain, groupby
from operator import attrgetter
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


def _spans_per_day(load: TraceLoad) -> float:
    return load.runs_per_day * load.spans_per_run


def _stored_tb_per_day(load: TraceLoad, keep: float) -> float:
    return _spans_per_day(load) * keep * load.bytes_per_span / load.compression_ratio / TB


def estimate_traces(load: TraceLoad, keep_fraction: float = 1.0) -> TraceEstimate:
    if not 0 <= keep_fraction <= 1:
        raise ValueError("keep_fraction must be between 0 and 1 inclusive")
    avg = _spans_per_day(load) / SECONDS_PER_DAY
    peak = load.peak_to_average * avg
    day = _stored_tb_per_day(load, keep_fraction)
    return TraceEstimate(avg, peak, peak * load.bytes_per_span / MB, day, day * load.retention_days)


def max_keep_fraction(load: TraceLoad, budget_tb: float) -> float:
    full = _stored_tb_per_day(load, 1.0) * load.retention_days
    return 1.0 if full <= 0 else min(1.0, budget_tb / full)


def tail_buffer_gb(load: TraceLoad, decision_wait_s: float) -> float:
    return estimate_traces(load).peak_ingest_mb_per_s * MB * decision_wait_s / GB


# --- Part 2 --------------------------------------------------------------------------------------


def trace_score(trace_id: str) -> float:
    return int(hashlib.sha256(trace_id.encode("utf-8")).hexdigest()[:16], 16) / 2**64


def head_sample(traces: Sequence[Trace], rate: float) -> list[str]:
    return list(map(attrgetter("trace_id"), filter(lambda t: trace_score(t.trace_id) < rate, traces)))


def tail_sample(traces: Sequence[Trace], budget_bytes: int, slow_ms: float) -> list[str]:
    def tier(t: Trace) -> int:
        return 0 if t.error else (1 if t.duration_ms >= slow_ms else 2)

    heap = [(tier(t), trace_score(t.trace_id), t.trace_id, i) for i, t in enumerate(traces)]
    heapq.heapify(heap)
    left, kept = budget_bytes, []
    while heap:
        *_, i = heapq.heappop(heap)
        if traces[i].size_bytes <= left:
            left -= traces[i].size_bytes
            kept.append(i)
    return [traces[i].trace_id for i in sorted(kept)]


def error_recall(traces: Sequence[Trace], kept: Sequence[str]) -> float:
    kept_set = set(kept)
    flags = [t.trace_id in kept_set for t in traces if t.error]
    return sum(flags) / len(flags) if flags else 1.0


# --- Part 3 --------------------------------------------------------------------------------------


def burn_rate(bad: int, total: int, slo: float) -> float:
    return 0.0 if total == 0 else (bad / total) / (1 - slo)


def window_burn_rate(series: Sequence[Minute], end: int, minutes: int, slo: float) -> float:
    idx = range(max(0, end - minutes + 1), end + 1)
    return burn_rate(sum(series[i].total - series[i].good for i in idx), sum(series[i].total for i in idx), slo)


def budget_remaining(series: Sequence[Minute], slo: float) -> float:
    bad = sum(m.total - m.good for m in series)
    total = sum(m.total for m in series)
    return 1.0 if total == 0 else 1 - bad / ((1 - slo) * total)


def evaluate_alerts(
    series: Sequence[Minute], slo: float, rules: Sequence[BurnRule] = DEFAULT_RULES
) -> list[Alert]:
    pb = [0, *accumulate(m.total - m.good for m in series)]
    pt = [0, *accumulate(m.total for m in series)]

    def rate(t: int, w: int) -> float:
        lo = max(0, t - w + 1)
        return burn_rate(pb[t + 1] - pb[lo], pt[t + 1] - pt[lo], slo)

    def fires(rule: BurnRule, t: int) -> bool:
        return (
            t >= rule.long_minutes - 1
            and rate(t, rule.long_minutes) >= rule.threshold
            and rate(t, rule.short_minutes) >= rule.threshold
        )

    def runs(rule: BurnRule):
        for on, group in groupby(range(len(series)), key=lambda t: fires(rule, t)):
            if on:
                ts = list(group)
                yield Alert(rule.name, ts[0], ts[-1])

    return sorted(chain.from_iterable(map(runs, rules)), key=lambda a: (a.start, a.rule))


# --- Part 4 --------------------------------------------------------------------------------------


def series_count(metric: Metric) -> int:
    return math.prod(metric.labels.values()) * (metric.buckets + 3 if metric.kind == "histogram" else 1)


def total_series(metrics: Sequence[Metric]) -> int:
    return sum(map(series_count, metrics))


def _without(m: Metric, label: str) -> Metric:
    return replace(m, labels={k: v for k, v in m.labels.items() if k != label})


def drop_labels(
    metrics: Sequence[Metric], budget: int, keep: frozenset[str] = frozenset()
) -> list[tuple[str, str]]:
    floor = total_series([replace(m, labels={k: v for k, v in m.labels.items() if k in keep}) for m in metrics])
    if total_series(metrics) > budget and floor > budget:
        raise ValueError(f"even dropping every label outside keep leaves {floor} > {budget} series")
    state = {m.name: m for m in metrics}
    plan: list[tuple[str, str]] = []
    while sum(map(series_count, state.values())) > budget:
        options = [
            (series_count(_without(m, lab)) - series_count(m), m.name, lab)
            for m in state.values()
            for lab in m.labels
            if lab not in keep
        ]
        _, name, lab = min(options)
        state[name] = _without(state[name], lab)
        plan.append((name, lab))
    return plan
