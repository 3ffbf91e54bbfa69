"""Correct: very defensive — validates every input, copies nothing it may mutate, Python scalars everywhere.

verdict: accept
how: faithful reading plus guard rails (as_of coerced, ToolCall-or-dict expected, chunked bootstrap, strict types)
differs on: n/a (choices: a time_column absent from both contract columns and frame is reported as missing_column; violations in contract order)
"""


from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Literal

import numpy.typing as npt
import pandas as pd
import json
import math
import numbers

import numpy as np
from scipy.special import kolmogorov as _kolmogorov

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
            Column(name="date", kind="datetime", nullable=False),
            Column(name="precipitation", kind="numeric", nullable=False, min_value=0.0, max_value=250.0),
            Column(name="temp_max", kind="numeric", nullable=False, min_value=-30.0, max_value=45.0),
            Column(name="temp_min", kind="numeric", nullable=False, min_value=-30.0, max_value=45.0),
            Column(name="wind", kind="numeric", nullable=False, min_value=0.0, max_value=40.0),
            Column(name="weather", kind="string", nullable=False, allowed=tuple(WEATHER_LABELS)),
        ),
        time_column="date",
        max_age_days=2.0,
    )


def validate(
    frame: pd.DataFrame, contract: Contract, as_of: pd.Timestamp | None = None
) -> list[Violation]:
    """Every violation of `contract` in `frame`, each with the 0-based row positions at fault.

    A missing column or a column of the wrong kind gets one violation and no further checks.
    Nulls are reported once and skipped by the range and category checks. Freshness is checked
    only when both `as_of` and `contract.max_age_days` are given. Never modifies `frame`.
    """
    if not isinstance(frame, pd.DataFrame):
        raise TypeError("validate expects a pandas DataFrame")
    if as_of is not None and not isinstance(as_of, pd.Timestamp):
        as_of = pd.Timestamp(as_of)
    violations: list[Violation] = []
    passed: dict[str, pd.Series] = {}
    present_columns = set(frame.columns)
    for col in contract.columns:
        if col.name not in present_columns:
            violations.append(Violation("missing_column", col.name, (), f"column '{col.name}' is missing from the batch"))
            continue
        series = frame[col.name]
        if isinstance(series, pd.DataFrame):  # duplicated column label: take the first
            series = series.iloc[:, 0]
        if not _defensive_kind_ok(series, col.kind):
            violations.append(
                Violation("wrong_dtype", col.name, (), f"column '{col.name}' should be {col.kind} but is {series.dtype}")
            )
            continue
        passed[col.name] = series
        missing = np.asarray(series.isna(), dtype=bool)
        if missing.any() and not col.nullable:
            violations.append(
                Violation("null", col.name, _as_rows(missing), f"column '{col.name}' has {int(missing.sum())} missing value(s)")
            )
        values = series.to_numpy(dtype=object, na_value=None) if hasattr(series, "to_numpy") else np.asarray(series, dtype=object)
        if col.kind == "numeric" and (col.min_value is not None or col.max_value is not None):
            bad = np.zeros(len(values), dtype=bool)
            for i, v in enumerate(values):
                if missing[i]:
                    continue
                below = col.min_value is not None and v < col.min_value
                above = col.max_value is not None and v > col.max_value
                bad[i] = bool(below or above)
            if bad.any():
                violations.append(
                    Violation(
                        "out_of_range",
                        col.name,
                        _as_rows(bad),
                        f"column '{col.name}' has value(s) outside [{col.min_value}, {col.max_value}]",
                    )
                )
        if col.allowed is not None:
            allowed = tuple(col.allowed)
            bad = np.array(
                [(not missing[i]) and v not in allowed for i, v in enumerate(values)],
                dtype=bool,
            )
            if bad.any():
                violations.append(
                    Violation("unknown_category", col.name, _as_rows(bad), f"column '{col.name}' has value(s) not in {allowed}")
                )
    tc = contract.time_column
    if tc is not None:
        declared = {c.name for c in contract.columns}
        if tc not in present_columns:
            if tc not in declared:  # the contract needs it even if `columns` forgot it
                violations.append(Violation("missing_column", tc, (), f"time column '{tc}' is missing from the batch"))
        elif tc in passed or tc not in declared:
            times = passed.get(tc)
            if times is None:
                times = frame[tc]
                if isinstance(times, pd.DataFrame):
                    times = times.iloc[:, 0]
            violations.extend(_defensive_time_checks(times, tc, as_of, contract.max_age_days))
    return violations


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
    def _check(name, value):
        if value is None:
            return
        if isinstance(value, bool) or not isinstance(value, numbers.Integral):
            raise ValueError(f"{name} must be an integer, got {value!r}")
        if value < 1:
            raise ValueError(f"{name} must be at least 1, got {value}")

    _check("initial", initial)
    _check("horizon", horizon)
    _check("step", step)
    _check("max_train", max_train)
    n_rows = int(n_rows)
    step = int(horizon if step is None else step)
    folds: list[Fold] = []
    cutoff = int(initial)
    while cutoff + horizon <= n_rows:
        lo = cutoff - max_train if max_train is not None else 0
        folds.append(Fold(train=range(max(lo, 0), cutoff), test=range(cutoff, cutoff + int(horizon))))
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
    features = list(features)
    missing = [c for c in [*features, target] if c not in frame.columns]
    if missing:
        raise KeyError(f"columns not in frame: {missing}")
    X_all = frame[features]
    y_all = frame[target]
    n = len(frame)
    results: list[FoldScore] = []
    for number, fold in enumerate(folds):
        train = list(fold.train)
        test = list(fold.test)
        if any(i < 0 or i >= n for i in train + test):
            raise IndexError(f"fold {number} refers to rows outside 0..{n - 1}")
        model = make_model()  # a fresh model per fold: nothing leaks from one fold into the next
        model.fit(X_all.iloc[train], y_all.iloc[train])
        raw = model.predict(X_all.iloc[test])
        predicted = tuple(np.asarray(raw).tolist())
        truth = y_all.iloc[test].tolist()
        if len(predicted) != len(truth):
            raise ValueError(f"fold {number}: {len(predicted)} predictions for {len(truth)} rows")
        correct = sum(1 for p, t in zip(predicted, truth) if p == t)
        accuracy = correct / len(truth) if truth else float("nan")
        results.append(FoldScore(fold=number, train_rows=len(train), test_rows=len(test), accuracy=float(accuracy), predicted=predicted))
    return results


