"""Bug: errors and slow traces share one tier (errors not first).

verdict: reject part 2
rule: "`tail_sample(traces, budget_bytes, slow_ms)` sees whole traces: errors first, then slow ones (duration ≥ slow_ms), then the rest;"
how: gave 'interesting' traces (error or slow) the same priority
differs on: tail_sample([Trace('t5',1,10,1.0,True), Trace('t7',1,10,500.0,False)], 10, 100.0): correct ['t5'], bug ['t7']
"""

from __future__ import annotations

import hashlib
import math
from collections.abc import Sequence
from dataclasses import dataclass
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


def _check_load(load: TraceLoad) -> None:
    if load.compression_ratio <= 0:
        raise ValueError("compression_ratio must be positive")


def estimate_traces(load: TraceLoad, keep_fraction: float = 1.0) -> TraceEstimate:
    _check_load(load)
    try:
        kf = float(keep_fraction)
    except (TypeError, ValueError) as exc:
        raise ValueError(f"keep_fraction must be a number, got {keep_fraction!r}") from exc
    if math.isnan(kf) or kf < 0.0 or kf > 1.0:
        raise ValueError(f"keep_fraction must satisfy 0 <= keep_fraction <= 1, got {keep_fraction!r}")
    spans_per_day = float(load.runs_per_day) * float(load.spans_per_run)
    average = spans_per_day / SECONDS_PER_DAY
    peak = average * float(load.peak_to_average)
    peak_ingest = peak * float(load.bytes_per_span) / MB
    raw_kept_per_day = spans_per_day * float(load.bytes_per_span) * kf
    stored_per_day = raw_kept_per_day / float(load.compression_ratio) * int(load.replication) / TB
    return TraceEstimate(
        spans_per_second=average,
        peak_spans_per_second=peak,
        peak_ingest_mb_per_s=peak_ingest,
        stored_tb_per_day=stored_per_day,
        stored_tb=stored_per_day * load.retention_days,
    )


def max_keep_fraction(load: TraceLoad, budget_tb: float) -> float:
    if math.isnan(budget_tb) or budget_tb < 0:
        raise ValueError(f"budget_tb must be a non-negative number, got {budget_tb!r}")
    full = estimate_traces(load, 1.0).stored_tb
    if full <= 0.0:
        return 1.0
    fraction = budget_tb / full
    return 1.0 if fraction >= 1.0 else fraction


def tail_buffer_gb(load: TraceLoad, decision_wait_s: float) -> float:
    if decision_wait_s < 0:
        raise ValueError("decision_wait_s must be non-negative")
    estimate = estimate_traces(load, 1.0)
    return estimate.peak_spans_per_second * decision_wait_s * float(load.bytes_per_span) / GB


# --- Part 2 --------------------------------------------------------------------------------------


def trace_score(trace_id: str) -> float:
    if not isinstance(trace_id, str):
        raise TypeError(f"trace_id must be a str, got {type(trace_id).__name__}")
    digest = hashlib.sha256(trace_id.encode("utf-8")).digest()
    value = 0
    for byte in digest[:8]:
        value = (value << 8) | byte
    return value / 18446744073709551616  # 2**64


def head_sample(traces: Sequence[Trace], rate: float) -> list[str]:
    if traces is None:
        return []
    return [t.trace_id for t in traces if trace_score(t.trace_id) < rate]


def _tier(trace: Trace, slow_ms: float) -> int:
    if trace.error:
        return 1
    if trace.duration_ms is not None and trace.duration_ms >= slow_ms:
        return 1
    return 2


def tail_sample(traces: Sequence[Trace], budget_bytes: int, slow_ms: float) -> list[str]:
    items = list(traces or [])
    if not items:
        return []
    order = sorted(
        range(len(items)),
        key=lambda i: (_tier(items[i], slow_ms), trace_score(items[i].trace_id), items[i].trace_id, i),
    )
    remaining = budget_bytes
    keep = [False] * len(items)
    for i in order:
        size = items[i].size_bytes
        if size <= remaining:
            keep[i] = True
            remaining -= size
    return [t.trace_id for t, k in zip(items, keep) if k]


def error_recall(traces: Sequence[Trace], kept: Sequence[str]) -> float:
    kept_ids = set(kept or ())
    error_total = 0
    error_kept = 0
    for t in traces or ():
        if t.error:
            error_total += 1
            error_kept += t.trace_id in kept_ids
    if error_total == 0:
        return 1.0
    return error_kept / error_total


