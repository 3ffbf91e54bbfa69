"""Bug (part 4): confuses confidence with alpha: takes the confidence/2 and 1 - confidence/2 quantiles.

verdict: reject part 4
rule: "report the `(1 − confidence)/2` and `(1 + confidence)/2` quantiles of those means"
how: confuses confidence with alpha: takes the confidence/2 and 1 - confidence/2 quantiles
differs on: the prompt's bootstrap_ci([1, 0, 1, 1, 0, 1, 1, 1]): a narrow interval around 0.75 instead of [0.375, 1.0]
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

import numpy as np
from scipy.special import kolmogorov

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
    labels = tuple(WEATHER_LABELS)
    return Contract(
        columns=(
            Column("date", "datetime"),
            Column("precipitation", "numeric", min_value=0.0, max_value=250.0),
            Column("temp_max", "numeric", min_value=-30.0, max_value=45.0),
            Column("temp_min", "numeric", min_value=-30.0, max_value=45.0),
            Column("wind", "numeric", min_value=0.0, max_value=40.0),
            Column("weather", "string", allowed=labels),
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
    out: list[Violation] = []
    usable: set[str] = set()
    for col in contract.columns:
        if col.name not in frame.columns:
            out.append(Violation("missing_column", col.name, (), f"column {col.name!r} is missing"))
            continue
        series = frame[col.name]
        if not _kind_ok(series, col.kind):
            out.append(
                Violation("wrong_dtype", col.name, (), f"column {col.name!r} is not {col.kind} ({series.dtype})")
            )
            continue
        usable.add(col.name)
        missing = series.isna().to_numpy(dtype=bool)
        if not col.nullable and missing.any():
            out.append(Violation("null", col.name, _pos(missing), f"column {col.name!r} has missing values"))
        present = ~missing
        values = series.to_numpy(dtype=object)
        if col.kind == "numeric" and (col.min_value is not None or col.max_value is not None):
            bad = np.zeros(len(series), dtype=bool)
            for i in np.flatnonzero(present):
                v = values[i]
                if (col.min_value is not None and v < col.min_value) or (
                    col.max_value is not None and v > col.max_value
                ):
                    bad[i] = True
            if bad.any():
                out.append(Violation("out_of_range", col.name, _pos(bad), f"column {col.name!r} out of range"))
        if col.allowed is not None:
            allowed = set(col.allowed)
            bad = np.array([present[i] and values[i] not in allowed for i in range(len(values))], dtype=bool)
            if bad.any():
                out.append(
                    Violation("unknown_category", col.name, _pos(bad), f"column {col.name!r} has unknown labels")
                )
    tc = contract.time_column
    declared = {c.name for c in contract.columns}
    if tc is not None and tc in frame.columns and (tc in usable or tc not in declared):
        times = frame[tc]
        missing = times.isna().to_numpy(dtype=bool)
        vals = times.to_numpy(dtype=object)
        bad = np.zeros(len(vals), dtype=bool)
        for i in range(1, len(vals)):
            if missing[i] or missing[i - 1]:
                continue
            if not vals[i] > vals[i - 1]:
                bad[i] = True
        if bad.any():
            out.append(Violation("not_increasing", tc, _pos(bad), f"column {tc!r} is not strictly increasing"))
        if as_of is not None and contract.max_age_days is not None:
            newest = times.max() if (~missing).any() else None
            if newest is None or pd.isna(newest):
                out.append(Violation("stale", tc, (), f"column {tc!r} has no times"))
            elif pd.Timestamp(as_of) - newest > pd.Timedelta(days=contract.max_age_days):
                out.append(Violation("stale", tc, (), f"column {tc!r}: newest {newest} is too old at {as_of}"))
    return out


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
    for label, value in (("initial", initial), ("horizon", horizon), ("step", step), ("max_train", max_train)):
        if value is not None and value < 1:
            raise ValueError(f"{label} must be at least 1, got {value}")
    step = horizon if step is None else step
    folds: list[Fold] = []
    cutoff = initial
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
    cols = list(features)
    results: list[FoldScore] = []
    for k, fold in enumerate(folds):
        train = list(fold.train)
        test = list(fold.test)
        model = make_model()
        model.fit(frame[cols].iloc[train], frame[target].iloc[train])
        pred = np.asarray(model.predict(frame[cols].iloc[test]))
        truth = frame[target].iloc[test].to_numpy()
        acc = float(np.mean(pred == truth)) if len(test) else float("nan")
        results.append(FoldScore(k, len(train), len(test), acc, tuple(pred.tolist())))
    return results


def log_experiment(
    log_path: Path, iteration: str, params: Mapping[str, Any], scores: Sequence[FoldScore]
) -> dict[str, Any]:
    """Append one JSON line for a model iteration to `log_path` (created with its folder).

    The line (also returned) has iteration, params, folds, fold_accuracy and mean_accuracy.
    """
    accs = [float(s.accuracy) for s in scores]
    record = {
        "iteration": iteration,
        "params": dict(params),
        "folds": len(accs),
        "fold_accuracy": accs,
        "mean_accuracy": float(np.mean(accs)) if accs else float("nan"),
    }
    path = Path(log_path)
    path.parent.mkdir(parents=True, exist_ok=True)
    with path.open("a", encoding="utf-8") as fh:
        fh.write(json.dumps(record, default=str) + "\n")
    return record


def leaderboard(log_path: Path) -> list[tuple[str, float]]:
    """(iteration, mean_accuracy) from the log, best first; an iteration logged twice counts
    with its latest line; ties keep the order in which iterations first appear."""
    latest: dict[str, float] = {}
    with Path(log_path).open(encoding="utf-8") as fh:
        for line in fh:
            if not line.strip():
                continue
            rec = json.loads(line)
            latest[rec["iteration"]] = float(rec["mean_accuracy"])  # dict keeps first-seen order
    return sorted(latest.items(), key=lambda kv: -kv[1])


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
    ref = np.asarray(reference, dtype=float).ravel()
    cur = np.asarray(current, dtype=float).ravel()
    if ref.size == 0 or cur.size == 0:
        raise ValueError("psi needs two non-empty samples")
    if bins < 1:
        raise ValueError("bins must be at least 1")
    edges = np.unique(np.quantile(ref, np.arange(1, bins) / bins))
    k = edges.size + 1
    r = np.bincount(np.searchsorted(edges, ref, side="left"), minlength=k) / ref.size
    c = np.bincount(np.searchsorted(edges, cur, side="left"), minlength=k) / cur.size
    r = np.maximum(r, epsilon)
    c = np.maximum(c, epsilon)
    return float(np.sum((c - r) * np.log(c / r)))


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
        raise ValueError("category_psi needs two non-empty samples")
    rs = ref.value_counts(normalize=True, dropna=False)
    cs = cur.value_counts(normalize=True, dropna=False)
    cats = rs.index.union(cs.index)
    r = np.maximum(rs.reindex(cats, fill_value=0.0).to_numpy(dtype=float), epsilon)
    c = np.maximum(cs.reindex(cats, fill_value=0.0).to_numpy(dtype=float), epsilon)
    return float(np.sum((c - r) * np.log(c / r)))


def ks_test(reference: npt.ArrayLike, current: npt.ArrayLike) -> KSResult:
    """Two-sample Kolmogorov–Smirnov test: the statistic equals scipy.stats.ks_2samp's; the
    p-value is the asymptotic one, scipy.special.kolmogorov(D * sqrt(n * m / (n + m)))."""
    a = np.sort(np.asarray(reference, dtype=float).ravel())
    b = np.sort(np.asarray(current, dtype=float).ravel())
    n, m = a.size, b.size
    if n == 0 or m == 0:
        raise ValueError("ks_test needs two non-empty samples")
    xs = np.concatenate([a, b])
    fa = np.searchsorted(a, xs, side="right") / n
    fb = np.searchsorted(b, xs, side="right") / m
    d = float(np.max(np.abs(fa - fb)))
    p = float(kolmogorov(d * math.sqrt(n * m / (n + m))))
    return KSResult(statistic=d, pvalue=p)


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
    report: list[FeatureDrift] = []
    for f in numeric:
        value = psi(reference[f].to_numpy(), current[f].to_numpy())
        ks = ks_test(reference[f].to_numpy(), current[f].to_numpy())
        report.append(
            FeatureDrift(f, value, ks.statistic, ks.pvalue, bool(value > psi_threshold or ks.pvalue < ks_alpha))
        )
    for f in categorical:
        value = category_psi(reference[f], current[f])
        report.append(FeatureDrift(f, value, None, None, bool(value > psi_threshold)))
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
    x = np.asarray(scores, dtype=float).ravel()
    if x.size == 0:
        raise ValueError("bootstrap_ci needs at least one score")
    rng = np.random.default_rng(seed)
    idx = rng.integers(0, x.size, size=(n_resamples, x.size))
    means = x[idx].mean(axis=1)
    low, high = np.quantile(means, [confidence / 2, 1 - confidence / 2])
    return Interval(float(x.mean()), float(low), float(high))


def slice_metrics(
    scores: npt.ArrayLike,
    slices: Sequence[str] | pd.Series,
    n_resamples: int = 2000,
    confidence: float = 0.95,
    seed: int = 0,
) -> dict[str, Interval]:
    """bootstrap_ci of the scores of each slice, resampled within the slice; keys sorted."""
    x = np.asarray(scores, dtype=float).ravel()
    labels = np.asarray(list(slices), dtype=object)
    if x.size != labels.size:
        raise ValueError(f"{x.size} scores but {labels.size} slice labels")
    out: dict[str, Interval] = {}
    for key in sorted(set(labels.tolist())):
        out[key] = bootstrap_ci(x[labels == key], n_resamples, confidence, seed)
    return out


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
    a = np.asarray(champion_scores, dtype=float).ravel()
    b = np.asarray(challenger_scores, dtype=float).ravel()
    if a.size != b.size:
        raise ValueError(f"champion has {a.size} rows, challenger {b.size}")
    gain = bootstrap_ci(b - a, n_resamples, confidence, seed)
    if gain.low > min_gain:
        return GateDecision(True, gain, f"promote: gain {gain.estimate:+.3f} [{gain.low:+.3f}, {gain.high:+.3f}] is above {min_gain}")
    return GateDecision(
        False, gain, f"keep the champion: gain {gain.estimate:+.3f} [{gain.low:+.3f}, {gain.high:+.3f}] not above {min_gain}"
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


def parse_tool_call(text: str) -> ParsedOutput:
    """The tool call in a model's raw output, or why there is none.

    Looks inside the first ``` fence if there is one (to its closing fence or the end), else at
    the whole text; decodes one JSON value from the first "{" and ignores what follows it.
    The value must be an object with a string "name" and an object "arguments".
    """
    try:
        if not isinstance(text, str):
            return ParsedOutput(None, "no_json")
        region = text
        fence = text.find("```")
        if fence != -1:
            rest = text[fence + 3 :]
            close = rest.find("```")
            region = rest if close == -1 else rest[:close]
        brace = region.find("{")
        if brace == -1:
            return ParsedOutput(None, "no_json")
        try:
            value, _ = json.JSONDecoder().raw_decode(region, brace)
        except ValueError:
            return ParsedOutput(None, "invalid_json")
        if (
            isinstance(value, dict)
            and isinstance(value.get("name"), str)
            and isinstance(value.get("arguments"), dict)
        ):
            return ParsedOutput(ToolCall(value["name"], value["arguments"]), None)
        return ParsedOutput(None, "not_a_call")
    except Exception:  # never raises
        return ParsedOutput(None, "invalid_json")


