"""Mutant: violation rows are the frame's index labels, not positions.

Right on a fresh RangeIndex; wrong as soon as a batch was filtered, concatenated or indexed by
date.

Caught by: Part 1
"""

from __future__ import annotations

import json
import math
import re
from collections import defaultdict
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Literal

import numpy as np
import numpy.typing as npt
import pandas as pd
from scipy import special

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
    return Contract(
        columns=(
            Column("date", "datetime"),
            Column("precipitation", "numeric", min_value=0.0, max_value=250.0),
            Column("temp_max", "numeric", min_value=-30.0, max_value=45.0),
            Column("temp_min", "numeric", min_value=-30.0, max_value=45.0),
            Column("wind", "numeric", min_value=0.0, max_value=40.0),
            Column("weather", "string", allowed=WEATHER_LABELS),
        ),
        time_column="date",
        max_age_days=2,
    )


def validate(
    frame: pd.DataFrame, contract: Contract, as_of: pd.Timestamp | None = None
) -> list[Violation]:
    """Every violation of `contract` in `frame`, each with the 0-based row positions at fault.

    A missing column or a column of the wrong kind gets one violation and no further checks.
    Nulls are reported once and skipped by the range and category checks. Freshness is checked
    only when both `as_of` and `contract.max_age_days` are given. Never modifies `frame`.
    """
    violations: list[Violation] = []
    usable: set[str] = set()
    for spec in contract.columns:
        if spec.name not in frame.columns:
            violations.append(
                Violation("missing_column", spec.name, (), f"column {spec.name!r} is missing")
            )
            continue
        values = frame[spec.name]
        if not _has_kind(values, spec.kind):
            violations.append(
                Violation(
                    "wrong_dtype",
                    spec.name,
                    (),
                    f"column {spec.name!r} should be {spec.kind}, has dtype {values.dtype}",
                )
            )
            continue
        usable.add(spec.name)
        violations += _value_checks(values, spec)
    time = contract.time_column
    if time is not None and time in usable:
        violations += _time_checks(frame[time], time, contract.max_age_days, as_of)
    return violations


def _has_kind(values: pd.Series, kind: Kind) -> bool:
    if kind == "numeric":
        return pd.api.types.is_numeric_dtype(values) and not pd.api.types.is_bool_dtype(values)
    if kind == "datetime":
        return bool(pd.api.types.is_datetime64_any_dtype(values))
    if pd.api.types.is_numeric_dtype(values) or pd.api.types.is_datetime64_any_dtype(values):
        return False
    return all(isinstance(value, str) for value in values.dropna())


def _positions(mask: pd.Series) -> tuple[int, ...]:
    # Positions, not index labels: a batch may arrive with any index, even a repeated one.
    return tuple(int(i) for i in mask[mask.to_numpy(dtype=bool)].index)


def _preview(rows: tuple[int, ...]) -> str:
    shown = ", ".join(str(r) for r in rows[:5])
    return shown + (f" (+{len(rows) - 5} more)" if len(rows) > 5 else "")


def _value_checks(values: pd.Series, spec: Column) -> list[Violation]:
    found: list[Violation] = []
    missing = values.isna()
    if not spec.nullable and missing.any():
        rows = _positions(missing)
        found.append(
            Violation("null", spec.name, rows, f"{spec.name}: missing at rows {_preview(rows)}")
        )
    present = ~missing
    if spec.kind == "numeric" and (spec.min_value is not None or spec.max_value is not None):
        low = -math.inf if spec.min_value is None else spec.min_value
        high = math.inf if spec.max_value is None else spec.max_value
        outside = present & ((values < low) | (values > high))
        if outside.any():
            rows = _positions(outside)
            found.append(
                Violation(
                    "out_of_range",
                    spec.name,
                    rows,
                    f"{spec.name}: outside [{low}, {high}] at rows {_preview(rows)}",
                )
            )
    if spec.allowed is not None:
        unknown = present & ~values.isin(spec.allowed)
        if unknown.any():
            rows = _positions(unknown)
            seen = sorted({str(v) for v in values[unknown.to_numpy()]})[:5]
            found.append(
                Violation(
                    "unknown_category",
                    spec.name,
                    rows,
                    f"{spec.name}: unknown values {seen} at rows {_preview(rows)}",
                )
            )
    return found


