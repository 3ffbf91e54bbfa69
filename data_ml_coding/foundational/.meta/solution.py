"""Penguin species from body measurements: profile the data, split it without leaking, beat a
baseline honestly, and log every run so that it can be reproduced.

Glossary:
- data contract: the columns, dtypes, allowed categories and value ranges the code relies on,
  checked once at the door so that later code never meets a surprise.
- leakage: information from the hold-out (test) rows reaching anything that is fitted, even an
  imputer's median or a scaler's mean; the hold-out score then flatters the model.
- baseline: the score of a model that learns nothing about the features (the majority class).
- macro-F1: the F1 score of each class, averaged with equal weight per class, so a rare class
  counts as much as a common one.
- experiment log: one CSV row per run (who, when, which code, which data, which seed, which
  model, which scores), only ever appended to.
"""

from __future__ import annotations

import csv
import hashlib
import io
import json
import os
import subprocess
import uuid
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any, Literal

import numpy as np
import pandas as pd
from matplotlib.figure import Figure
from matplotlib.ticker import MaxNLocator
from palmerpenguins import load_penguins
from scipy.stats import f_oneway
from sklearn.base import BaseEstimator, clone
from sklearn.compose import ColumnTransformer
from sklearn.dummy import DummyClassifier
from sklearn.impute import SimpleImputer
from sklearn.linear_model import LogisticRegression
from sklearn.metrics import accuracy_score, confusion_matrix, f1_score, make_scorer
from sklearn.model_selection import StratifiedKFold, cross_val_score, train_test_split
from sklearn.pipeline import Pipeline
from sklearn.preprocessing import OneHotEncoder, StandardScaler

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


def validate(frame: pd.DataFrame, contract: tuple[ColumnSpec, ...] = CONTRACT) -> pd.DataFrame:
    """A typed copy of `frame` holding exactly the contract's columns, in contract order.

    Numbers become float64 or int64, categories a pandas Categorical with the allowed values;
    every row is kept (missing values stay missing). Raises ContractError naming each column that
    is absent, has the wrong dtype, holds a missing value where none is allowed, a value outside
    its categories, or a number outside its range. Does not modify `frame`.
    """
    problems: list[str] = []
    typed: dict[str, pd.Series] = {}
    for spec in contract:
        if spec.name not in frame.columns:
            problems.append(f"column {spec.name!r} is missing")
            continue
        column = frame[spec.name]
        problem = _check(column, spec)
        if problem:
            problems.append(f"column {spec.name!r}: {problem}")
            continue
        typed[spec.name] = _typed(column, spec)
    if problems:
        raise ContractError("data contract broken:\n  " + "\n  ".join(problems))
    return pd.DataFrame(typed, index=frame.index)


def _check(column: pd.Series, spec: ColumnSpec) -> str:
    dtype = column.dtype
    if spec.kind == "category":
        if not _is_text(column):
            return f"expected text categories, got dtype {dtype}"
    elif pd.api.types.is_bool_dtype(dtype) or not pd.api.types.is_numeric_dtype(dtype):
        return f"expected numbers ({spec.kind}), got dtype {dtype}"
    elif spec.kind == "int" and not pd.api.types.is_integer_dtype(dtype):
        return f"expected whole numbers, got dtype {dtype}"
    missing = int(column.isna().sum())
    if missing and not spec.nullable:
        return f"{missing} missing value(s), none allowed"
    present = column.dropna()
    if spec.kind == "category":
        unknown = sorted(set(present.astype(str)) - set(spec.categories))
        if unknown:
            return f"unknown value(s) {unknown}; allowed: {list(spec.categories)}"
    else:
        low = spec.low if spec.low is not None else -np.inf
        high = spec.high if spec.high is not None else np.inf
        outside = present[(present < low) | (present > high)]
        if len(outside):
            return (
                f"{len(outside)} value(s) outside [{spec.low}, {spec.high}], e.g. {outside.iloc[0]}"
            )
    return ""


