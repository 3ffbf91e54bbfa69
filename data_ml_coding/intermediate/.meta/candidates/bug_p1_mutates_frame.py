"""Bug (part 1): resets the caller's index in place to get positions.

verdict: reject part 1
rule: "`validate` never modifies `frame` (its values, columns, dtypes, index)."
how: resets the caller's index in place to get positions
differs on: any frame with a non-default index: after validate, frame.index is a RangeIndex
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
import scipy.special as sps

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
    spec = pd.DataFrame(
        {
            "name": ["date", "precipitation", "temp_max", "temp_min", "wind", "weather"],
            "kind": ["datetime", "numeric", "numeric", "numeric", "numeric", "string"],
            "lo": [None, 0.0, -30.0, -30.0, 0.0, None],
            "hi": [None, 250.0, 45.0, 45.0, 40.0, None],
        }
    )
    cols = []
    for row in spec.itertuples(index=False):
        cols.append(
            Column(
                name=row.name,
                kind=row.kind,
                min_value=None if pd.isna(row.lo) else float(row.lo),
                max_value=None if pd.isna(row.hi) else float(row.hi),
                allowed=WEATHER_LABELS if row.name == "weather" else None,
            )
        )
    return Contract(columns=tuple(cols), time_column="date", max_age_days=2)


def validate(
    frame: pd.DataFrame, contract: Contract, as_of: pd.Timestamp | None = None
) -> list[Violation]:
    """Every violation of `contract` in `frame`, each with the 0-based row positions at fault.

    A missing column or a column of the wrong kind gets one violation and no further checks.
    Nulls are reported once and skipped by the range and category checks. Freshness is checked
    only when both `as_of` and `contract.max_age_days` are given. Never modifies `frame`.
    """
    frame.reset_index(drop=True, inplace=True)
    view = frame
    out: list[Violation] = []
    good: set[str] = set()
    for col in contract.columns:
        if col.name not in view.columns:
            out.append(Violation("missing_column", col.name, (), f"{col.name} missing"))
            continue
        s = view[col.name]
        if not _pd_kind(s, col.kind):
            out.append(Violation("wrong_dtype", col.name, (), f"{col.name} has dtype {s.dtype}, wanted {col.kind}"))
            continue
        good.add(col.name)
        na = s.isna()
        if not col.nullable and na.any():
            out.append(Violation("null", col.name, _idx(na), f"{col.name}: null values"))
        ok = s[~na]
        if col.kind == "numeric":
            bad = pd.Series(False, index=ok.index)
            if col.min_value is not None:
                bad |= (ok < col.min_value).astype(bool)
            if col.max_value is not None:
                bad |= (ok > col.max_value).astype(bool)
            if bad.any():
                out.append(Violation("out_of_range", col.name, _idx(bad), f"{col.name}: out of range"))
        if col.allowed is not None:
            bad = ~ok.astype(object).isin(list(col.allowed))
            if bad.any():
                out.append(Violation("unknown_category", col.name, _idx(bad), f"{col.name}: unknown category"))
    tc = contract.time_column
    declared = {c.name for c in contract.columns}
    if tc is not None and tc in view.columns and (tc in good or tc not in declared):
        t = view[tc]
        prev = t.shift(1)
        pair = t.notna() & prev.notna()
        bad = pd.Series(False, index=t.index)
        bad[pair] = ~(t[pair] > prev[pair]).astype(bool)
        if bad.any():
            out.append(Violation("not_increasing", tc, _idx(bad), f"{tc}: not strictly increasing"))
        if as_of is not None and contract.max_age_days is not None:
            newest = t.max()
            if pd.isna(newest) or (pd.Timestamp(as_of) - newest) > pd.Timedelta(days=contract.max_age_days):
                out.append(Violation("stale", tc, (), f"{tc}: stale (newest {newest}, as of {as_of})"))
    rank = {k: i for i, k in enumerate(VIOLATION_KINDS)}
    return sorted(out, key=lambda v: (v.column or "", rank[v.kind]))


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
    if step is None:
        step = horizon
    sizes = pd.Series({"initial": initial, "horizon": horizon, "step": step, "max_train": max_train})
    too_small = sizes.dropna()
    too_small = too_small[too_small < 1]
    if len(too_small):
        raise ValueError(f"must be >= 1: {', '.join(too_small.index)}")
    if n_rows < initial + horizon:
        return []
    cutoffs = np.arange(initial, n_rows - horizon + 1, step)
    folds = []
    for c in cutoffs.tolist():
        start = 0 if max_train is None else max(0, c - max_train)
        folds.append(Fold(train=range(start, c), test=range(c, c + horizon)))
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
    X = frame.loc[:, list(features)]
    y = frame.loc[:, target]
    scores = []
    for k, fold in enumerate(folds):
        tr = np.fromiter(fold.train, dtype=int, count=len(fold.train))
        te = np.fromiter(fold.test, dtype=int, count=len(fold.test))
        model = make_model()
        model.fit(X.iloc[tr], y.iloc[tr])
        pred = pd.Series(np.asarray(model.predict(X.iloc[te])), index=y.iloc[te].index)
        hit = pred.eq(y.iloc[te])
        scores.append(
            FoldScore(
                fold=k,
                train_rows=len(tr),
                test_rows=len(te),
                accuracy=float(hit.mean()) if len(te) else float("nan"),
                predicted=tuple(pred.to_numpy()),
            )
        )
    return scores


def log_experiment(
    log_path: Path, iteration: str, params: Mapping[str, Any], scores: Sequence[FoldScore]
) -> dict[str, Any]:
    """Append one JSON line for a model iteration to `log_path` (created with its folder).

    The line (also returned) has iteration, params, folds, fold_accuracy and mean_accuracy.
    """
    acc = pd.Series([s.accuracy for s in scores], dtype=float)
    record = {
        "iteration": iteration,
        "params": dict(params),
        "folds": int(acc.size),
        "fold_accuracy": acc.tolist(),
        "mean_accuracy": float(acc.mean()) if acc.size else float("nan"),
    }
    p = Path(log_path)
    p.parent.mkdir(parents=True, exist_ok=True)
    with p.open("a", encoding="utf-8") as fh:
        fh.write(json.dumps(record, default=str))
        fh.write("\n")
    return record


def leaderboard(log_path: Path) -> list[tuple[str, float]]:
    """(iteration, mean_accuracy) from the log, best first; an iteration logged twice counts
    with its latest line; ties keep the order in which iterations first appear."""
    lines = [l for l in Path(log_path).read_text(encoding="utf-8").splitlines() if l.strip()]
    if not lines:
        return []
    log = pd.DataFrame([json.loads(l) for l in lines])
    order = {it: i for i, it in enumerate(log["iteration"].drop_duplicates())}
    latest = log.drop_duplicates("iteration", keep="last").copy()
    latest["order"] = latest["iteration"].map(order)
    latest = latest.sort_values(["mean_accuracy", "order"], ascending=[False, True], kind="mergesort")
    return [(str(it), float(acc)) for it, acc in zip(latest["iteration"], latest["mean_accuracy"])]


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
    ref = pd.Series(np.asarray(reference, dtype=float).ravel())
    cur = pd.Series(np.asarray(current, dtype=float).ravel())
    if ref.empty or cur.empty:
        raise ValueError("empty sample")
    inner = np.unique(np.quantile(ref.to_numpy(), [i / bins for i in range(1, bins)]))
    cuts = np.concatenate([[-np.inf], inner, [np.inf]])
    k = len(cuts) - 1
    r = pd.cut(ref, cuts, right=True, labels=False).value_counts(normalize=True).reindex(range(k), fill_value=0.0)
    c = pd.cut(cur, cuts, right=True, labels=False).value_counts(normalize=True).reindex(range(k), fill_value=0.0)
    r, c = r.clip(lower=epsilon), c.clip(lower=epsilon)
    return float(((c - r) * np.log(c / r)).sum())


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
        raise ValueError("empty sample")
    shares = pd.concat(
        {"r": ref.value_counts(normalize=True), "c": cur.value_counts(normalize=True)}, axis=1
    ).fillna(0.0).clip(lower=epsilon)
    return float(((shares["c"] - shares["r"]) * np.log(shares["c"] / shares["r"])).sum())


def ks_test(reference: npt.ArrayLike, current: npt.ArrayLike) -> KSResult:
    """Two-sample Kolmogorov–Smirnov test: the statistic equals scipy.stats.ks_2samp's; the
    p-value is the asymptotic one, scipy.special.kolmogorov(D * sqrt(n * m / (n + m)))."""
    ref = pd.Series(np.asarray(reference, dtype=float).ravel())
    cur = pd.Series(np.asarray(current, dtype=float).ravel())
    n, m = len(ref), len(cur)
    if n == 0 or m == 0:
        raise ValueError("empty sample")
    grid = np.union1d(ref.to_numpy(), cur.to_numpy())
    f_ref = ref.value_counts().sort_index().cumsum().reindex(grid, method="ffill").fillna(0) / n
    f_cur = cur.value_counts().sort_index().cumsum().reindex(grid, method="ffill").fillna(0) / m
    d = float((f_ref - f_cur).abs().max())
    return KSResult(statistic=d, pvalue=float(sps.kolmogorov(d * math.sqrt(n * m / (n + m)))))


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
    for f in numeric:
        value = psi(reference[f], current[f])
        ks = ks_test(reference[f], current[f])
        rows.append(FeatureDrift(f, value, ks.statistic, ks.pvalue, bool(value > psi_threshold or ks.pvalue < ks_alpha)))
    for f in categorical:
        value = category_psi(reference[f], current[f])
        rows.append(FeatureDrift(f, value, None, None, bool(value > psi_threshold)))
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
    s = pd.Series(np.asarray(scores, dtype=float).ravel())
    if s.empty:
        raise ValueError("no scores")
    rng = np.random.default_rng(seed)
    means = np.array([s.sample(n=len(s), replace=True, random_state=rng).mean() for _ in range(n_resamples)])
    q = pd.Series(means).quantile([(1 - confidence) / 2, (1 + confidence) / 2])
    return Interval(estimate=float(s.mean()), low=float(q.iloc[0]), high=float(q.iloc[1]))


def slice_metrics(
    scores: npt.ArrayLike,
    slices: Sequence[str] | pd.Series,
    n_resamples: int = 2000,
    confidence: float = 0.95,
    seed: int = 0,
) -> dict[str, Interval]:
    """bootstrap_ci of the scores of each slice, resampled within the slice; keys sorted."""
    s = pd.Series(np.asarray(scores, dtype=float).ravel())
    keys = pd.Series(list(slices), dtype=object)
    if len(s) != len(keys):
        raise ValueError("scores and slices differ in length")
    df = pd.DataFrame({"score": s, "slice": keys})
    out = {}
    for key, grp in df.groupby("slice", sort=True):
        out[key] = bootstrap_ci(grp["score"].to_numpy(), n_resamples, confidence, seed)
    return dict(sorted(out.items()))


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
    a = pd.Series(np.asarray(champion_scores, dtype=float).ravel())
    b = pd.Series(np.asarray(challenger_scores, dtype=float).ravel())
    if len(a) != len(b):
        raise ValueError("champion and challenger must be scored on the same rows")
    gain = bootstrap_ci((b - a).to_numpy(), n_resamples, confidence, seed)
    promote = bool(gain.low > min_gain)
    reason = (
        f"gain {gain.estimate:.3f}, interval [{gain.low:.3f}, {gain.high:.3f}]: "
        + ("entirely above" if promote else "not entirely above")
        + f" min_gain={min_gain}"
    )
    return GateDecision(promote=promote, gain=gain, reason=reason)


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
    import re

    try:
        m = re.search(r"```(.*?)(?:```|\Z)", text, flags=re.S)
        region = m.group(1) if m else text
        start = region.find("{")
        if start < 0:
            return ParsedOutput(None, "no_json")
        try:
            obj, _ = json.JSONDecoder().raw_decode(region[start:])
        except json.JSONDecodeError:
            return ParsedOutput(None, "invalid_json")
        if not isinstance(obj, dict) or not isinstance(obj.get("name"), str) or not isinstance(obj.get("arguments"), dict):
            return ParsedOutput(None, "not_a_call")
        return ParsedOutput(ToolCall(obj["name"], obj["arguments"]), None)
    except Exception:
        return ParsedOutput(None, "invalid_json")


def argument_f1(expected: Mapping[str, Any], predicted: Mapping[str, Any]) -> float:
    """F1 between the expected and predicted (name, value) pairs after normalization.

    1.0 when both are empty. Names: stripped, lower-cased; two that normalize alike count once,
    the later wins. Values: bools stay bools; "true"/"false" become bools; numbers and numeric
    strings become floats; other strings are stripped and lower-cased; lists and objects are
    normalized item by item. A bool never equals a number.
    """
    e = _norm_pairs(expected)
    p = _norm_pairs(predicted)
    if len(e) + len(p) == 0:
        return 1.0
    return 2.0 * len(e.intersection(p)) / (len(e) + len(p))


def score_call(expected: ToolCall, output: str) -> CallScore:
    """Score one raw model output against the expected call.

    A parse error scores (error, False, False, 0.0); a wrong tool name scores 0.0 for the
    arguments too; exact_match means every normalized argument matches (argument_f1 == 1.0).
    """
    parsed = parse_tool_call(output)
    if parsed.error is not None:
        return CallScore(error=parsed.error, name_correct=False, exact_match=False, argument_f1=0.0)
    if parsed.call.name != expected.name:
        return CallScore(error=None, name_correct=False, exact_match=False, argument_f1=0.0)
    f1 = argument_f1(expected.arguments, parsed.call.arguments)
    return CallScore(error=None, name_correct=True, exact_match=bool(f1 == 1.0), argument_f1=float(f1))


def score_prompts(
    records: Sequence[Mapping[str, Any]],
    n_resamples: int = 2000,
    confidence: float = 0.95,
    seed: int = 0,
) -> list[PromptScore]:
    """One PromptScore per prompt version (sorted by version): parse-error counts and
    bootstrap intervals (Part 4's bootstrap_ci) of tool accuracy, exact match and argument F1."""
    table = _score_table(records)
    result = []
    for version, grp in table.groupby("prompt_version", sort=True):
        errs = grp["error"].value_counts()
        errors = {k: int(errs.get(k, 0)) for k in PARSE_ERRORS}
        result.append(
            PromptScore(
                prompt_version=version,
                n=len(grp),
                errors=errors,
                tool_accuracy=bootstrap_ci(grp["tool_accuracy"].to_numpy(), n_resamples, confidence, seed),
                exact_match=bootstrap_ci(grp["exact_match"].to_numpy(), n_resamples, confidence, seed),
                argument_f1=bootstrap_ci(grp["argument_f1"].to_numpy(), n_resamples, confidence, seed),
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
        raise ValueError(f"measure {measure!r} not in {MEASURES}")
    table = _score_table(records)
    table = table[table["prompt_version"].isin([baseline, candidate])]
    wide = table.pivot_table(index="case_id", columns="prompt_version", values=measure, aggfunc="last")
    if baseline not in wide.columns or candidate not in wide.columns:
        raise ValueError("no case in common")
    wide = wide[[baseline, candidate]].dropna().sort_index()
    if wide.empty:
        raise ValueError("no case in common")
    return champion_challenger(
        wide[baseline].to_numpy(), wide[candidate].to_numpy(), min_gain, n_resamples, confidence, seed
    )


# --- helpers ---------------------------------------------------------------------------------------


def _idx(mask: pd.Series) -> tuple[int, ...]:
    return tuple(int(i) for i in mask[mask].index)


def _pd_kind(s: pd.Series, kind: str) -> bool:
    api = pd.api.types
    if kind == "numeric":
        return bool(api.is_numeric_dtype(s) and not api.is_bool_dtype(s))
    if kind == "datetime":
        return bool(api.is_datetime64_any_dtype(s))
    if kind == "string":
        if api.is_numeric_dtype(s) or api.is_datetime64_any_dtype(s):
            return False
        vals = s.dropna()
        return bool(vals.map(lambda v: isinstance(v, str)).all()) if len(vals) else True
    return False


def _norm_val(v):
    if isinstance(v, bool):
        return ("b", v)
    if v is None:
        return ("n",)
    if isinstance(v, (int, float)):
        return ("f", float(v))
    if isinstance(v, str):
        t = v.strip()
        if t.lower() == "true" or t.lower() == "false":
            return ("b", t.lower() == "true")
        try:
            x = float(t)
        except ValueError:
            x = None
        if x is not None and math.isfinite(x):
            return ("f", x)
        return ("s", t.lower())
    if isinstance(v, list):
        return ("l",) + tuple(_norm_val(i) for i in v)
    if isinstance(v, dict):
        return ("d", frozenset(_norm_pairs(v)))
    return ("o", repr(v))


def _norm_pairs(args) -> set:
    d = {}
    for k, v in args.items():
        d[k.strip().lower()] = _norm_val(v)
    return set(d.items())


def _score_table(records) -> pd.DataFrame:
    rows = []
    for r in records:
        exp = r["expected"]
        sc = score_call(ToolCall(exp["name"], exp["arguments"]), r["output"])
        rows.append(
            {
                "case_id": r["case_id"],
                "prompt_version": r["prompt_version"],
                "error": sc.error,
                "tool_accuracy": float(sc.name_correct),
                "exact_match": float(sc.exact_match),
                "argument_f1": float(sc.argument_f1),
            }
        )
    return pd.DataFrame(rows, columns=["case_id", "prompt_version", "error", "tool_accuracy", "exact_match", "argument_f1"])