def _time_checks(
    times: pd.Series, name: str, max_age_days: float | None, as_of: pd.Timestamp | None
) -> list[Violation]:
    found: list[Violation] = []
    # A comparison with NaT is False: rows next to a missing time are neither flagged nor used.
    back = times.le(times.shift(1))
    if back.any():
        rows = _positions(back)
        found.append(
            Violation(
                "not_increasing",
                name,
                rows,
                f"{name}: not after the previous row's time at rows {_preview(rows)}",
            )
        )
    if as_of is not None and max_age_days is not None:
        newest = times.max()
        limit = pd.Timedelta(days=max_age_days)
        if pd.isna(newest) or pd.Timestamp(as_of) - newest > limit:
            found.append(
                Violation(
                    "stale",
                    name,
                    (),
                    f"{name}: newest row {newest} is older than {max_age_days} days at {as_of}",
                )
            )
    return found


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
    step = horizon if step is None else step
    if min(initial, horizon, step, 1 if max_train is None else max_train) < 1:
        raise ValueError("initial, horizon, step and max_train must be at least 1")
    folds = []
    cutoff = initial
    # Never a random split: a shuffled split trains on tomorrow to predict today, and scores
    # better than the model ever will in production.
    while cutoff + horizon <= n_rows:
        start = 0 if max_train is None else max(0, cutoff - max_train)
        folds.append(Fold(train=range(start, cutoff), test=range(cutoff, cutoff + horizon)))
        cutoff += step
    return folds


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
    columns = list(features)
    scores = []
    for number, fold in enumerate(folds):
        train = frame.iloc[fold.train]
        test = frame.iloc[fold.test]
        model = make_model()
        model.fit(train[columns], train[target])
        predicted = np.asarray(model.predict(test[columns]))
        accuracy = float(np.mean(predicted == test[target].to_numpy()))
        scores.append(FoldScore(number, len(train), len(test), accuracy, tuple(predicted.tolist())))
    return scores


def log_experiment(
    log_path: Path, iteration: str, params: Mapping[str, Any], scores: Sequence[FoldScore]
) -> dict[str, Any]:
    """Append one JSON line for a model iteration to `log_path` (created with its folder).

    The line (also returned) has iteration, params, folds, fold_accuracy and mean_accuracy.
    """
    accuracies = [score.accuracy for score in scores]
    record = {
        "iteration": iteration,
        "params": dict(params),
        "folds": len(accuracies),
        "fold_accuracy": accuracies,
        "mean_accuracy": float(np.mean(accuracies)) if accuracies else math.nan,
    }
    log_path.parent.mkdir(parents=True, exist_ok=True)
    with log_path.open("a", encoding="utf-8") as log:
        log.write(json.dumps(record) + "\n")
    return record


def leaderboard(log_path: Path) -> list[tuple[str, float]]:
    """(iteration, mean_accuracy) from the log, best first; an iteration logged twice counts
    with its latest line; ties keep the order in which iterations first appear."""
    latest: dict[str, float] = {}
    for line in log_path.read_text(encoding="utf-8").splitlines():
        if line.strip():
            record = json.loads(line)
            latest[record["iteration"]] = record["mean_accuracy"]
    return sorted(latest.items(), key=lambda item: -item[1])


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


def _sample(values: npt.ArrayLike, what: str) -> npt.NDArray[np.float64]:
    array = np.asarray(values, dtype=float)
    if array.size == 0:
        raise ValueError(f"the {what} sample is empty")
    return array


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
    ref = _sample(reference, "reference")
    cur = _sample(current, "current")
    edges = np.unique(np.quantile(ref, np.arange(1, bins) / bins))
    # searchsorted side="left" puts a value equal to an edge in the bin that edge closes.
    ref_share = np.bincount(np.searchsorted(edges, ref, side="left"), minlength=edges.size + 1)
    cur_share = np.bincount(np.searchsorted(edges, cur, side="left"), minlength=edges.size + 1)
    return _psi_sum(ref_share / ref.size, cur_share / cur.size, epsilon)


def _psi_sum(
    ref_share: npt.NDArray[np.float64], cur_share: npt.NDArray[np.float64], epsilon: float
) -> float:
    # Without the floor, one empty bin makes ln(0) and the whole index infinite.
    ref_share = np.maximum(ref_share, epsilon)
    cur_share = np.maximum(cur_share, epsilon)
    return float(np.sum((cur_share - ref_share) * np.log(cur_share / ref_share)))


def category_psi(
    reference: Sequence[str] | pd.Series,
    current: Sequence[str] | pd.Series,
    epsilon: float = PSI_EPSILON,
) -> float:
    """PSI for a categorical feature: one bin per value seen in either sample, shares floored
    at `epsilon`."""
    ref = pd.Series(list(reference), dtype=object)
    cur = pd.Series(list(current), dtype=object)
    if ref.empty or cur.empty:
        raise ValueError("both samples need at least one value")
    categories = sorted(set(ref) | set(cur))
    ref_share = ref.value_counts(normalize=True).reindex(categories, fill_value=0.0)
    cur_share = cur.value_counts(normalize=True).reindex(categories, fill_value=0.0)
    return _psi_sum(ref_share.to_numpy(dtype=float), cur_share.to_numpy(dtype=float), epsilon)