def argument_f1(expected: Mapping[str, Any], predicted: Mapping[str, Any]) -> float:
    """F1 between the expected and predicted (name, value) pairs after normalization.

    1.0 when both are empty. Names: stripped, lower-cased; two that normalize alike count once,
    the later wins. Values: bools stay bools; "true"/"false" become bools; numbers and numeric
    strings become floats; other strings are stripped and lower-cased; lists and objects are
    normalized item by item. A bool never equals a number.
    """
    e = _pairs(expected)
    p = _pairs(predicted)
    if not e and not p:
        return 1.0
    return 2 * len(e & p) / (len(e) + len(p))


def score_call(expected: ToolCall, output: str) -> CallScore:
    """Score one raw model output against the expected call.

    A parse error scores (error, False, False, 0.0); a wrong tool name scores 0.0 for the
    arguments too; exact_match means every normalized argument matches (argument_f1 == 1.0).
    """
    parsed = parse_tool_call(output)
    if parsed.error is not None:
        return CallScore(parsed.error, False, False, 0.0)
    if parsed.call.name != expected.name:
        return CallScore(None, False, False, 0.0)
    f1 = argument_f1(expected.arguments, parsed.call.arguments)
    return CallScore(None, True, f1 == 1.0, f1)


def score_prompts(
    records: Sequence[Mapping[str, Any]],
    n_resamples: int = 2000,
    confidence: float = 0.95,
    seed: int = 0,
) -> list[PromptScore]:
    """One PromptScore per prompt version (sorted by version): parse-error counts and
    bootstrap intervals (Part 4's bootstrap_ci) of tool accuracy, exact match and argument F1."""
    by_version: dict[str, list[CallScore]] = {}
    for rec in records:
        exp = rec["expected"]
        call = exp if isinstance(exp, ToolCall) else ToolCall(exp["name"], dict(exp["arguments"]))
        by_version.setdefault(rec["prompt_version"], []).append(score_call(call, rec["output"]))
    result: list[PromptScore] = []
    for version in sorted(by_version):
        cs = by_version[version]
        errors = {k: sum(1 for s in cs if s.error == k) for k in PARSE_ERRORS}
        def ci(values):
            return bootstrap_ci(np.asarray(values, dtype=float), n_resamples, confidence, seed)
        result.append(
            PromptScore(
                version,
                len(cs),
                errors,
                ci([s.name_correct for s in cs]),
                ci([s.exact_match for s in cs]),
                ci([s.argument_f1 for s in cs]),
            )
        )
    return result


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
        raise ValueError(f"unknown measure {measure!r}; expected one of {MEASURES}")
    attr = {"tool_accuracy": "name_correct", "exact_match": "exact_match", "argument_f1": "argument_f1"}[measure]
    table: dict[str, dict[str, float]] = {baseline: {}, candidate: {}}
    for rec in records:
        v = rec["prompt_version"]
        if v not in table:
            continue
        exp = rec["expected"]
        call = exp if isinstance(exp, ToolCall) else ToolCall(exp["name"], dict(exp["arguments"]))
        table[v][rec["case_id"]] = float(getattr(score_call(call, rec["output"]), attr))
    common = sorted(set(table[baseline]) & set(table[candidate]))
    if not common:
        raise ValueError(f"no case answered by both {baseline!r} and {candidate!r}")
    champ = [table[baseline][c] for c in common]
    chall = [table[candidate][c] for c in common]
    return champion_challenger(champ, chall, min_gain, n_resamples, confidence, seed)