def _is_text(column: pd.Series) -> bool:
    dtype = column.dtype
    if isinstance(dtype, pd.CategoricalDtype) or pd.api.types.is_string_dtype(dtype):
        return True
    return pd.api.types.is_object_dtype(dtype) and all(isinstance(v, str) for v in column.dropna())


def _typed(column: pd.Series, spec: ColumnSpec) -> pd.Series:
    if spec.kind == "category":
        return column.astype(object).astype(pd.CategoricalDtype(list(spec.categories)))
    return column.astype("float64" if spec.kind == "float" else "int64")


def load_data() -> pd.DataFrame:
    """The bundled Palmer Penguins table (344 rows), checked and typed by `validate`."""
    return validate(load_penguins())


def profile(frame: pd.DataFrame) -> Profile:
    """Missing values, class balance and per-feature summaries of a validated frame."""
    classes = _counts(frame[TARGET])
    return Profile(
        rows=len(frame),
        missing={name: int(count) for name, count in frame.isna().sum().items()},
        rows_with_missing=int(frame.isna().any(axis=1).sum()),
        class_counts=classes,
        imbalance=max(classes.values()) / min(classes.values()),
        numeric={
            name: NumericSummary(
                count=int(frame[name].count()),
                mean=float(frame[name].mean()),
                std=float(frame[name].std()),
                min=float(frame[name].min()),
                max=float(frame[name].max()),
            )
            for name in NUMERIC
        },
        levels={name: _counts(frame[name]) for name in CATEGORICAL},
    )


def _counts(column: pd.Series) -> dict[str, int]:
    counts = column.dropna().astype(str).value_counts()
    return {str(k): int(v) for k, v in sorted(counts.items(), key=lambda kv: (-kv[1], str(kv[0])))}


def feature_separation(frame: pd.DataFrame) -> dict[str, float]:
    """One-way ANOVA F statistic of each NUMERIC feature across the species, highest first.

    Each feature uses its non-missing values; a high F means the class means lie far apart
    compared with the spread inside each class.
    """
    scores = {}
    for name in NUMERIC:
        groups = [
            frame.loc[frame[TARGET] == species, name].dropna().to_numpy()
            for species in sorted(frame[TARGET].dropna().astype(str).unique())
        ]
        scores[name] = float(f_oneway(*groups).statistic)
    return dict(sorted(scores.items(), key=lambda kv: -kv[1]))


def save_eda_charts(frame: pd.DataFrame, out_dir: Path) -> list[Path]:
    """Write the EDA charts as PNG into `out_dir` (created if needed); return their paths.

    CHARTS[0]: each NUMERIC feature's distribution, one colour per species; CHARTS[1]: a scatter
    of the two most separating features (by `feature_separation`), one colour and marker per species.
    """
    out_dir.mkdir(parents=True, exist_ok=True)
    species = [s for s in SPECIES if (frame[TARGET] == s).any()]
    colours = dict(zip(SPECIES, ("#1b9e77", "#d95f02", "#7570b3"), strict=True))
    markers = dict(zip(SPECIES, ("o", "^", "s"), strict=True))

    # Matplotlib's object API, not pyplot: no global figure state, no GUI backend needed.
    figure = Figure(figsize=(11, 7.5), dpi=100, layout="constrained")
    for axes, name in zip(figure.subplots(2, 2).flat, NUMERIC, strict=True):
        values = frame[name].dropna()
        bins = np.histogram_bin_edges(values, bins=24)
        for s in species:
            # Outlined, lightly filled: where species overlap, both outlines stay visible.
            axes.hist(
                frame.loc[frame[TARGET] == s, name].dropna(),
                bins=bins,
                histtype="stepfilled",
                alpha=0.25,
                color=colours[s],
            )
            axes.hist(
                frame.loc[frame[TARGET] == s, name].dropna(),
                bins=bins,
                histtype="step",
                linewidth=2,
                color=colours[s],
                label=f"{s} (n={int((frame[TARGET] == s).sum())})",
            )
        axes.yaxis.set_major_locator(MaxNLocator(integer=True))
        axes.set_xlabel(_label(name), fontsize=11)
        axes.set_ylabel("penguins", fontsize=11)
        axes.set_title(f"{_label(name)}: {int(frame[name].isna().sum())} missing", fontsize=12)
    figure.suptitle("Palmer penguins: distribution of each measurement, by species", fontsize=14)
    handles, labels = figure.axes[0].get_legend_handles_labels()
    figure.legend(handles, labels, loc="outside lower center", ncols=len(labels), fontsize=11)
    first = out_dir / CHARTS[0]
    figure.savefig(first)

    x_name, y_name = list(feature_separation(frame))[:2]
    figure = Figure(figsize=(9, 7), dpi=100, layout="constrained")
    axes = figure.subplots()
    shown = frame.dropna(subset=[x_name, y_name])
    for s in species:
        rows = shown[shown[TARGET] == s]
        axes.scatter(
            rows[x_name],
            rows[y_name],
            s=36,
            alpha=0.75,
            color=colours[s],
            marker=markers[s],
            label=s,
        )
    axes.set_xlabel(_label(x_name), fontsize=12)
    axes.set_ylabel(_label(y_name), fontsize=12)
    axes.legend(title="species", fontsize=11)
    axes.grid(alpha=0.3)
    axes.set_title(
        f"The two most separating measurements (highest ANOVA F)\n"
        f"{len(shown)} penguins; {len(frame) - len(shown)} with a missing value left out",
        fontsize=12,
    )
    second = out_dir / CHARTS[1]
    figure.savefig(second)
    return [first, second]


