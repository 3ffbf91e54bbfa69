"""Bug: tail buffer sized from the daily-average span rate, not the peak.

verdict: reject part 1
rule: "`tail_buffer_gb(load, decision_wait_s)`: memory to hold `decision_wait_s` seconds of peak spans."
how: used spans_per_second instead of peak_spans_per_second
differs on: tail_buffer_gb(platform, 30) -> 0.833 instead of 2.5
"""

from __future__ import annotations

import hashlib
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Literal

SECONDS_PER_DAY = 86_400
MB = 10**6  # bytes; storage vendors and this prompt count in powers of ten
GB = 10**9
TB = 10**12


# --- Part 1 --------------------------------------------------------------------------------------


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


def estimate_traces(load: TraceLoad, keep_fraction: float = 1.0) -> TraceEstimate:
    if not (0.0 <= keep_fraction <= 1.0):
        raise ValueError(f"keep_fraction must be within [0, 1], got {keep_fraction!r}")
    spans_per_day = load.runs_per_day * load.spans_per_run
    avg = spans_per_day / SECONDS_PER_DAY
    peak = avg * load.peak_to_average
    peak_mb = peak * load.bytes_per_span / MB
    stored_bytes_day = (
        spans_per_day * load.bytes_per_span / load.compression_ratio * load.replication * keep_fraction
    )
    per_day = stored_bytes_day / TB
    return TraceEstimate(
        spans_per_second=avg,
        peak_spans_per_second=peak,
        peak_ingest_mb_per_s=peak_mb,
        stored_tb_per_day=per_day,
        stored_tb=per_day * load.retention_days,
    )


def max_keep_fraction(load: TraceLoad, budget_tb: float) -> float:
    full = estimate_traces(load, 1.0).stored_tb
    if full <= 0:
        return 1.0
    return min(1.0, budget_tb / full)


def tail_buffer_gb(load: TraceLoad, decision_wait_s: float) -> float:
    rate = estimate_traces(load).spans_per_second
    return rate * load.bytes_per_span * decision_wait_s / GB


# --- Part 2 --------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Trace:
    """One complete trace, as a tail sampler sees it once the run has ended."""

    trace_id: str
    spans: int
    size_bytes: int
    duration_ms: float
    error: bool  # any span ended in error


def trace_score(trace_id: str) -> float:
    digest = hashlib.sha256(trace_id.encode("utf-8")).digest()
    return int.from_bytes(digest[:8], "big") / 2**64


def head_sample(traces: Sequence[Trace], rate: float) -> list[str]:
    out = []
    for t in traces:
        if trace_score(t.trace_id) < rate:
            out.append(t.trace_id)
    return out


def tail_sample(traces: Sequence[Trace], budget_bytes: int, slow_ms: float) -> list[str]:
    keyed = []
    for i, t in enumerate(traces):
        if t.error:
            tier = 0
        elif t.duration_ms >= slow_ms:
            tier = 1
        else:
            tier = 2
        keyed.append((tier, trace_score(t.trace_id), t.trace_id, i))
    keyed.sort()
    left = budget_bytes
    kept_idx = set()
    for tier, score, tid, i in keyed:
        size = traces[i].size_bytes
        if size <= left:
            left -= size
            kept_idx.add(i)
    out = []
    for i, t in enumerate(traces):
        if i in kept_idx:
            out.append(t.trace_id)
    return out


def error_recall(traces: Sequence[Trace], kept: Sequence[str]) -> float:
    kept_set = set(kept)
    errors = 0
    hit = 0
    for t in traces:
        if t.error:
            errors += 1
            if t.trace_id in kept_set:
                hit += 1
    if errors == 0:
        return 1.0
    return hit / errors


# --- Part 3 --------------------------------------------------------------------------------------


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


def burn_rate(bad: int, total: int, slo: float) -> float:
    if total == 0:
        return 0.0
    return (bad / total) / (1 - slo)


def window_burn_rate(series: Sequence[Minute], end: int, minutes: int, slo: float) -> float:
    bad = 0
    total = 0
    for i in range(max(0, end - minutes + 1), end + 1):
        bad += series[i].total - series[i].good
        total += series[i].total
    return burn_rate(bad, total, slo)


def budget_remaining(series: Sequence[Minute], slo: float) -> float:
    bad = 0
    total = 0
    for m in series:
        bad += m.total - m.good
        total += m.total
    if total == 0:
        return 1.0
    return 1 - bad / ((1 - slo) * total)


def evaluate_alerts(
    series: Sequence[Minute], slo: float, rules: Sequence[BurnRule] = DEFAULT_RULES
) -> list[Alert]:
    n = len(series)
    pre_bad = [0] * (n + 1)
    pre_tot = [0] * (n + 1)
    for i, m in enumerate(series):
        pre_bad[i + 1] = pre_bad[i] + (m.total - m.good)
        pre_tot[i + 1] = pre_tot[i] + m.total

    def rate(end: int, minutes: int) -> float:
        lo = max(0, end - minutes + 1)
        return burn_rate(pre_bad[end + 1] - pre_bad[lo], pre_tot[end + 1] - pre_tot[lo], slo)

    alerts = []
    for rule in rules:
        start = None
        for t in range(n):
            firing = (
                t >= rule.long_minutes - 1
                and rate(t, rule.long_minutes) >= rule.threshold
                and rate(t, rule.short_minutes) >= rule.threshold
            )
            if firing and start is None:
                start = t
            elif not firing and start is not None:
                alerts.append(Alert(rule.name, start, t - 1))
                start = None
        if start is not None:
            alerts.append(Alert(rule.name, start, n - 1))
    alerts.sort(key=lambda a: (a.start, a.rule))
    return alerts


# --- Part 4 --------------------------------------------------------------------------------------

Kind = Literal["counter", "gauge", "histogram"]


@dataclass(frozen=True)
class Metric:
    name: str
    kind: Kind
    labels: dict[str, int]  # label name -> number of distinct values it takes
    buckets: int = 0  # histograms: finite buckets (the +Inf bucket not counted)


def series_count(metric: Metric) -> int:
    n = 1
    for card in metric.labels.values():
        n *= card
    if metric.kind == "histogram":
        n *= metric.buckets + 3
    return n


def total_series(metrics: Sequence[Metric]) -> int:
    total = 0
    for m in metrics:
        total += series_count(m)
    return total


def drop_labels(
    metrics: Sequence[Metric], budget: int, keep: frozenset[str] = frozenset()
) -> list[tuple[str, str]]:
    current = [Metric(m.name, m.kind, dict(m.labels), m.buckets) for m in metrics]
    dropped: list[tuple[str, str]] = []
    total = total_series(current)
    while total > budget:
        best = None
        for idx, m in enumerate(current):
            base = series_count(m)
            for label in m.labels:
                if label in keep:
                    continue
                rest = dict(m.labels)
                del rest[label]
                saving = base - series_count(Metric(m.name, m.kind, rest, m.buckets))
                key = (-saving, m.name, label)
                if best is None or key < best[0]:
                    best = (key, idx, label)
        if best is None:
            raise ValueError(f"cannot fit {budget} series: {total} remain with every droppable label dropped")
        _, idx, label = best
        m = current[idx]
        rest = dict(m.labels)
        del rest[label]
        current[idx] = Metric(m.name, m.kind, rest, m.buckets)
        dropped.append((m.name, label))
        total = total_series(current)
    return dropped
