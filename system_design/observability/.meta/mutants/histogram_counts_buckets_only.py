"""Mutant: a histogram counts one series per finite bucket, forgetting +Inf, _sum and _count.

12 buckets give 12 series per label combination instead of 15: a 20% underestimate.

Caught by: Part 4
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
    """Span rates, peak collector ingest and storage when `keep_fraction` of the traces is kept.

    Collectors receive every span whatever is kept (a tail sampler must see a trace to judge
    it), so only storage scales with `keep_fraction`. Raises ValueError unless
    0 <= keep_fraction <= 1.
    """
    if not 0 <= keep_fraction <= 1:
        raise ValueError(f"keep_fraction must be within [0, 1], got {keep_fraction}")
    spans_per_day = load.runs_per_day * load.spans_per_run
    spans_per_second = spans_per_day / SECONDS_PER_DAY
    peak = spans_per_second * load.peak_to_average
    stored_per_day = (
        spans_per_day
        * load.bytes_per_span
        / load.compression_ratio
        * load.replication
        * keep_fraction
        / TB
    )
    return TraceEstimate(
        spans_per_second=spans_per_second,
        peak_spans_per_second=peak,
        peak_ingest_mb_per_s=peak * load.bytes_per_span / MB,
        stored_tb_per_day=stored_per_day,
        stored_tb=stored_per_day * load.retention_days,
    )


def max_keep_fraction(load: TraceLoad, budget_tb: float) -> float:
    """The largest fraction of traces whose storage over the retention fits `budget_tb` (at
    most 1.0)."""
    full = estimate_traces(load).stored_tb
    return min(1.0, budget_tb / full)


def tail_buffer_gb(load: TraceLoad, decision_wait_s: float) -> float:
    """Memory (GB, raw bytes) the tail samplers need to hold every span of the last
    `decision_wait_s` seconds at peak, while they wait for traces to complete."""
    return estimate_traces(load).peak_spans_per_second * load.bytes_per_span * decision_wait_s / GB


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
    """The trace's score in [0, 1): the first 8 bytes of SHA-256 of the UTF-8 trace id, read as a
    big-endian unsigned integer, divided by 2**64."""
    digest = hashlib.sha256(trace_id.encode("utf-8")).digest()
    return int.from_bytes(digest[:8], "big") / 2**64


def head_sample(traces: Sequence[Trace], rate: float) -> list[str]:
    """Ids of the traces a head sampler at `rate` keeps (score < rate), in input order."""
    return [t.trace_id for t in traces if trace_score(t.trace_id) < rate]


def tail_sample(traces: Sequence[Trace], budget_bytes: int, slow_ms: float) -> list[str]:
    """Ids of the traces a tail sampler keeps within `budget_bytes`, in input order.

    Tiers, in order: error traces; then slow ones (duration_ms >= slow_ms); then the rest. Within
    a tier, traces go by ascending score (ties by trace_id); each is kept if it fits in what is
    left of the budget, and skipped otherwise (a later, smaller one may still fit).
    """

    # Filling by score, not by size, keeps the baseline an unbiased sample: smallest-first would
    # keep only the short runs, exactly the ones nobody needs to debug.
    def order(trace: Trace) -> tuple[int, float, str]:
        tier = 0 if trace.error else 1 if trace.duration_ms >= slow_ms else 2
        return tier, trace_score(trace.trace_id), trace.trace_id

    left = budget_bytes
    kept: set[str] = set()
    for trace in sorted(traces, key=order):
        if trace.size_bytes <= left:
            kept.add(trace.trace_id)
            left -= trace.size_bytes
    return [t.trace_id for t in traces if t.trace_id in kept]


def error_recall(traces: Sequence[Trace], kept: Sequence[str]) -> float:
    """The fraction of error traces whose id is in `kept`; 1.0 when there is no error trace."""
    errors = [t.trace_id for t in traces if t.error]
    if not errors:
        return 1.0
    chosen = set(kept)
    return sum(trace_id in chosen for trace_id in errors) / len(errors)


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
    """(bad / total) / (1 - slo): the error rate as a multiple of the allowed one; 0.0 when
    total is 0."""
    if total == 0:
        return 0.0
    return (bad / total) / (1 - slo)


def window_burn_rate(series: Sequence[Minute], end: int, minutes: int, slo: float) -> float:
    """The burn rate over the `minutes` minutes ending at index `end`, included: indexes
    max(0, end - minutes + 1) .. end (shorter at the start of the series)."""
    window = series[max(0, end - minutes + 1) : end + 1]
    bad = sum(m.total - m.good for m in window)
    total = sum(m.total for m in window)
    return burn_rate(bad, total, slo)


def budget_remaining(series: Sequence[Minute], slo: float) -> float:
    """The fraction of the series' error budget not spent: 1 - bad / ((1 - slo) * total).

    Negative once the budget is overspent; 1.0 for a series with no events.
    """
    total = sum(m.total for m in series)
    if total == 0:
        return 1.0
    bad = total - sum(m.good for m in series)
    return 1 - bad / ((1 - slo) * total)


def evaluate_alerts(
    series: Sequence[Minute], slo: float, rules: Sequence[BurnRule] = DEFAULT_RULES
) -> list[Alert]:
    """Every run of consecutive minutes during which a rule fires, ordered by start, then rule
    name. A rule fires at minute t when t >= long_minutes - 1 (its long window is full) and the
    burn rates over both windows ending at t are >= its threshold. O(len(series)) per rule."""
    # Prefix sums make every window two subtractions: the 3-day window is 4,320 minutes wide.
    bad_before = [0]
    total_before = [0]
    for minute in series:
        bad_before.append(bad_before[-1] + minute.total - minute.good)
        total_before.append(total_before[-1] + minute.total)

    def rate(end: int, minutes: int) -> float:
        start = max(0, end - minutes + 1)
        bad = bad_before[end + 1] - bad_before[start]
        total = total_before[end + 1] - total_before[start]
        return burn_rate(bad, total, slo)

    alerts: list[Alert] = []
    for rule in rules:
        start: int | None = None
        for t in range(len(series)):
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
            alerts.append(Alert(rule.name, start, len(series) - 1))
    return sorted(alerts, key=lambda a: (a.start, a.rule))


# --- Part 4 --------------------------------------------------------------------------------------

Kind = Literal["counter", "gauge", "histogram"]


@dataclass(frozen=True)
class Metric:
    name: str
    kind: Kind
    labels: dict[str, int]  # label name -> number of distinct values it takes
    buckets: int = 0  # histograms: finite buckets (the +Inf bucket not counted)


def series_count(metric: Metric) -> int:
    """Worst-case series of one metric: the product of its label cardinalities, times
    buckets + 3 for a histogram (each finite bucket, +Inf, _sum and _count)."""
    combinations = math.prod(metric.labels.values())
    return combinations * (metric.buckets if metric.kind == "histogram" else 1)


def total_series(metrics: Sequence[Metric]) -> int:
    """The worst-case series of all the metrics together."""
    return sum(series_count(m) for m in metrics)


def drop_labels(
    metrics: Sequence[Metric], budget: int, keep: frozenset[str] = frozenset()
) -> list[tuple[str, str]]:
    """The (metric, label) pairs to drop, in order, until total_series fits `budget`.

    Greedy: each step drops the pair whose removal saves the most series; ties by metric name,
    then label name. Labels named in `keep` are never dropped. Returns [] when already within
    budget; raises ValueError when dropping every droppable label is still not enough. Does not
    modify `metrics`.
    """
    current = {m.name: m for m in metrics}
    dropped: list[tuple[str, str]] = []
    while total_series(list(current.values())) > budget:
        best: tuple[int, str, str] | None = None
        for name in sorted(current):
            metric = current[name]
            before = series_count(metric)
            for label in sorted(metric.labels):
                if label in keep:
                    continue
                after = before // metric.labels[label]
                saving = before - after
                if best is None or saving > best[0]:
                    best = (saving, name, label)
        if best is None:
            raise ValueError(
                f"{total_series(list(current.values()))} series still exceed the budget of "
                f"{budget} with every droppable label dropped"
            )
        _, name, label = best
        metric = current[name]
        labels = {k: v for k, v in metric.labels.items() if k != label}
        current[name] = Metric(metric.name, metric.kind, labels, metric.buckets)
        dropped.append((name, label))
    return dropped
