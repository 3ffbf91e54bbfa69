"""Alternative: the same contract by other routes.

Validation by inferred dtypes; pandas describe() and a Counter for the profile; scikit-learn's
f_classif for the separation; box plots instead of histograms; StratifiedShuffleSplit;
make_column_transformer with auto-named steps; a hand-written macro-F1 and fold loop; a random
forest as the candidate; pd.crosstab for the confusion matrix; hash_pandas_object for the data
hash; and the log made crash-safe by temp file + atomic rename instead of one O_APPEND write.
"""

from __future__ import annotations

import csv
import hashlib
import importlib
import importlib.util
import io
import json
import os
import subprocess
import tempfile
import uuid
from collections import Counter
from dataclasses import astuple, dataclass, fields
from datetime import UTC, datetime
from pathlib import Path
from typing import Any, Literal

import numpy as np
import pandas as pd
from matplotlib.figure import Figure
from palmerpenguins import load_penguins
from sklearn.base import BaseEstimator, clone
from sklearn.compose import make_column_transformer
from sklearn.dummy import DummyClassifier
from sklearn.ensemble import RandomForestClassifier
from sklearn.feature_selection import f_classif
from sklearn.impute import SimpleImputer
from sklearn.model_selection import StratifiedKFold, StratifiedShuffleSplit
from sklearn.pipeline import Pipeline
from sklearn.pipeline import make_pipeline as sk_make_pipeline
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
    problems = [
        f"{spec.name}: {problem}" for spec in contract for problem in _problems(frame, spec)[:1]
    ]
    if problems:
        raise ContractError("; ".join(problems))
    dtypes = {
        spec.name: pd.CategoricalDtype(list(spec.categories))
        if spec.kind == "category"
        else {"float": "float64", "int": "int64"}[spec.kind]
        for spec in contract
    }
    chosen = frame[[spec.name for spec in contract]].copy()
    for name, dtype in dtypes.items():
        if isinstance(dtype, pd.CategoricalDtype):
            chosen[name] = chosen[name].astype(object)
    return chosen.astype(dtypes)


def _problems(frame: pd.DataFrame, spec: ColumnSpec) -> list[str]:
    """Every problem of one column, most basic first (so the first one is the one to report)."""
    if spec.name not in frame:
        return ["missing column"]
    column = frame[spec.name]
    kind = pd.api.types.infer_dtype(column, skipna=True)
    if spec.kind == "category" and kind not in ("string", "categorical", "empty"):
        return [f"wrong dtype {column.dtype} (inferred {kind}); expected text"]
    if spec.kind == "float" and kind not in ("floating", "integer", "mixed-integer-float"):
        return [f"wrong dtype {column.dtype} (inferred {kind}); expected numbers"]
    if spec.kind == "int" and kind != "integer":
        return [f"wrong dtype {column.dtype} (inferred {kind}); expected whole numbers"]
    found = []
    if not spec.nullable and column.isna().any():
        found.append(f"{column.isna().sum()} missing value(s) where none is allowed")
    values = column.dropna()
    if spec.kind == "category":
        strange = values[~values.astype(str).isin(spec.categories)]
        if len(strange):
            found.append(f"values {sorted(set(strange.astype(str)))} not in {spec.categories}")
    else:
        low, high = spec.low, spec.high
        too_low = values[values < low] if low is not None else values.iloc[:0]
        too_high = values[values > high] if high is not None else values.iloc[:0]
        for bad in (too_low, too_high):
            if len(bad):
                found.append(f"value {bad.iloc[0]} outside [{low}, {high}]")
    return found


def load_data() -> pd.DataFrame:
    """The bundled Palmer Penguins table (344 rows), checked and typed by `validate`."""
    return validate(load_penguins())


def profile(frame: pd.DataFrame) -> Profile:
    """Missing values, class balance and per-feature summaries of a validated frame."""
    described = frame[list(NUMERIC)].describe()
    classes = _ranked(Counter(frame[TARGET].dropna().astype(str)))
    return Profile(
        rows=frame.shape[0],
        missing={str(name): int(frame[name].isna().sum()) for name in frame.columns},
        rows_with_missing=int((frame.isna().sum(axis=1) > 0).sum()),
        class_counts=classes,
        imbalance=max(classes.values()) / min(classes.values()),
        numeric={
            name: NumericSummary(
                count=int(described.loc["count", name]),
                mean=float(described.loc["mean", name]),
                std=float(described.loc["std", name]),
                min=float(described.loc["min", name]),
                max=float(described.loc["max", name]),
            )
            for name in NUMERIC
        },
        levels={name: _ranked(Counter(frame[name].dropna().astype(str))) for name in CATEGORICAL},
    )


