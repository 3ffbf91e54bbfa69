"""Bug (part 2), based on correct_defensive.py: resets the index of every half 'to tidy up'.

verdict: reject part 2
rule: "every row lands in exactly one half under its original index, values unchanged."
how: resets the index of every half 'to tidy up'
differs on: split_data(load_data(), 1).X_test.index == range(86), not the original row labels
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
# Style: very defensive. Arguments are type-checked, every helper validates its input, writes are
# checked for completeness, and a log line that is not newline-terminated is treated as torn.

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
from pandas.api.types import (
    is_bool_dtype,
    is_float_dtype,
    is_integer_dtype,
    is_numeric_dtype,
    is_object_dtype,
    is_string_dtype,
)


def _require_frame(frame: Any) -> pd.DataFrame:
    if not isinstance(frame, pd.DataFrame):
        raise TypeError(f"expected a pandas DataFrame, got {type(frame).__name__}")
    return frame


def _isna_scalar(value: Any) -> bool:
    if value is None or value is pd.NA:
        return True
    try:
        result = pd.isna(value)
    except (TypeError, ValueError):
        return False
    return bool(result) if np.ndim(result) == 0 else False


def _check_number_column(spec: ColumnSpec, col: pd.Series) -> tuple[list[str], pd.Series | None]:
    problems: list[str] = []
    dtype = col.dtype
    if is_bool_dtype(dtype) or not is_numeric_dtype(dtype) or (
        spec.kind == "int" and not is_integer_dtype(dtype)
    ):
        problems.append(f"wrong dtype: expected {spec.kind}, got dtype {dtype}")
        return problems, None
    if not (is_integer_dtype(dtype) or is_float_dtype(dtype)):
        problems.append(f"wrong dtype: {dtype} is not a real number type")
        return problems, None
    as_float = pd.Series(col.to_numpy(dtype="float64", na_value=np.nan), index=col.index)
    missing = as_float.isna()
    if missing.any() and not spec.nullable:
        problems.append(f"{int(missing.sum())} missing value(s) but the column is not nullable")
    present = as_float[~missing]
    too_low = present < spec.low if spec.low is not None else pd.Series(False, index=present.index)
    too_high = present > spec.high if spec.high is not None else pd.Series(False, index=present.index)
    outside = present[too_low | too_high]
    if len(outside):
        if spec.kind == "int":
            shown = [int(v) for v in outside.unique()]
        else:
            shown = [float(v) for v in outside.unique()]
        problems.append(
            f"value(s) outside [{spec.low}, {spec.high}]: " + ", ".join(str(v) for v in shown)
        )
    if problems:
        return problems, None
    if spec.kind == "int":
        return problems, pd.Series(col.to_numpy(dtype="int64"), index=col.index, name=spec.name)
    return problems, as_float.rename(spec.name)


def _check_category_column(spec: ColumnSpec, col: pd.Series) -> tuple[list[str], pd.Series | None]:
    problems: list[str] = []
    dtype = col.dtype
    if not (isinstance(dtype, pd.CategoricalDtype) or is_object_dtype(dtype) or is_string_dtype(dtype)):
        problems.append(f"wrong dtype: expected text or category, got dtype {dtype}")
        return problems, None
    values = col.astype(object).tolist()
    missing = [i for i, v in enumerate(values) if _isna_scalar(v)]
    if missing and not spec.nullable:
        problems.append(f"{len(missing)} missing value(s) but the column is not nullable")
    unknown: list[Any] = []
    allowed = set(spec.categories)
    for v in values:
        if _isna_scalar(v):
            continue
        try:
            ok = v in allowed
        except TypeError:  # unhashable
            ok = False
        if not ok and v not in unknown:
            unknown.append(v)
    if unknown:
        problems.append(
            f"value(s) not among {list(spec.categories)}: " + ", ".join(str(v) for v in unknown)
        )
    if problems:
        return problems, None
    cleaned = [None if _isna_scalar(v) else v for v in values]
    cat = pd.Categorical(cleaned, categories=list(spec.categories), ordered=False)
    return problems, pd.Series(cat, index=col.index, name=spec.name)


def validate(frame: pd.DataFrame, contract: tuple[ColumnSpec, ...] = CONTRACT) -> pd.DataFrame:
    _require_frame(frame)
    if len(set(s.name for s in contract)) != len(contract):
        raise ValueError("the contract names a column twice")
    messages: list[str] = []
    out: dict[str, pd.Series] = {}
    for spec in contract:
        if spec.name not in frame.columns:
            messages.append(f"column {spec.name!r} is missing")
            continue
        col = frame[spec.name]
        if isinstance(col, pd.DataFrame):  # duplicated column label
            messages.append(f"column {spec.name!r}: appears more than once (dtype ambiguous)")
            continue
        if spec.kind == "category":
            problems, typed = _check_category_column(spec, col)
        elif spec.kind in ("float", "int"):
            problems, typed = _check_number_column(spec, col)
        else:
            raise ValueError(f"unknown column kind {spec.kind!r}")
        if problems:
            messages.append(f"column {spec.name!r}: " + "; ".join(problems))
        else:
            out[spec.name] = typed
    if messages:
        raise ContractError("data contract broken:\n" + "\n".join("  " + m for m in messages))
    result = pd.DataFrame(out, index=frame.index.copy())
    return result[[s.name for s in contract]]


def load_data() -> pd.DataFrame:
    from palmerpenguins import load_penguins

    raw = load_penguins()
    return validate(raw)


def _present_counts(col: pd.Series) -> dict[str, int]:
    counts: dict[str, int] = {}
    for v in col.astype(object).tolist():
        if _isna_scalar(v):
            continue
        key = str(v)
        counts[key] = counts.get(key, 0) + 1
    return dict(sorted(counts.items(), key=lambda kv: (-kv[1], kv[0])))


def profile(frame: pd.DataFrame) -> Profile:
    _require_frame(frame)
    for name in (TARGET, *NUMERIC, *CATEGORICAL):
        if name not in frame.columns:
            raise KeyError(f"profile needs column {name!r}")
    na = frame.isna()
    class_counts = _present_counts(frame[TARGET])
    if class_counts:
        imbalance = max(class_counts.values()) / min(class_counts.values())
    else:
        imbalance = math.nan
    numeric: dict[str, NumericSummary] = {}
    for name in NUMERIC:
        desc = pd.to_numeric(frame[name], errors="coerce").astype("float64").describe()
        numeric[name] = NumericSummary(
            count=int(desc["count"]),
            mean=float(desc["mean"]),
            std=float(desc["std"]),
            min=float(desc["min"]),
            max=float(desc["max"]),
        )
    return Profile(
        rows=int(frame.shape[0]),
        missing={str(c): int(na[c].sum()) for c in frame.columns},
        rows_with_missing=int(na.any(axis=1).sum()),
        class_counts=class_counts,
        imbalance=float(imbalance),
        numeric=numeric,
        levels={name: _present_counts(frame[name]) for name in CATEGORICAL},
    )


def feature_separation(frame: pd.DataFrame) -> dict[str, float]:
    from scipy.stats import f_oneway

    _require_frame(frame)
    labels = frame[TARGET].astype(object)
    present_species = [s for s in SPECIES if (labels == s).any()]
    others = sorted({str(v) for v in labels.dropna()} - set(SPECIES))
    stats: list[tuple[str, float]] = []
    for name in NUMERIC:
        values = pd.to_numeric(frame[name], errors="coerce").astype("float64")
        groups = []
        for s in present_species + others:
            g = values[(labels.astype(str) == s) & values.notna()].to_numpy()
            if g.size:
                groups.append(g)
        if len(groups) < 2:
            stats.append((name, math.nan))
            continue
        stats.append((name, float(f_oneway(*groups).statistic)))
    stats.sort(key=lambda kv: (-kv[1] if not math.isnan(kv[1]) else math.inf))
    return dict(stats)


def save_eda_charts(frame: pd.DataFrame, out_dir: Path) -> list[Path]:
    from matplotlib.figure import Figure

    _require_frame(frame)
    out_dir = Path(out_dir)
    out_dir.mkdir(parents=True, exist_ok=True)
    nice = {
        "bill_length_mm": "bill length / mm",
        "bill_depth_mm": "bill depth / mm",
        "flipper_length_mm": "flipper length / mm",
        "body_mass_g": "body mass / g",
    }
    colours = {"Adelie": "darkorange", "Chinstrap": "purple", "Gentoo": "teal"}
    markers = {"Adelie": "o", "Chinstrap": "s", "Gentoo": "^"}
    labels = frame[TARGET].astype(object)
    present = [s for s in SPECIES if (labels == s).any()]

    paths = [out_dir / CHARTS[0], out_dir / CHARTS[1]]
    fig = Figure(figsize=(12, 9), dpi=100)
    axes = fig.subplots(2, 2)
    for ax, name in zip(axes.ravel(), NUMERIC):
        for s in present:
            v = frame.loc[labels == s, name].dropna().to_numpy(dtype=float)
            if v.size == 0:
                continue
            ax.hist(v, bins=20, density=True, alpha=0.4, color=colours[s], label=s)
        ax.set_xlabel(nice[name])
        ax.set_ylabel("density")
        ax.set_title(f"{nice[name].split(' / ')[0]} by species")
        ax.legend()
    fig.suptitle("Palmer penguins: distribution of the four measurements, per species")
    fig.subplots_adjust(hspace=0.35)
    fig.savefig(paths[0], format="png", dpi=100)

    order = list(feature_separation(frame))
    x, y = order[0], order[1]
    fig = Figure(figsize=(10, 7), dpi=100)
    ax = fig.add_subplot(1, 1, 1)
    for s in present:
        sub = frame[labels == s]
        ax.scatter(sub[x], sub[y], color=colours[s], marker=markers[s], label=s, alpha=0.8)
    ax.set_xlabel(nice[x])
    ax.set_ylabel(nice[y])
    ax.set_title(f"Palmer penguins: {nice[x].split(' / ')[0]} vs {nice[y].split(' / ')[0]} (most separating)")
    ax.legend(title="species")
    fig.savefig(paths[1], format="png", dpi=100)
    for p in paths:
        if not p.is_file() or p.stat().st_size == 0:
            raise OSError(f"chart {p} was not written")
    return paths


# %% Part 2 — Split without leakage -------------------------------------------------------------

from sklearn.base import clone
from sklearn.compose import ColumnTransformer
from sklearn.ensemble import GradientBoostingClassifier
from sklearn.impute import SimpleImputer
from sklearn.metrics import accuracy_score, confusion_matrix, f1_score
from sklearn.model_selection import StratifiedKFold, train_test_split
from sklearn.preprocessing import OneHotEncoder, StandardScaler


def split_data(frame: pd.DataFrame, seed: int, test_size: float = TEST_SIZE) -> Split:
    _require_frame(frame)
    if isinstance(seed, bool) or not isinstance(seed, (int, np.integer)):
        raise TypeError("seed must be an int")
    if not 0 < test_size < 1:
        raise ValueError("test_size must lie strictly between 0 and 1")
    missing = [c for c in (*FEATURES, TARGET) if c not in frame.columns]
    if missing:
        raise KeyError(f"split_data needs columns {missing}")
    X = frame.loc[:, list(FEATURES)].copy()
    y = frame[TARGET].copy()
    X_train, X_test, y_train, y_test = train_test_split(
        X, y, test_size=test_size, random_state=int(seed), shuffle=True, stratify=y
    )
    assert len(X_test) == math.ceil(test_size * len(frame))
    X_train, X_test, y_train, y_test = (
        p.reset_index(drop=True) for p in (X_train, X_test, y_train, y_test)
    )
    return Split(X_train=X_train, X_test=X_test, y_train=y_train, y_test=y_test)


def make_pipeline(model: BaseEstimator) -> Pipeline:
    if not hasattr(model, "fit"):
        raise TypeError("model must be a scikit-learn estimator")
    numeric_steps = Pipeline(
        steps=[("impute_median", SimpleImputer(strategy="median")), ("scale", StandardScaler())]
    )
    categorical_steps = Pipeline(
        steps=[
            ("impute_mode", SimpleImputer(strategy="most_frequent")),
            ("one_hot", OneHotEncoder(handle_unknown="ignore", sparse_output=False)),
        ]
    )
    preprocess = ColumnTransformer(
        transformers=[
            ("numeric", numeric_steps, list(NUMERIC)),
            ("categorical", categorical_steps, list(CATEGORICAL)),
        ],
        remainder="drop",
        sparse_threshold=0,
        verbose_feature_names_out=True,
    )
    return Pipeline(steps=[("preprocess", preprocess), ("model", model)])


def fit_on_train(split: Split, model: BaseEstimator) -> Pipeline:
    if len(split.X_train) != len(split.y_train):
        raise ValueError("X_train and y_train differ in length")
    pipe = make_pipeline(model)
    pipe.fit(split.X_train, split.y_train)
    return pipe


# %% Part 3 — Baseline and model ----------------------------------------------------------------


def score(y_true: Any, y_pred: Any) -> float:
    t = list(y_true)
    p = list(y_pred)
    if len(t) != len(p):
        raise ValueError(f"y_true has {len(t)} labels, y_pred {len(p)}")
    if not t:
        raise ValueError("cannot score an empty prediction")
    return float(
        f1_score(
            np.asarray(t, dtype=object), np.asarray(p, dtype=object), average="macro", zero_division=0
        )
    )


def baseline() -> DummyClassifier:
    return DummyClassifier(strategy="most_frequent")


def candidate(seed: int) -> BaseEstimator:
    return GradientBoostingClassifier(n_estimators=100, random_state=seed)


def cross_validate_model(
    split: Split, model: BaseEstimator, seed: int, folds: int = FOLDS
) -> CVResult:
    if folds < 2:
        raise ValueError("need at least 2 folds")
    X = split.X_train
    y = split.y_train
    splitter = StratifiedKFold(n_splits=folds, shuffle=True, random_state=seed)
    fold_scores: list[float] = []
    for fit_idx, val_idx in splitter.split(X, y):
        assert not set(X.index[fit_idx]) & set(X.index[val_idx])
        pipe = make_pipeline(clone(model))
        pipe.fit(X.iloc[fit_idx], y.iloc[fit_idx])
        fold_scores.append(score(y.iloc[val_idx], pipe.predict(X.iloc[val_idx])))
    arr = np.array(fold_scores, dtype=np.float64)
    return CVResult(scores=tuple(float(s) for s in fold_scores), mean=float(np.mean(arr)),
                    std=float(np.std(arr, ddof=0)))


def evaluate(split: Split, model: BaseEstimator, seed: int) -> Evaluation:
    cv = cross_validate_model(split, model, seed)
    fitted = fit_on_train(split, model)
    y_true = np.asarray(split.y_test, dtype=object)
    y_pred = np.asarray(fitted.predict(split.X_test), dtype=object)
    cm = confusion_matrix(y_true, y_pred, labels=list(SPECIES))
    return Evaluation(
        model=type(model).__name__,
        cv=cv,
        holdout_f1=score(y_true, y_pred),
        holdout_accuracy=float(accuracy_score(y_true, y_pred)),
        confusion=tuple(tuple(int(x) for x in row) for row in cm.tolist()),
    )


# %% Part 4 — Experiment log and reproducibility ------------------------------------------------


def _json_cell(v: Any) -> Any:
    if _isna_scalar(v):
        return None
    if isinstance(v, (bool, np.bool_)):
        return {"b": bool(v)}
    if isinstance(v, (int, np.integer)):
        return {"i": int(v)}
    if isinstance(v, (float, np.floating)):
        return {"f": repr(float(v))}
    return {"s": str(v)}


def data_hash(frame: pd.DataFrame) -> str:
    _require_frame(frame)
    payload = {
        "columns": [str(c) for c in frame.columns],
        "index": [str(i) for i in frame.index],
        "data": [[_json_cell(v) for v in frame[c].astype(object).tolist()] for c in frame.columns],
    }
    text = json.dumps(payload, separators=(",", ":"), ensure_ascii=True)
    return hashlib.sha256(text.encode("ascii")).hexdigest()


def git_commit(folder: Path) -> str:
    folder = Path(folder)
    if not folder.is_dir():
        return ""
    env = dict(os.environ, LC_ALL="C", GIT_TERMINAL_PROMPT="0")
    try:
        proc = subprocess.run(
            ["git", "rev-parse", "HEAD"],
            cwd=folder,
            stdin=subprocess.DEVNULL,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            env=env,
            timeout=15,
            check=False,
        )
    except (FileNotFoundError, PermissionError, NotADirectoryError, OSError, subprocess.TimeoutExpired):
        return ""
    if proc.returncode != 0:
        return ""
    sha = proc.stdout.decode("ascii", errors="replace").strip()
    if len(sha) not in (40, 64) or any(c not in "0123456789abcdef" for c in sha.lower()):
        return ""
    return sha


_FLOAT_COLUMNS = ("cv_f1_mean", "cv_f1_std", "holdout_f1", "holdout_accuracy", "baseline_holdout_f1")
_LINE_BREAKS = ("\n", "\r", "\x0b", "\x0c", "\x1c", "\x1d", "\x1e", "\x85", "\u2028", "\u2029")


def _format_value(name: str, value: Any) -> str:
    if name == "seed":
        if isinstance(value, bool):
            raise TypeError("seed must be an int, not a bool")
        text = str(int(value))
    elif name in _FLOAT_COLUMNS:
        text = repr(float(value))
    elif isinstance(value, str):
        text = value
    else:
        text = str(value)
    if any(b in text for b in _LINE_BREAKS):
        raise ValueError(f"log value {name!r} contains a line break; one row must be one line")
    return text


def _format_row(record: RunRecord) -> bytes:
    cells = [_format_value(name, getattr(record, name)) for name in LOG_COLUMNS]
    buf = io.StringIO()
    csv.writer(buf, lineterminator="\n", quoting=csv.QUOTE_MINIMAL).writerow(cells)
    text = buf.getvalue()
    if text.count("\n") != 1 or not text.endswith("\n"):
        raise ValueError("a log row must be exactly one line")
    return text.encode("utf-8")


def append_run(log_path: Path, record: RunRecord) -> None:
    if not isinstance(record, RunRecord):
        raise TypeError("record must be a RunRecord")
    log_path = Path(log_path)
    row = _format_row(record)  # everything that can fail on the record fails here
    header = (",".join(LOG_COLUMNS) + "\n").encode("utf-8")
    created = not log_path.exists()
    flags = os.O_WRONLY | os.O_APPEND | os.O_CREAT | getattr(os, "O_CLOEXEC", 0)
    fd = os.open(log_path, flags, 0o644)
    try:
        size = os.fstat(fd).st_size
        if size == 0:
            data = header + row
        else:
            with open(log_path, "rb") as reader:
                reader.seek(size - 1)
                data = row if reader.read(1) == b"\n" else b"\n" + row
        written = os.write(fd, data)
        if written != len(data):
            raise OSError(f"short write to {log_path}: {written} of {len(data)} bytes")
        os.fsync(fd)
    finally:
        os.close(fd)
    if created:
        try:
            dir_fd = os.open(log_path.parent, os.O_RDONLY)
        except OSError:
            return
        try:
            os.fsync(dir_fd)
        except OSError:
            pass
        finally:
            os.close(dir_fd)


def _parse_row(text: str) -> RunRecord | None:
    try:
        fields = next(csv.reader([text], strict=True))
    except (csv.Error, StopIteration):
        return None
    if len(fields) != len(LOG_COLUMNS):
        return None
    values: dict[str, Any] = dict(zip(LOG_COLUMNS, fields))
    try:
        values["seed"] = int(values["seed"])
        for name in _FLOAT_COLUMNS:
            values[name] = float(values[name])
    except ValueError:
        return None
    return RunRecord(**values)


def read_log(log_path: Path) -> list[RunRecord]:
    data = Path(log_path).read_bytes()
    header = ",".join(LOG_COLUMNS)
    first, sep, rest = data.partition(b"\n")
    if first.decode("utf-8", errors="replace").rstrip("\r") != header:
        raise ValueError(f"{log_path}: first line is not the experiment-log header ({header})")
    records: list[RunRecord] = []
    pieces = rest.split(b"\n")
    # the last piece follows the final "\n": empty, or a torn line that never got its "\n"
    for piece in pieces[:-1]:
        if not piece.strip():
            continue
        rec = _parse_row(piece.decode("utf-8", errors="replace"))
        if rec is not None:
            records.append(rec)
    return records


def log_to_mlflow(record: RunRecord, tracking_dir: Path) -> bool:
    try:
        import mlflow
    except ImportError:
        return False
    if mlflow is None:
        return False
    name = "MLFLOW_ALLOW_FILE_STORE"
    had, old = name in os.environ, os.environ.get(name)
    os.environ[name] = "true"
    try:
        tracking_dir = Path(tracking_dir).resolve()
        mlflow.set_tracking_uri(tracking_dir.as_uri())
        with mlflow.start_run(run_name=record.run_id):
            mlflow.log_params({"seed": record.seed, "model": record.model, "params": record.params[:6000]})
            mlflow.log_metrics({n: float(getattr(record, n)) for n in _FLOAT_COLUMNS})
            mlflow.set_tags(
                {"git_commit": record.git_commit, "data_hash": record.data_hash, "run_id": record.run_id}
            )
    finally:
        if had:
            os.environ[name] = old  # type: ignore[assignment]
        else:
            os.environ.pop(name, None)
    return True


def run_experiment(frame: pd.DataFrame, seed: int, log_path: Path) -> Experiment:
    _require_frame(frame)
    log_path = Path(log_path)
    split = split_data(frame, seed)
    model = candidate(seed)
    model_eval = evaluate(split, model, seed)
    base_eval = evaluate(split, baseline(), seed)
    record = RunRecord(
        run_id=uuid.uuid4().hex,
        timestamp=datetime.now(tz=timezone.utc).isoformat(timespec="milliseconds"),
        git_commit=git_commit(Path(__file__).resolve().parent),
        data_hash=data_hash(frame),
        seed=int(seed),
        model=type(model).__name__,
        params=json.dumps(model.get_params(), sort_keys=True, default=str),
        cv_f1_mean=float(model_eval.cv.mean),
        cv_f1_std=float(model_eval.cv.std),
        holdout_f1=float(model_eval.holdout_f1),
        holdout_accuracy=float(model_eval.holdout_accuracy),
        baseline_holdout_f1=float(base_eval.holdout_f1),
    )
    append_run(log_path, record)
    log_to_mlflow(record, log_path.parent / "mlruns")
    return Experiment(record=record, model=model_eval, baseline=base_eval)


# %% Try it: run this cell in VS Code / Jupyter, or `nox -s run -- data_ml_coding/foundational`
if __name__ == "__main__":
    penguins = load_data()
    print(profile(penguins))
