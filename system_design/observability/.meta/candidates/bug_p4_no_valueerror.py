"""Bug: returns the partial plan instead of raising when the budget cannot be met.

verdict: reject part 4
rule: "`ValueError` when it cannot."
how: broke out of the loop when nothing was left to drop
differs on: drop_labels([Metric('a','counter',{'tool':40})], 10, frozenset({'tool'})) -> [] instead of ValueError
"""

from __future__ import annotations

import hashlib
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Literal

import numpy as np

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


def estimate_traces(load: TraceLoad, keep_fraction: float = 1.0) -> TraceEstimate:
    kf = float(keep_fraction)
    if np.isnan(kf) or kf < 0.0 or kf > 1.0:
        raise ValueError(f"keep_fraction={keep_fraction} is not in [0, 1]")
    spans_day = np.float64(load.runs_per_day) * load.spans_per_run
    avg = spans_day / SECONDS_PER_DAY
    peak = avg * load.peak_to_average
    tb_day = spans_day * load.bytes_per_span * kf * load.replication / load.compression_ratio / TB
    return TraceEstimate(
        spans_per_second=float(avg),
        peak_spans_per_second=float(peak),
        peak_ingest_mb_per_s=float(peak * load.bytes_per_span / MB),
        stored_tb_per_day=float(tb_day),
        stored_tb=float(tb_day * load.retention_days),
    )


def max_keep_fraction(load: TraceLoad, budget_tb: float) -> float:
    full = estimate_traces(load).stored_tb
    if full <= 0:
        return 1.0
    return float(np.clip(budget_tb / full, 0.0, 1.0))


def tail_buffer_gb(load: TraceLoad, decision_wait_s: float) -> float:
    est = estimate_traces(load)
    return float(np.float64(est.peak_spans_per_second) * decision_wait_s * load.bytes_per_span / GB)


# --- Part 2 --------------------------------------------------------------------------------------


def trace_score(trace_id: str) -> float:
    raw = np.frombuffer(hashlib.sha256(trace_id.encode("utf-8")).digest()[:8], dtype=">u8")[0]
    return int(raw) / 2**64


def _scores(traces: Sequence[Trace]) -> np.ndarray:
    return np.array([trace_score(t.trace_id) for t in traces], dtype=np.float64)


def head_sample(traces: Sequence[Trace], rate: float) -> list[str]:
    if len(traces) == 0:
        return []
    mask = _scores(traces) < rate
    return [t.trace_id for t, keep in zip(traces, mask) if keep]


def tail_sample(traces: Sequence[Trace], budget_bytes: int, slow_ms: float) -> list[str]:
    n = len(traces)
    if n == 0:
        return []
    err = np.array([bool(t.error) for t in traces])
    dur = np.array([t.duration_ms for t in traces], dtype=np.float64)
    tier = np.where(err, 0, np.where(dur >= slow_ms, 1, 2))
    scores = _scores(traces)
    ids = np.array([t.trace_id for t in traces], dtype=object)
    # lexsort: last key is primary
    id_rank = np.empty(n, dtype=np.int64)
    id_rank[sorted(range(n), key=lambda i: traces[i].trace_id)] = np.arange(n)
    order = np.lexsort((id_rank, scores, tier))
    sizes = np.array([t.size_bytes for t in traces], dtype=object)
    keep = np.zeros(n, dtype=bool)
    left = budget_bytes
    for i in order:
        s = sizes[i]
        if s <= left:
            left -= s
            keep[i] = True
    return [str(x) for x in ids[keep]]


def error_recall(traces: Sequence[Trace], kept: Sequence[str]) -> float:
    err = np.array([bool(t.error) for t in traces], dtype=bool)
    if not err.any():
        return 1.0
    kept_set = set(kept)
    hit = np.array([t.trace_id in kept_set for t in traces], dtype=bool)
    return float((err & hit).sum() / err.sum())


# --- Part 3 --------------------------------------------------------------------------------------