def _ranked(counts: Counter[str]) -> dict[str, int]:
    return dict(sorted(counts.items(), key=lambda kv: (-kv[1], kv[0])))


def feature_separation(frame: pd.DataFrame) -> dict[str, float]:
    """One-way ANOVA F statistic of each NUMERIC feature across the species, highest first.

    Each feature uses its non-missing values; a high F means the class means lie far apart
    compared with the spread inside each class.
    """
    scores = []
    for name in NUMERIC:
        present = frame[[name, TARGET]].dropna()
        statistic, _ = f_classif(present[[name]].to_numpy(), present[TARGET].astype(str))
        scores.append((float(statistic[0]), name))
    return {name: value for value, name in sorted(scores, reverse=True)}


def save_eda_charts(frame: pd.DataFrame, out_dir: Path) -> list[Path]:
    """Write the EDA charts as PNG into `out_dir` (created if needed); return their paths.

    CHARTS[0]: each NUMERIC feature's distribution, one colour per species; CHARTS[1]: a scatter
    of the two most separating features (by `feature_separation`), one colour and marker per species.
    """
    out_dir.mkdir(parents=True, exist_ok=True)
    present = [s for s in SPECIES if (frame[TARGET] == s).any()]
    # Box plots this time: medians and spreads side by side, one box per species.
    figure = Figure(figsize=(12, 6), dpi=100, layout="constrained")
    for axes, name in zip(figure.subplots(1, 4).flat, NUMERIC, strict=True):
        groups = [frame.loc[frame[TARGET] == s, name].dropna() for s in present]
        axes.boxplot(groups, tick_labels=present)
        axes.set_title(name, fontsize=11)
    figure.suptitle("Each measurement by species", fontsize=14)
    paths = [out_dir / CHARTS[0], out_dir / CHARTS[1]]
    figure.savefig(paths[0])

    x_name, y_name, *_ = feature_separation(frame)
    figure = Figure(figsize=(9, 6), dpi=100, layout="constrained")
    axes = figure.subplots()
    for s, marker in zip(present, "o^s", strict=False):
        rows = frame[frame[TARGET] == s]
        axes.scatter(rows[x_name], rows[y_name], marker=marker, label=s, alpha=0.7)
    axes.set_xlabel(x_name)
    axes.set_ylabel(y_name)
    axes.legend()
    figure.savefig(paths[1])
    return paths


# %% Part 2 — Split without leakage -------------------------------------------------------------


def split_data(frame: pd.DataFrame, seed: int, test_size: float = TEST_SIZE) -> Split:
    """A seeded hold-out split, stratified by species: ceil(test_size * n) test rows.

    X holds FEATURES only; the original index is kept; `frame` is not modified.
    """
    splitter = StratifiedShuffleSplit(n_splits=1, test_size=test_size, random_state=seed)
    train_rows, test_rows = next(splitter.split(frame, frame[TARGET]))
    X, y = frame[list(FEATURES)], frame[TARGET]
    return Split(X.iloc[train_rows], X.iloc[test_rows], y.iloc[train_rows], y.iloc[test_rows])


def make_pipeline(model: BaseEstimator) -> Pipeline:
    """An unfitted Pipeline: every preprocessing step, then `model` as the last step.

    Numeric features: median imputation, then standard scaling; categorical features:
    most-frequent imputation, then one-hot encoding that ignores unseen categories. Output
    columns: NUMERIC in order, then the one-hot columns of CATEGORICAL, categories sorted.
    """
    preprocess = make_column_transformer(
        (
            sk_make_pipeline(SimpleImputer(strategy="median"), StandardScaler()),
            list(NUMERIC),
        ),
        (
            sk_make_pipeline(
                SimpleImputer(strategy="most_frequent"),
                OneHotEncoder(handle_unknown="ignore"),
            ),
            list(CATEGORICAL),
        ),
    )
    return sk_make_pipeline(preprocess, model)


def fit_on_train(split: Split, model: BaseEstimator) -> Pipeline:
    """`make_pipeline(model)` fitted on the training rows of `split` only."""
    pipeline = make_pipeline(model)
    pipeline.fit(split.X_train, split.y_train)
    return pipeline


