"""Bug (part 4): zips scores and slices without checking their lengths, silently truncating.

verdict: reject part 4
rule: "`slice_metrics(scores, slices, ...) -> dict[str, Interval]`: ... Lengths that differ: `ValueError`."
how: zips scores and slices without checking their lengths, silently truncating
differs on: slice_metrics([1, 0], ['a']): {'a': ...} instead of ValueError
"""


from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Literal

import numpy.typing as npt
import pandas as pd
import bisect
import json
import math

import numpy as np
import scipy.special

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
    cols = [Column("date", "datetime")]
    for name, lo, hi in (
        ("precipitation", 0, 250),
        ("temp_max", -30, 45),
        ("temp_min", -30, 45),
        ("wind", 0, 40),
    ):
        cols.append(Column(name, "numeric", False, lo, hi))
    cols.append(Column("weather", "string", allowed=WEATHER_LABELS))
    return Contract(tuple(cols), "date", 2)


def validate(
    frame: pd.DataFrame, contract: Contract, as_of: pd.Timestamp | None = None
) -> list[Violation]:
    """Every violation of `contract` in `frame`, each with the 0-based row positions at fault.

    A missing column or a column of the wrong kind gets one violation and no further checks.
    Nulls are reported once and skipped by the range and category checks. Freshness is checked
    only when both `as_of` and `contract.max_age_days` are given. Never modifies `frame`.
    """
    found = []
    checked_ok = []
    for column in contract.columns:
        name = column.name
        if name not in list(frame.columns):
            found.append(Violation("missing_column", name, (), "missing column: " + name))
            continue
        s = frame[name]
        if not _dtype_matches(s, column.kind):
            found.append(Violation("wrong_dtype", name, (), name + ": expected " + column.kind + ", found " + str(s.dtype)))
            continue
        checked_ok.append(name)
        isna = [bool(x) for x in s.isna().tolist()]
        vals = s.tolist()
        if not column.nullable:
            rows = tuple(i for i in range(len(vals)) if isna[i])
            if rows:
                found.append(Violation("null", name, rows, name + ": " + str(len(rows)) + " missing values"))
        if column.kind == "numeric":
            rows = []
            for i in range(len(vals)):
                if isna[i]:
                    continue
                if column.min_value is not None and vals[i] < column.min_value:
                    rows.append(i)
                elif column.max_value is not None and vals[i] > column.max_value:
                    rows.append(i)
            if rows:
                found.append(Violation("out_of_range", name, tuple(rows), name + ": values out of range"))
        if column.allowed is not None:
            rows = [i for i in range(len(vals)) if not isna[i] and vals[i] not in column.allowed]
            if rows:
                found.append(Violation("unknown_category", name, tuple(rows), name + ": values not allowed"))
    tc = contract.time_column
    if tc is not None and tc in list(frame.columns):
        declared = [c.name for c in contract.columns]
        if tc in checked_ok or tc not in declared:
            s = frame[tc]
            isna = [bool(x) for x in s.isna().tolist()]
            vals = s.tolist()
            rows = []
            for i in range(1, len(vals)):
                if isna[i] or isna[i - 1]:
                    continue
                if vals[i] <= vals[i - 1]:
                    rows.append(i)
            if rows:
                found.append(Violation("not_increasing", tc, tuple(rows), tc + ": time goes backwards or repeats"))
            if as_of is not None and contract.max_age_days is not None:
                present = [vals[i] for i in range(len(vals)) if not isna[i]]
                if not present:
                    found.append(Violation("stale", tc, (), tc + ": no times at all"))
                else:
                    newest = max(present)
                    age = pd.Timestamp(as_of) - pd.Timestamp(newest)
                    if age > pd.Timedelta(days=contract.max_age_days):
                        found.append(Violation("stale", tc, (), tc + ": newest time is " + str(age) + " old"))
    order = {k: i for i, k in enumerate(VIOLATION_KINDS)}
    found.sort(key=lambda v: (order[v.kind], v.column or ""))
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
    if initial < 1 or horizon < 1:
        raise ValueError("initial and horizon must be >= 1")
    if step is None:
        step = horizon
    if step < 1:
        raise ValueError("step must be >= 1")
    if max_train is not None and max_train < 1:
        raise ValueError("max_train must be >= 1")
    result = []
    cutoff = initial
    while True:
        end = cutoff + horizon
        if end > n_rows:
            break
        if max_train is None:
            first = 0
        else:
            first = cutoff - max_train
            if first < 0:
                first = 0
        result.append(Fold(range(first, cutoff), range(cutoff, end)))
        cutoff = cutoff + step
    return result


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
    out = []
    i = 0
    for fold in folds:
        model = make_model()
        X_train = frame[list(features)].iloc[list(fold.train)]
        y_train = frame[target].iloc[list(fold.train)]
        X_test = frame[list(features)].iloc[list(fold.test)]
        y_test = frame[target].iloc[list(fold.test)].tolist()
        model.fit(X_train, y_train)
        predictions = tuple(model.predict(X_test))
        right = 0
        for p, t in zip(predictions, y_test):
            if p == t:
                right += 1
        accuracy = right / len(y_test) if y_test else 0.0
        out.append(FoldScore(fold=i, train_rows=len(fold.train), test_rows=len(fold.test), accuracy=accuracy, predicted=predictions))
        i += 1
    return out