# --- helpers ---------------------------------------------------------------------------------------


def _pos(mask) -> tuple[int, ...]:
    return tuple(int(i) for i in np.flatnonzero(mask))


def _kind_ok(series: pd.Series, kind: str) -> bool:
    dtype = series.dtype
    if kind == "numeric":
        return pd.api.types.is_numeric_dtype(dtype) and not pd.api.types.is_bool_dtype(dtype)
    if kind == "datetime":
        return pd.api.types.is_datetime64_any_dtype(dtype)
    if kind == "string":
        if pd.api.types.is_numeric_dtype(dtype) or pd.api.types.is_datetime64_any_dtype(dtype):
            return False
        mask = series.isna().to_numpy(dtype=bool)
        values = series.to_numpy(dtype=object)
        return all(isinstance(v, str) for v, m in zip(values, mask) if not m)
    return False


def _norm_value(v):
    if isinstance(v, bool):
        return ("bool", v)
    if v is None:
        return ("none",)
    if isinstance(v, (int, float)):
        return ("num", float(v))
    if isinstance(v, str):
        s = v.strip()
        if s.lower() in ("true", "false"):
            return ("bool", s.lower() == "true")
        try:
            f = float(s)
        except (ValueError, OverflowError):
            f = None
        if f is not None and math.isfinite(f):
            return ("num", f)
        return ("str", s.lower())
    if isinstance(v, (list, tuple)):
        return ("list", tuple(_norm_value(x) for x in v))
    if isinstance(v, Mapping):
        return ("obj", frozenset(_norm_args(v).items()))
    return ("other", repr(v))


def _norm_args(args: Mapping[str, Any]) -> dict:
    out: dict = {}
    for k, v in args.items():
        out[str(k).strip().lower()] = _norm_value(v)  # a later spelling overwrites the earlier
    return out


def _pairs(args: Mapping[str, Any]) -> set:
    return set(_norm_args(args).items())
