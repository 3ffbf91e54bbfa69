"""Production-minded ML on a daily weather feed: a data contract, a rolling-origin backtest with
an experiment log, drift monitoring, an evaluation harness with a champion/challenger gate, and an
evaluator for recorded LLM tool calls.

Glossary:
- contract: a declarative description of a valid batch (columns, kinds, nulls, ranges, labels,
  time order, freshness); a validator checks a batch against it and lists every violation.
- rolling-origin backtest: train on everything before a cutoff, score the next window, move the
  cutoff forward; the model never sees the future it is scored on.
- PSI (population stability index): sum over bins of (cur - ref) * ln(cur / ref), where ref and
  cur are the shares of the reference and current samples in each bin.
- KS statistic: the largest vertical gap between the two samples' empirical CDFs.
- bootstrap: resample the rows with replacement many times; the spread of the metric over the
  resamples estimates its sampling noise. Paired: both models resampled on the same rows.
- champion/challenger: the model in production and the candidate that wants its place.
- tool call: a model's request to run a tool, {"name": ..., "arguments": {...}} in JSON.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Literal

import numpy.typing as npt
import pandas as pd

# --- Part 1 — Data contract ----------------------------------------------------------------------

Kind = Literal["numeric", "string", "datetime"]
ViolationKind = Literal[
    "missing_column",
    "wrong_dtype",
    "null",
    "out_of_range",
    "unknown_category",
    "not_increasing",
    "stale",
]
VIOLATION_KINDS: tuple[ViolationKind, ...] = (
    "missing_column",
    "wrong_dtype",
    "null",
    "out_of_range",
    "unknown_category",
    "not_increasing",
    "stale",
)
WEATHER_LABELS = ("drizzle", "fog", "rain", "snow", "sun")


@dataclass(frozen=True)
class Column:
    """What one column of a valid batch looks like."""

    name: str
    kind: Kind
    nullable: bool = False
    min_value: float | None = None  # inclusive bounds, numeric columns only
    max_value: float | None = None
    allowed: tuple[str, ...] | None = None  # the only values a string column may take


@dataclass(frozen=True)
class Contract:
    columns: tuple[Column, ...]
    time_column: str | None = None  # must be strictly increasing, row after row
    max_age_days: float | None = None  # freshness: newest time at most this old at `as_of`


@dataclass(frozen=True)
class Violation:
    kind: ViolationKind
    column: str | None
    rows: tuple[int, ...]  # 0-based positions (as in frame.iloc), ascending; () if not row-level
    message: str  # for a human: names the column and what is wrong


def weather_contract() -> Contract:
    """The contract of the daily Seattle weather feed (see the table in PROMPT.md)."""
    # TODO (part 1): return a Contract with the columns, kinds, ranges and labels of the table in PROMPT.md
    raise NotImplementedError


def validate(
    frame: pd.DataFrame, contract: Contract, as_of: pd.Timestamp | None = None
) -> list[Violation]:
    """Every violation of `contract` in `frame`, each with the 0-based row positions at fault.

    A missing column or a column of the wrong kind gets one violation and no further checks.
    Nulls are reported once and skipped by the range and category checks. Freshness is checked
    only when both `as_of` and `contract.max_age_days` are given. Never modifies `frame`.
    """
    # TODO (part 1): check each column of the contract, then the time column; collect every Violation
    raise NotImplementedError


# --- Part 2 — Rolling-origin backtest -------------------------------------------------------------


@dataclass(frozen=True)
class Fold:
    train: range  # row positions the model learns from: all before `test`
    test: range  # the window right after the cutoff


@dataclass(frozen=True)
class FoldScore:
    fold: int  # 0-based, in time order
    train_rows: int
    test_rows: int
    accuracy: float  # share of the test rows predicted right
    predicted: tuple[Any, ...]  # the model's predictions for the test rows, in row order


def rolling_origin_folds(
    n_rows: int, initial: int, horizon: int, step: int | None = None, max_train: int | None = None
) -> list[Fold]:
    """Folds over rows 0..n_rows-1 in time order: train on the past, test on the next `horizon`.

    The first cutoff is `initial`; each next one is `step` (default `horizon`) later; a fold
    whose test window would run past the end is dropped. Train is every row before the cutoff,
    or only the last `max_train` of them (a sliding window). Raises ValueError on sizes < 1.
    """
    # TODO (part 2): move a cutoff from `initial` by `step`; train before it, test the next `horizon` rows
    raise NotImplementedError


def backtest(
    frame: pd.DataFrame,
    features: Sequence[str],
    target: str,
    make_model: Callable[[], Any],
    folds: Sequence[Fold],
) -> list[FoldScore]:
    """Fit a fresh `make_model()` on each fold's train rows and score accuracy on its test rows.

    The model sees `frame[features]` (a DataFrame) and `frame[target]` of the train rows in
    `fit(X, y)`, then `predict(X)` on the test rows. Returns one FoldScore per fold, in order,
    with the predictions (so that Part 4 can score them row by row).
    """
    # TODO (part 2): per fold: a fresh model, fit on the train rows, predict the test rows, score
    raise NotImplementedError


def log_experiment(
    log_path: Path, iteration: str, params: Mapping[str, Any], scores: Sequence[FoldScore]
) -> dict[str, Any]:
    """Append one JSON line for a model iteration to `log_path` (created with its folder).

    The line (also returned) has iteration, params, folds, fold_accuracy and mean_accuracy.
    """
    # TODO (part 2): build the record, append it as one JSON line, return it
    raise NotImplementedError


def leaderboard(log_path: Path) -> list[tuple[str, float]]:
    """(iteration, mean_accuracy) from the log, best first; an iteration logged twice counts
    with its latest line; ties keep the order in which iterations first appear."""
    # TODO (part 2): read every line, keep each iteration's latest mean_accuracy, sort best first
    raise NotImplementedError


# --- Part 3 — Drift monitoring ----------------------------------------------------------------------

PSI_BINS = 10  # quantile bins of the reference sample
PSI_EPSILON = 1e-4  # floor on a bin's share, so an empty bin gives a finite PSI
PSI_THRESHOLD = 0.2  # PSI above this: the distribution moved
KS_ALPHA = 0.001  # KS p-value below this: the distribution moved


@dataclass(frozen=True)
class KSResult:
    statistic: float  # max |F_ref(x) - F_cur(x)|
    pvalue: float  # asymptotic: scipy.special.kolmogorov(statistic * sqrt(n * m / (n + m)))


@dataclass(frozen=True)
class FeatureDrift:
    feature: str
    psi: float
    ks_statistic: float | None  # None for a categorical feature
    ks_pvalue: float | None
    drifted: bool  # psi > psi_threshold, or ks_pvalue < ks_alpha


def psi(
    reference: npt.ArrayLike,
    current: npt.ArrayLike,
    bins: int = PSI_BINS,
    epsilon: float = PSI_EPSILON,
) -> float:
    """Population stability index of `current` against `reference` for a numeric feature.

    Bins: the distinct values among the reference's quantiles at 1/bins, ..., (bins-1)/bins
    (numpy's default linear method) are inner edges; bins are right-closed, (edge_i, edge_i+1],
    and the outer two are open-ended. Each share is floored at `epsilon` before the sum.
    """
    # TODO (part 3): reference-quantile edges, right-closed bins, shares floored at epsilon, then the sum
    raise NotImplementedError


def category_psi(
    reference: Sequence[str] | pd.Series,
    current: Sequence[str] | pd.Series,
    epsilon: float = PSI_EPSILON,
) -> float:
    """PSI for a categorical feature: one bin per value seen in either sample, shares floored
    at `epsilon`."""
    # TODO (part 3): one bin per category seen in either sample; shares floored at epsilon
    raise NotImplementedError


def ks_test(reference: npt.ArrayLike, current: npt.ArrayLike) -> KSResult:
    """Two-sample Kolmogorov–Smirnov test: the statistic equals scipy.stats.ks_2samp's; the
    p-value is the asymptotic one, scipy.special.kolmogorov(D * sqrt(n * m / (n + m)))."""
    # TODO (part 3): sort both samples; largest gap between the two ECDFs at every observed value
    raise NotImplementedError


def drift_report(
    reference: pd.DataFrame,
    current: pd.DataFrame,
    numeric: Sequence[str],
    categorical: Sequence[str] = (),
    psi_threshold: float = PSI_THRESHOLD,
    ks_alpha: float = KS_ALPHA,
) -> list[FeatureDrift]:
    """One FeatureDrift per feature, numeric ones first, each list in the order given.

    Numeric: PSI and KS; drifted when psi > psi_threshold or ks_pvalue < ks_alpha.
    Categorical: category PSI only (KS fields None); drifted when psi > psi_threshold.
    """
    # TODO (part 3): PSI and KS per numeric feature, category PSI per categorical one; apply the thresholds
    raise NotImplementedError


# --- Part 4 — Evaluation harness -------------------------------------------------------------------


@dataclass(frozen=True)
class Interval:
    estimate: float  # the statistic on the full sample
    low: float  # bootstrap percentile interval
    high: float


@dataclass(frozen=True)
class GateDecision:
    promote: bool  # True only if the whole interval of the gain is above min_gain
    gain: Interval  # challenger minus champion, paired bootstrap
    reason: str


def bootstrap_ci(
    scores: npt.ArrayLike, n_resamples: int = 2000, confidence: float = 0.95, seed: int = 0
) -> Interval:
    """The mean of per-row `scores` with a seeded percentile-bootstrap interval.

    Draws `n_resamples` resamples of the rows with replacement from
    `np.random.default_rng(seed)`; low/high are the (1 - confidence)/2 and (1 + confidence)/2
    quantiles of the resampled means. Raises ValueError for no scores.
    """
    # TODO (part 4): seeded resamples of the rows, the mean of each, percentile interval
    raise NotImplementedError


def slice_metrics(
    scores: npt.ArrayLike,
    slices: Sequence[str] | pd.Series,
    n_resamples: int = 2000,
    confidence: float = 0.95,
    seed: int = 0,
) -> dict[str, Interval]:
    """bootstrap_ci of the scores of each slice, resampled within the slice; keys sorted."""
    # TODO (part 4): bootstrap_ci on the rows of each slice, keys sorted
    raise NotImplementedError


def champion_challenger(
    champion_scores: npt.ArrayLike,
    challenger_scores: npt.ArrayLike,
    min_gain: float = 0.0,
    n_resamples: int = 2000,
    confidence: float = 0.95,
    seed: int = 0,
) -> GateDecision:
    """Promote the challenger only if its paired-bootstrap gain interval lies above `min_gain`.

    Row i of both arrays is the same example; the gain is the mean of challenger - champion.
    """
    # TODO (part 4): bootstrap the per-row differences (paired); promote only above min_gain
    raise NotImplementedError


# --- Part 5 — Tool-call evaluation -------------------------------------------------------------------

ParseError = Literal["no_json", "invalid_json", "not_a_call"]
PARSE_ERRORS: tuple[ParseError, ...] = ("no_json", "invalid_json", "not_a_call")
MEASURES = ("tool_accuracy", "exact_match", "argument_f1")


@dataclass(frozen=True)
class ToolCall:
    name: str
    arguments: dict[str, Any]


@dataclass(frozen=True)
class ParsedOutput:
    call: ToolCall | None  # None exactly when error is set
    error: ParseError | None


@dataclass(frozen=True)
class CallScore:
    error: ParseError | None
    name_correct: bool
    exact_match: bool
    argument_f1: float


@dataclass(frozen=True)
class PromptScore:
    prompt_version: str
    n: int
    errors: dict[str, int]  # every PARSE_ERRORS kind -> how many outputs had it
    tool_accuracy: Interval
    exact_match: Interval
    argument_f1: Interval


def parse_tool_call(text: str) -> ParsedOutput:
    """The tool call in a model's raw output, or why there is none.

    Looks inside the first ``` fence if there is one (to its closing fence or the end), else at
    the whole text; decodes one JSON value from the first "{" and ignores what follows it.
    The value must be an object with a string "name" and an object "arguments".
    """
    # TODO (part 5): first fence (if any), first '{', raw_decode, then check the call's shape
    raise NotImplementedError


def argument_f1(expected: Mapping[str, Any], predicted: Mapping[str, Any]) -> float:
    """F1 between the expected and predicted (name, value) pairs after normalization.

    1.0 when both are empty. Names: stripped, lower-cased; two that normalize alike count once,
    the later wins. Values: bools stay bools; "true"/"false" become bools; numbers and numeric
    strings become floats; other strings are stripped and lower-cased; lists and objects are
    normalized item by item. A bool never equals a number.
    """
    # TODO (part 5): normalize names and values into sets of pairs; F1 of the overlap
    raise NotImplementedError


def score_call(expected: ToolCall, output: str) -> CallScore:
    """Score one raw model output against the expected call.

    A parse error scores (error, False, False, 0.0); a wrong tool name scores 0.0 for the
    arguments too; exact_match means every normalized argument matches (argument_f1 == 1.0).
    """
    # TODO (part 5): parse, check the name, then argument_f1; exact match is F1 == 1.0
    raise NotImplementedError


def score_prompts(
    records: Sequence[Mapping[str, Any]],
    n_resamples: int = 2000,
    confidence: float = 0.95,
    seed: int = 0,
) -> list[PromptScore]:
    """One PromptScore per prompt version (sorted by version): parse-error counts and
    bootstrap intervals (Part 4's bootstrap_ci) of tool accuracy, exact match and argument F1."""
    # TODO (part 5): score every record, group by prompt_version, count errors, bootstrap each measure
    raise NotImplementedError


def compare_prompts(
    records: Sequence[Mapping[str, Any]],
    baseline: str,
    candidate: str,
    measure: str = "exact_match",
    min_gain: float = 0.0,
    n_resamples: int = 2000,
    confidence: float = 0.95,
    seed: int = 0,
) -> GateDecision:
    """Should prompt `candidate` replace `baseline`? Part 4's champion_challenger on `measure`,
    paired by case_id over the cases both versions answered (sorted by case_id)."""
    # TODO (part 5): pair the two versions' scores by case_id; Part 4's champion_challenger
    raise NotImplementedError