# %% Part 3 — Baseline and model ----------------------------------------------------------------


def score(y_true: Any, y_pred: Any) -> float:
    """Macro-F1: the unweighted mean of the per-class F1 scores (0 for an undefined one)."""
    truth = np.asarray(y_true, dtype=object).astype(str)
    guess = np.asarray(y_pred, dtype=object).astype(str)
    f1s = []
    for label in np.union1d(truth, guess):
        hits = np.sum((truth == label) & (guess == label))
        claimed, actual = np.sum(guess == label), np.sum(truth == label)
        # F1 = 2 TP / (2 TP + FP + FN) = 2 TP / (predicted + actual); 0 when both are 0.
        f1s.append(2 * hits / (claimed + actual) if claimed + actual else 0.0)
    return float(np.mean(f1s))


def baseline() -> DummyClassifier:
    """A model that ignores the features and predicts the training split's majority class."""
    return DummyClassifier(strategy="prior")


def candidate(seed: int) -> BaseEstimator:
    """The real model (unfitted), seeded with `seed` wherever it uses randomness."""
    return RandomForestClassifier(n_estimators=40, max_depth=6, random_state=seed, n_jobs=1)


def cross_validate_model(
    split: Split, model: BaseEstimator, seed: int, folds: int = FOLDS
) -> CVResult:
    """Macro-F1 of `make_pipeline(model)` over StratifiedKFold(folds, shuffle=True,
    random_state=seed) on the training split only; the pipeline is refitted in every fold."""
    X, y = split.X_train, split.y_train
    scores = []
    for fit_rows, check_rows in StratifiedKFold(folds, shuffle=True, random_state=seed).split(X, y):
        fold = make_pipeline(clone(model)).fit(X.iloc[fit_rows], y.iloc[fit_rows])
        scores.append(score(y.iloc[check_rows], fold.predict(X.iloc[check_rows])))
    return CVResult(tuple(scores), float(np.mean(scores)), float(np.std(scores)))


def evaluate(split: Split, model: BaseEstimator, seed: int) -> Evaluation:
    """Cross-validate `model` on the training split, then fit it there and score the hold-out."""
    fitted = fit_on_train(split, clone(model))
    truth = split.y_test.astype(str).to_numpy()
    guess = np.asarray(fitted.predict(split.X_test)).astype(str)
    table = pd.crosstab(pd.Series(truth, name="true"), pd.Series(guess, name="predicted"))
    table = table.reindex(index=list(SPECIES), columns=list(SPECIES), fill_value=0)
    return Evaluation(
        model=model.__class__.__name__,
        cv=cross_validate_model(split, model, seed),
        holdout_f1=score(truth, guess),
        holdout_accuracy=float(np.mean(truth == guess)),
        confusion=tuple(tuple(int(n) for n in row) for row in table.to_numpy()),
    )


# %% Part 4 — Experiment log and reproducibility ------------------------------------------------


def data_hash(frame: pd.DataFrame) -> str:
    """SHA-256 (hex) of the frame's content: column names and every value, in order."""
    digest = hashlib.sha256()
    digest.update(json.dumps([str(c) for c in frame.columns]).encode())
    digest.update(pd.util.hash_pandas_object(frame, index=False).to_numpy().tobytes())
    return digest.hexdigest()


def git_commit(folder: Path) -> str:
    """The commit checked out at `folder` (`git rev-parse HEAD`), or "" when there is none."""
    try:
        return subprocess.run(
            ["git", "-C", str(folder), "rev-parse", "--verify", "HEAD"],
            capture_output=True,
            text=True,
            check=True,
            timeout=10,
        ).stdout.strip()
    except (OSError, subprocess.SubprocessError):
        return ""