def log_experiment(
    log_path: Path, iteration: str, params: Mapping[str, Any], scores: Sequence[FoldScore]
) -> dict[str, Any]:
    """Append one JSON line for a model iteration to `log_path` (created with its folder).

    The line (also returned) has iteration, params, folds, fold_accuracy and mean_accuracy.
    """
    fold_accuracy = []
    for s in scores:
        fold_accuracy.append(float(s.accuracy))
    total = 0.0
    for a in fold_accuracy:
        total += a
    record = {}
    record["iteration"] = iteration
    record["params"] = dict(params)
    record["folds"] = len(fold_accuracy)
    record["fold_accuracy"] = fold_accuracy
    record["mean_accuracy"] = total / len(fold_accuracy) if fold_accuracy else 0.0
    log_path = Path(log_path)
    if not log_path.parent.exists():
        log_path.parent.mkdir(parents=True)
    f = open(log_path, "a", encoding="utf-8")
    try:
        f.write(json.dumps(record) + "\n")
    finally:
        f.close()
    return record


def leaderboard(log_path: Path) -> list[tuple[str, float]]:
    """(iteration, mean_accuracy) from the log, best first; an iteration logged twice counts
    with its latest line; ties keep the order in which iterations first appear."""
    order = []
    latest = {}
    f = open(log_path, encoding="utf-8")
    try:
        for line in f:
            line = line.strip()
            if line == "":
                continue
            rec = json.loads(line)
            it = rec["iteration"]
            if it not in latest:
                order.append(it)
            latest[it] = rec["mean_accuracy"]
    finally:
        f.close()
    board = []
    for it in order:
        # insertion sort, best first; equal scores stay behind the earlier ones (stable)
        pos = len(board)
        while pos > 0 and board[pos - 1][1] < latest[it]:
            pos -= 1
        board.insert(pos, (it, latest[it]))
    return board


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
    ref = sorted(float(x) for x in np.asarray(reference, dtype=float).ravel().tolist())
    cur = [float(x) for x in np.asarray(current, dtype=float).ravel().tolist()]
    if not ref or not cur:
        raise ValueError("empty sample")
    edges = []
    for k in range(1, bins):
        q = _linear_quantile(ref, k / bins)
        if q not in edges:
            edges.append(q)
    edges.sort()
    counts_r = [0] * (len(edges) + 1)
    counts_c = [0] * (len(edges) + 1)
    for x in ref:
        counts_r[bisect.bisect_left(edges, x)] += 1
    for x in cur:
        counts_c[bisect.bisect_left(edges, x)] += 1
    total = 0.0
    for nr, nc in zip(counts_r, counts_c):
        r = max(nr / len(ref), epsilon)
        c = max(nc / len(cur), epsilon)
        total += (c - r) * math.log(c / r)
    return total