def _label(name: str) -> str:
    """`flipper_length_mm` → `flipper length (mm)`."""
    stem, _, unit = name.rpartition("_")
    return f"{stem.replace('_', ' ')} ({unit})"


# %% Part 2 — Split without leakage -------------------------------------------------------------


def split_data(frame: pd.DataFrame, seed: int, test_size: float = TEST_SIZE) -> Split:
    """A seeded hold-out split, stratified by species: ceil(test_size * n) test rows.

    X holds FEATURES only; the original index is kept; `frame` is not modified.
    """
    X_train, X_test, y_train, y_test = train_test_split(
        frame[list(FEATURES)],
        frame[TARGET],
        test_size=test_size,
        stratify=frame[TARGET],
        random_state=seed,
    )
    return Split(X_train, X_test, y_train, y_test)


def make_pipeline(model: BaseEstimator) -> Pipeline:
    """An unfitted Pipeline: every preprocessing step, then `model` as the last step.

    Numeric features: median imputation, then standard scaling; categorical features:
    most-frequent imputation, then one-hot encoding that ignores unseen categories. Output
    columns: NUMERIC in order, then the one-hot columns of CATEGORICAL, categories sorted.
    """
    numeric = Pipeline([("impute", SimpleImputer(strategy="median")), ("scale", StandardScaler())])
    categorical = Pipeline(
        [
            ("impute", SimpleImputer(strategy="most_frequent")),
            ("encode", OneHotEncoder(handle_unknown="ignore", sparse_output=False)),
        ]
    )
    preprocess = ColumnTransformer(
        [("numeric", numeric, list(NUMERIC)), ("categorical", categorical, list(CATEGORICAL))]
    )
    return Pipeline([("preprocess", preprocess), ("model", model)])


def fit_on_train(split: Split, model: BaseEstimator) -> Pipeline:
    """`make_pipeline(model)` fitted on the training rows of `split` only."""
    # The key idea: one fit call on the training rows fits every step (medians, means, categories
    # and the model) on them alone; the test rows are only ever transformed, never learned from.
    return make_pipeline(model).fit(split.X_train, split.y_train)


# %% Part 3 — Baseline and model ----------------------------------------------------------------


def score(y_true: Any, y_pred: Any) -> float:
    """Macro-F1: the unweighted mean of the per-class F1 scores (0 for an undefined one)."""
    return float(f1_score(y_true, y_pred, average="macro", zero_division=0))


def baseline() -> DummyClassifier:
    """A model that ignores the features and predicts the training split's majority class."""
    return DummyClassifier(strategy="most_frequent")


