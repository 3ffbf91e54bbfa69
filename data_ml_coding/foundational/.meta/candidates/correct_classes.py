"""Correct: class-based (one rule object per column kind, LogFormat/LogFile classes), SVC candidate, cross_validate(), to_csv hash.

verdict: accept
how: faithful reading; read_log raises FileNotFoundError for an absent log and ValueError (header) for an empty one; lenient on a complete last line without "\n"
differs on: n/a
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
# Style: small classes. One rule object per column kind, a LogFormat/LogFile pair for the log.

import csv
import hashlib
import io
import json
import os
import subprocess
import uuid
from dataclasses import field
from datetime import datetime, timezone

import numpy as np


@dataclass
class _ColumnReport:
    name: str
    problems: list[str] = field(default_factory=list)

    def add(self, text: str) -> None:
        self.problems.append(text)

    @property
    def ok(self) -> bool:
        return not self.problems

    def __str__(self) -> str:
        return f"column '{self.name}': " + "; ".join(self.problems)


class _Rule:
    kind = ""

    def __init__(self, spec: ColumnSpec) -> None:
        self.spec = spec

    def dtype_ok(self, col: pd.Series) -> bool:
        raise NotImplementedError

    def convert(self, col: pd.Series) -> pd.Series:
        raise NotImplementedError

    def value_problems(self, col: pd.Series) -> list[Any]:
        raise NotImplementedError

    def check(self, col: pd.Series, report: _ColumnReport) -> pd.Series | None:
        if not self.dtype_ok(col):
            report.add(f"wrong dtype {col.dtype} for a {self.kind} column")
            return None
        converted = self.convert(col)
        if not self.spec.nullable and converted.isna().any():
            report.add(f"{int(converted.isna().sum())} missing value(s), none allowed")
        bad = self.value_problems(converted)
        if bad:
            report.add("offending values: " + ", ".join(map(str, bad)))
        return converted if report.ok else None


class _NumberRule(_Rule):
    def value_problems(self, col: pd.Series) -> list[Any]:
        present = col.dropna()
        mask = pd.Series(False, index=present.index)
        if self.spec.low is not None:
            mask |= present < self.spec.low
        if self.spec.high is not None:
            mask |= present > self.spec.high
        return list(dict.fromkeys(present[mask].tolist()))


class _FloatRule(_NumberRule):
    kind = "float"

    def dtype_ok(self, col: pd.Series) -> bool:
        return pd.api.types.is_numeric_dtype(col) and not pd.api.types.is_bool_dtype(col)

    def convert(self, col: pd.Series) -> pd.Series:
        return pd.Series(col.to_numpy(dtype="float64", na_value=np.nan), index=col.index, name=col.name)


class _IntRule(_NumberRule):
    kind = "int"

    def dtype_ok(self, col: pd.Series) -> bool:
        return pd.api.types.is_integer_dtype(col) and not pd.api.types.is_bool_dtype(col)

    def convert(self, col: pd.Series) -> pd.Series:
        return col  # converted to int64 once it is known to hold no missing value

    def check(self, col: pd.Series, report: _ColumnReport) -> pd.Series | None:
        out = super().check(col, report)
        return None if out is None else out.astype("int64")


class _CategoryRule(_Rule):
    kind = "category"

    def dtype_ok(self, col: pd.Series) -> bool:
        return (
            isinstance(col.dtype, pd.CategoricalDtype)
            or pd.api.types.is_object_dtype(col)
            or pd.api.types.is_string_dtype(col)
        )

    def convert(self, col: pd.Series) -> pd.Series:
        return col.astype(object).where(col.notna(), np.nan)

    def value_problems(self, col: pd.Series) -> list[Any]:
        allowed = set(self.spec.categories)
        return [v for v in col.dropna().unique().tolist() if v not in allowed]

    def check(self, col: pd.Series, report: _ColumnReport) -> pd.Series | None:
        out = super().check(col, report)
        if out is None:
            return None
        dtype = pd.CategoricalDtype(list(self.spec.categories), ordered=False)
        return out.astype(dtype)


_RULES = {"float": _FloatRule, "int": _IntRule, "category": _CategoryRule}


def validate(frame: pd.DataFrame, contract: tuple[ColumnSpec, ...] = CONTRACT) -> pd.DataFrame:
    reports: list[_ColumnReport] = []
    typed: dict[str, pd.Series] = {}
    for spec in contract:
        report = _ColumnReport(spec.name)
        if spec.name not in frame.columns:
            report.add("missing from the frame")
        else:
            out = _RULES[spec.kind](spec).check(frame[spec.name].copy(), report)
            if out is not None:
                typed[spec.name] = out
        if not report.ok:
            reports.append(report)
    if reports:
        raise ContractError("data contract broken:\n" + "\n".join(f"  {r}" for r in reports))
    return pd.concat([typed[s.name] for s in contract], axis=1)


def load_data() -> pd.DataFrame:
    from palmerpenguins import load_penguins

    return validate(load_penguins())


class _Counter:
    """Counts of the present values of a column, most frequent first, ties by value."""

    def __init__(self, series: pd.Series) -> None:
        vc = series.value_counts(dropna=True)
        self.items = sorted(((str(k), int(v)) for k, v in vc.items() if v), key=lambda kv: (-kv[1], kv[0]))

    def as_dict(self) -> dict[str, int]:
        return dict(self.items)


def profile(frame: pd.DataFrame) -> Profile:
    isna = frame.isna()
    classes = _Counter(frame[TARGET]).as_dict()
    describe = frame[list(NUMERIC)].astype(float).describe()
    return Profile(
        rows=len(frame),
        missing={c: int(isna[c].sum()) for c in frame.columns},
        rows_with_missing=int(isna.any(axis=1).sum()),
        class_counts=classes,
        imbalance=max(classes.values()) / min(classes.values()),
        numeric={
            c: NumericSummary(
                count=int(describe.at["count", c]),
                mean=float(describe.at["mean", c]),
                std=float(describe.at["std", c]),
                min=float(describe.at["min", c]),
                max=float(describe.at["max", c]),
            )
            for c in NUMERIC
        },
        levels={c: _Counter(frame[c]).as_dict() for c in CATEGORICAL},
    )


def feature_separation(frame: pd.DataFrame) -> dict[str, float]:
    from scipy import stats

    out = {}
    for c in NUMERIC:
        groups = [g.dropna().to_numpy() for _, g in frame.groupby(TARGET, observed=True)[c]]
        groups = [g for g in groups if g.size]
        out[c] = float(stats.f_oneway(*groups).statistic)
    return {k: out[k] for k in sorted(out, key=out.__getitem__, reverse=True)}


class _Charts:
    labels = {
        "bill_length_mm": "Bill length [mm]",
        "bill_depth_mm": "Bill depth [mm]",
        "flipper_length_mm": "Flipper length [mm]",
        "body_mass_g": "Body mass [g]",
    }
    style = {"Adelie": ("#e07b00", "o"), "Chinstrap": ("#a040c0", "^"), "Gentoo": ("#108080", "s")}

    def __init__(self, frame: pd.DataFrame, out_dir: Path) -> None:
        self.frame = frame
        self.out_dir = Path(out_dir)

    def _figure(self, w: float, h: float):
        from matplotlib.figure import Figure

        return Figure(figsize=(w, h), dpi=110, layout="constrained")

    def distributions(self) -> Path:
        fig = self._figure(11, 7)
        axes = fig.subplots(2, 2)
        for ax, c in zip(axes.flat, NUMERIC):
            for s, (colour, _) in self.style.items():
                v = self.frame.loc[self.frame[TARGET] == s, c].dropna()
                if len(v):
                    ax.hist(v, bins=18, alpha=0.45, color=colour, label=f"{s} (n={len(v)})")
            ax.set_xlabel(self.labels[c])
            ax.set_ylabel("number of penguins")
            ax.legend(fontsize="small")
        fig.suptitle("How each body measurement is distributed within each species")
        path = self.out_dir / CHARTS[0]
        fig.savefig(path)
        return path

    def scatter(self) -> Path:
        x, y = list(feature_separation(self.frame))[:2]
        fig = self._figure(9, 6.5)
        ax = fig.subplots()
        for s, (colour, marker) in self.style.items():
            sub = self.frame[self.frame[TARGET] == s]
            if len(sub):
                ax.scatter(sub[x], sub[y], c=colour, marker=marker, label=s, s=22)
        ax.set_xlabel(self.labels[x])
        ax.set_ylabel(self.labels[y])
        ax.set_title(f"Species by the two most separating features ({x}, {y})")
        ax.legend(title="Species")
        path = self.out_dir / CHARTS[1]
        fig.savefig(path)
        return path

    def save(self) -> list[Path]:
        self.out_dir.mkdir(parents=True, exist_ok=True)
        return [self.distributions(), self.scatter()]


def save_eda_charts(frame: pd.DataFrame, out_dir: Path) -> list[Path]:
    return _Charts(frame, out_dir).save()


# %% Part 2 — Split without leakage -------------------------------------------------------------

from sklearn.compose import ColumnTransformer
from sklearn.impute import SimpleImputer
from sklearn.metrics import accuracy_score, confusion_matrix, f1_score
from sklearn.model_selection import StratifiedKFold, cross_validate, train_test_split
from sklearn.pipeline import make_pipeline as _chain
from sklearn.preprocessing import OneHotEncoder, StandardScaler
from sklearn.svm import SVC


def split_data(frame: pd.DataFrame, seed: int, test_size: float = TEST_SIZE) -> Split:
    parts = train_test_split(
        frame[list(FEATURES)],
        frame[TARGET],
        test_size=test_size,
        shuffle=True,
        stratify=frame[TARGET],
        random_state=seed,
    )
    return Split(*parts)


def make_pipeline(model: BaseEstimator) -> Pipeline:
    prep = ColumnTransformer(
        [
            ("numbers", _chain(SimpleImputer(strategy="median"), StandardScaler()), list(NUMERIC)),
            (
                "categories",
                _chain(
                    SimpleImputer(strategy="most_frequent"),
                    OneHotEncoder(handle_unknown="ignore"),
                ),
                list(CATEGORICAL),
            ),
        ],
        sparse_threshold=0.0,
    )
    return Pipeline([("columns", prep), ("estimator", model)])


def fit_on_train(split: Split, model: BaseEstimator) -> Pipeline:
    return make_pipeline(model).fit(split.X_train, split.y_train)


# %% Part 3 — Baseline and model ----------------------------------------------------------------


def score(y_true: Any, y_pred: Any) -> float:
    return float(f1_score(np.asarray(y_true, dtype=object), np.asarray(y_pred, dtype=object),
                          average="macro", zero_division=0))


def baseline() -> DummyClassifier:
    return DummyClassifier(strategy="most_frequent")


def candidate(seed: int) -> BaseEstimator:
    return SVC(kernel="rbf", C=1.0, random_state=seed)


def cross_validate_model(
    split: Split, model: BaseEstimator, seed: int, folds: int = FOLDS
) -> CVResult:
    result = cross_validate(
        make_pipeline(model),
        split.X_train,
        split.y_train,
        cv=StratifiedKFold(n_splits=folds, shuffle=True, random_state=seed),
        scoring="f1_macro",
    )
    s = result["test_score"]
    return CVResult(scores=tuple(float(v) for v in s), mean=float(np.mean(s)), std=float(np.std(s)))


def evaluate(split: Split, model: BaseEstimator, seed: int) -> Evaluation:
    cv = cross_validate_model(split, model, seed)
    predicted = fit_on_train(split, model).predict(split.X_test)
    truth = np.asarray(split.y_test, dtype=object)
    table = confusion_matrix(truth, predicted, labels=np.array(SPECIES, dtype=object))
    return Evaluation(
        model=type(model).__name__,
        cv=cv,
        holdout_f1=score(truth, predicted),
        holdout_accuracy=float(accuracy_score(truth, predicted)),
        confusion=tuple(map(tuple, table.astype(int).tolist())),
    )


# %% Part 4 — Experiment log and reproducibility ------------------------------------------------


def data_hash(frame: pd.DataFrame) -> str:
    # to_csv writes floats with repr precision, missing cells as "", and the column names.
    text = frame.to_csv(index=True, na_rep="<NA>", lineterminator="\n")
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def git_commit(folder: Path) -> str:
    try:
        out = subprocess.check_output(
            ["git", "rev-parse", "HEAD"], cwd=os.fspath(folder), stderr=subprocess.DEVNULL
        )
    except (subprocess.CalledProcessError, OSError):
        return ""
    return out.decode().strip()


class _LogFormat:
    header = ",".join(LOG_COLUMNS) + "\n"

    @staticmethod
    def cell(v: Any) -> str:
        if isinstance(v, str):
            s = v
        elif isinstance(v, float):
            s = float.__repr__(float(v))
        else:
            s = str(v)
        if any(ch in s for ch in "\r\n"):
            raise ValueError(f"line break in a log value: {s!r}")
        return s

    def line(self, record: RunRecord) -> bytes:
        buf = io.StringIO()
        csv.writer(buf, lineterminator="\n", quoting=csv.QUOTE_MINIMAL).writerow(
            [self.cell(getattr(record, c)) for c in LOG_COLUMNS]
        )
        return buf.getvalue().encode("utf-8")

    def parse(self, text: str) -> RunRecord | None:
        fields = next(csv.reader(io.StringIO(text)), None)
        if fields is None or len(fields) != len(LOG_COLUMNS):
            return None
        d: dict[str, Any] = dict(zip(LOG_COLUMNS, fields))
        try:
            d["seed"] = int(d["seed"])
            for c in LOG_COLUMNS[7:]:
                d[c] = float(d[c])
        except ValueError:
            return None
        return RunRecord(**d)


class _LogFile:
    def __init__(self, path: Path) -> None:
        self.path = Path(path)
        self.fmt = _LogFormat()

    def append(self, record: RunRecord) -> None:
        payload = self.fmt.line(record)  # may raise: nothing has been touched yet
        fd = os.open(self.path, os.O_RDWR | os.O_APPEND | os.O_CREAT, 0o666)
        try:
            end = os.lseek(fd, 0, os.SEEK_END)
            if end == 0:
                payload = self.fmt.header.encode() + payload
            elif os.pread(fd, 1, end - 1) != b"\n":
                payload = b"\n" + payload
            os.write(fd, payload)
            os.fsync(fd)
        finally:
            os.close(fd)

    def read(self) -> list[RunRecord]:
        with open(self.path, "r", encoding="utf-8", newline="") as fh:
            lines = fh.read().split("\n")
        if lines[0] != self.fmt.header[:-1]:
            raise ValueError(f"{self.path} does not start with the experiment-log header")
        parsed = (self.fmt.parse(line) for line in lines[1:] if line)
        return [r for r in parsed if r is not None]


def append_run(log_path: Path, record: RunRecord) -> None:
    _LogFile(log_path).append(record)


def read_log(log_path: Path) -> list[RunRecord]:
    return _LogFile(log_path).read()


class _EnvVar:
    def __init__(self, name: str, value: str) -> None:
        self.name, self.value = name, value

    def __enter__(self):
        self.saved = os.environ.get(self.name)
        os.environ[self.name] = self.value
        return self

    def __exit__(self, *exc):
        if self.saved is None:
            os.environ.pop(self.name, None)
        else:
            os.environ[self.name] = self.saved
        return False


def log_to_mlflow(record: RunRecord, tracking_dir: Path) -> bool:
    try:
        import mlflow
    except ImportError:
        return False
    with _EnvVar("MLFLOW_ALLOW_FILE_STORE", "true"):
        mlflow.set_tracking_uri(Path(tracking_dir).resolve().as_uri())
        with mlflow.start_run(run_name=record.run_id):
            mlflow.log_params({"seed": record.seed, "model": record.model, "params": record.params})
            mlflow.log_metrics({c: float(getattr(record, c)) for c in LOG_COLUMNS[7:]})
            mlflow.set_tags({"git_commit": record.git_commit, "data_hash": record.data_hash})
    return True


def run_experiment(frame: pd.DataFrame, seed: int, log_path: Path) -> Experiment:
    log_path = Path(log_path)
    split = split_data(frame, seed)
    model = candidate(seed)
    result = evaluate(split, model, seed)
    base = evaluate(split, baseline(), seed)
    record = RunRecord(
        run_id=uuid.uuid4().hex,
        timestamp=datetime.now(timezone.utc).replace(microsecond=0).isoformat(),
        git_commit=git_commit(Path(__file__).parent.resolve()),
        data_hash=data_hash(frame),
        seed=seed,
        model=result.model,
        params=json.dumps(model.get_params(), sort_keys=True, default=str),
        cv_f1_mean=result.cv.mean,
        cv_f1_std=result.cv.std,
        holdout_f1=result.holdout_f1,
        holdout_accuracy=result.holdout_accuracy,
        baseline_holdout_f1=base.holdout_f1,
    )
    append_run(log_path, record)
    log_to_mlflow(record, log_path.parent / "mlruns")
    return Experiment(record, model=result, baseline=base)


# %% Try it: run this cell in VS Code / Jupyter, or `nox -s run -- data_ml_coding/foundational`
if __name__ == "__main__":
    penguins = load_data()
    print(profile(penguins))