def category_psi(
    reference: Sequence[str] | pd.Series,
    current: Sequence[str] | pd.Series,
    epsilon: float = PSI_EPSILON,
) -> float:
    """PSI for a categorical feature: one bin per value seen in either sample, shares floored
    at `epsilon`."""
    ref = list(reference)
    cur = list(current)
    if len(ref) == 0 or len(cur) == 0:
        raise ValueError("empty sample")
    cats = []
    for v in ref + cur:
        if v not in cats:
            cats.append(v)
    total = 0.0
    for cat in cats:
        r = max(ref.count(cat) / len(ref), epsilon)
        c = max(cur.count(cat) / len(cur), epsilon)
        total += (c - r) * math.log(c / r)
    return total


def ks_test(reference: npt.ArrayLike, current: npt.ArrayLike) -> KSResult:
    """Two-sample Kolmogorov–Smirnov test: the statistic equals scipy.stats.ks_2samp's; the
    p-value is the asymptotic one, scipy.special.kolmogorov(D * sqrt(n * m / (n + m)))."""
    a = sorted(np.asarray(reference, dtype=float).ravel().tolist())
    b = sorted(np.asarray(current, dtype=float).ravel().tolist())
    n = len(a)
    m = len(b)
    if n == 0 or m == 0:
        raise ValueError("empty sample")
    d = 0.0
    for x in a + b:
        fa = bisect.bisect_right(a, x) / n
        fb = bisect.bisect_right(b, x) / m
        if abs(fa - fb) > d:
            d = abs(fa - fb)
    p = float(scipy.special.kolmogorov(d * math.sqrt(n * m / (n + m))))
    return KSResult(d, p)


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
    rows = []
    for name in numeric:
        p = psi(reference[name], current[name])
        k = ks_test(reference[name], current[name])
        drifted = False
        if p > psi_threshold:
            drifted = True
        if k.pvalue < ks_alpha:
            drifted = True
        rows.append(FeatureDrift(name, p, k.statistic, k.pvalue, drifted))
    for name in categorical:
        p = category_psi(list(reference[name]), list(current[name]))
        rows.append(FeatureDrift(name, p, None, None, p > psi_threshold))
    return rows


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
    values = [float(x) for x in np.asarray(scores, dtype=float).ravel().tolist()]
    n = len(values)
    if n == 0:
        raise ValueError("no scores")
    arr = np.array(values)
    rng = np.random.default_rng(seed)
    means = []
    for _ in range(n_resamples):
        idx = rng.integers(0, n, size=n)
        means.append(float(arr[idx].sum()) / n)
    means.sort()
    low = _linear_quantile(means, (1 - confidence) / 2)
    high = _linear_quantile(means, (1 + confidence) / 2)
    return Interval(sum(values) / n, low, high)