def append_run(log_path: Path, record: RunRecord) -> None:
    """Append `record` as one CSV line to `log_path`, writing the header first if it is new.

    Earlier bytes are never rewritten. The whole line is formatted before the file is touched
    and written with a single write() on a file opened O_APPEND, so a crash leaves either no
    row or the whole row. After a torn line (an earlier crash), the row starts on a new line.
    Floats are written with repr(), so they read back exactly. Raises ValueError if a value
    holds a line break (one record per physical line is what lets readers skip a torn one).
    """
    values = [repr(v) if isinstance(v, float) else str(v) for v in astuple(record)]
    if any(ch in v for v in values for ch in "\r\n"):
        raise ValueError(f"a value of run {record.run_id} holds a line break")
    buffer = io.StringIO()
    csv.writer(buffer, lineterminator="\n").writerow(values)
    old = log_path.read_bytes() if log_path.exists() else b""
    if not old:
        old = (",".join(LOG_COLUMNS) + "\n").encode()
    elif not old.endswith(b"\n"):
        old += b"\n"
    # The other crash-safe way: write old bytes + new line to a temporary file beside the log,
    # flush it to disk, then rename it over the log. rename() is atomic: readers see the old
    # file or the new one, never half of either. It costs a copy of the whole log per run.
    log_path.parent.mkdir(parents=True, exist_ok=True)
    handle, temporary = tempfile.mkstemp(dir=log_path.parent, prefix=".log-", suffix=".tmp")
    try:
        with os.fdopen(handle, "wb") as out:
            out.write(old + buffer.getvalue().encode())
            out.flush()
            os.fsync(out.fileno())
        os.replace(temporary, log_path)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise


def read_log(log_path: Path) -> list[RunRecord]:
    """Every complete row of the log, in file order, typed as RunRecords.

    Lines that do not parse as a full row (a torn line from a crash) are skipped. Raises
    ValueError if the first line is not the LOG_COLUMNS header.
    """
    header, *rows = log_path.read_text(encoding="utf-8").split("\n")
    if header != ",".join(LOG_COLUMNS):
        raise ValueError(f"{log_path} does not start with the experiment-log header")
    kinds = {f.name: f.type for f in fields(RunRecord)}
    records = []
    for row in rows:
        parsed = list(csv.reader([row]))
        if not parsed or len(parsed[0]) != len(LOG_COLUMNS):
            continue
        try:
            values = {
                name: int(cell)
                if kinds[name] == "int"
                else float(cell)
                if kinds[name] == "float"
                else cell
                for name, cell in zip(LOG_COLUMNS, parsed[0], strict=True)
            }
        except ValueError:
            continue
        records.append(RunRecord(**values))
    return records


def log_to_mlflow(record: RunRecord, tracking_dir: Path) -> bool:
    """Log `record` to a local MLflow file store in `tracking_dir` if mlflow is importable.

    Returns True if it logged, False (touching nothing) when mlflow is not installed.
    """
    if importlib.util.find_spec("mlflow") is None:
        return False
    mlflow = importlib.import_module("mlflow")
    # MLflow 3 refuses a file store unless MLFLOW_ALLOW_FILE_STORE is set: set it for this call.
    saved = dict(os.environ)
    os.environ["MLFLOW_ALLOW_FILE_STORE"] = "true"
    try:
        mlflow.set_tracking_uri(tracking_dir.resolve().as_uri())
        with mlflow.start_run(run_name=record.run_id):
            mlflow.log_params({"seed": record.seed, "model": record.model})
            mlflow.log_metrics({name: getattr(record, name) for name in LOG_COLUMNS[7:]})
            mlflow.set_tag("git_commit", record.git_commit)
            mlflow.set_tag("data_hash", record.data_hash)
    finally:
        os.environ.clear()
        os.environ.update(saved)
    return True


def run_experiment(frame: pd.DataFrame, seed: int, log_path: Path) -> Experiment:
    """Split `frame`, evaluate the baseline and the candidate, append one row to `log_path`
    (and to MLflow beside it, in `mlruns/`, when mlflow is installed); return all three."""
    split = split_data(frame, seed)
    model = candidate(seed)
    evaluations = [evaluate(split, m, seed) for m in (model, baseline())]
    record = RunRecord(
        run_id=str(uuid.uuid4()),
        timestamp=datetime.now(UTC).replace(microsecond=0).isoformat(),
        git_commit=git_commit(Path(__file__).parent),
        data_hash=data_hash(frame),
        seed=seed,
        model=type(model).__name__,
        params=json.dumps(model.get_params(), sort_keys=True, default=str),
        cv_f1_mean=evaluations[0].cv.mean,
        cv_f1_std=evaluations[0].cv.std,
        holdout_f1=evaluations[0].holdout_f1,
        holdout_accuracy=evaluations[0].holdout_accuracy,
        baseline_holdout_f1=evaluations[1].holdout_f1,
    )
    append_run(log_path, record)
    log_to_mlflow(record, log_path.parent / "mlruns")
    return Experiment(record, *evaluations)