# --- Part 3 --------------------------------------------------------------------------------------


def burn_rate(bad: int, total: int, slo: float) -> float:
    if total == 0:
        return 0.0
    allowed = 1 - slo
    if allowed == 0:
        raise ValueError("slo must be below 1 for a burn rate to exist")
    return (bad / total) / allowed


def window_burn_rate(series: Sequence[Minute], end: int, minutes: int, slo: float) -> float:
    if end < 0 or end >= len(series):
        raise IndexError(f"end={end} outside the series of length {len(series)}")
    start = max(0, end - minutes + 1)
    bad = total = 0
    for i in range(start, end + 1):
        m = series[i]
        bad += m.total - m.good
        total += m.total
    return burn_rate(bad, total, slo)


def budget_remaining(series: Sequence[Minute], slo: float) -> float:
    bad = total = 0
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
    if n == 0 or not rules:
        return []
    cum_bad = [0] * (n + 1)
    cum_tot = [0] * (n + 1)
    running_bad = running_tot = 0
    for i, m in enumerate(series):
        running_bad += m.total - m.good
        running_tot += m.total
        cum_bad[i + 1] = running_bad
        cum_tot[i + 1] = running_tot

    def windowed(t: int, minutes: int) -> float:
        lo = max(0, t - minutes + 1)
        return burn_rate(cum_bad[t + 1] - cum_bad[lo], cum_tot[t + 1] - cum_tot[lo], slo)

    result: list[Alert] = []
    for rule in rules:
        if rule.long_minutes <= 0 or rule.short_minutes <= 0:
            raise ValueError(f"rule {rule.name!r} needs positive windows")
        first = max(0, rule.long_minutes - 1)
        run_start = None
        for t in range(first, n):
            on = windowed(t, rule.long_minutes) >= rule.threshold and windowed(t, rule.short_minutes) >= rule.threshold
            if on:
                if run_start is None:
                    run_start = t
            else:
                if run_start is not None:
                    result.append(Alert(rule.name, run_start, t - 1))
                run_start = None
        if run_start is not None:
            result.append(Alert(rule.name, run_start, n - 1))
    result.sort(key=lambda a: (a.start, a.rule, a.end))
    return result


# --- Part 4 --------------------------------------------------------------------------------------


def series_count(metric: Metric) -> int:
    product = 1
    for label, cardinality in metric.labels.items():
        if cardinality < 0:
            raise ValueError(f"label {label!r} of {metric.name!r} has negative cardinality")
        product *= int(cardinality)
    if metric.kind == "histogram":
        return product * (int(metric.buckets) + 3)
    return product


def total_series(metrics: Sequence[Metric]) -> int:
    return sum(series_count(m) for m in metrics)


def drop_labels(
    metrics: Sequence[Metric], budget: int, keep: frozenset[str] = frozenset()
) -> list[tuple[str, str]]:
    keep = frozenset(keep or ())
    names = [m.name for m in metrics]
    if len(set(names)) != len(names):
        raise ValueError("metric names must be unique")
    # private copies: the caller's Metric objects and their label dicts stay untouched
    work = {m.name: (m.kind, dict(m.labels), m.buckets) for m in metrics}

    def count(name: str) -> int:
        kind, labels, buckets = work[name]
        return series_count(Metric(name, kind, labels, buckets))

    def count_without(name: str, label: str) -> int:
        kind, labels, buckets = work[name]
        return series_count(Metric(name, kind, {k: v for k, v in labels.items() if k != label}, buckets))

    dropped: list[tuple[str, str]] = []
    total = sum(count(n) for n in work)
    if total <= budget:
        return dropped
    while total > budget:
        best_key = None
        for name in work:
            current = count(name)
            for label in work[name][1]:
                if label in keep:
                    continue
                saving = current - count_without(name, label)
                key = (-saving, name, label)
                if best_key is None or key < best_key:
                    best_key = key
        if best_key is None:
            raise ValueError(
                f"cannot reach {budget} series: {total} remain after dropping every label not in keep"
            )
        _, name, label = best_key
        del work[name][1][label]
        dropped.append((name, label))
        total = sum(count(n) for n in work)
    return dropped
