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


def validate(frame: pd.DataFrame, contract: tuple[ColumnSpec, ...] = CONTRACT) -> pd.DataFrame:
    """A typed copy of `frame` holding exactly the contract's columns, in contract order.

    Numbers become float64 or int64, categories a pandas Categorical with the allowed values;
    every row is kept (missing values stay missing). Raises ContractError naming each column that
    is absent, has the wrong dtype, holds a missing value where none is allowed, a value outside
    its categories, or a number outside its range. Does not modify `frame`.
    """
    # TODO (part 1): check every contract column, collect the problems; return a typed copy
    raise NotImplementedError


def load_data() -> pd.DataFrame:
    """The bundled Palmer Penguins table (344 rows), checked and typed by `validate`."""
    # TODO (part 1): load the bundled table and pass it through validate
    raise NotImplementedError


def profile(frame: pd.DataFrame) -> Profile:
    """Missing values, class balance and per-feature summaries of a validated frame."""
    # TODO (part 1): count missing cells and classes; summarize each feature with pandas
    raise NotImplementedError


def feature_separation(frame: pd.DataFrame) -> dict[str, float]:
    """One-way ANOVA F statistic of each NUMERIC feature across the species, highest first.

    Each feature uses its non-missing values; a high F means the class means lie far apart
    compared with the spread inside each class.
    """
    # TODO (part 1): an ANOVA F statistic per numeric feature across species, highest first
    raise NotImplementedError


def save_eda_charts(frame: pd.DataFrame, out_dir: Path) -> list[Path]:
    """Write the EDA charts as PNG into `out_dir` (created if needed); return their paths.

    CHARTS[0]: each NUMERIC feature's distribution, one colour per species; CHARTS[1]: a scatter
    of the two most separating features (by `feature_separation`), one colour and marker per species.
    """
    # TODO (part 1): draw both charts with matplotlib and save them as PNG into out_dir
    raise NotImplementedError


# %% Part 2 — Split without leakage -------------------------------------------------------------


def split_data(frame: pd.DataFrame, seed: int, test_size: float = TEST_SIZE) -> Split:
    """A seeded hold-out split, stratified by species: ceil(test_size * n) test rows.

    X holds FEATURES only; the original index is kept; `frame` is not modified.
    """
    # TODO (part 2): one seeded, stratified train/test split of FEATURES and TARGET
    raise NotImplementedError


def make_pipeline(model: BaseEstimator) -> Pipeline:
    """An unfitted Pipeline: every preprocessing step, then `model` as the last step.

    Numeric features: median imputation, then standard scaling; categorical features:
    most-frequent imputation, then one-hot encoding that ignores unseen categories. Output
    columns: NUMERIC in order, then the one-hot columns of CATEGORICAL, categories sorted.
    """
    # TODO (part 2): a ColumnTransformer of imputers, scaler and encoder, then the model
    raise NotImplementedError


def fit_on_train(split: Split, model: BaseEstimator) -> Pipeline:
    """`make_pipeline(model)` fitted on the training rows of `split` only."""
    # TODO (part 2): fit the whole pipeline on the training rows, and on nothing else
    raise NotImplementedError


# %% Part 3 — Baseline and model ----------------------------------------------------------------


def score(y_true: Any, y_pred: Any) -> float:
    """Macro-F1: the unweighted mean of the per-class F1 scores (0 for an undefined one)."""
    # TODO (part 3): macro-averaged F1
    raise NotImplementedError


def baseline() -> DummyClassifier:
    """A model that ignores the features and predicts the training split's majority class."""
    # TODO (part 3): a DummyClassifier that predicts the majority class
    raise NotImplementedError


def candidate(seed: int) -> BaseEstimator:
    """The real model (unfitted), seeded with `seed` wherever it uses randomness."""
    # TODO (part 3): a real classifier, seeded
    raise NotImplementedError


def cross_validate_model(
    split: Split, model: BaseEstimator, seed: int, folds: int = FOLDS
) -> CVResult:
    """Macro-F1 of `make_pipeline(model)` over StratifiedKFold(folds, shuffle=True,
    random_state=seed) on the training split only; the pipeline is refitted in every fold."""
    # TODO (part 3): score the whole pipeline over seeded stratified folds of the train split
    raise NotImplementedError


def evaluate(split: Split, model: BaseEstimator, seed: int) -> Evaluation:
    """Cross-validate `model` on the training split, then fit it there and score the hold-out."""
    # TODO (part 3): cross-validate, fit on train, then score and tabulate the hold-out
    raise NotImplementedError


# %% Part 4 — Experiment log and reproducibility ------------------------------------------------


def data_hash(frame: pd.DataFrame) -> str:
    """SHA-256 (hex) of the frame's content: column names and every value, in order."""
    # TODO (part 4): hash the frame's content
    raise NotImplementedError


def git_commit(folder: Path) -> str:
    """The commit checked out at `folder` (`git rev-parse HEAD`), or "" when there is none."""
    # TODO (part 4): ask git for HEAD at folder; "" if that fails
    raise NotImplementedError


def append_run(log_path: Path, record: RunRecord) -> None:
    """Append `record` as one CSV line to `log_path`, writing the header first if it is new.

    Earlier bytes are never rewritten. The whole line is formatted before the file is touched
    and written with a single write() on a file opened O_APPEND, so a crash leaves either no
    row or the whole row. After a torn line (an earlier crash), the row starts on a new line.
    Floats are written with repr(), so they read back exactly. Raises ValueError if a value
    holds a line break (one record per physical line is what lets readers skip a torn one).
    """
    # TODO (part 4): format the whole line first, then append it with one write
    raise NotImplementedError


def read_log(log_path: Path) -> list[RunRecord]:
    """Every complete row of the log, in file order, typed as RunRecords.

    Lines that do not parse as a full row (a torn line from a crash) are skipped. Raises
    ValueError if the first line is not the LOG_COLUMNS header.
    """
    # TODO (part 4): parse each line on its own; skip lines that are not complete rows
    raise NotImplementedError


def log_to_mlflow(record: RunRecord, tracking_dir: Path) -> bool:
    """Log `record` to a local MLflow file store in `tracking_dir` if mlflow is importable.

    Returns True if it logged, False (touching nothing) when mlflow is not installed.
    """
    # TODO (part 4): import mlflow if you can; log params, metrics and tags
    raise NotImplementedError


def run_experiment(frame: pd.DataFrame, seed: int, log_path: Path) -> Experiment:
    """Split `frame`, evaluate the baseline and the candidate, append one row to `log_path`
    (and to MLflow beside it, in `mlruns/`, when mlflow is installed); return all three."""
    # TODO (part 4): split, evaluate baseline and candidate, build the record, append it
    raise NotImplementedError


# %% Try it: run this cell in VS Code / Jupyter, or `nox -s run -- data_ml_coding/foundational`
if __name__ == "__main__":
    penguins = load_data()
    print(profile(penguins))
