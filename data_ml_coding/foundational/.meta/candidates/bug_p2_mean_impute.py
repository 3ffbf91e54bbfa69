"""Bug (part 2), based on correct_functional.py: SimpleImputer() with its default strategy, the mean.

verdict: reject part 2
rule: "`NUMERIC`: median imputation (`SimpleImputer(strategy="median")`), then `StandardScaler()`;"
how: SimpleImputer() with its default strategy, the mean
differs on: a training row with a missing bill length is imputed with the training mean, not the median
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any, Literal

import pandas as pd
from sklearn.base import BaseEstimator
from sklearn.dummy import DummyClassifier
from sklearn.pipeline import Pipeline

# Also useful (see HINTS.md): palmerpenguins.load_penguins, scipy.stats.f_oneway,
# matplotlib.figure.Figure, sklearn.compose / impute / preprocessing / model_selection / metrics,
# csv, io, os, hashlib, json, subprocess, uuid, datetime.

TARGET = "species"
SPECIES = ("Adelie", "Chinstrap", "Gentoo")
NUMERIC = ("bill_length_mm", "bill_depth_mm", "flipper_length_mm", "body_mass_g")
CATEGORICAL = ("island", "sex")
FEATURES = NUMERIC + CATEGORICAL
TEST_SIZE = 0.25
FOLDS = 5
MARGIN = 0.70  # hold-out macro-F1 the model must gain over the baseline
CHARTS = ("eda_distributions.png", "eda_scatter.png")
LOG_COLUMNS = (
    "run_id",
    "timestamp",
    "git_commit",
    "data_hash",
    "seed",
    "model",
    "params",
    "cv_f1_mean",
    "cv_f1_std",
    "holdout_f1",
    "holdout_accuracy",
    "baseline_holdout_f1",
)

Kind = Literal["float", "int", "category"]


@dataclass(frozen=True)
class ColumnSpec:
    """What the code expects of one column."""

    name: str
    kind: Kind
    nullable: bool
    categories: tuple[str, ...] = ()  # the allowed values of a "category" column
    low: float | None = None  # inclusive bounds of a number column
    high: float | None = None


CONTRACT = (
    ColumnSpec(TARGET, "category", nullable=False, categories=SPECIES),
    ColumnSpec("island", "category", nullable=False, categories=("Biscoe", "Dream", "Torgersen")),
    ColumnSpec("bill_length_mm", "float", nullable=True, low=25.0, high=70.0),
    ColumnSpec("bill_depth_mm", "float", nullable=True, low=10.0, high=25.0),
    ColumnSpec("flipper_length_mm", "float", nullable=True, low=150.0, high=250.0),
    ColumnSpec("body_mass_g", "float", nullable=True, low=2000.0, high=7000.0),
    ColumnSpec("sex", "category", nullable=True, categories=("female", "male")),
    ColumnSpec("year", "int", nullable=False, low=2007, high=2009),
)


class ContractError(ValueError):
    """The data breaks the contract; the message names every offending column."""


@dataclass(frozen=True)
class NumericSummary:
    count: int  # non-missing values
    mean: float
    std: float  # sample standard deviation (ddof=1), as pandas computes it
    min: float
    max: float


@dataclass(frozen=True)
class Profile:
    rows: int
    missing: dict[str, int]  # missing cells per column, every column, in frame order
    rows_with_missing: int  # rows with at least one missing cell
    class_counts: dict[str, int]  # rows per class that appears, most frequent first
    imbalance: float  # largest class count / smallest class count
    numeric: dict[str, NumericSummary]  # per NUMERIC column, in NUMERIC order
    levels: dict[str, dict[str, int]]  # per CATEGORICAL column: value counts, most frequent first


@dataclass(frozen=True, eq=False)
class Split:
    X_train: pd.DataFrame  # FEATURES only, the original index kept
    X_test: pd.DataFrame
    y_train: pd.Series
    y_test: pd.Series


@dataclass(frozen=True)
class CVResult:
    scores: tuple[float, ...]  # macro-F1 of each fold, in fold order
    mean: float
    std: float  # population standard deviation (ddof=0), as numpy computes it


@dataclass(frozen=True)
class Evaluation:
    model: str  # the estimator's class name
    cv: CVResult  # on the training split only
    holdout_f1: float  # macro-F1 on the hold-out
    holdout_accuracy: float  # reported beside it, never chosen on
    confusion: tuple[tuple[int, ...], ...]  # rows: true species, columns: predicted; SPECIES order


@dataclass(frozen=True)
class RunRecord:
    """One row of the experiment log; the fields are LOG_COLUMNS, in order."""

    run_id: str
    timestamp: str  # ISO 8601, UTC
    git_commit: str  # "" when the code is not in a git checkout
    data_hash: str
    seed: int
    model: str
    params: str  # the model's get_params() as JSON, keys sorted
    cv_f1_mean: float
    cv_f1_std: float
    holdout_f1: float
    holdout_accuracy: float
    baseline_holdout_f1: float


@dataclass(frozen=True)
class Experiment:
    record: RunRecord  # the row appended to the log
    model: Evaluation
    baseline: Evaluation


# %% Part 1 — Load and profile ------------------------------------------------------------------
# Style: functional. Small pure functions composed with map/filter/itertools/functools/heapq;
# Counter for the tallies; cross_val_score with make_scorer(score); KNN as the candidate.

import csv
import functools
import hashlib
import heapq
import itertools
import json
import operator
import os
import subprocess
import uuid
from collections import Counter
from datetime import datetime, timezone

import numpy as np
from pandas.api import types as T

_is_na = pd.isna


def _dtype_error(spec: ColumnSpec, col: pd.Series) -> str | None:
    dt = col.dtype
    checks = {
        "float": lambda: T.is_numeric_dtype(dt) and not T.is_bool_dtype(dt),
        "int": lambda: T.is_integer_dtype(dt) and not T.is_bool_dtype(dt),
        "category": lambda: isinstance(dt, pd.CategoricalDtype) or T.is_object_dtype(dt) or T.is_string_dtype(dt),
    }
    return None if checks[spec.kind]() else f"bad dtype {dt} (want {spec.kind})"


def _outside(spec: ColumnSpec, v: Any) -> bool:
    if spec.kind == "category":
        return v not in spec.categories
    return (spec.low is not None and v < spec.low) or (spec.high is not None and v > spec.high)


def _column_problems(spec: ColumnSpec, col: pd.Series) -> list[str]:
    bad_dtype = _dtype_error(spec, col)
    if bad_dtype:
        return [bad_dtype]
    values = col.astype(object).tolist() if spec.kind == "category" else (
        col.astype("float64").tolist() if spec.kind == "float" else col.tolist()
    )
    present = [v for v in values if not _is_na(v)]
    problems = []
    if not spec.nullable and len(present) < len(values):
        problems.append(f"{len(values) - len(present)} missing")
    offenders = list(dict.fromkeys(filter(functools.partial(_outside, spec), present)))
    if offenders:
        problems.append("bad values " + ", ".join(map(str, offenders)))
    return problems


def _typed(spec: ColumnSpec, col: pd.Series) -> pd.Series:
    if spec.kind == "float":
        return col.astype("float64")
    if spec.kind == "int":
        return col.astype("int64")
    return col.astype(object).where(col.notna(), None).astype(pd.CategoricalDtype(list(spec.categories)))


def validate(frame: pd.DataFrame, contract: tuple[ColumnSpec, ...] = CONTRACT) -> pd.DataFrame:
    problems = {
        spec.name: (["missing"] if spec.name not in frame.columns else _column_problems(spec, frame[spec.name]))
        for spec in contract
    }
    broken = [f"column {name!r}: {'; '.join(p)}" for name, p in problems.items() if p]
    if broken:
        raise ContractError("data contract broken:\n  " + "\n  ".join(broken))
    return pd.DataFrame({spec.name: _typed(spec, frame[spec.name]) for spec in contract}, index=frame.index)


def load_data() -> pd.DataFrame:
    from palmerpenguins import load_penguins

    return validate(load_penguins())


def _tally(values: Any) -> dict[str, int]:
    counts = Counter(map(str, itertools.filterfalse(_is_na, values)))
    ranked = heapq.nsmallest(len(counts), counts.items(), key=lambda kv: (-kv[1], kv[0]))
    return dict(ranked)


def _summary(series: pd.Series) -> NumericSummary:
    d = series.astype("float64").describe()
    return NumericSummary(int(d["count"]), *map(float, operator.itemgetter("mean", "std", "min", "max")(d)))


def profile(frame: pd.DataFrame) -> Profile:
    na = frame.isna()
    classes = _tally(frame[TARGET].tolist())
    return Profile(
        rows=len(frame),
        missing=dict(zip(map(str, frame.columns), map(int, na.sum().tolist()))),
        rows_with_missing=int(na.any(axis=1).sum()),
        class_counts=classes,
        imbalance=functools.reduce(max, classes.values()) / functools.reduce(min, classes.values()),
        numeric={c: _summary(frame[c]) for c in NUMERIC},
        levels={c: _tally(frame[c].tolist()) for c in CATEGORICAL},
    )


def feature_separation(frame: pd.DataFrame) -> dict[str, float]:
    from scipy.stats import f_oneway

    def f_stat(col: str) -> float:
        rows = frame[[TARGET, col]].dropna()
        rows = rows.assign(**{TARGET: rows[TARGET].astype(str)}).sort_values(TARGET, kind="stable")
        groups = [np.asarray(list(map(operator.itemgetter(1), g)), dtype=float)
                  for _, g in itertools.groupby(rows.itertuples(index=False, name=None), key=operator.itemgetter(0))]
        return float(f_oneway(*groups).statistic)

    return dict(sorted(((c, f_stat(c)) for c in NUMERIC), key=operator.itemgetter(1), reverse=True))


def _label(col: str) -> str:
    *words, unit = col.split("_")
    return f"{' '.join(words).capitalize()} ({unit})"


def save_eda_charts(frame: pd.DataFrame, out_dir: Path) -> list[Path]:
    from matplotlib.figure import Figure

    out = Path(out_dir)
    out.mkdir(parents=True, exist_ok=True)
    groups = [(s, frame[frame[TARGET] == s]) for s in SPECIES]
    groups = [(s, g) for s, g in groups if len(g)]

    fig = Figure(figsize=(14, 4.5), dpi=120)
    for ax, col in zip(fig.subplots(1, len(NUMERIC)), NUMERIC):
        for s, g in groups:
            ax.hist(g[col].dropna(), bins=16, histtype="stepfilled", alpha=0.35, label=s)
        ax.set(xlabel=_label(col), ylabel="Penguins", title=_label(col).split(" (")[0])
        ax.legend(title="Species", fontsize="small")
    fig.suptitle("Distribution of the measurements per species")
    fig.tight_layout()
    a = out / CHARTS[0]
    fig.savefig(a)

    x, y = itertools.islice(feature_separation(frame), 2)
    fig = Figure(figsize=(8, 6), dpi=120)
    ax = fig.add_subplot()
    for (s, g), marker in zip(groups, itertools.cycle("o^s")):
        ax.scatter(g[x], g[y], marker=marker, label=s, alpha=0.7)
    ax.set(xlabel=_label(x), ylabel=_label(y), title=f"{_label(x)} against {_label(y)} by species")
    ax.legend(title="Species")
    b = out / CHARTS[1]
    fig.savefig(b)
    return [a, b]


# %% Part 2 — Split without leakage -------------------------------------------------------------

from sklearn.compose import make_column_transformer
from sklearn.impute import SimpleImputer
from sklearn.metrics import accuracy_score, confusion_matrix, f1_score, make_scorer
from sklearn.model_selection import StratifiedKFold, cross_val_score, train_test_split
from sklearn.neighbors import KNeighborsClassifier
from sklearn.pipeline import make_pipeline as _steps
from sklearn.preprocessing import OneHotEncoder, StandardScaler


def split_data(frame: pd.DataFrame, seed: int, test_size: float = TEST_SIZE) -> Split:
    X_train, X_test, y_train, y_test = train_test_split(
        frame.loc[:, list(FEATURES)], frame.loc[:, TARGET],
        test_size=test_size, random_state=seed, stratify=frame[TARGET],
    )
    return Split(X_train, X_test, y_train, y_test)


def make_pipeline(model: BaseEstimator) -> Pipeline:
    prep = make_column_transformer(
        (_steps(SimpleImputer(), StandardScaler()), list(NUMERIC)),
        (_steps(SimpleImputer(strategy="most_frequent"), OneHotEncoder(handle_unknown="ignore")), list(CATEGORICAL)),
    )
    return Pipeline([("columntransformer", prep), (type(model).__name__.lower(), model)])


def fit_on_train(split: Split, model: BaseEstimator) -> Pipeline:
    return make_pipeline(model).fit(split.X_train, split.y_train)


# %% Part 3 — Baseline and model ----------------------------------------------------------------


def score(y_true: Any, y_pred: Any) -> float:
    return float(f1_score(list(y_true), list(y_pred), average="macro", zero_division=0))


def baseline() -> DummyClassifier:
    return DummyClassifier(strategy="most_frequent")


def candidate(seed: int) -> BaseEstimator:
    # k-nearest neighbours draws nothing at random, so there is nothing to seed
    return KNeighborsClassifier(n_neighbors=5)


def cross_validate_model(
    split: Split, model: BaseEstimator, seed: int, folds: int = FOLDS
) -> CVResult:
    s = cross_val_score(
        make_pipeline(model), split.X_train, split.y_train,
        cv=StratifiedKFold(n_splits=folds, shuffle=True, random_state=seed),
        scoring=make_scorer(score),
    )
    return CVResult(tuple(map(float, s)), float(np.mean(s)), float(np.std(s)))


def evaluate(split: Split, model: BaseEstimator, seed: int) -> Evaluation:
    cv = cross_validate_model(split, model, seed)
    pred = fit_on_train(split, model).predict(split.X_test)
    true = list(split.y_test)
    cm = confusion_matrix(true, list(pred), labels=list(SPECIES))
    return Evaluation(type(model).__name__, cv, score(true, pred), float(accuracy_score(true, pred)),
                      tuple(tuple(map(int, r)) for r in cm))


# %% Part 4 — Experiment log and reproducibility ------------------------------------------------


def _cell_token(v: Any) -> str:
    if _is_na(v):
        return "\x15"
    return type(v).__name__[:1] + (repr(float(v)) if isinstance(v, float) else str(v))


def data_hash(frame: pd.DataFrame) -> str:
    head = json.dumps(list(map(str, frame.columns)))
    rows = map(lambda r: "\x1f".join(map(_cell_token, r)), frame.astype(object).itertuples(name=None))
    return functools.reduce(
        lambda h, chunk: (h.update(chunk.encode() + b"\x1e"), h)[1],
        itertools.chain([head], rows),
        hashlib.sha256(),
    ).hexdigest()


def git_commit(folder: Path) -> str:
    try:
        return subprocess.run(
            ["git", "rev-parse", "HEAD"], cwd=folder, capture_output=True, text=True, check=True
        ).stdout.strip()
    except (OSError, subprocess.CalledProcessError):
        return ""


def _as_text(v: Any) -> str:
    text = v if isinstance(v, str) else repr(float(v)) if isinstance(v, float) else str(v)
    if set(text) & {"\n", "\r"}:
        raise ValueError(f"log values may not hold a line break: {text!r}")
    return text


class _Line:
    def __init__(self) -> None:
        self.text = ""

    def write(self, s: str) -> None:
        self.text += s


def _line(record: RunRecord) -> str:
    sink = _Line()
    csv.writer(sink, lineterminator="\n").writerow(list(map(_as_text, map(functools.partial(getattr, record), LOG_COLUMNS))))
    return sink.text


def _ends_with_newline(path: Path) -> bool:
    with open(path, "rb") as fh:
        fh.seek(-1, os.SEEK_END)
        return fh.read(1) == b"\n"


def append_run(log_path: Path, record: RunRecord) -> None:
    row = _line(record)
    path = Path(log_path)
    empty = not path.exists() or path.stat().st_size == 0
    prefix = ",".join(LOG_COLUMNS) + "\n" if empty else ("" if _ends_with_newline(path) else "\n")
    fd = os.open(path, os.O_CREAT | os.O_WRONLY | os.O_APPEND, 0o644)
    try:
        os.write(fd, (prefix + row).encode("utf-8"))
        os.fsync(fd)
    finally:
        os.close(fd)


_CASTS = dict(zip(LOG_COLUMNS, itertools.repeat(str))) | {"seed": int} | dict.fromkeys(LOG_COLUMNS[7:], float)


def _record(line: str) -> RunRecord | None:
    fields = next(csv.reader([line]), [])
    if len(fields) != len(LOG_COLUMNS):
        return None
    try:
        return RunRecord(**{k: _CASTS[k](v) for k, v in zip(LOG_COLUMNS, fields)})
    except ValueError:
        return None


def read_log(log_path: Path) -> list[RunRecord]:
    path = Path(log_path)
    if not path.exists():
        return []
    first, *rest = path.read_text(encoding="utf-8").split("\n")
    if first != ",".join(LOG_COLUMNS):
        raise ValueError(f"missing or wrong header in {path}: {first[:60]!r}")
    return list(filter(None, map(_record, filter(None, rest))))


def log_to_mlflow(record: RunRecord, tracking_dir: Path) -> bool:
    try:
        import mlflow
    except ImportError:
        return False
    key, before = "MLFLOW_ALLOW_FILE_STORE", os.environ.get("MLFLOW_ALLOW_FILE_STORE")
    os.environ[key] = "true"
    try:
        mlflow.set_tracking_uri(Path(tracking_dir).resolve().as_uri())
        with mlflow.start_run(run_name=record.run_id):
            mlflow.log_params({"seed": record.seed, "model": record.model, "params": record.params})
            mlflow.log_metrics({k: float(getattr(record, k)) for k in LOG_COLUMNS[7:]})
            mlflow.set_tags({"git_commit": record.git_commit, "data_hash": record.data_hash})
        return True
    finally:
        os.environ.pop(key, None) if before is None else os.environ.__setitem__(key, before)


def run_experiment(frame: pd.DataFrame, seed: int, log_path: Path) -> Experiment:
    split = split_data(frame, seed)
    est = candidate(seed)
    real, base = evaluate(split, est, seed), evaluate(split, baseline(), seed)
    record = RunRecord(
        run_id=uuid.uuid4().hex,
        timestamp=datetime.now(timezone.utc).isoformat(timespec="seconds"),
        git_commit=git_commit(Path(__file__).resolve().parent),
        data_hash=data_hash(frame),
        seed=seed,
        model=real.model,
        params=json.dumps(est.get_params(), sort_keys=True, default=str),
        cv_f1_mean=real.cv.mean,
        cv_f1_std=real.cv.std,
        holdout_f1=real.holdout_f1,
        holdout_accuracy=real.holdout_accuracy,
        baseline_holdout_f1=base.holdout_f1,
    )
    append_run(Path(log_path), record)
    log_to_mlflow(record, Path(log_path).parent / "mlruns")
    return Experiment(record, model=real, baseline=base)


# %% Try it: run this cell in VS Code / Jupyter, or `nox -s run -- data_ml_coding/foundational`
if __name__ == "__main__":
    penguins = load_data()
    print(profile(penguins))
