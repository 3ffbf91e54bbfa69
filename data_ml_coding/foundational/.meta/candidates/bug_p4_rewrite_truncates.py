"""Bug (part 4), based on correct_pure_python.py: rewrites the log in place with open('wb') and formats the new row inside the with block.

verdict: reject part 4
rule: "Rewriting the file (`open(path, "w")`) truncates it first: a crash between truncating and writing loses every earlier run."
how: rewrites the log in place with open('wb') and formats the new row inside the with block
differs on: append_run(log, record whose holdout_f1 raises on formatting): the log is left empty
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
# Style: plain Python loops wherever pandas/sklearn are not required; statistics module for
# summaries; F1 and the confusion matrix counted by hand; the log rewritten atomically through a
# temporary file and os.replace().

import csv
import hashlib
import json
import math
import os
import shutil
import statistics
import subprocess
import tempfile
import uuid
from datetime import datetime, timezone

import numpy as np


def _missing(v: Any) -> bool:
    if v is None:
        return True
    if isinstance(v, float) and math.isnan(v):
        return True
    try:
        return v is pd.NA or v is pd.NaT or bool(pd.isna(v))
    except (TypeError, ValueError):
        return False


def _dtype_kind(series: pd.Series) -> str:
    """'bool', 'int', 'float', 'text' or 'other'."""
    dt = series.dtype
    if pd.api.types.is_bool_dtype(dt):
        return "bool"
    if pd.api.types.is_integer_dtype(dt):
        return "int"
    if pd.api.types.is_float_dtype(dt):
        return "float"
    if pd.api.types.is_numeric_dtype(dt):
        return "float" if not pd.api.types.is_complex_dtype(dt) else "other"
    if isinstance(dt, pd.CategoricalDtype) or pd.api.types.is_string_dtype(dt) or dt == object:
        return "text"
    return "other"


def validate(frame: pd.DataFrame, contract: tuple[ColumnSpec, ...] = CONTRACT) -> pd.DataFrame:
    report: list[str] = []
    out: dict[str, Any] = {}
    for spec in contract:
        if spec.name not in frame.columns:
            report.append(f"column '{spec.name}' is missing")
            continue
        series = frame[spec.name]
        kind = _dtype_kind(series)
        wanted = ("int",) if spec.kind == "int" else ("int", "float") if spec.kind == "float" else ("text",)
        if kind not in wanted:
            report.append(f"column '{spec.name}': expected {spec.kind}, got dtype {series.dtype}")
            continue
        raw = series.tolist()
        n_missing = 0
        offenders: list[Any] = []
        cleaned: list[Any] = []
        for v in raw:
            if _missing(v):
                n_missing += 1
                cleaned.append(None)
                continue
            if spec.kind == "category":
                if v not in spec.categories and v not in offenders:
                    offenders.append(v)
                cleaned.append(v)
            else:
                num = float(v) if spec.kind == "float" else int(v)
                too_low = spec.low is not None and num < spec.low
                too_high = spec.high is not None and num > spec.high
                if (too_low or too_high) and num not in offenders:
                    offenders.append(num)
                cleaned.append(num)
        parts = []
        if n_missing and not spec.nullable:
            parts.append(f"{n_missing} missing value(s) where none is allowed")
        if offenders:
            label = "not an allowed category" if spec.kind == "category" else "out of range"
            parts.append(f"{label}: " + ", ".join(str(v) for v in offenders))
        if parts:
            report.append(f"column '{spec.name}': " + "; ".join(parts))
            continue
        if spec.kind == "float":
            out[spec.name] = pd.Series(
                [math.nan if v is None else v for v in cleaned], index=frame.index, dtype="float64"
            )
        elif spec.kind == "int":
            out[spec.name] = pd.Series(cleaned, index=frame.index, dtype="int64")
        else:
            out[spec.name] = pd.Series(
                pd.Categorical(cleaned, categories=list(spec.categories)), index=frame.index
            )
    if report:
        raise ContractError("data contract broken:\n  " + "\n  ".join(report))
    result = pd.DataFrame(out, index=frame.index)
    return result


def load_data() -> pd.DataFrame:
    import palmerpenguins

    return validate(palmerpenguins.load_penguins())


def _count_present(values: list[Any]) -> dict[str, int]:
    counts: dict[str, int] = {}
    for v in values:
        if _missing(v):
            continue
        counts[v] = counts.get(v, 0) + 1
    ordered = sorted(counts.items(), key=lambda kv: (-kv[1], str(kv[0])))
    return {k: n for k, n in ordered}


def profile(frame: pd.DataFrame) -> Profile:
    rows = len(frame)
    missing = {}
    row_flags = [False] * rows
    for col in frame.columns:
        n = 0
        for i, v in enumerate(frame[col].tolist()):
            if _missing(v):
                n += 1
                row_flags[i] = True
        missing[col] = n
    class_counts = _count_present(frame[TARGET].tolist())
    imbalance = max(class_counts.values()) / min(class_counts.values())
    numeric = {}
    for name in NUMERIC:
        vals = [float(v) for v in frame[name].tolist() if not _missing(v)]
        numeric[name] = NumericSummary(
            count=len(vals),
            mean=statistics.fmean(vals) if vals else math.nan,
            std=statistics.stdev(vals) if len(vals) > 1 else math.nan,
            min=min(vals) if vals else math.nan,
            max=max(vals) if vals else math.nan,
        )
    levels = {name: _count_present(frame[name].tolist()) for name in CATEGORICAL}
    return Profile(
        rows=rows,
        missing=missing,
        rows_with_missing=sum(row_flags),
        class_counts=class_counts,
        imbalance=imbalance,
        numeric=numeric,
        levels=levels,
    )


def feature_separation(frame: pd.DataFrame) -> dict[str, float]:
    from scipy.stats import f_oneway

    labels = frame[TARGET].tolist()
    scores = []
    for name in NUMERIC:
        groups: dict[Any, list[float]] = {}
        for label, v in zip(labels, frame[name].tolist()):
            if _missing(v) or _missing(label):
                continue
            groups.setdefault(label, []).append(float(v))
        stat = f_oneway(*[groups[k] for k in sorted(groups)]).statistic
        scores.append((name, float(stat)))
    scores.sort(key=lambda kv: kv[1], reverse=True)
    return dict(scores)


def save_eda_charts(frame: pd.DataFrame, out_dir: Path) -> list[Path]:
    import matplotlib

    matplotlib.use("Agg", force=False)
    import matplotlib.pyplot as plt

    out_dir = Path(out_dir)
    os.makedirs(out_dir, exist_ok=True)
    units = {"mm": "mm", "g": "g"}
    pretty = {}
    for name in NUMERIC:
        *words, unit = name.split("_")
        pretty[name] = f"{' '.join(words)} ({units[unit]})"
    present = [s for s in SPECIES if s in set(frame[TARGET].tolist())]

    fig, axes = plt.subplots(1, 4, figsize=(16, 6), dpi=100)
    for ax, name in zip(axes, NUMERIC):
        data = [frame.loc[frame[TARGET] == s, name].dropna().to_numpy() for s in present]
        ax.hist(data, bins=15, histtype="step", linewidth=2, label=present)
        ax.set_xlabel(pretty[name])
        ax.set_ylabel("count of penguins")
        ax.set_title(pretty[name])
        ax.legend()
    fig.suptitle("Palmer penguins: measurement distributions per species")
    fig.tight_layout()
    paths = [out_dir / CHARTS[0], out_dir / CHARTS[1]]
    fig.savefig(paths[0], dpi=100)
    plt.close(fig)

    first, second = list(feature_separation(frame))[:2]
    fig, ax = plt.subplots(figsize=(9, 6), dpi=100)
    for s, marker in zip(present, "osD^v"):
        sub = frame[frame[TARGET] == s]
        ax.scatter(sub[first], sub[second], marker=marker, label=s, alpha=0.75)
    ax.set_xlabel(pretty[first])
    ax.set_ylabel(pretty[second])
    ax.set_title(f"Penguins by species: {pretty[first]} against {pretty[second]}")
    ax.legend(title="species")
    fig.savefig(paths[1], dpi=100)
    plt.close(fig)
    return paths


# %% Part 2 — Split without leakage -------------------------------------------------------------

from sklearn.base import clone
from sklearn.compose import ColumnTransformer
from sklearn.ensemble import RandomForestClassifier
from sklearn.impute import SimpleImputer
from sklearn.model_selection import StratifiedKFold, StratifiedShuffleSplit
from sklearn.preprocessing import OneHotEncoder, StandardScaler


def split_data(frame: pd.DataFrame, seed: int, test_size: float = TEST_SIZE) -> Split:
    y = frame[TARGET]
    X = frame.loc[:, list(FEATURES)]
    splitter = StratifiedShuffleSplit(n_splits=1, test_size=test_size, random_state=seed)
    train_pos, test_pos = next(splitter.split(X, y))
    return Split(
        X_train=X.iloc[train_pos],
        X_test=X.iloc[test_pos],
        y_train=y.iloc[train_pos],
        y_test=y.iloc[test_pos],
    )


def make_pipeline(model: BaseEstimator) -> Pipeline:
    steps = ColumnTransformer(
        transformers=[
            (
                "num",
                Pipeline(
                    steps=[
                        ("median", SimpleImputer(strategy="median")),
                        ("standardize", StandardScaler()),
                    ]
                ),
                list(NUMERIC),
            ),
            (
                "cat",
                Pipeline(
                    steps=[
                        ("mode", SimpleImputer(strategy="most_frequent")),
                        ("one_hot", OneHotEncoder(handle_unknown="ignore", sparse_output=False)),
                    ]
                ),
                list(CATEGORICAL),
            ),
        ],
        remainder="drop",
    )
    return Pipeline(steps=[("prep", steps), ("clf", model)])


def fit_on_train(split: Split, model: BaseEstimator) -> Pipeline:
    pipeline = make_pipeline(model)
    pipeline.fit(split.X_train, split.y_train)
    return pipeline


# %% Part 3 — Baseline and model ----------------------------------------------------------------


def score(y_true: Any, y_pred: Any) -> float:
    truth = [str(v) for v in list(y_true)]
    guess = [str(v) for v in list(y_pred)]
    if len(truth) != len(guess):
        raise ValueError("y_true and y_pred differ in length")
    classes = sorted(set(truth) | set(guess))
    if not classes:
        return 0.0
    total = 0.0
    for c in classes:
        tp = sum(1 for t, p in zip(truth, guess) if t == c and p == c)
        fp = sum(1 for t, p in zip(truth, guess) if t != c and p == c)
        fn = sum(1 for t, p in zip(truth, guess) if t == c and p != c)
        denom = 2 * tp + fp + fn
        total += (2 * tp / denom) if denom else 0.0
    return total / len(classes)


def baseline() -> DummyClassifier:
    return DummyClassifier(strategy="prior")


def candidate(seed: int) -> BaseEstimator:
    return RandomForestClassifier(n_estimators=200, random_state=seed)


def cross_validate_model(
    split: Split, model: BaseEstimator, seed: int, folds: int = FOLDS
) -> CVResult:
    kfold = StratifiedKFold(n_splits=folds, shuffle=True, random_state=seed)
    results = []
    X, y = split.X_train, split.y_train
    for fit_rows, check_rows in kfold.split(X, y):
        fold_pipe = clone(make_pipeline(model))
        fold_pipe.fit(X.iloc[fit_rows], y.iloc[fit_rows])
        results.append(score(y.iloc[check_rows], fold_pipe.predict(X.iloc[check_rows])))
    return CVResult(
        scores=tuple(results),
        mean=statistics.fmean(results),
        std=statistics.pstdev(results),
    )


def evaluate(split: Split, model: BaseEstimator, seed: int) -> Evaluation:
    cv = cross_validate_model(split, model, seed)
    fitted = fit_on_train(split, model)
    truth = [str(v) for v in split.y_test.tolist()]
    guess = [str(v) for v in fitted.predict(split.X_test)]
    position = {s: i for i, s in enumerate(SPECIES)}
    table = [[0] * len(SPECIES) for _ in SPECIES]
    for t, p in zip(truth, guess):
        if t in position and p in position:
            table[position[t]][position[p]] += 1
    hits = sum(1 for t, p in zip(truth, guess) if t == p)
    return Evaluation(
        model=model.__class__.__name__,
        cv=cv,
        holdout_f1=score(truth, guess),
        holdout_accuracy=hits / len(truth),
        confusion=tuple(tuple(row) for row in table),
    )


# %% Part 4 — Experiment log and reproducibility ------------------------------------------------


def _token(v: Any) -> str:
    if _missing(v):
        return "\x00NA"
    if isinstance(v, (float, np.floating)):
        return "f:" + repr(float(v))
    if isinstance(v, (bool, np.bool_)):
        return "b:" + str(bool(v))
    if isinstance(v, (int, np.integer)):
        return "i:" + str(int(v))
    return "s:" + str(v)


def data_hash(frame: pd.DataFrame) -> str:
    digest = hashlib.sha256()
    digest.update(("columns:" + json.dumps([str(c) for c in frame.columns]) + "\n").encode())
    for row in frame.itertuples(index=False, name=None):
        digest.update(("\x1f".join(_token(v) for v in row) + "\n").encode())
    return digest.hexdigest()


def git_commit(folder: Path) -> str:
    if shutil.which("git") is None:
        return ""
    try:
        result = subprocess.run(
            ["git", "rev-parse", "--verify", "HEAD"],
            cwd=str(folder),
            check=True,
            stdout=subprocess.PIPE,
            stderr=subprocess.DEVNULL,
            text=True,
        )
    except (subprocess.CalledProcessError, OSError):
        return ""
    return result.stdout.strip()


def _text(value: Any) -> str:
    if isinstance(value, str):
        return value
    if isinstance(value, (float, np.floating)):
        return repr(float(value))
    return str(value)


def _line_of(record: RunRecord) -> bytes:
    cells = [_text(getattr(record, column)) for column in LOG_COLUMNS]
    for column, cell in zip(LOG_COLUMNS, cells):
        if "\n" in cell or "\r" in cell:
            raise ValueError(f"{column} holds a line break; one record must be one line")

    class _Sink:
        def __init__(self) -> None:
            self.parts: list[str] = []

        def write(self, s: str) -> None:
            self.parts.append(s)

    sink = _Sink()
    csv.writer(sink, lineterminator="\n").writerow(cells)
    return "".join(sink.parts).encode("utf-8")


def append_run(log_path: Path, record: RunRecord) -> None:
    log_path = Path(log_path)
    old = log_path.read_bytes() if log_path.exists() else b""
    if not old:
        old = (",".join(LOG_COLUMNS) + "\n").encode("utf-8")
    elif not old.endswith(b"\n"):
        old = old + b"\n"
    with open(log_path, "wb") as handle:
        handle.write(old + _line_of(record))
        handle.flush()
        os.fsync(handle.fileno())
    return
    fd, tmp = tempfile.mkstemp(dir=str(log_path.parent), prefix=log_path.name + ".", suffix=".tmp")
    try:
        with os.fdopen(fd, "wb") as handle:
            handle.write(new)
            handle.flush()
            os.fsync(handle.fileno())
        os.replace(tmp, log_path)
    except BaseException:
        if os.path.exists(tmp):
            os.unlink(tmp)
        raise


def read_log(log_path: Path) -> list[RunRecord]:
    log_path = Path(log_path)
    if not log_path.exists():
        return []
    raw = log_path.read_bytes()
    if not raw:
        return []
    lines = raw.split(b"\n")
    header = lines[0].decode("utf-8", errors="replace")
    if header != ",".join(LOG_COLUMNS):
        raise ValueError(f"not an experiment log: bad header line {header[:80]!r}")
    # the last element is what follows the final "\n": empty, or a torn line (no "\n")
    complete = lines[1:-1]
    records: list[RunRecord] = []
    for chunk in complete:
        text = chunk.decode("utf-8", errors="replace")
        try:
            fields = next(csv.reader([text], strict=True))
        except (csv.Error, StopIteration):
            continue
        if len(fields) != len(LOG_COLUMNS):
            continue
        row = dict(zip(LOG_COLUMNS, fields))
        try:
            record = RunRecord(
                run_id=row["run_id"],
                timestamp=row["timestamp"],
                git_commit=row["git_commit"],
                data_hash=row["data_hash"],
                seed=int(row["seed"]),
                model=row["model"],
                params=row["params"],
                cv_f1_mean=float(row["cv_f1_mean"]),
                cv_f1_std=float(row["cv_f1_std"]),
                holdout_f1=float(row["holdout_f1"]),
                holdout_accuracy=float(row["holdout_accuracy"]),
                baseline_holdout_f1=float(row["baseline_holdout_f1"]),
            )
        except ValueError:
            continue
        records.append(record)
    return records


def log_to_mlflow(record: RunRecord, tracking_dir: Path) -> bool:
    try:
        import mlflow
    except ImportError:
        return False
    saved = os.environ.get("MLFLOW_ALLOW_FILE_STORE")
    os.environ["MLFLOW_ALLOW_FILE_STORE"] = "true"
    try:
        mlflow.set_tracking_uri(Path(tracking_dir).absolute().as_uri())
        with mlflow.start_run(run_name=record.run_id):
            for key in ("seed", "model", "params"):
                mlflow.log_param(key, getattr(record, key))
            for key in ("cv_f1_mean", "cv_f1_std", "holdout_f1", "holdout_accuracy", "baseline_holdout_f1"):
                mlflow.log_metric(key, float(getattr(record, key)))
            mlflow.set_tag("git_commit", record.git_commit)
            mlflow.set_tag("data_hash", record.data_hash)
    finally:
        if saved is None:
            del os.environ["MLFLOW_ALLOW_FILE_STORE"]
        else:
            os.environ["MLFLOW_ALLOW_FILE_STORE"] = saved
    return True


def run_experiment(frame: pd.DataFrame, seed: int, log_path: Path) -> Experiment:
    split = split_data(frame, seed)
    real = candidate(seed)
    real_eval = evaluate(split, real, seed)
    base_eval = evaluate(split, baseline(), seed)
    record = RunRecord(
        run_id=uuid.uuid4().hex,
        timestamp=datetime.now(timezone.utc).isoformat(),
        git_commit=git_commit(Path(__file__).resolve().parent),
        data_hash=data_hash(frame),
        seed=seed,
        model=real.__class__.__name__,
        params=json.dumps(real.get_params(), sort_keys=True, default=str),
        cv_f1_mean=real_eval.cv.mean,
        cv_f1_std=real_eval.cv.std,
        holdout_f1=real_eval.holdout_f1,
        holdout_accuracy=real_eval.holdout_accuracy,
        baseline_holdout_f1=base_eval.holdout_f1,
    )
    log_path = Path(log_path)
    append_run(log_path, record)
    log_to_mlflow(record, log_path.parent / "mlruns")
    return Experiment(record=record, model=real_eval, baseline=base_eval)


# %% Try it: run this cell in VS Code / Jupyter, or `nox -s run -- data_ml_coding/foundational`
if __name__ == "__main__":
    penguins = load_data()
    print(profile(penguins))
