"""Bug (part 2), based on correct_sklearn_idiomatic.py: calls train_test_split without stratify=.

verdict: reject part 2
rule: "one seeded hold-out split, **stratified by species**."
how: calls train_test_split without stratify=
differs on: split_data(load_data(), seed=s) gives Chinstrap test counts other than 17 for some seeds (e.g. 12..22)
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

import csv
import hashlib
import io
import json
import math
import os
import subprocess
import uuid
from datetime import datetime, timezone

import numpy as np
from pandas.api import types as ptypes


def _is_missing(value: Any) -> bool:
    try:
        return bool(pd.isna(value))
    except (TypeError, ValueError):
        return False


def _py(value: Any) -> Any:
    """A numpy scalar as the Python scalar it stands for (so it prints like Python)."""
    return value.item() if isinstance(value, np.generic) else value


def validate(frame: pd.DataFrame, contract: tuple[ColumnSpec, ...] = CONTRACT) -> pd.DataFrame:
    problems: list[str] = []
    columns: dict[str, pd.Series] = {}
    for spec in contract:
        name = spec.name
        if name not in frame.columns:
            problems.append(f"column {name!r} is missing")
            continue
        col = frame[name]
        issues: list[str] = []
        typed: pd.Series | None = None
        if spec.kind in ("float", "int"):
            numeric = ptypes.is_numeric_dtype(col.dtype) and not ptypes.is_bool_dtype(col.dtype)
            if spec.kind == "int":
                numeric = numeric and ptypes.is_integer_dtype(col.dtype)
            if not numeric:
                issues.append(f"expected numbers ({spec.kind}), got dtype {col.dtype}")
            else:
                present = col.notna()
                if not spec.nullable and not present.all():
                    issues.append(f"{int((~present).sum())} missing value(s)")
                if spec.kind == "float":
                    values = col.astype("float64")
                else:
                    values = col
                bad = []
                for v in values[present].tolist():
                    if (spec.low is not None and v < spec.low) or (
                        spec.high is not None and v > spec.high
                    ):
                        bad.append(v)
                if bad:
                    shown = ", ".join(str(v) for v in dict.fromkeys(bad))
                    issues.append(f"outside [{spec.low}, {spec.high}]: {shown}")
                if not issues:
                    if spec.kind == "float":
                        typed = values.astype("float64")
                    else:
                        typed = col.astype("int64")
        else:  # category
            if not (
                ptypes.is_string_dtype(col.dtype)
                or ptypes.is_object_dtype(col.dtype)
                or isinstance(col.dtype, pd.CategoricalDtype)
            ):
                issues.append(f"expected text (category), got dtype {col.dtype}")
            else:
                present = col.notna()
                if not spec.nullable and not present.all():
                    issues.append(f"{int((~present).sum())} missing value(s)")
                allowed = set(spec.categories)
                bad = [v for v in dict.fromkeys(col[present].tolist()) if v not in allowed]
                if bad:
                    shown = ", ".join(str(v) for v in bad)
                    issues.append(f"values outside the categories {list(spec.categories)}: {shown}")
                if not issues:
                    typed = pd.Series(
                        pd.Categorical(
                            col.astype(object).where(present, None), categories=list(spec.categories)
                        ),
                        index=col.index,
                        name=name,
                    )
        if issues:
            problems.append(f"column {name!r}: " + "; ".join(issues))
        else:
            columns[name] = typed
    if problems:
        raise ContractError("data contract broken:\n  " + "\n  ".join(problems))
    return pd.DataFrame(columns, index=frame.index)


def load_data() -> pd.DataFrame:
    from palmerpenguins import load_penguins

    return validate(load_penguins())


def _ordered_counts(series: pd.Series) -> dict[str, int]:
    counts = series.dropna().astype(object).value_counts()
    items = [(str(k), int(v)) for k, v in counts.items() if v > 0]
    items.sort(key=lambda kv: (-kv[1], kv[0]))
    return dict(items)


def profile(frame: pd.DataFrame) -> Profile:
    missing = {str(c): int(n) for c, n in frame.isna().sum().items()}
    class_counts = _ordered_counts(frame[TARGET])
    counts = list(class_counts.values())
    imbalance = max(counts) / min(counts) if counts else float("nan")
    numeric = {}
    for name in NUMERIC:
        d = frame[name].astype("float64").describe()
        numeric[name] = NumericSummary(
            count=int(d["count"]),
            mean=float(d["mean"]),
            std=float(d["std"]),
            min=float(d["min"]),
            max=float(d["max"]),
        )
    levels = {name: _ordered_counts(frame[name]) for name in CATEGORICAL}
    return Profile(
        rows=int(len(frame)),
        missing=missing,
        rows_with_missing=int(frame.isna().any(axis=1).sum()),
        class_counts=class_counts,
        imbalance=float(imbalance),
        numeric=numeric,
        levels=levels,
    )


def feature_separation(frame: pd.DataFrame) -> dict[str, float]:
    from scipy.stats import f_oneway

    result = {}
    species = frame[TARGET].astype(object)
    for name in NUMERIC:
        values = frame[name].astype("float64")
        groups = [
            values[(species == s) & values.notna()].to_numpy()
            for s in sorted(species.dropna().unique())
        ]
        groups = [g for g in groups if len(g)]
        result[name] = float(f_oneway(*groups).statistic)
    return dict(sorted(result.items(), key=lambda kv: -kv[1]))


_UNITS = {
    "bill_length_mm": "bill length (mm)",
    "bill_depth_mm": "bill depth (mm)",
    "flipper_length_mm": "flipper length (mm)",
    "body_mass_g": "body mass (g)",
}


def save_eda_charts(frame: pd.DataFrame, out_dir: Path) -> list[Path]:
    from matplotlib.figure import Figure

    out_dir = Path(out_dir)
    out_dir.mkdir(parents=True, exist_ok=True)
    species = [s for s in SPECIES if (frame[TARGET] == s).any()]
    colours = dict(zip(SPECIES, ("tab:orange", "tab:purple", "tab:cyan")))
    markers = dict(zip(SPECIES, ("o", "^", "s")))

    fig = Figure(figsize=(12, 8), dpi=100)
    axes = fig.subplots(2, 2).ravel()
    for ax, name in zip(axes, NUMERIC):
        for s in species:
            vals = frame.loc[frame[TARGET] == s, name].dropna()
            ax.hist(vals, bins=20, alpha=0.5, color=colours[s], label=s)
        ax.set_xlabel(_UNITS[name])
        ax.set_ylabel("penguins")
        ax.legend(title="species")
    fig.suptitle("Distribution of each measurement, by species (Palmer penguins)")
    first = out_dir / CHARTS[0]
    fig.savefig(first, format="png")

    x, y = list(feature_separation(frame))[:2]
    fig = Figure(figsize=(10, 7), dpi=100)
    ax = fig.subplots()
    for s in species:
        rows = frame[frame[TARGET] == s]
        ax.scatter(rows[x], rows[y], color=colours[s], marker=markers[s], label=s, alpha=0.7)
    ax.set_xlabel(_UNITS[x])
    ax.set_ylabel(_UNITS[y])
    ax.legend(title="species")
    ax.set_title(f"The two most separating measurements: {_UNITS[x]} vs {_UNITS[y]}")
    second = out_dir / CHARTS[1]
    fig.savefig(second, format="png")
    return [first, second]


# %% Part 2 — Split without leakage -------------------------------------------------------------

from sklearn.base import clone
from sklearn.compose import ColumnTransformer
from sklearn.impute import SimpleImputer
from sklearn.linear_model import LogisticRegression
from sklearn.metrics import accuracy_score, confusion_matrix, f1_score
from sklearn.model_selection import StratifiedKFold, train_test_split
from sklearn.preprocessing import OneHotEncoder, StandardScaler


def split_data(frame: pd.DataFrame, seed: int, test_size: float = TEST_SIZE) -> Split:
    X = frame[list(FEATURES)]
    y = frame[TARGET]
    X_train, X_test, y_train, y_test = train_test_split(
        X, y, test_size=test_size, random_state=seed
    )
    return Split(X_train, X_test, y_train, y_test)


def make_pipeline(model: BaseEstimator) -> Pipeline:
    numeric = Pipeline(
        [("impute", SimpleImputer(strategy="median")), ("scale", StandardScaler())]
    )
    categorical = Pipeline(
        [
            ("impute", SimpleImputer(strategy="most_frequent")),
            ("onehot", OneHotEncoder(handle_unknown="ignore")),
        ]
    )
    pre = ColumnTransformer(
        [("numeric", numeric, list(NUMERIC)), ("categorical", categorical, list(CATEGORICAL))]
    )
    return Pipeline([("preprocess", pre), ("model", model)])


def fit_on_train(split: Split, model: BaseEstimator) -> Pipeline:
    return make_pipeline(model).fit(split.X_train, split.y_train)


# %% Part 3 — Baseline and model ----------------------------------------------------------------


def score(y_true: Any, y_pred: Any) -> float:
    return float(f1_score(y_true, y_pred, average="macro", zero_division=0))


def baseline() -> DummyClassifier:
    return DummyClassifier(strategy="most_frequent")


def candidate(seed: int) -> BaseEstimator:
    return LogisticRegression(max_iter=1000, random_state=seed)


def cross_validate_model(
    split: Split, model: BaseEstimator, seed: int, folds: int = FOLDS
) -> CVResult:
    cv = StratifiedKFold(n_splits=folds, shuffle=True, random_state=seed)
    X, y = split.X_train, split.y_train
    scores = []
    for train_idx, val_idx in cv.split(X, y):
        pipe = make_pipeline(clone(model))
        pipe.fit(X.iloc[train_idx], y.iloc[train_idx])
        scores.append(score(y.iloc[val_idx], pipe.predict(X.iloc[val_idx])))
    arr = np.asarray(scores, dtype=float)
    return CVResult(tuple(scores), float(arr.mean()), float(arr.std()))


def evaluate(split: Split, model: BaseEstimator, seed: int) -> Evaluation:
    cv = cross_validate_model(split, model, seed)
    pipe = fit_on_train(split, model)
    pred = pipe.predict(split.X_test)
    matrix = confusion_matrix(split.y_test, pred, labels=list(SPECIES))
    return Evaluation(
        model=type(model).__name__,
        cv=cv,
        holdout_f1=score(split.y_test, pred),
        holdout_accuracy=float(accuracy_score(split.y_test, pred)),
        confusion=tuple(tuple(int(v) for v in row) for row in matrix),
    )


# %% Part 4 — Experiment log and reproducibility ------------------------------------------------


def data_hash(frame: pd.DataFrame) -> str:
    h = hashlib.sha256()
    h.update(json.dumps([str(c) for c in frame.columns]).encode())
    h.update(str(len(frame)).encode())
    row_hashes = pd.util.hash_pandas_object(frame, index=True)
    h.update(row_hashes.to_numpy().tobytes())
    return h.hexdigest()


def git_commit(folder: Path) -> str:
    try:
        done = subprocess.run(
            ["git", "rev-parse", "HEAD"],
            cwd=folder,
            capture_output=True,
            text=True,
            timeout=10,
        )
    except (OSError, subprocess.SubprocessError):
        return ""
    if done.returncode != 0:
        return ""
    return done.stdout.strip()


_HEADER = ",".join(LOG_COLUMNS) + "\n"


def _cell(value: Any) -> str:
    if isinstance(value, str):
        text = value
    elif isinstance(value, (bool, np.bool_)):
        text = str(value)
    elif isinstance(value, (int, np.integer)):
        text = str(int(value))
    elif isinstance(value, (float, np.floating)):
        text = repr(float(value))
    else:
        text = str(value)
    if "\n" in text or "\r" in text:
        raise ValueError(f"a log value may not contain a line break: {text!r}")
    return text


def _format_line(record: RunRecord) -> str:
    cells = [_cell(getattr(record, name)) for name in LOG_COLUMNS]
    buf = io.StringIO()
    csv.writer(buf, lineterminator="\n").writerow(cells)
    return buf.getvalue()


def append_run(log_path: Path, record: RunRecord) -> None:
    line = _format_line(record).encode("utf-8")
    header = _HEADER.encode("utf-8")
    fd = os.open(log_path, os.O_WRONLY | os.O_APPEND | os.O_CREAT, 0o644)
    try:
        size = os.fstat(fd).st_size
        if size == 0:
            data = header + line
        else:
            with open(log_path, "rb") as f:
                f.seek(size - 1)
                last = f.read(1)
            data = line if last == b"\n" else b"\n" + line
        os.write(fd, data)
        os.fsync(fd)
    finally:
        os.close(fd)


_FLOATS = ("cv_f1_mean", "cv_f1_std", "holdout_f1", "holdout_accuracy", "baseline_holdout_f1")


def _parse(line: str) -> RunRecord | None:
    try:
        rows = list(csv.reader([line]))
    except csv.Error:
        return None
    if len(rows) != 1 or len(rows[0]) != len(LOG_COLUMNS):
        return None
    values: dict[str, Any] = dict(zip(LOG_COLUMNS, rows[0]))
    try:
        values["seed"] = int(values["seed"])
        for name in _FLOATS:
            values[name] = float(values[name])
    except ValueError:
        return None
    return RunRecord(**values)


def read_log(log_path: Path) -> list[RunRecord]:
    text = Path(log_path).read_bytes().decode("utf-8", errors="replace")
    lines = text.split("\n")
    if lines[0].rstrip("\r") != _HEADER.rstrip("\n"):
        raise ValueError(f"{log_path}: the first line is not the log header {_HEADER.strip()!r}")
    records = []
    for line in lines[1:]:
        if not line.strip():
            continue
        rec = _parse(line.rstrip("\r"))
        if rec is not None:
            records.append(rec)
    return records


def log_to_mlflow(record: RunRecord, tracking_dir: Path) -> bool:
    try:
        import mlflow
    except ImportError:
        return False
    key = "MLFLOW_ALLOW_FILE_STORE"
    before = os.environ.get(key)
    os.environ[key] = "true"
    try:
        tracking_dir = Path(tracking_dir).resolve()
        tracking_dir.mkdir(parents=True, exist_ok=True)
        mlflow.set_tracking_uri(tracking_dir.as_uri())
        with mlflow.start_run(run_name=record.run_id):
            mlflow.log_params(
                {"seed": record.seed, "model": record.model, "params": record.params}
            )
            mlflow.log_metrics({name: float(getattr(record, name)) for name in _FLOATS})
            mlflow.set_tags(
                {
                    "run_id": record.run_id,
                    "git_commit": record.git_commit,
                    "data_hash": record.data_hash,
                    "timestamp": record.timestamp,
                }
            )
    finally:
        if before is None:
            os.environ.pop(key, None)
        else:
            os.environ[key] = before
    return True


def run_experiment(frame: pd.DataFrame, seed: int, log_path: Path) -> Experiment:
    log_path = Path(log_path)
    split = split_data(frame, seed)
    model = candidate(seed)
    params = json.dumps(model.get_params(), sort_keys=True, default=str)
    model_eval = evaluate(split, model, seed)
    base_eval = evaluate(split, baseline(), seed)
    record = RunRecord(
        run_id=uuid.uuid4().hex,
        timestamp=datetime.now(timezone.utc).isoformat(timespec="seconds"),
        git_commit=git_commit(Path(__file__).resolve().parent),
        data_hash=data_hash(frame),
        seed=int(seed),
        model=model_eval.model,
        params=params,
        cv_f1_mean=model_eval.cv.mean,
        cv_f1_std=model_eval.cv.std,
        holdout_f1=model_eval.holdout_f1,
        holdout_accuracy=model_eval.holdout_accuracy,
        baseline_holdout_f1=base_eval.holdout_f1,
    )
    append_run(log_path, record)
    log_to_mlflow(record, log_path.parent / "mlruns")
    return Experiment(record, model=model_eval, baseline=base_eval)


# %% Try it: run this cell in VS Code / Jupyter, or `nox -s run -- data_ml_coding/foundational`
if __name__ == "__main__":
    penguins = load_data()
    print(profile(penguins))