def ks_test(reference: npt.ArrayLike, current: npt.ArrayLike) -> KSResult:
    """Two-sample Kolmogorov–Smirnov test: the statistic equals scipy.stats.ks_2samp's; the
    p-value is the asymptotic one, scipy.special.kolmogorov(D * sqrt(n * m / (n + m)))."""
    ref = np.sort(_sample(reference, "reference"))
    cur = np.sort(_sample(current, "current"))
    points = np.concatenate([ref, cur])
    # Both CDFs at every observed value, counting ties (side="right": F(x) = share <= x).
    gap = np.abs(
        np.searchsorted(ref, points, side="right") / ref.size
        - np.searchsorted(cur, points, side="right") / cur.size
    )
    statistic = float(gap.max())
    scale = math.sqrt(ref.size * cur.size / (ref.size + cur.size))
    pvalue = float(np.clip(special.kolmogorov(statistic * scale), 0.0, 1.0))
    return KSResult(statistic, pvalue)


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
    report = []
    for name in numeric:
        value = psi(reference[name], current[name])
        ks = ks_test(reference[name], current[name])
        drifted = value > psi_threshold or ks.pvalue < ks_alpha
        report.append(FeatureDrift(name, value, ks.statistic, ks.pvalue, drifted))
    for name in categorical:
        value = category_psi(reference[name], current[name])
        report.append(FeatureDrift(name, value, None, None, value > psi_threshold))
    return report


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
    values = np.asarray(scores, dtype=float)
    if values.size == 0:
        raise ValueError("bootstrap_ci() needs at least one score")
    rng = np.random.default_rng(seed)
    rows = rng.integers(0, values.size, size=(n_resamples, values.size))
    means = values[rows].mean(axis=1)
    tail = (1 - confidence) / 2
    low, high = np.quantile(means, [tail, 1 - tail])
    return Interval(float(values.mean()), float(low), float(high))


def slice_metrics(
    scores: npt.ArrayLike,
    slices: Sequence[str] | pd.Series,
    n_resamples: int = 2000,
    confidence: float = 0.95,
    seed: int = 0,
) -> dict[str, Interval]:
    """bootstrap_ci of the scores of each slice, resampled within the slice; keys sorted."""
    values = np.asarray(scores, dtype=float)
    labels = np.asarray(slices, dtype=object)
    if values.shape != labels.shape:
        raise ValueError("scores and slices must have the same length")
    return {
        str(name): bootstrap_ci(values[labels == name], n_resamples, confidence, seed)
        for name in sorted(set(labels.tolist()))
    }


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
    champion = np.asarray(champion_scores, dtype=float)
    challenger = np.asarray(challenger_scores, dtype=float)
    if champion.shape != challenger.shape:
        raise ValueError("champion and challenger must be scored on the same rows")
    # Paired: resampling the per-row differences keeps both models on the same rows in every
    # resample, so the noise they share (hard rows, easy rows) cancels out.
    gain = bootstrap_ci(challenger - champion, n_resamples, confidence, seed)
    if gain.low > min_gain:
        return GateDecision(True, gain, f"gain {gain.estimate:+.4f}, interval above {min_gain}")
    return GateDecision(
        False,
        gain,
        f"gain {gain.estimate:+.4f} within the noise: interval [{gain.low:+.4f}, "
        f"{gain.high:+.4f}] reaches {min_gain}",
    )


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


_FENCE = re.compile(r"```[A-Za-z0-9_+-]*[ \t]*\n?(.*?)(?:```|\Z)", re.DOTALL)
_DECODER = json.JSONDecoder()


def parse_tool_call(text: str) -> ParsedOutput:
    """The tool call in a model's raw output, or why there is none.

    Looks inside the first ``` fence if there is one (to its closing fence or the end), else at
    the whole text; decodes one JSON value from the first "{" and ignores what follows it.
    The value must be an object with a string "name" and an object "arguments".
    """
    fenced = _FENCE.search(text)
    body = fenced.group(1) if fenced else text
    start = body.find("{")
    if start < 0:
        return ParsedOutput(None, "no_json")
    try:
        # raw_decode stops at the end of the first value: trailing prose is not an error.
        value, _end = _DECODER.raw_decode(body, start)
    except (ValueError, RecursionError):
        return ParsedOutput(None, "invalid_json")
    if (
        not isinstance(value, dict)
        or not isinstance(value.get("name"), str)
        or not isinstance(value.get("arguments"), dict)
    ):
        return ParsedOutput(None, "not_a_call")
    return ParsedOutput(ToolCall(value["name"], value["arguments"]), None)


