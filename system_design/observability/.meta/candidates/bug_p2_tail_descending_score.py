"""Bug: within a tier, traces go by descending score.

verdict: reject part 2
rule: "within a tier by ascending score (ties by id);"
how: ascending=False on the score column ('highest score first')
differs on: prompt example: ['t2', 't3', 't4', 't5', 't6'] instead of ['t1', 't2', 't3', 't5', 't6']
"""

from __future__ import annotations

import hashlib
from collections.abc import Sequence
from dataclasses import dataclass
from functools import reduce
from operator import mul
from typing import Literal

import pandas as pd

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
    if pd.isna(keep_fraction) or not (0 <= keep_fraction <= 1):
        raise ValueError("keep_fraction outside [0, 1]")
    spans_per_second = load.runs_per_day * load.spans_per_run / SECONDS_PER_DAY
    peak = spans_per_second * load.peak_to_average
    # storage per day from the per-second rate, times a day
    stored_per_day = (
        spans_per_second * SECONDS_PER_DAY * load.bytes_per_span * keep_fraction
        / load.compression_ratio * load.replication / TB
    )
    return TraceEstimate(
        spans_per_second=float(spans_per_second),
        peak_spans_per_second=float(peak),
        peak_ingest_mb_per_s=float(peak * load.bytes_per_span / MB),
        stored_tb_per_day=float(stored_per_day),
        stored_tb=float(stored_per_day * load.retention_days),
    )


def max_keep_fraction(load: TraceLoad, budget_tb: float) -> float:
    full = estimate_traces(load).stored_tb
    if full == 0:
        return 1.0
    return float(min(budget_tb / full, 1.0))


def tail_buffer_gb(load: TraceLoad, decision_wait_s: float) -> float:
    peak_bytes_per_s = estimate_traces(load).peak_spans_per_second * load.bytes_per_span
    return float(peak_bytes_per_s * decision_wait_s / GB)


# --- Part 2 --------------------------------------------------------------------------------------


def trace_score(trace_id: str) -> float:
    return int.from_bytes(hashlib.sha256(trace_id.encode("utf-8")).digest()[:8], byteorder="big") / 2**64


def _frame(traces: Sequence[Trace]) -> pd.DataFrame:
    return pd.DataFrame(
        {
            "trace_id": [t.trace_id for t in traces],
            "size": [int(t.size_bytes) for t in traces],
            "duration": [float(t.duration_ms) for t in traces],
            "error": [bool(t.error) for t in traces],
            "score": [trace_score(t.trace_id) for t in traces],
        },
        columns=["trace_id", "size", "duration", "error", "score"],
    )


def head_sample(traces: Sequence[Trace], rate: float) -> list[str]:
    df = _frame(traces)
    return [str(x) for x in df.loc[df["score"] < rate, "trace_id"]]


def tail_sample(traces: Sequence[Trace], budget_bytes: int, slow_ms: float) -> list[str]:
    if len(traces) == 0:
        return []
    df = _frame(traces)
    df["tier"] = 2
    df.loc[df["duration"] >= slow_ms, "tier"] = 1
    df.loc[df["error"], "tier"] = 0
    ordered = df.sort_values(["tier", "score", "trace_id"], ascending=[True, False, True], kind="mergesort")
    left = budget_bytes
    kept_positions = []
    for pos, size in zip(ordered.index, ordered["size"]):
        size = int(size)
        if size <= left:
            left -= size
            kept_positions.append(pos)
    return [str(x) for x in df.loc[sorted(kept_positions), "trace_id"]]


def error_recall(traces: Sequence[Trace], kept: Sequence[str]) -> float:
    df = _frame(traces)
    errors = df[df["error"]]
    if errors.empty:
        return 1.0
    return float(errors["trace_id"].isin(set(kept)).mean())


# --- Part 3 --------------------------------------------------------------------------------------


def burn_rate(bad: int, total: int, slo: float) -> float:
    if total == 0:
        return 0.0
    return (bad / total) / (1 - slo)


def window_burn_rate(series: Sequence[Minute], end: int, minutes: int, slo: float) -> float:
    window = series[max(0, end - minutes + 1) : end + 1]
    bad = sum(m.total - m.good for m in window)
    total = sum(m.total for m in window)
    return burn_rate(bad, total, slo)


def budget_remaining(series: Sequence[Minute], slo: float) -> float:
    df = pd.DataFrame({"good": [m.good for m in series], "total": [m.total for m in series]}, dtype="int64")
    total = int(df["total"].sum())
    if total == 0:
        return 1.0
    bad = int((df["total"] - df["good"]).sum())
    return 1 - bad / ((1 - slo) * total)


def evaluate_alerts(
    series: Sequence[Minute], slo: float, rules: Sequence[BurnRule] = DEFAULT_RULES
) -> list[Alert]:
    n = len(series)
    if n == 0:
        return []
    df = pd.DataFrame({"good": [m.good for m in series], "total": [m.total for m in series]}, dtype="int64")
    cb = [0] + (df["total"] - df["good"]).cumsum().astype("int64").tolist()
    ct = [0] + df["total"].cumsum().astype("int64").tolist()

    def rates(minutes: int) -> list[float]:
        out = []
        for t in range(n):
            lo = max(0, t - minutes + 1)
            out.append(burn_rate(cb[t + 1] - cb[lo], ct[t + 1] - ct[lo], slo))
        return out

    rows = []
    for rule in rules:
        fire = pd.Series(
            [t >= rule.long_minutes - 1 and lr >= rule.threshold and sr >= rule.threshold
             for t, lr, sr in zip(range(n), rates(rule.long_minutes), rates(rule.short_minutes))],
            dtype=bool,
        )
        run_id = (fire != fire.shift(fill_value=False)).cumsum()
        for _, grp in fire[fire].groupby(run_id[fire]):
            rows.append((int(grp.index[0]), rule.name, int(grp.index[-1])))
    rows.sort(key=lambda r: (r[0], r[1]))
    return [Alert(rule=name, start=s, end=e) for s, name, e in rows]


# --- Part 4 --------------------------------------------------------------------------------------


def series_count(metric: Metric) -> int:
    product = reduce(mul, metric.labels.values(), 1)
    return product * (metric.buckets + 3) if metric.kind == "histogram" else product


def total_series(metrics: Sequence[Metric]) -> int:
    return sum(series_count(m) for m in metrics)


def drop_labels(
    metrics: Sequence[Metric], budget: int, keep: frozenset[str] = frozenset()
) -> list[tuple[str, str]]:
    state = {m.name: Metric(m.name, m.kind, dict(m.labels), m.buckets) for m in metrics}
    plan: list[tuple[str, str]] = []
    while total_series(list(state.values())) > budget:
        rows = []
        for m in state.values():
            now = series_count(m)
            for lab in m.labels:
                if lab in keep:
                    continue
                rest = {k: v for k, v in m.labels.items() if k != lab}
                rows.append({"metric": m.name, "label": lab,
                             "saving": now - series_count(Metric(m.name, m.kind, rest, m.buckets))})
        if not rows:
            raise ValueError("series budget unreachable without dropping a kept label")
        cand = pd.DataFrame(rows).sort_values(["saving", "metric", "label"], ascending=[False, True, True],
                                              kind="mergesort")
        name, lab = str(cand.iloc[0]["metric"]), str(cand.iloc[0]["label"])
        m = state[name]
        state[name] = Metric(m.name, m.kind, {k: v for k, v in m.labels.items() if k != lab}, m.buckets)
        plan.append((name, lab))
    return plan
