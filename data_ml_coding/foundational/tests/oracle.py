"""Independent answers for the tests: pandas, numpy and scikit-learn called directly, never the
reference solution. What PROMPT.md prescribes (the contract, the preprocessing, the metric, the
folds) is written out again here, so a test compares the learner's numbers with a second,
separate computation of the same rules.
"""

from __future__ import annotations

import csv
import math
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
from palmerpenguins import load_penguins
from sklearn.base import BaseEstimator
from sklearn.compose import ColumnTransformer
from sklearn.impute import SimpleImputer
from sklearn.metrics import f1_score
from sklearn.model_selection import train_test_split
from sklearn.pipeline import Pipeline
from sklearn.preprocessing import OneHotEncoder, StandardScaler

TARGET = "species"
SPECIES = ["Adelie", "Chinstrap", "Gentoo"]
NUMERIC = ["bill_length_mm", "bill_depth_mm", "flipper_length_mm", "body_mass_g"]
CATEGORICAL = ["island", "sex"]
FEATURES = NUMERIC + CATEGORICAL
COLUMNS = ["species", "island", *NUMERIC, "sex", "year"]  # the contract's order
CATEGORIES = {
    "species": SPECIES,
    "island": ["Biscoe", "Dream", "Torgersen"],
    "sex": ["female", "male"],
}
TEST_SIZE = 0.25
FOLDS = 5
MARGIN = 0.70
LOG_COLUMNS = [
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
]
PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"


def raw() -> pd.DataFrame:
    """The bundled table exactly as the package returns it."""
    return load_penguins()


def penguins() -> pd.DataFrame:
    """The bundled table typed the way the contract says, built here with plain pandas."""
    frame = load_penguins()[COLUMNS].copy()
    for name, levels in CATEGORIES.items():
        frame[name] = frame[name].astype(object).astype(pd.CategoricalDtype(levels))
    for name in NUMERIC:
        frame[name] = frame[name].astype("float64")
    frame["year"] = frame["year"].astype("int64")
    return frame


def cells(frame: pd.DataFrame) -> list[list[Any]]:
    """A frame's values as plain lists, missing values as None, for a readable comparison."""
    values = frame.astype(object)
    return values.where(values.notna(), None).to_numpy().tolist()


def split(frame: pd.DataFrame, seed: int) -> tuple[pd.DataFrame, ...]:
    """X_train, X_test, y_train, y_test: scikit-learn's stratified split, for Parts 3 and 4."""
    parts = train_test_split(
        frame[FEATURES],
        frame[TARGET],
        test_size=TEST_SIZE,
        stratify=frame[TARGET],
        random_state=seed,
    )
    return tuple(parts)


def holdout_rows(n: int, test_size: float = TEST_SIZE) -> int:
    return math.ceil(test_size * n)


def pipeline(model: BaseEstimator) -> Pipeline:
    """The preprocessing PROMPT.md prescribes, built independently of the learner's code."""
    numeric = Pipeline([("impute", SimpleImputer(strategy="median")), ("scale", StandardScaler())])
    categorical = Pipeline(
        [
            ("impute", SimpleImputer(strategy="most_frequent")),
            ("encode", OneHotEncoder(handle_unknown="ignore", sparse_output=False)),
        ]
    )
    return Pipeline(
        [
            (
                "pre",
                ColumnTransformer([("n", numeric, NUMERIC), ("c", categorical, CATEGORICAL)]),
            ),
            ("model", model),
        ]
    )


def macro_f1(y_true: Any, y_pred: Any) -> float:
    return float(f1_score(y_true, y_pred, average="macro", zero_division=0))


def preprocessed(train: pd.DataFrame, rows: pd.DataFrame) -> np.ndarray:
    """`rows` preprocessed with statistics of `train` only, in pandas and numpy by hand: median
    imputation and standard scaling (ddof=0) of NUMERIC, then most-frequent imputation (ties:
    the smallest value) and one-hot columns (sorted levels; an unseen one is all zeros)."""
    medians = train[NUMERIC].median()
    filled = train[NUMERIC].fillna(medians)
    scaled = (rows[NUMERIC].fillna(medians) - filled.mean()) / filled.std(ddof=0)
    blocks = [scaled.to_numpy(dtype=float)]
    for name in CATEGORICAL:
        counts = train[name].dropna().astype(str).value_counts()
        mode = min(level for level, count in counts.items() if count == counts.max())
        levels = sorted(set(train[name].astype(object).fillna(mode).astype(str)))
        values = rows[name].astype(object).fillna(mode).astype(str)
        blocks.append(np.column_stack([(values == level).to_numpy(float) for level in levels]))
    return np.hstack(blocks)


def dense(matrix: Any) -> np.ndarray:
    """A transform's output as a dense float array, whether it came back sparse or not."""
    return np.asarray(matrix.toarray() if hasattr(matrix, "toarray") else matrix, dtype=float)


def png_size(path: Path) -> tuple[int, int]:
    """(width, height) in pixels from a PNG's IHDR chunk."""
    head = path.read_bytes()[:24]
    return int.from_bytes(head[16:20], "big"), int.from_bytes(head[20:24], "big")


def csv_rows(path: Path) -> list[list[str]]:
    with path.open(newline="", encoding="utf-8") as handle:
        return list(csv.reader(handle))