def _normalized(arguments: Mapping[str, Any]) -> dict[str, object]:
    # Names that normalize alike are ONE argument, the later one winning (as json.loads does
    # with a repeated key): a dict, never a list of pairs, so nothing is counted twice.
    return {str(name).strip().lower(): _value(value) for name, value in arguments.items()}


def _value(value: Any) -> object:
    # Tagged, because True == 1 == 1.0 in Python: a bool must never match a number.
    if isinstance(value, bool):
        return ("bool", value)
    if isinstance(value, int | float):
        return ("number", float(value))
    if isinstance(value, str):
        text = value.strip().lower()
        if text in ("true", "false"):
            return ("bool", text == "true")
        try:
            number = float(text)
        except ValueError:
            return ("string", text)
        return ("number", number) if math.isfinite(number) else ("string", text)
    if value is None:
        return ("null", None)
    if isinstance(value, list | tuple):
        return ("list", tuple(_value(item) for item in value))
    if isinstance(value, dict):
        return ("object", tuple(sorted(_normalized(value).items())))
    return ("other", repr(value))


def argument_f1(expected: Mapping[str, Any], predicted: Mapping[str, Any]) -> float:
    """F1 between the expected and predicted (name, value) pairs after normalization.

    1.0 when both are empty. Names: stripped, lower-cased; two that normalize alike count once,
    the later wins. Values: bools stay bools; "true"/"false" become bools; numbers and numeric
    strings become floats; other strings are stripped and lower-cased; lists and objects are
    normalized item by item. A bool never equals a number.
    """
    want = set(_normalized(expected).items())
    got = set(_normalized(predicted).items())
    if not want and not got:
        return 1.0
    return 2 * len(want & got) / (len(want) + len(got))


def score_call(expected: ToolCall, output: str) -> CallScore:
    """Score one raw model output against the expected call.

    A parse error scores (error, False, False, 0.0); a wrong tool name scores 0.0 for the
    arguments too; exact_match means every normalized argument matches (argument_f1 == 1.0).
    """
    parsed = parse_tool_call(output)
    if parsed.call is None:
        return CallScore(parsed.error, False, False, 0.0)
    if parsed.call.name != expected.name:
        return CallScore(None, False, False, 0.0)
    f1 = argument_f1(expected.arguments, parsed.call.arguments)
    return CallScore(None, True, f1 == 1.0, f1)


def _scored(records: Sequence[Mapping[str, Any]]) -> dict[str, dict[str, CallScore]]:
    """version -> case_id -> score."""
    by_version: defaultdict[str, dict[str, CallScore]] = defaultdict(dict)
    for record in records:
        expected = ToolCall(record["expected"]["name"], record["expected"]["arguments"])
        by_version[record["prompt_version"]][record["case_id"]] = score_call(
            expected, record["output"]
        )
    return by_version


def _measure(scores: Sequence[CallScore], measure: str) -> npt.NDArray[np.float64]:
    if measure == "tool_accuracy":
        return np.array([s.name_correct for s in scores], dtype=float)
    if measure == "exact_match":
        return np.array([s.exact_match for s in scores], dtype=float)
    if measure == "argument_f1":
        return np.array([s.argument_f1 for s in scores], dtype=float)
    raise ValueError(f"unknown measure {measure!r}; use one of {MEASURES}")


def score_prompts(
    records: Sequence[Mapping[str, Any]],
    n_resamples: int = 2000,
    confidence: float = 0.95,
    seed: int = 0,
) -> list[PromptScore]:
    """One PromptScore per prompt version (sorted by version): parse-error counts and
    bootstrap intervals (Part 4's bootstrap_ci) of tool accuracy, exact match and argument F1."""
    report = []
    for version, cases in sorted(_scored(records).items()):
        scores = list(cases.values())
        errors: dict[str, int] = {k: sum(s.error == k for s in scores) for k in PARSE_ERRORS}
        intervals = [
            bootstrap_ci(_measure(scores, m), n_resamples, confidence, seed) for m in MEASURES
        ]
        report.append(PromptScore(version, len(scores), errors, *intervals))
    return report


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
    if measure not in MEASURES:
        raise ValueError(f"unknown measure {measure!r}; use one of {MEASURES}")
    scored = _scored(records)
    old, new = scored.get(baseline, {}), scored.get(candidate, {})
    cases = sorted(old.keys() & new.keys())
    if not cases:
        raise ValueError(f"no case_id answered by both {baseline!r} and {candidate!r}")
    return champion_challenger(
        _measure([old[c] for c in cases], measure),
        _measure([new[c] for c in cases], measure),
        min_gain,
        n_resamples,
        confidence,
        seed,
    )