def slice_metrics(
    scores: npt.ArrayLike,
    slices: Sequence[str] | pd.Series,
    n_resamples: int = 2000,
    confidence: float = 0.95,
    seed: int = 0,
) -> dict[str, Interval]:
    """bootstrap_ci of the scores of each slice, resampled within the slice; keys sorted."""
    values = list(np.asarray(scores, dtype=float).ravel().tolist())
    labels = list(slices)
    groups = {}
    for v, s in zip(values, labels):
        if s not in groups:
            groups[s] = []
        groups[s].append(v)
    result = {}
    for key in sorted(groups):
        result[key] = bootstrap_ci(groups[key], n_resamples=n_resamples, confidence=confidence, seed=seed)
    return result


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
    champ = np.asarray(champion_scores, dtype=float).ravel().tolist()
    chall = np.asarray(challenger_scores, dtype=float).ravel().tolist()
    if len(champ) != len(chall):
        raise ValueError("the two models were scored on different numbers of rows")
    diffs = []
    for a, b in zip(champ, chall):
        diffs.append(b - a)
    gain = bootstrap_ci(diffs, n_resamples=n_resamples, confidence=confidence, seed=seed)
    if gain.low > min_gain:
        reason = "the challenger is better: the whole gain interval is above " + str(min_gain)
        return GateDecision(True, gain, reason)
    reason = "the gain is inside the noise (interval low " + str(round(gain.low, 4)) + " <= " + str(min_gain) + ")"
    return GateDecision(False, gain, reason)


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
        body = text
        start = body.find("```")
        if start >= 0:
            body = body[start + 3:]
            end = body.find("```")
            if end >= 0:
                body = body[:end]
        first = body.find("{")
        if first < 0:
            return ParsedOutput(call=None, error="no_json")
        decoder = json.JSONDecoder()
        try:
            obj, end_at = decoder.raw_decode(body, first)
        except json.JSONDecodeError:
            return ParsedOutput(call=None, error="invalid_json")
        if not isinstance(obj, dict):
            return ParsedOutput(call=None, error="not_a_call")
        if "name" not in obj or not isinstance(obj["name"], str):
            return ParsedOutput(call=None, error="not_a_call")
        if "arguments" not in obj or not isinstance(obj["arguments"], dict):
            return ParsedOutput(call=None, error="not_a_call")
        return ParsedOutput(call=ToolCall(name=obj["name"], arguments=obj["arguments"]), error=None)
    except Exception:
        return ParsedOutput(call=None, error="invalid_json")


def argument_f1(expected: Mapping[str, Any], predicted: Mapping[str, Any]) -> float:
    """F1 between the expected and predicted (name, value) pairs after normalization.

    1.0 when both are empty. Names: stripped, lower-cased; two that normalize alike count once,
    the later wins. Values: bools stay bools; "true"/"false" become bools; numbers and numeric
    strings become floats; other strings are stripped and lower-cased; lists and objects are
    normalized item by item. A bool never equals a number.
    """
    e = set()
    for k, v in _normalize_mapping(expected).items():
        e.add((k, v))
    p = set()
    for k, v in _normalize_mapping(predicted).items():
        p.add((k, v))
    if len(e) == 0 and len(p) == 0:
        return 1.0
    common = 0
    for pair in e:
        if pair in p:
            common += 1
    return 2 * common / (len(e) + len(p))


def score_call(expected: ToolCall, output: str) -> CallScore:
    """Score one raw model output against the expected call.

    A parse error scores (error, False, False, 0.0); a wrong tool name scores 0.0 for the
    arguments too; exact_match means every normalized argument matches (argument_f1 == 1.0).
    """
    parsed = parse_tool_call(output)
    if parsed.call is None:
        return CallScore(error=parsed.error, name_correct=False, exact_match=False, argument_f1=0.0)
    if parsed.call.name != expected.name:
        return CallScore(error=None, name_correct=False, exact_match=False, argument_f1=0.0)
    f1 = argument_f1(expected.arguments, parsed.call.arguments)
    return CallScore(error=None, name_correct=True, exact_match=(f1 == 1.0), argument_f1=f1)


