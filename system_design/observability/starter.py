"""Observability for an agent platform: the numbers behind a tracing, metrics and alerting design.

Glossary:
- span: one timed operation (a model call, a tool call, a sandbox step); a trace is one agent run's
  tree of spans, kept or dropped as a whole.
- head sampling: decide at the root span, before anything is known about the run.
- tail sampling: decide once the whole trace has been seen (errors and latency are known).
- trace score: a number in [0, 1) derived from the trace id alone, so every service and every
  collector reaches the same keep/drop decision without talking to each other.
- SLI minute: the good and total events of one minute; the SLO is the target fraction of good.
- burn rate: how fast the error budget is being spent; 1.0 spends exactly the budget over the SLO
  period, 14.4 spends a 30-day budget's 2% in one hour.
- series: one time series of a metric: one combination of label values (times the buckets of a
  histogram).
"""

from __future__ import annotations

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
    # TODO (part 1): spans per day -> per second, peak; storage after compression, copies, keeping
    raise NotImplementedError


def max_keep_fraction(load: TraceLoad, budget_tb: float) -> float:
    """The largest fraction of traces whose storage over the retention fits `budget_tb` (at
    most 1.0)."""
    # TODO (part 1): the budget over the full-volume storage, capped at 1
    raise NotImplementedError


def tail_buffer_gb(load: TraceLoad, decision_wait_s: float) -> float:
    """Memory (GB, raw bytes) the tail samplers need to hold every span of the last
    `decision_wait_s` seconds at peak, while they wait for traces to complete."""
    # TODO (part 1): peak spans per second x bytes per span x seconds of waiting
    raise NotImplementedError


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
    # TODO (part 2): SHA-256 of the id; its first 8 bytes as a big-endian integer, over 2**64
    raise NotImplementedError


def head_sample(traces: Sequence[Trace], rate: float) -> list[str]:
    """Ids of the traces a head sampler at `rate` keeps (score < rate), in input order."""
    # TODO (part 2): keep the ids whose score is below rate
    raise NotImplementedError


def tail_sample(traces: Sequence[Trace], budget_bytes: int, slow_ms: float) -> list[str]:
    """Ids of the traces a tail sampler keeps within `budget_bytes`, in input order.

    Tiers, in order: error traces; then slow ones (duration_ms >= slow_ms); then the rest. Within
    a tier, traces go by ascending score (ties by trace_id); each is kept if it fits in what is
    left of the budget, and skipped otherwise (a later, smaller one may still fit).
    """
    # TODO (part 2): order by (tier, score, id); keep each trace that still fits the budget
    raise NotImplementedError


def error_recall(traces: Sequence[Trace], kept: Sequence[str]) -> float:
    """The fraction of error traces whose id is in `kept`; 1.0 when there is no error trace."""
    # TODO (part 2): share of the error traces whose id was kept
    raise NotImplementedError


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
    # TODO (part 3): the error rate over the allowed error rate
    raise NotImplementedError


def window_burn_rate(series: Sequence[Minute], end: int, minutes: int, slo: float) -> float:
    """The burn rate over the `minutes` minutes ending at index `end`, included: indexes
    max(0, end - minutes + 1) .. end (shorter at the start of the series)."""
    # TODO (part 3): sum bad and total over the window's minutes
    raise NotImplementedError


def budget_remaining(series: Sequence[Minute], slo: float) -> float:
    """The fraction of the series' error budget not spent: 1 - bad / ((1 - slo) * total).

    Negative once the budget is overspent; 1.0 for a series with no events.
    """
    # TODO (part 3): 1 - bad / allowed bad over the whole series
    raise NotImplementedError


def evaluate_alerts(
    series: Sequence[Minute], slo: float, rules: Sequence[BurnRule] = DEFAULT_RULES
) -> list[Alert]:
    """Every run of consecutive minutes during which a rule fires, ordered by start, then rule
    name. A rule fires at minute t when t >= long_minutes - 1 (its long window is full) and the
    burn rates over both windows ending at t are >= its threshold. O(len(series)) per rule."""
    # TODO (part 3): per rule and minute, both windows at >= threshold; merge minutes into Alerts
    raise NotImplementedError


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
    # TODO (part 4): product of the label cardinalities; a histogram has buckets + 3 series each
    raise NotImplementedError


def total_series(metrics: Sequence[Metric]) -> int:
    """The worst-case series of all the metrics together."""
    # TODO (part 4): sum over the metrics
    raise NotImplementedError


def drop_labels(
    metrics: Sequence[Metric], budget: int, keep: frozenset[str] = frozenset()
) -> list[tuple[str, str]]:
    """The (metric, label) pairs to drop, in order, until total_series fits `budget`.

    Greedy: each step drops the pair whose removal saves the most series; ties by metric name,
    then label name. Labels named in `keep` are never dropped. Returns [] when already within
    budget; raises ValueError when dropping every droppable label is still not enough. Does not
    modify `metrics`.
    """
    # TODO (part 4): greedily drop the (metric, label) that saves the most series until it fits
    raise NotImplementedError