def log_experiment(
    log_path: Path, iteration: str, params: Mapping[str, Any], scores: Sequence[FoldScore]
) -> dict[str, Any]:
    """Append one JSON line for a model iteration to `log_path` (created with its folder).

    The line (also returned) has iteration, params, folds, fold_accuracy and mean_accuracy.
    """
    log_path = Path(log_path)
    fold_accuracy = [float(s.accuracy) for s in scores]
    mean = math.fsum(fold_accuracy) / len(fold_accuracy) if fold_accuracy else float("nan")
    record: dict[str, Any] = {
        "iteration": str(iteration),
        "params": json.loads(json.dumps(dict(params), default=_json_default)),
        "folds": len(fold_accuracy),
        "fold_accuracy": fold_accuracy,
        "mean_accuracy": mean,
    }
    line = json.dumps(record, default=_json_default)
    log_path.parent.mkdir(parents=True, exist_ok=True)
    with open(log_path, "a", encoding="utf-8") as fh:
        fh.write(line + "\n")
        fh.flush()
    return record


def leaderboard(log_path: Path) -> list[tuple[str, float]]:
    """(iteration, mean_accuracy) from the log, best first; an iteration logged twice counts
    with its latest line; ties keep the order in which iterations first appear."""
    log_path = Path(log_path)
    if not log_path.exists():
        return []
    first_seen: list[str] = []
    latest: dict[str, float] = {}
    with open(log_path, encoding="utf-8") as fh:
        for raw in fh:
            raw = raw.strip()
            if not raw:
                continue
            record = json.loads(raw)
            it = record["iteration"]
            if it not in latest:
                first_seen.append(it)
            latest[it] = float(record["mean_accuracy"])
    position = {it: i for i, it in enumerate(first_seen)}
    ordered = sorted(first_seen, key=lambda it: (-latest[it], position[it]))
    return [(it, latest[it]) for it in ordered]


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
    ref = _sample(reference, "reference")
    cur = _sample(current, "current")
    if int(bins) < 1:
        raise ValueError("bins must be at least 1")
    probs = [k / bins for k in range(1, int(bins))]
    edges = np.unique(np.quantile(ref, probs)) if probs else np.empty(0)
    n_bins = edges.size + 1
    ref_counts = np.bincount(np.searchsorted(edges, ref, side="left"), minlength=n_bins)
    cur_counts = np.bincount(np.searchsorted(edges, cur, side="left"), minlength=n_bins)
    r = np.maximum(ref_counts / ref.size, epsilon)
    c = np.maximum(cur_counts / cur.size, epsilon)
    return float(math.fsum(((c - r) * np.log(c / r)).tolist()))