def score_prompts(
    records: Sequence[Mapping[str, Any]],
    n_resamples: int = 2000,
    confidence: float = 0.95,
    seed: int = 0,
) -> list[PromptScore]:
    """One PromptScore per prompt version (sorted by version): parse-error counts and
    bootstrap intervals (Part 4's bootstrap_ci) of tool accuracy, exact match and argument F1."""
    groups = {}
    for rec in records:
        version = rec["prompt_version"]
        exp = rec["expected"]
        expected = ToolCall(exp["name"], exp["arguments"])
        if version not in groups:
            groups[version] = []
        groups[version].append(score_call(expected, rec["output"]))
    out = []
    for version in sorted(groups.keys()):
        scs = groups[version]
        errors = {}
        for kind in PARSE_ERRORS:
            errors[kind] = 0
        for sc in scs:
            if sc.error is not None:
                errors[sc.error] += 1
        tool = bootstrap_ci([1.0 if sc.name_correct else 0.0 for sc in scs], n_resamples, confidence, seed)
        exact = bootstrap_ci([1.0 if sc.exact_match else 0.0 for sc in scs], n_resamples, confidence, seed)
        f1 = bootstrap_ci([sc.argument_f1 for sc in scs], n_resamples, confidence, seed)
        out.append(PromptScore(version, len(scs), errors, tool, exact, f1))
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
        raise ValueError("unknown measure: " + str(measure))
    base = {}
    cand = {}
    for rec in records:
        exp = rec["expected"]
        if rec["prompt_version"] == baseline:
            base[rec["case_id"]] = score_call(ToolCall(exp["name"], exp["arguments"]), rec["output"])
        elif rec["prompt_version"] == candidate:
            cand[rec["case_id"]] = score_call(ToolCall(exp["name"], exp["arguments"]), rec["output"])
    cases = sorted(k for k in base if k in cand)
    if len(cases) == 0:
        raise ValueError("no case in common")

    def value(sc):
        if measure == "tool_accuracy":
            return 1.0 if sc.name_correct else 0.0
        if measure == "exact_match":
            return 1.0 if sc.exact_match else 0.0
        return sc.argument_f1

    champion = [value(base[c]) for c in cases]
    challenger = [value(cand[c]) for c in cases]
    return champion_challenger(champion, challenger, min_gain=min_gain, n_resamples=n_resamples, confidence=confidence, seed=seed)


# --- helpers ---------------------------------------------------------------------------------------


def _dtype_matches(s, kind):
    from pandas.api import types as t

    if kind == "numeric":
        return t.is_numeric_dtype(s.dtype) and not t.is_bool_dtype(s.dtype)
    if kind == "datetime":
        return t.is_datetime64_any_dtype(s.dtype)
    if kind == "string":
        if t.is_numeric_dtype(s.dtype) or t.is_datetime64_any_dtype(s.dtype):
            return False
        for value, missing in zip(s.tolist(), s.isna().tolist()):
            if missing:
                continue
            if not isinstance(value, str):
                return False
        return True
    return False


def _linear_quantile(sorted_values, q):
    """numpy's default ('linear') quantile of an already sorted list."""
    n = len(sorted_values)
    h = (n - 1) * q
    lo = int(math.floor(h))
    hi = min(lo + 1, n - 1)
    frac = h - lo
    a = sorted_values[lo]
    b = sorted_values[hi]
    if a == b:
        return a
    return a + (b - a) * frac


def _normalize_value(v):
    if v is True or v is False:
        return ("B", v)
    if v is None:
        return ("N", None)
    if isinstance(v, int) or isinstance(v, float):
        return ("F", float(v))
    if isinstance(v, str):
        stripped = v.strip()
        if stripped.lower() == "true":
            return ("B", True)
        if stripped.lower() == "false":
            return ("B", False)
        try:
            number = float(stripped)
            if math.isfinite(number):
                return ("F", number)
        except ValueError:
            pass
        return ("S", stripped.lower())
    if isinstance(v, list):
        items = []
        for item in v:
            items.append(_normalize_value(item))
        return ("L", tuple(items))
    if isinstance(v, dict):
        return ("D", tuple(sorted(_normalize_mapping(v).items(), key=repr)))
    return ("O", str(v))


def _normalize_mapping(args):
    result = {}
    for key, value in args.items():
        result[key.strip().lower()] = _normalize_value(value)
    return result