def candidate(seed: int) -> BaseEstimator:
    """The real model (unfitted), seeded with `seed` wherever it uses randomness."""
    return LogisticRegression(max_iter=1000, random_state=seed)


def cross_validate_model(
    split: Split, model: BaseEstimator, seed: int, folds: int = FOLDS
) -> CVResult:
    """Macro-F1 of `make_pipeline(model)` over StratifiedKFold(folds, shuffle=True,
    random_state=seed) on the training split only; the pipeline is refitted in every fold."""
    cv = StratifiedKFold(n_splits=folds, shuffle=True, random_state=seed)
    scores = cross_val_score(
        make_pipeline(clone(model)), split.X_train, split.y_train, cv=cv, scoring=make_scorer(score)
    )
    return CVResult(
        scores=tuple(float(s) for s in scores), mean=float(scores.mean()), std=float(scores.std())
    )


def evaluate(split: Split, model: BaseEstimator, seed: int) -> Evaluation:
    """Cross-validate `model` on the training split, then fit it there and score the hold-out."""
    cv = cross_validate_model(split, model, seed)
    fitted = fit_on_train(split, clone(model))
    predicted = fitted.predict(split.X_test)
    matrix = confusion_matrix(split.y_test.astype(str), predicted.astype(str), labels=SPECIES)
    return Evaluation(
        model=type(model).__name__,
        cv=cv,
        holdout_f1=score(split.y_test, predicted),
        holdout_accuracy=float(accuracy_score(split.y_test, predicted)),
        confusion=tuple(tuple(int(n) for n in row) for row in matrix),
    )


# %% Part 4 — Experiment log and reproducibility ------------------------------------------------


def data_hash(frame: pd.DataFrame) -> str:
    """SHA-256 (hex) of the frame's content: column names and every value, in order."""
    return hashlib.sha256(frame.to_csv(index=False).encode("utf-8")).hexdigest()


def git_commit(folder: Path) -> str:
    """The commit checked out at `folder` (`git rev-parse HEAD`), or "" when there is none."""
    try:
        done = subprocess.run(
            ["git", "rev-parse", "HEAD"],
            cwd=folder,
            capture_output=True,
            text=True,
            check=False,
            timeout=10,
        )
    except (OSError, subprocess.SubprocessError):
        return ""
    return done.stdout.strip() if done.returncode == 0 else ""


def append_run(log_path: Path, record: RunRecord) -> None:
    """Append `record` as one CSV line to `log_path`, writing the header first if it is new.

    Earlier bytes are never rewritten. The whole line is formatted before the file is touched
    and written with a single write() on a file opened O_APPEND, so a crash leaves either no
    row or the whole row. After a torn line (an earlier crash), the row starts on a new line.
    Floats are written with repr(), so they read back exactly. Raises ValueError if a value
    holds a line break (one record per physical line is what lets readers skip a torn one).
    """
    cells = [_cell(getattr(record, name)) for name in LOG_COLUMNS]
    if any("\n" in cell or "\r" in cell for cell in cells):
        raise ValueError("log values must not contain line breaks")
    line = _csv_line(cells)
    log_path.parent.mkdir(parents=True, exist_ok=True)
    descriptor = os.open(log_path, os.O_RDWR | os.O_APPEND | os.O_CREAT, 0o644)
    try:
        size = os.fstat(descriptor).st_size
        if size == 0:
            line = _csv_line(list(LOG_COLUMNS)) + line
        elif os.pread(descriptor, 1, size - 1) != b"\n":
            line = "\n" + line
        data = line.encode("utf-8")
        # The key idea: one write() of the whole line under O_APPEND lands at the end of the
        # file in one piece; there is no moment at which the old rows are not on disk.
        written = os.write(descriptor, data)
        if written != len(data):
            raise OSError(f"short write to {log_path}: {written} of {len(data)} bytes")
        os.fsync(descriptor)
    finally:
        os.close(descriptor)


def _cell(value: object) -> str:
    if isinstance(value, float):
        return repr(value)
    return str(value)


def _csv_line(cells: list[str]) -> str:
    buffer = io.StringIO()
    csv.writer(buffer, lineterminator="\n").writerow(cells)
    return buffer.getvalue()