def category_psi(
    reference: Sequence[str] | pd.Series,
    current: Sequence[str] | pd.Series,
    epsilon: float = PSI_EPSILON,
) -> float:
    """PSI for a categorical feature: one bin per value seen in either sample, shares floored
    at `epsilon`."""
    ref = list(reference.tolist() if isinstance(reference, pd.Series) else reference)
    cur = list(current.tolist() if isinstance(current, pd.Series) else current)
    if not ref:
        raise ValueError("reference sample is empty")
    if not cur:
        raise ValueError("current sample is empty")
    counts_r: dict[Any, int] = {}
    counts_c: dict[Any, int] = {}
    for v in ref:
        counts_r[v] = counts_r.get(v, 0) + 1
    for v in cur:
        counts_c[v] = counts_c.get(v, 0) + 1
    terms = []
    for cat in {**counts_r, **counts_c}:
        r = max(counts_r.get(cat, 0) / len(ref), epsilon)
        c = max(counts_c.get(cat, 0) / len(cur), epsilon)
        terms.append((c - r) * math.log(c / r))
    return float(math.fsum(terms))


def ks_test(reference: npt.ArrayLike, current: npt.ArrayLike) -> KSResult:
    """Two-sample Kolmogorov–Smirnov test: the statistic equals scipy.stats.ks_2samp's; the
    p-value is the asymptotic one, scipy.special.kolmogorov(D * sqrt(n * m / (n + m)))."""
    a = np.sort(_sample(reference, "reference"))
    b = np.sort(_sample(current, "current"))
    n, m = a.size, b.size
    points = np.unique(np.concatenate([a, b]))
    gap = np.abs(np.searchsorted(a, points, side="right") / n - np.searchsorted(b, points, side="right") / m)
    d = float(gap.max())
    p = float(_kolmogorov(d * math.sqrt(n * m / (n + m))))
    return KSResult(statistic=d, pvalue=min(max(p, 0.0), 1.0))


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
    numeric = list(numeric)
    categorical = list(categorical)
    for f in numeric + categorical:
        if f not in reference.columns or f not in current.columns:
            raise KeyError(f"feature {f!r} missing from a window")
    report: list[FeatureDrift] = []
    for f in numeric:
        index = psi(reference[f].to_numpy(), current[f].to_numpy())
        ks = ks_test(reference[f].to_numpy(), current[f].to_numpy())
        drifted = (index > psi_threshold) or (ks.pvalue < ks_alpha)
        report.append(FeatureDrift(feature=f, psi=index, ks_statistic=ks.statistic, ks_pvalue=ks.pvalue, drifted=bool(drifted)))
    for f in categorical:
        index = category_psi(reference[f], current[f])
        report.append(FeatureDrift(feature=f, psi=index, ks_statistic=None, ks_pvalue=None, drifted=bool(index > psi_threshold)))
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
    x = np.asarray(scores, dtype=float).reshape(-1)
    if x.size == 0:
        raise ValueError("bootstrap_ci needs at least one score")
    if not 0 < confidence < 1:
        raise ValueError("confidence must be between 0 and 1")
    if int(n_resamples) < 1:
        raise ValueError("n_resamples must be at least 1")
    rng = np.random.default_rng(seed)
    means = np.empty(int(n_resamples))
    chunk = max(1, 2_000_000 // x.size)  # bounded memory for long score vectors
    done = 0
    while done < means.size:
        k = min(chunk, means.size - done)
        idx = rng.integers(0, x.size, size=(k, x.size))
        means[done : done + k] = x[idx].mean(axis=1)
        done += k
    low, high = np.percentile(means, [100 * (1 - confidence) / 2, 100 * (1 + confidence) / 2])
    return Interval(estimate=float(x.mean()), low=float(low), high=float(high))


def slice_metrics(
    scores: npt.ArrayLike,
    slices: Sequence[str] | pd.Series,
    n_resamples: int = 2000,
    confidence: float = 0.95,
    seed: int = 0,
) -> dict[str, Interval]:
    """bootstrap_ci of the scores of each slice, resampled within the slice; keys sorted."""
    x = np.asarray(scores, dtype=float).reshape(-1)
    labels = slices.tolist() if isinstance(slices, pd.Series) else list(slices)
    if len(labels) != x.size:
        raise ValueError(f"{x.size} scores but {len(labels)} slice labels")
    members: dict[Any, list[int]] = {}
    for i, label in enumerate(labels):
        members.setdefault(label, []).append(i)
    return {
        key: bootstrap_ci(x[members[key]], n_resamples=n_resamples, confidence=confidence, seed=seed)
        for key in sorted(members)
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
    champ = np.asarray(champion_scores, dtype=float).reshape(-1)
    chall = np.asarray(challenger_scores, dtype=float).reshape(-1)
    if champ.size != chall.size:
        raise ValueError(f"paired scores need equal lengths ({champ.size} != {chall.size})")
    if champ.size == 0:
        raise ValueError("no scores to compare")
    gain = bootstrap_ci(chall - champ, n_resamples=n_resamples, confidence=confidence, seed=seed)
    if gain.low > min_gain:
        return GateDecision(
            promote=True,
            gain=gain,
            reason=f"promote: the paired {confidence:.0%} interval of the gain, [{gain.low:.4f}, {gain.high:.4f}], lies above {min_gain}",
        )
    if gain.estimate > min_gain:
        why = "the point estimate is above min_gain but the interval reaches it: the gain is inside the noise"
    else:
        why = "the challenger is not better than the champion by min_gain"
    return GateDecision(promote=False, gain=gain, reason=f"keep champion: {why} (interval [{gain.low:.4f}, {gain.high:.4f}])")


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
    try:
        if not isinstance(text, str):
            return ParsedOutput(call=None, error="no_json")
        window = text
        open_at = text.find("```")
        if open_at != -1:
            body_start = open_at + 3
            close_at = text.find("```", body_start)
            window = text[body_start:] if close_at == -1 else text[body_start:close_at]
        brace = window.find("{")
        if brace == -1:
            return ParsedOutput(call=None, error="no_json")
        try:
            value, _ = json.JSONDecoder().raw_decode(window, brace)
        except (ValueError, RecursionError):
            return ParsedOutput(call=None, error="invalid_json")
        if not isinstance(value, dict):
            return ParsedOutput(call=None, error="not_a_call")
        name = value.get("name")
        arguments = value.get("arguments")
        if not isinstance(name, str) or not isinstance(arguments, dict):
            return ParsedOutput(call=None, error="not_a_call")
        return ParsedOutput(call=ToolCall(name=name, arguments=arguments), error=None)
    except Exception:  # pragma: no cover - parse_tool_call never raises
        return ParsedOutput(call=None, error="invalid_json")


def argument_f1(expected: Mapping[str, Any], predicted: Mapping[str, Any]) -> float:
    """F1 between the expected and predicted (name, value) pairs after normalization.

    1.0 when both are empty. Names: stripped, lower-cased; two that normalize alike count once,
    the later wins. Values: bools stay bools; "true"/"false" become bools; numbers and numeric
    strings become floats; other strings are stripped and lower-cased; lists and objects are
    normalized item by item. A bool never equals a number.
    """
    e = _defensive_pairs(expected or {})
    p = _defensive_pairs(predicted or {})
    if not e and not p:
        return 1.0
    return float(2 * len(e & p) / (len(e) + len(p)))


def score_call(expected: ToolCall, output: str) -> CallScore:
    """Score one raw model output against the expected call.

    A parse error scores (error, False, False, 0.0); a wrong tool name scores 0.0 for the
    arguments too; exact_match means every normalized argument matches (argument_f1 == 1.0).
    """
    if isinstance(expected, Mapping):
        expected = ToolCall(name=expected["name"], arguments=dict(expected.get("arguments") or {}))
    parsed = parse_tool_call(output)
    if parsed.error is not None or parsed.call is None:
        return CallScore(error=parsed.error or "not_a_call", name_correct=False, exact_match=False, argument_f1=0.0)
    if parsed.call.name != expected.name:
        return CallScore(error=None, name_correct=False, exact_match=False, argument_f1=0.0)
    f1 = argument_f1(expected.arguments, parsed.call.arguments)
    return CallScore(error=None, name_correct=True, exact_match=f1 == 1.0, argument_f1=f1)


def score_prompts(
    records: Sequence[Mapping[str, Any]],
    n_resamples: int = 2000,
    confidence: float = 0.95,
    seed: int = 0,
) -> list[PromptScore]:
    """One PromptScore per prompt version (sorted by version): parse-error counts and
    bootstrap intervals (Part 4's bootstrap_ci) of tool accuracy, exact match and argument F1."""
    grouped: dict[str, list[CallScore]] = {}
    for record in records:
        version = str(record["prompt_version"])
        grouped.setdefault(version, []).append(score_call(_expected_of(record), str(record.get("output", ""))))
    out: list[PromptScore] = []
    for version in sorted(grouped):
        calls = grouped[version]
        errors = {kind: 0 for kind in PARSE_ERRORS}
        for c in calls:
            if c.error in errors:
                errors[c.error] += 1
        kw = dict(n_resamples=n_resamples, confidence=confidence, seed=seed)
        out.append(
            PromptScore(
                prompt_version=version,
                n=len(calls),
                errors=errors,
                tool_accuracy=bootstrap_ci([1.0 if c.name_correct else 0.0 for c in calls], **kw),
                exact_match=bootstrap_ci([1.0 if c.exact_match else 0.0 for c in calls], **kw),
                argument_f1=bootstrap_ci([float(c.argument_f1) for c in calls], **kw),
            )
        )
    return out


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
        raise ValueError(f"unknown measure {measure!r}: choose one of {', '.join(MEASURES)}")
    pick = {
        "tool_accuracy": lambda c: 1.0 if c.name_correct else 0.0,
        "exact_match": lambda c: 1.0 if c.exact_match else 0.0,
        "argument_f1": lambda c: float(c.argument_f1),
    }[measure]
    per_version: dict[str, dict[str, float]] = {baseline: {}, candidate: {}}
    for record in records:
        version = record["prompt_version"]
        if version in per_version:
            per_version[version][record["case_id"]] = pick(score_call(_expected_of(record), str(record.get("output", ""))))
    common = sorted(set(per_version[baseline]) & set(per_version[candidate]))
    if not common:
        raise ValueError(f"no case answered by both {baseline!r} and {candidate!r}")
    return champion_challenger(
        [per_version[baseline][c] for c in common],
        [per_version[candidate][c] for c in common],
        min_gain=min_gain,
        n_resamples=n_resamples,
        confidence=confidence,
        seed=seed,
    )


# --- helpers ---------------------------------------------------------------------------------------


def _as_rows(mask: np.ndarray) -> tuple[int, ...]:
    return tuple(int(i) for i in np.flatnonzero(np.asarray(mask, dtype=bool)))


def _defensive_kind_ok(series: pd.Series, kind: str) -> bool:
    api = pd.api.types
    dtype = series.dtype
    is_num = api.is_numeric_dtype(dtype)
    is_dt = api.is_datetime64_any_dtype(dtype)
    if kind == "numeric":
        return bool(is_num and not api.is_bool_dtype(dtype))
    if kind == "datetime":
        return bool(is_dt)
    if kind == "string":
        if is_num or is_dt:
            return False
        missing = np.asarray(series.isna(), dtype=bool)
        values = series.to_numpy(dtype=object)
        return all(isinstance(v, str) for v, m in zip(values, missing) if not m)
    return False


def _defensive_time_checks(times: pd.Series, name: str, as_of, max_age_days) -> list[Violation]:
    out: list[Violation] = []
    missing = np.asarray(times.isna(), dtype=bool)
    values = times.to_numpy(dtype=object)
    bad = np.zeros(len(values), dtype=bool)
    for i in range(1, len(values)):
        if missing[i] or missing[i - 1]:
            continue
        bad[i] = not (values[i] > values[i - 1])
    if bad.any():
        out.append(Violation("not_increasing", name, _as_rows(bad), f"time column '{name}' is not strictly increasing"))
    if as_of is not None and max_age_days is not None:
        present = [v for v, m in zip(values, missing) if not m]
        if not present:
            out.append(Violation("stale", name, (), f"time column '{name}' has no values"))
        else:
            newest = pd.Timestamp(max(present))
            age = as_of - newest
            if age > pd.Timedelta(days=float(max_age_days)):
                out.append(Violation("stale", name, (), f"time column '{name}': newest {newest} is {age} old at {as_of}"))
    return out


def _json_default(obj):
    if isinstance(obj, np.generic):
        return obj.item()
    if isinstance(obj, (Path, pd.Timestamp)):
        return str(obj)
    if isinstance(obj, (set, frozenset, tuple)):
        return list(obj)
    return repr(obj)


def _sample(data, what: str) -> np.ndarray:
    arr = np.asarray(data, dtype=float).reshape(-1)
    if arr.size == 0:
        raise ValueError(f"{what} sample is empty")
    return arr


def _defensive_value(v):
    if isinstance(v, (bool, np.bool_)):
        return ("bool", bool(v))
    if v is None:
        return ("none", None)
    if isinstance(v, numbers.Real):
        return ("number", float(v))
    if isinstance(v, str):
        text = v.strip()
        lowered = text.lower()
        if lowered == "true":
            return ("bool", True)
        if lowered == "false":
            return ("bool", False)
        try:
            number = float(text)
        except (ValueError, OverflowError):
            number = None
        if number is not None and math.isfinite(number):
            return ("number", number)
        return ("string", lowered)
    if isinstance(v, (list, tuple)):
        return ("list", tuple(_defensive_value(x) for x in v))
    if isinstance(v, Mapping):
        return ("object", frozenset(_defensive_pairs(v)))
    return ("other", repr(v))


def _defensive_pairs(args: Mapping[str, Any]) -> set:
    merged: dict[str, Any] = {}
    for key, value in dict(args).items():
        merged[str(key).strip().lower()] = _defensive_value(value)
    return set(merged.items())


def _expected_of(record: Mapping[str, Any]) -> ToolCall:
    exp = record["expected"]
    if isinstance(exp, ToolCall):
        return exp
    return ToolCall(name=exp["name"], arguments=dict(exp.get("arguments") or {}))