def burn_rate(bad: int, total: int, slo: float) -> float:
    if total == 0:
        return 0.0
    return (bad / total) / (1 - slo)


def _arrays(series: Sequence[Minute]):
    total = np.fromiter((m.total for m in series), dtype=np.int64, count=len(series))
    good = np.fromiter((m.good for m in series), dtype=np.int64, count=len(series))
    return total - good, total


def window_burn_rate(series: Sequence[Minute], end: int, minutes: int, slo: float) -> float:
    lo = max(0, end - minutes + 1)
    bad, total = _arrays(series[lo : end + 1])
    return burn_rate(int(bad.sum()), int(total.sum()), slo)


def budget_remaining(series: Sequence[Minute], slo: float) -> float:
    bad, total = _arrays(series)
    t = int(total.sum())
    if t == 0:
        return 1.0
    return float(1 - int(bad.sum()) / ((1 - slo) * t))


def _window_rates(cb: np.ndarray, ct: np.ndarray, minutes: int, slo: float) -> np.ndarray:
    n = len(cb) - 1
    ends = np.arange(n)
    lo = np.maximum(0, ends - minutes + 1)
    bad = cb[ends + 1] - cb[lo]
    tot = ct[ends + 1] - ct[lo]
    out = np.zeros(n, dtype=np.float64)
    nz = tot != 0
    out[nz] = (bad[nz] / tot[nz]) / (1 - slo)
    return out


def evaluate_alerts(
    series: Sequence[Minute], slo: float, rules: Sequence[BurnRule] = DEFAULT_RULES
) -> list[Alert]:
    n = len(series)
    if n == 0:
        return []
    bad, total = _arrays(series)
    cb = np.concatenate(([0], np.cumsum(bad)))
    ct = np.concatenate(([0], np.cumsum(total)))
    found: list[Alert] = []
    for rule in rules:
        fire = (
            (np.arange(n) >= rule.long_minutes - 1)
            & (_window_rates(cb, ct, rule.long_minutes, slo) >= rule.threshold)
            & (_window_rates(cb, ct, rule.short_minutes, slo) >= rule.threshold)
        )
        edges = np.diff(np.concatenate(([0], fire.astype(np.int8), [0])))
        starts = np.flatnonzero(edges == 1)
        ends = np.flatnonzero(edges == -1) - 1
        found.extend(Alert(rule.name, int(s), int(e)) for s, e in zip(starts, ends))
    found.sort(key=lambda a: (a.start, a.rule))
    return found


# --- Part 4 --------------------------------------------------------------------------------------


def series_count(metric: Metric) -> int:
    n = int(np.prod(np.array(list(metric.labels.values()), dtype=object))) if metric.labels else 1
    if metric.kind == "histogram":
        n *= metric.buckets + 3
    return int(n)


def total_series(metrics: Sequence[Metric]) -> int:
    return int(sum(series_count(m) for m in metrics))


def drop_labels(
    metrics: Sequence[Metric], budget: int, keep: frozenset[str] = frozenset()
) -> list[tuple[str, str]]:
    labels = {m.name: dict(m.labels) for m in metrics}
    kinds = {m.name: m for m in metrics}

    def count(name: str, labs: dict[str, int]) -> int:
        m = kinds[name]
        return series_count(Metric(name, m.kind, labs, m.buckets))

    total = sum(count(n, l) for n, l in labels.items())
    plan: list[tuple[str, str]] = []
    while total > budget:
        cands = []
        for name, labs in labels.items():
            now = count(name, labs)
            for lab in labs:
                if lab in keep:
                    continue
                after = count(name, {k: v for k, v in labs.items() if k != lab})
                cands.append((now - after, name, lab))
        if not cands:
            break
        cands.sort(key=lambda c: (-c[0], c[1], c[2]))
        saving, name, lab = cands[0]
        del labels[name][lab]
        total -= saving
        plan.append((name, lab))
    return plan