def read_log(log_path: Path) -> list[RunRecord]:
    """Every complete row of the log, in file order, typed as RunRecords.

    Lines that do not parse as a full row (a torn line from a crash) are skipped. Raises
    ValueError if the first line is not the LOG_COLUMNS header.
    """
    lines = log_path.read_text(encoding="utf-8").split("\n")
    if next(csv.reader(lines[:1]), []) != list(LOG_COLUMNS):
        raise ValueError(f"{log_path}: the first line is not the header {','.join(LOG_COLUMNS)}")
    records = []
    for line in lines[1:]:
        # Each physical line parsed on its own: a torn quote cannot swallow the next rows.
        cells = next(csv.reader([line]), [])
        if len(cells) != len(LOG_COLUMNS):
            continue
        try:
            records.append(_record(cells))
        except ValueError:
            continue
    return records


def _record(cells: list[str]) -> RunRecord:
    values: dict[str, Any] = dict(zip(LOG_COLUMNS, cells, strict=True))
    values["seed"] = int(values["seed"])
    for name in LOG_COLUMNS[7:]:
        values[name] = float(values[name])
    return RunRecord(**values)


def log_to_mlflow(record: RunRecord, tracking_dir: Path) -> bool:
    """Log `record` to a local MLflow file store in `tracking_dir` if mlflow is importable.

    Returns True if it logged, False (touching nothing) when mlflow is not installed.
    """
    try:
        import mlflow  # an optional extra: imported only when asked for
    except ImportError:
        return False
    # MLflow 3 refuses a ./mlruns file store unless asked; ask for this call only, and put the
    # environment back, so nothing else in the process sees the change.
    previous = os.environ.get("MLFLOW_ALLOW_FILE_STORE")
    os.environ["MLFLOW_ALLOW_FILE_STORE"] = "true"
    try:
        mlflow.set_tracking_uri(tracking_dir.resolve().as_uri())
        mlflow.set_experiment("data_ml_coding-foundational")
        with mlflow.start_run(run_name=record.run_id):
            mlflow.set_tags(
                {
                    "git_commit": record.git_commit,
                    "data_hash": record.data_hash,
                    "model": record.model,
                }
            )
            mlflow.log_params({"seed": record.seed, **json.loads(record.params)})
            mlflow.log_metrics({name: getattr(record, name) for name in LOG_COLUMNS[7:]})
    finally:
        if previous is None:
            os.environ.pop("MLFLOW_ALLOW_FILE_STORE", None)
        else:
            os.environ["MLFLOW_ALLOW_FILE_STORE"] = previous
    return True


def run_experiment(frame: pd.DataFrame, seed: int, log_path: Path) -> Experiment:
    """Split `frame`, evaluate the baseline and the candidate, append one row to `log_path`
    (and to MLflow beside it, in `mlruns/`, when mlflow is installed); return all three."""
    split = split_data(frame, seed)
    model = candidate(seed)
    model_eval = evaluate(split, model, seed)
    baseline_eval = evaluate(split, baseline(), seed)
    record = RunRecord(
        run_id=uuid.uuid4().hex,
        timestamp=datetime.now(UTC).isoformat(timespec="seconds"),
        git_commit=git_commit(Path(__file__).resolve().parent),
        data_hash=data_hash(frame),
        seed=seed,
        model=type(model).__name__,
        params=json.dumps(model.get_params(), sort_keys=True, default=str),
        cv_f1_mean=model_eval.cv.mean,
        cv_f1_std=model_eval.cv.std,
        holdout_f1=model_eval.holdout_f1,
        holdout_accuracy=model_eval.holdout_accuracy,
        baseline_holdout_f1=baseline_eval.holdout_f1,
    )
    append_run(log_path, record)
    log_to_mlflow(record, log_path.parent / "mlruns")
    return Experiment(record=record, model=model_eval, baseline=baseline_eval)


# %% Try it: run this cell in VS Code / Jupyter, or `nox -s run -- data_ml_coding/foundational`
if __name__ == "__main__":
    penguins = load_data()
    print(profile(penguins))
