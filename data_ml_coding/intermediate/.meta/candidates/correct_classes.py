"""Correct: object-oriented — checker classes, a fold cutter, a binner, a bootstrap object, value classes.

verdict: accept
how: faithful reading; each rule lives in a small class; pd.cut for right-closed bins; rng.choice resampling
differs on: n/a (violations in per-column order, time checks last; predictions converted to Python scalars)
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
from dataclasses import field

import numpy as np
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
    return _WEATHER_CONTRACT


def validate(
    frame: pd.DataFrame, contract: Contract, as_of: pd.Timestamp | None = None
) -> list[Violation]:
    """Every violation of `contract` in `frame`, each with the 0-based row positions at fault.

    A missing column or a column of the wrong kind gets one violation and no further checks.
    Nulls are reported once and skipped by the range and category checks. Freshness is checked
    only when both `as_of` and `contract.max_age_days` are given. Never modifies `frame`.
    """
    return _Validator(frame, contract, as_of).run()


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
    return list(_FoldCutter(n_rows, initial, horizon, step, max_train))


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
    runner = _Backtester(frame, list(features), target, make_model)
    return [runner.score(k, fold) for k, fold in enumerate(folds)]


def log_experiment(
    log_path: Path, iteration: str, params: Mapping[str, Any], scores: Sequence[FoldScore]
) -> dict[str, Any]:
    """Append one JSON line for a model iteration to `log_path` (created with its folder).

    The line (also returned) has iteration, params, folds, fold_accuracy and mean_accuracy.
    """
    return _ExperimentLog(Path(log_path)).append(iteration, params, scores)


def leaderboard(log_path: Path) -> list[tuple[str, float]]:
    """(iteration, mean_accuracy) from the log, best first; an iteration logged twice counts
    with its latest line; ties keep the order in which iterations first appear."""
    return _ExperimentLog(Path(log_path)).leaderboard()


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
    ref = _Sample.numeric(reference)
    cur = _Sample.numeric(current)
    binner = _QuantileBinner.fit(ref.values, bins)
    return _psi_sum(binner.shares(ref.values), binner.shares(cur.values), epsilon)


def category_psi(
    reference: Sequence[str] | pd.Series,
    current: Sequence[str] | pd.Series,
    epsilon: float = PSI_EPSILON,
) -> float:
    """PSI for a categorical feature: one bin per value seen in either sample, shares floored
    at `epsilon`."""
    ref = _Sample.categorical(reference)
    cur = _Sample.categorical(current)
    cats = list(dict.fromkeys(list(ref.values) + list(cur.values)))
    return _psi_sum(ref.shares_of(cats), cur.shares_of(cats), epsilon)


def ks_test(reference: npt.ArrayLike, current: npt.ArrayLike) -> KSResult:
    """Two-sample Kolmogorov–Smirnov test: the statistic equals scipy.stats.ks_2samp's; the
    p-value is the asymptotic one, scipy.special.kolmogorov(D * sqrt(n * m / (n + m)))."""
    ref = _Sample.numeric(reference)
    cur = _Sample.numeric(current)
    grid = np.concatenate([ref.values, cur.values])
    d = float(np.max(np.abs(ref.ecdf(grid) - cur.ecdf(grid))))
    n, m = len(ref.values), len(cur.values)
    return KSResult(d, float(special.kolmogorov(d * math.sqrt(n * m / (n + m)))))


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
    monitor = _DriftMonitor(psi_threshold, ks_alpha)
    return [monitor.numeric(f, reference[f], current[f]) for f in numeric] + [
        monitor.categorical(f, reference[f], current[f]) for f in categorical
    ]


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
    return _Bootstrap(n_resamples, confidence, seed).interval(scores)


def slice_metrics(
    scores: npt.ArrayLike,
    slices: Sequence[str] | pd.Series,
    n_resamples: int = 2000,
    confidence: float = 0.95,
    seed: int = 0,
) -> dict[str, Interval]:
    """bootstrap_ci of the scores of each slice, resampled within the slice; keys sorted."""
    boot = _Bootstrap(n_resamples, confidence, seed)
    values = _Bootstrap.as_array(scores, allow_empty=True)
    keys = pd.Series(list(slices), dtype=object)
    if len(keys) != len(values):
        raise ValueError("scores and slices must have the same length")
    groups = {k: values[np.flatnonzero((keys == k).to_numpy())] for k in keys.unique()}
    return {k: boot.interval(groups[k]) for k in sorted(groups)}


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
    return _Gate(min_gain, _Bootstrap(n_resamples, confidence, seed)).decide(champion_scores, challenger_scores)


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
    return _CallParser().parse(text)


def argument_f1(expected: Mapping[str, Any], predicted: Mapping[str, Any]) -> float:
    """F1 between the expected and predicted (name, value) pairs after normalization.

    1.0 when both are empty. Names: stripped, lower-cased; two that normalize alike count once,
    the later wins. Values: bools stay bools; "true"/"false" become bools; numbers and numeric
    strings become floats; other strings are stripped and lower-cased; lists and objects are
    normalized item by item. A bool never equals a number.
    """
    e = _ArgumentSet.of(expected)
    p = _ArgumentSet.of(predicted)
    return e.f1(p)


def score_call(expected: ToolCall, output: str) -> CallScore:
    """Score one raw model output against the expected call.

    A parse error scores (error, False, False, 0.0); a wrong tool name scores 0.0 for the
    arguments too; exact_match means every normalized argument matches (argument_f1 == 1.0).
    """
    return _CallScorer(expected).score(output)


def score_prompts(
    records: Sequence[Mapping[str, Any]],
    n_resamples: int = 2000,
    confidence: float = 0.95,
    seed: int = 0,
) -> list[PromptScore]:
    """One PromptScore per prompt version (sorted by version): parse-error counts and
    bootstrap intervals (Part 4's bootstrap_ci) of tool accuracy, exact match and argument F1."""
    book = _ScoreBook.from_records(records)
    return [book.prompt_score(v, n_resamples, confidence, seed) for v in book.versions()]


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
        raise ValueError(f"measure must be one of {MEASURES}, not {measure!r}")
    book = _ScoreBook.from_records(records)
    cases = book.common_cases(baseline, candidate)
    if not cases:
        raise ValueError(f"{baseline} and {candidate} share no case")
    base, cand, get = book.by_case(baseline), book.by_case(candidate), _MEASURE_OF[measure]
    champion = [get(base[c]) for c in cases]
    challenger = [get(cand[c]) for c in cases]
    return champion_challenger(champion, challenger, min_gain, n_resamples, confidence, seed)


# --- Part 1 classes --------------------------------------------------------------------------------

_WEATHER_CONTRACT = Contract(
    columns=(
        Column(name="date", kind="datetime"),
        Column(name="precipitation", kind="numeric", min_value=0.0, max_value=250.0),
        Column(name="temp_max", kind="numeric", min_value=-30.0, max_value=45.0),
        Column(name="temp_min", kind="numeric", min_value=-30.0, max_value=45.0),
        Column(name="wind", kind="numeric", min_value=0.0, max_value=40.0),
        Column(name="weather", kind="string", allowed=WEATHER_LABELS),
    ),
    time_column="date",
    max_age_days=2.0,
)


class _KindCheck:
    @staticmethod
    def numeric(s: pd.Series) -> bool:
        return pd.api.types.is_numeric_dtype(s) and not pd.api.types.is_bool_dtype(s)

    @staticmethod
    def datetime(s: pd.Series) -> bool:
        return pd.api.types.is_datetime64_any_dtype(s)

    @staticmethod
    def string(s: pd.Series) -> bool:
        if pd.api.types.is_numeric_dtype(s) or pd.api.types.is_datetime64_any_dtype(s):
            return False
        present = s[s.notna().to_numpy()]
        return bool(present.map(lambda v: isinstance(v, str)).all()) if len(present) else True

    @classmethod
    def ok(cls, s: pd.Series, kind: str) -> bool:
        check = getattr(cls, kind, None)
        return bool(check(s)) if check is not None else False


@dataclass
class _Validator:
    frame: pd.DataFrame
    contract: Contract
    as_of: Any
    found: list = field(default_factory=list)
    passed: set = field(default_factory=set)

    def add(self, kind, column, rows, message):
        self.found.append(Violation(kind, column, tuple(int(r) for r in rows), message))

    def run(self) -> list[Violation]:
        for col in self.contract.columns:
            self.check_column(col)
        self.check_time()
        return self.found

    def check_column(self, col: Column) -> None:
        if col.name not in self.frame.columns:
            self.add("missing_column", col.name, (), f"{col.name}: not in the batch")
            return
        s = self.frame[col.name]
        if not _KindCheck.ok(s, col.kind):
            self.add("wrong_dtype", col.name, (), f"{col.name}: dtype {s.dtype} is not {col.kind}")
            return
        self.passed.add(col.name)
        na = s.isna().to_numpy(dtype=bool)
        if na.any() and not col.nullable:
            self.add("null", col.name, np.flatnonzero(na), f"{col.name}: {int(na.sum())} nulls")
        positions = np.flatnonzero(~na)
        values = s.to_numpy(dtype=object)[positions]
        if col.kind == "numeric":
            bad = [
                p
                for p, v in zip(positions, values)
                if (col.min_value is not None and v < col.min_value) or (col.max_value is not None and v > col.max_value)
            ]
            if bad:
                self.add("out_of_range", col.name, bad, f"{col.name}: outside [{col.min_value}, {col.max_value}]")
        if col.allowed is not None:
            bad = [p for p, v in zip(positions, values) if v not in col.allowed]
            if bad:
                self.add("unknown_category", col.name, bad, f"{col.name}: labels outside {col.allowed}")

    def check_time(self) -> None:
        tc = self.contract.time_column
        if tc is None or tc not in self.frame.columns:
            return
        if tc in {c.name for c in self.contract.columns} and tc not in self.passed:
            return
        s = self.frame[tc].reset_index(drop=True)
        prev = s.shift(1)
        both = s.notna() & prev.notna()
        later_not_after = pd.Series(False, index=s.index)
        later_not_after[both] = ~(s[both] > prev[both])
        bad = np.flatnonzero(later_not_after.to_numpy(dtype=bool))
        if len(bad):
            self.add("not_increasing", tc, bad, f"{tc}: {len(bad)} times not after the previous row")
        if self.as_of is not None and self.contract.max_age_days is not None:
            newest = s.dropna().max() if s.notna().any() else None
            if newest is None:
                self.add("stale", tc, (), f"{tc}: the batch has no times")
            elif pd.Timestamp(self.as_of) - newest > pd.Timedelta(days=float(self.contract.max_age_days)):
                self.add("stale", tc, (), f"{tc}: newest {newest} older than {self.contract.max_age_days} days")


# --- Part 2 classes --------------------------------------------------------------------------------


class _FoldCutter:
    def __init__(self, n_rows, initial, horizon, step, max_train):
        self.step = horizon if step is None else step
        for name, v in (("initial", initial), ("horizon", horizon), ("step", self.step), ("max_train", max_train)):
            if v is not None and v < 1:
                raise ValueError(f"{name} must be >= 1")
        self.n_rows, self.initial, self.horizon, self.max_train = n_rows, initial, horizon, max_train

    def __iter__(self):
        cutoff = self.initial
        while cutoff + self.horizon <= self.n_rows:
            lo = 0 if self.max_train is None else max(0, cutoff - self.max_train)
            yield Fold(range(lo, cutoff), range(cutoff, cutoff + self.horizon))
            cutoff += self.step


@dataclass
class _Backtester:
    frame: pd.DataFrame
    features: list
    target: str
    make_model: Callable[[], Any]

    def score(self, k: int, fold: Fold) -> FoldScore:
        X = self.frame[self.features]
        y = self.frame[self.target]
        model = self.make_model()
        model.fit(X.iloc[list(fold.train)], y.iloc[list(fold.train)])
        predicted = [_py(v) for v in model.predict(X.iloc[list(fold.test)])]
        truth = [_py(v) for v in y.iloc[list(fold.test)]]
        hits = sum(1 for p, t in zip(predicted, truth) if p == t)
        acc = hits / len(truth) if truth else float("nan")
        return FoldScore(fold=k, train_rows=len(fold.train), test_rows=len(fold.test), accuracy=acc, predicted=tuple(predicted))


def _py(v):
    return v.item() if isinstance(v, np.generic) else v


@dataclass
class _ExperimentLog:
    path: Path

    def append(self, iteration, params, scores) -> dict[str, Any]:
        accs = [float(s.accuracy) for s in scores]
        record = {
            "iteration": iteration,
            "params": {k: _py(v) for k, v in dict(params).items()},
            "folds": len(scores),
            "fold_accuracy": accs,
            "mean_accuracy": sum(accs) / len(accs) if accs else float("nan"),
        }
        self.path.parent.mkdir(parents=True, exist_ok=True)
        with self.path.open("a", encoding="utf-8") as fh:
            print(json.dumps(record, default=repr), file=fh)
        return record

    def records(self):
        with self.path.open(encoding="utf-8") as fh:
            return [json.loads(line) for line in fh if line.strip()]

    def leaderboard(self) -> list[tuple[str, float]]:
        first_seen: dict[str, int] = {}
        latest: dict[str, float] = {}
        for rec in self.records():
            first_seen.setdefault(rec["iteration"], len(first_seen))
            latest[rec["iteration"]] = rec["mean_accuracy"]
        ranked = sorted(latest, key=lambda it: (-latest[it], first_seen[it]))
        return [(it, latest[it]) for it in ranked]


# --- Part 3 classes --------------------------------------------------------------------------------


class _Sample:
    def __init__(self, values):
        self.values = values

    @classmethod
    def numeric(cls, data) -> "_Sample":
        arr = np.asarray(data, dtype=float).reshape(-1)
        if arr.size == 0:
            raise ValueError("empty sample")
        return cls(np.sort(arr))

    @classmethod
    def categorical(cls, data) -> "_Sample":
        vals = list(data)
        if not vals:
            raise ValueError("empty sample")
        return cls(vals)

    def ecdf(self, x):
        return np.searchsorted(self.values, x, side="right") / self.values.size

    def shares_of(self, cats):
        counts: dict = {}
        for v in self.values:
            counts[v] = counts.get(v, 0) + 1
        return np.array([counts.get(c, 0) / len(self.values) for c in cats], dtype=float)


class _QuantileBinner:
    def __init__(self, edges):
        self.edges = edges

    @classmethod
    def fit(cls, ref, bins):
        qs = [k / bins for k in range(1, bins)]
        edges = sorted(set(np.quantile(ref, qs).tolist())) if qs else []
        return cls(edges)

    def shares(self, x):
        cuts = [-np.inf, *self.edges, np.inf]
        codes = pd.cut(pd.Series(x), bins=cuts, right=True, labels=False)
        counts = np.bincount(codes.to_numpy(dtype=int), minlength=len(cuts) - 1)
        return counts / len(x)


def _psi_sum(r, c, epsilon):
    r = np.maximum(np.asarray(r, dtype=float), epsilon)
    c = np.maximum(np.asarray(c, dtype=float), epsilon)
    return float(((c - r) * np.log(c / r)).sum())


@dataclass
class _DriftMonitor:
    psi_threshold: float
    ks_alpha: float

    def numeric(self, name, ref, cur) -> FeatureDrift:
        value = psi(ref, cur)
        ks = ks_test(ref, cur)
        return FeatureDrift(name, value, ks.statistic, ks.pvalue, value > self.psi_threshold or ks.pvalue < self.ks_alpha)

    def categorical(self, name, ref, cur) -> FeatureDrift:
        value = category_psi(ref, cur)
        return FeatureDrift(name, value, None, None, value > self.psi_threshold)


# --- Part 4 classes --------------------------------------------------------------------------------


@dataclass
class _Bootstrap:
    n_resamples: int
    confidence: float
    seed: int

    @staticmethod
    def as_array(scores, allow_empty=False):
        arr = np.asarray(scores, dtype=float).reshape(-1)
        if arr.size == 0 and not allow_empty:
            raise ValueError("no scores to bootstrap")
        return arr

    def interval(self, scores) -> Interval:
        arr = self.as_array(scores)
        rng = np.random.default_rng(self.seed)
        draws = rng.choice(arr, size=(self.n_resamples, arr.size), replace=True)
        means = draws.mean(axis=1)
        lo = float(np.quantile(means, (1 - self.confidence) / 2))
        hi = float(np.quantile(means, (1 + self.confidence) / 2))
        return Interval(estimate=float(arr.mean()), low=lo, high=hi)


@dataclass
class _Gate:
    min_gain: float
    boot: _Bootstrap

    def decide(self, champion, challenger) -> GateDecision:
        a = _Bootstrap.as_array(champion, allow_empty=True)
        b = _Bootstrap.as_array(challenger, allow_empty=True)
        if a.shape != b.shape:
            raise ValueError("champion and challenger scores must be paired row by row")
        gain = self.boot.interval(b - a)
        if gain.low > self.min_gain:
            return GateDecision(True, gain, f"challenger wins: lower bound {gain.low:.4f} > min_gain {self.min_gain}")
        return GateDecision(False, gain, f"not shown better: lower bound {gain.low:.4f} <= min_gain {self.min_gain}")


# --- Part 5 classes --------------------------------------------------------------------------------


class _CallParser:
    FENCE = "```"

    def region(self, text: str) -> str:
        i = text.find(self.FENCE)
        if i < 0:
            return text
        inner = text[i + len(self.FENCE):]
        j = inner.find(self.FENCE)
        return inner if j < 0 else inner[:j]

    def parse(self, text) -> ParsedOutput:
        try:
            region = self.region(str(text))
            start = region.find("{")
            if start < 0:
                return ParsedOutput(None, "no_json")
            try:
                value, _end = json.JSONDecoder().raw_decode(region, start)
            except (json.JSONDecodeError, RecursionError, ValueError):
                return ParsedOutput(None, "invalid_json")
            if isinstance(value, dict):
                name, args = value.get("name"), value.get("arguments")
                if isinstance(name, str) and isinstance(args, dict):
                    return ParsedOutput(ToolCall(name, args), None)
            return ParsedOutput(None, "not_a_call")
        except Exception:
            return ParsedOutput(None, "invalid_json")


@dataclass(frozen=True)
class _NBool:
    value: bool


@dataclass(frozen=True)
class _NNum:
    value: float


@dataclass(frozen=True)
class _NStr:
    value: str


@dataclass(frozen=True)
class _NNone:
    pass


@dataclass(frozen=True)
class _NList:
    items: tuple


@dataclass(frozen=True)
class _NObj:
    items: frozenset


def _normalized(v):
    if isinstance(v, bool):
        return _NBool(v)
    if v is None:
        return _NNone()
    if isinstance(v, (int, float)):
        return _NNum(float(v))
    if isinstance(v, str):
        t = v.strip()
        if t.lower() in {"true", "false"}:
            return _NBool(t.lower() == "true")
        try:
            num = float(t)
        except ValueError:
            num = math.nan
        if math.isfinite(num):
            return _NNum(num)
        return _NStr(t.lower())
    if isinstance(v, (list, tuple)):
        return _NList(tuple(_normalized(x) for x in v))
    if isinstance(v, Mapping):
        return _NObj(frozenset(_ArgumentSet.of(v).pairs))
    return _NStr(str(v).strip().lower())


@dataclass(frozen=True)
class _ArgumentSet:
    pairs: frozenset

    @classmethod
    def of(cls, args: Mapping[str, Any]) -> "_ArgumentSet":
        merged: dict[str, Any] = {}
        for k, v in args.items():
            merged[k.strip().lower()] = _normalized(v)
        return cls(frozenset(merged.items()))

    def f1(self, other: "_ArgumentSet") -> float:
        if not self.pairs and not other.pairs:
            return 1.0
        return 2 * len(self.pairs & other.pairs) / (len(self.pairs) + len(other.pairs))


@dataclass
class _CallScorer:
    expected: ToolCall

    def score(self, output: str) -> CallScore:
        parsed = parse_tool_call(output)
        if parsed.error:
            return CallScore(parsed.error, False, False, 0.0)
        if parsed.call.name != self.expected.name:
            return CallScore(None, False, False, 0.0)
        f1 = argument_f1(self.expected.arguments, parsed.call.arguments)
        return CallScore(None, True, f1 == 1.0, f1)


_MEASURE_OF = {
    "tool_accuracy": lambda s: float(s.name_correct),
    "exact_match": lambda s: float(s.exact_match),
    "argument_f1": lambda s: float(s.argument_f1),
}


@dataclass
class _ScoreBook:
    rows: list  # (version, case_id, CallScore)

    @classmethod
    def from_records(cls, records):
        rows = []
        for rec in records:
            exp = rec["expected"]
            call = exp if isinstance(exp, ToolCall) else ToolCall(exp["name"], exp["arguments"])
            rows.append((rec["prompt_version"], rec["case_id"], _CallScorer(call).score(rec["output"])))
        return cls(rows)

    def versions(self):
        return sorted({v for v, _, _ in self.rows})

    def of(self, version):
        return [s for v, _, s in self.rows if v == version]

    def prompt_score(self, version, n_resamples, confidence, seed) -> PromptScore:
        scores = self.of(version)
        errors = dict.fromkeys(PARSE_ERRORS, 0)
        for s in scores:
            if s.error is not None:
                errors[s.error] += 1
        boot = _Bootstrap(n_resamples, confidence, seed)
        ivs = {m: boot.interval([_MEASURE_OF[m](s) for s in scores]) for m in MEASURES}
        return PromptScore(version, len(scores), errors, ivs["tool_accuracy"], ivs["exact_match"], ivs["argument_f1"])

    def by_case(self, version):
        return {c: s for v, c, s in self.rows if v == version}

    def common_cases(self, a, b):
        return sorted(set(self.by_case(a)) & set(self.by_case(b)))
