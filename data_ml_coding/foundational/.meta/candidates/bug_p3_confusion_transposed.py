"""Bug (part 3), based on correct_numpy_heavy.py: passes (predicted, true) to the confusion helper, so rows are the predictions.

verdict: reject part 3
rule: "`confusion`: rows are the true species, columns the predicted ones, both in `SPECIES` order."
how: passes (predicted, true) to the confusion helper, so rows are the predictions
differs on: evaluate(split, baseline(), seed).confusion == ((38, 17, 31), (0, 0, 0), (0, 0, 0))
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
# Style: numpy arrays and boolean masks; the split drawn on positions; the ANOVA F computed with
# numpy; F1 and the confusion matrix from one-hot matrix products; per-column array hashing.

import csv
import hashlib
import json
import os
import subprocess
import uuid
from datetime import datetime, timezone

import numpy as np


def _text_dtype(dtype: Any) -> bool:
    return (
        isinstance(dtype, pd.CategoricalDtype)
        or dtype == object
        or pd.api.types.is_string_dtype(dtype)
    )


def validate(frame: pd.DataFrame, contract: tuple[ColumnSpec, ...] = CONTRACT) -> pd.DataFrame:
    errors: dict[str, list[str]] = {}
    typed: dict[str, Any] = {}
    for spec in contract:
        problems = errors.setdefault(spec.name, [])
        if spec.name not in frame:
            problems.append("missing column")
            continue
        col = frame[spec.name]
        dtype = col.dtype
        if spec.kind == "category":
            if not _text_dtype(dtype):
                problems.append(f"dtype {dtype} is not text")
                continue
            values = col.to_numpy(dtype=object, na_value=None)
            isna = np.asarray(pd.isna(values), dtype=bool)
            allowed = np.isin(values, np.array(spec.categories, dtype=object)) | isna
            if not spec.nullable and isna.any():
                problems.append(f"{isna.sum()} missing")
            if not allowed.all():
                seen = list(dict.fromkeys(values[~allowed].tolist()))
                problems.append("unknown categories " + " ".join(str(v) for v in seen))
            if not problems:
                typed[spec.name] = pd.Categorical(values, categories=list(spec.categories))
            continue
        is_bool = pd.api.types.is_bool_dtype(dtype)
        if spec.kind == "int":
            ok = pd.api.types.is_integer_dtype(dtype) and not is_bool
        else:
            ok = pd.api.types.is_numeric_dtype(dtype) and not is_bool
        if not ok:
            problems.append(f"dtype {dtype}, expected {spec.kind}")
            continue
        arr = col.to_numpy(dtype="float64", na_value=np.nan)
        isna = np.isnan(arr)
        if not spec.nullable and isna.any():
            problems.append(f"{isna.sum()} missing")
        low = -np.inf if spec.low is None else spec.low
        high = np.inf if spec.high is None else spec.high
        outside = ~isna & ((arr < low) | (arr > high))
        if outside.any():
            raw = col[outside].tolist() if spec.kind == "int" else arr[outside].tolist()
            problems.append("out of range " + " ".join(str(v) for v in dict.fromkeys(raw)))
        if not problems:
            typed[spec.name] = arr if spec.kind == "float" else col.to_numpy(dtype="int64")
    broken = {k: v for k, v in errors.items() if v}
    if broken:
        lines = [f"  column '{k}': {', '.join(v)}" for k, v in broken.items()]
        raise ContractError("data contract broken:\n" + "\n".join(lines))
    return pd.DataFrame(typed, index=frame.index.copy())


def load_data() -> pd.DataFrame:
    import palmerpenguins

    return validate(palmerpenguins.load_penguins())


def _counts(col: pd.Series) -> dict[str, int]:
    values = col.to_numpy(dtype=object, na_value=None)
    values = values[~np.asarray(pd.isna(values), dtype=bool)].astype(str)
    levels, counts = np.unique(values, return_counts=True)  # levels sorted
    order = np.lexsort((levels, -counts))
    return {str(levels[i]): int(counts[i]) for i in order}


def profile(frame: pd.DataFrame) -> Profile:
    na = frame.isna().to_numpy()
    classes = _counts(frame[TARGET])
    arr = np.fromiter(classes.values(), dtype=float)
    numeric = {}
    for c in NUMERIC:
        d = frame[c].describe()
        numeric[c] = NumericSummary(int(d["count"]), float(d["mean"]), float(d["std"]),
                                    float(d["min"]), float(d["max"]))
    return Profile(
        rows=int(na.shape[0]),
        missing=dict(zip(map(str, frame.columns), map(int, na.sum(axis=0)))),
        rows_with_missing=int(na.any(axis=1).sum()),
        class_counts=classes,
        imbalance=float(arr.max() / arr.min()),
        numeric=numeric,
        levels={c: _counts(frame[c]) for c in CATEGORICAL},
    )


def _anova_f(groups: list[np.ndarray]) -> float:
    groups = [g for g in groups if g.size]
    allv = np.concatenate(groups)
    grand = allv.mean()
    k, n = len(groups), allv.size
    between = sum(g.size * (g.mean() - grand) ** 2 for g in groups) / (k - 1)
    within = sum(((g - g.mean()) ** 2).sum() for g in groups) / (n - k)
    return float(between / within)


def feature_separation(frame: pd.DataFrame) -> dict[str, float]:
    labels = frame[TARGET].to_numpy(dtype=object)
    species = sorted({str(s) for s in labels if not pd.isna(s)})
    f = {}
    for c in NUMERIC:
        x = frame[c].to_numpy(dtype="float64", na_value=np.nan)
        keep = ~np.isnan(x)
        f[c] = _anova_f([x[keep & (labels == s)] for s in species])
    names = np.array(list(f))
    order = np.argsort(-np.array(list(f.values())), kind="stable")
    return {str(names[i]): f[str(names[i])] for i in order}


def save_eda_charts(frame: pd.DataFrame, out_dir: Path) -> list[Path]:
    from matplotlib.figure import Figure

    out = Path(out_dir)
    out.mkdir(parents=True, exist_ok=True)
    label = {c: c.rsplit("_", 1)[0].replace("_", " ") + " (" + c.rsplit("_", 1)[1] + ")" for c in NUMERIC}
    species = [s for s in SPECIES if np.any(frame[TARGET].to_numpy(dtype=object) == s)]

    fig = Figure(figsize=(10, 10), dpi=90)
    axes = fig.subplots(4, 1)
    for ax, c in zip(axes, NUMERIC):
        data = [frame.loc[frame[TARGET] == s, c].dropna().to_numpy() for s in species]
        ax.boxplot(data, vert=False, tick_labels=species)
        for i, d in enumerate(data, start=1):
            ax.plot(d, np.full(d.shape, i) + np.linspace(-0.15, 0.15, d.size), ".", alpha=0.4,
                    label=species[i - 1])
        ax.set_xlabel(label[c])
        ax.set_ylabel("species")
        ax.legend(loc="upper right", fontsize="x-small", ncols=len(species))
    fig.suptitle("Each measurement by species (box = quartiles, dots = penguins)")
    fig.tight_layout()
    p1 = out / CHARTS[0]
    fig.savefig(p1, format="png")

    a, b = list(feature_separation(frame))[:2]
    fig = Figure(figsize=(9, 6), dpi=100)
    ax = fig.add_subplot()
    for s, m in zip(species, ("o", "x", "D")):
        sub = frame[frame[TARGET] == s]
        ax.scatter(sub[a], sub[b], marker=m, label=s)
    ax.set(xlabel=label[a], ylabel=label[b], title=f"{label[a]} vs {label[b]}, per species")
    ax.legend(title="species")
    p2 = out / CHARTS[1]
    fig.savefig(p2, format="png")
    return [p1, p2]


# %% Part 2 — Split without leakage -------------------------------------------------------------

from sklearn.base import clone
from sklearn.compose import ColumnTransformer
from sklearn.impute import SimpleImputer
from sklearn.linear_model import LogisticRegression
from sklearn.model_selection import StratifiedKFold
from sklearn.preprocessing import OneHotEncoder, StandardScaler


def split_data(frame: pd.DataFrame, seed: int, test_size: float = TEST_SIZE) -> Split:
    from sklearn.model_selection import train_test_split

    positions = np.arange(len(frame))
    labels = frame[TARGET].to_numpy(dtype=object)
    train_pos, test_pos = train_test_split(
        positions, test_size=test_size, random_state=seed, stratify=labels
    )
    X = frame[list(FEATURES)]
    y = frame[TARGET]
    return Split(X.iloc[train_pos], X.iloc[test_pos], y.iloc[train_pos], y.iloc[test_pos])


def make_pipeline(model: BaseEstimator) -> Pipeline:
    numeric = Pipeline([("imputer", SimpleImputer(strategy="median")), ("scaler", StandardScaler())])
    categorical = Pipeline(
        [
            ("imputer", SimpleImputer(strategy="most_frequent")),
            ("encoder", OneHotEncoder(handle_unknown="ignore", sparse_output=False)),
        ]
    )
    return Pipeline(
        [
            ("preprocessor", ColumnTransformer([("num", numeric, list(NUMERIC)),
                                                ("cat", categorical, list(CATEGORICAL))])),
            ("classifier", model),
        ]
    )


def fit_on_train(split: Split, model: BaseEstimator) -> Pipeline:
    pipe = make_pipeline(model)
    return pipe.fit(split.X_train, split.y_train)


# %% Part 3 — Baseline and model ----------------------------------------------------------------


def _confusion(y_true: Any, y_pred: Any, labels: Any) -> np.ndarray:
    t = np.asarray(y_true, dtype=object).astype(str)
    p = np.asarray(y_pred, dtype=object).astype(str)
    labels = np.asarray(labels, dtype=str)
    return (t[:, None] == labels[None, :]).T.astype(int) @ (p[:, None] == labels[None, :]).astype(int)


def score(y_true: Any, y_pred: Any) -> float:
    t = np.asarray(y_true, dtype=object).astype(str)
    p = np.asarray(y_pred, dtype=object).astype(str)
    labels = np.union1d(t, p)
    if labels.size == 0:
        return 0.0
    cm = _confusion(t, p, labels)
    tp = np.diag(cm).astype(float)
    fp = cm.sum(axis=0) - tp
    fn = cm.sum(axis=1) - tp
    denom = 2 * tp + fp + fn
    f1 = np.divide(2 * tp, denom, out=np.zeros_like(tp), where=denom > 0)
    return float(f1.mean())


def baseline() -> DummyClassifier:
    return DummyClassifier(strategy="most_frequent")


def candidate(seed: int) -> BaseEstimator:
    return LogisticRegression(C=0.5, max_iter=2000, random_state=seed)


def cross_validate_model(
    split: Split, model: BaseEstimator, seed: int, folds: int = FOLDS
) -> CVResult:
    skf = StratifiedKFold(n_splits=folds, shuffle=True, random_state=seed)
    X, y = split.X_train, split.y_train
    out = np.empty(folds)
    for i, (a, b) in enumerate(skf.split(X, np.asarray(y, dtype=object))):
        fitted = make_pipeline(clone(model)).fit(X.iloc[a], y.iloc[a])
        out[i] = score(y.iloc[b], fitted.predict(X.iloc[b]))
    return CVResult(tuple(out.tolist()), float(out.mean()), float(out.std(ddof=0)))


def evaluate(split: Split, model: BaseEstimator, seed: int) -> Evaluation:
    cv = cross_validate_model(split, model, seed)
    pred = fit_on_train(split, model).predict(split.X_test)
    cm = _confusion(pred, split.y_test, SPECIES)
    t = np.asarray(split.y_test, dtype=object).astype(str)
    return Evaluation(
        model=type(model).__name__,
        cv=cv,
        holdout_f1=score(t, pred),
        holdout_accuracy=float(np.mean(t == np.asarray(pred, dtype=object).astype(str))),
        confusion=tuple(tuple(int(v) for v in r) for r in cm),
    )


# %% Part 4 — Experiment log and reproducibility ------------------------------------------------


def data_hash(frame: pd.DataFrame) -> str:
    h = hashlib.sha256()
    h.update(np.int64(frame.shape[0]).tobytes())
    h.update(np.asarray(frame.index).astype(str).astype("U").tobytes())
    for name in frame.columns:
        col = frame[name]
        h.update(b"\x00col\x00" + str(name).encode())
        if pd.api.types.is_numeric_dtype(col.dtype) and not pd.api.types.is_bool_dtype(col.dtype):
            arr = col.to_numpy(dtype="float64", na_value=np.nan)
            arr = np.where(np.isnan(arr), np.nan, arr)  # one canonical NaN
            h.update(b"num")
            h.update(arr.astype("<f8").tobytes())
        else:
            vals = col.to_numpy(dtype=object, na_value=None)
            h.update(b"obj")
            for v in vals:
                h.update(b"\x01" if v is None else b"\x02" + str(v).encode() + b"\x03")
    return h.hexdigest()


def git_commit(folder: Path) -> str:
    try:
        proc = subprocess.run(["git", "-C", str(folder), "rev-parse", "HEAD"],
                              capture_output=True, text=True, check=False)
    except OSError:
        return ""
    sha = proc.stdout.strip()
    if proc.returncode != 0 or len(sha) < 40 or any(c not in "0123456789abcdef" for c in sha):
        return ""
    return sha


_NUMBER_FIELDS = ("cv_f1_mean", "cv_f1_std", "holdout_f1", "holdout_accuracy", "baseline_holdout_f1")


def append_run(log_path: Path, record: RunRecord) -> None:
    cells = []
    for name in LOG_COLUMNS:
        v = getattr(record, name)
        if name in _NUMBER_FIELDS:
            cell = repr(float(v))
        elif name == "seed":
            cell = str(int(v))
        else:
            cell = v if isinstance(v, str) else str(v)
        if "\n" in cell or "\r" in cell:
            raise ValueError(f"{name} contains a line break")
        cells.append(cell)

    class _W:
        s = ""

        def write(self, x: str) -> None:
            self.s += x

    w = _W()
    csv.writer(w, lineterminator="\n").writerow(cells)
    row = w.s.encode("utf-8")
    fd = os.open(os.fspath(log_path), os.O_WRONLY | os.O_CREAT | os.O_APPEND, 0o644)
    try:
        size = os.fstat(fd).st_size
        prefix = b""
        if size == 0:
            prefix = (",".join(LOG_COLUMNS) + "\n").encode()
        else:
            rfd = os.open(os.fspath(log_path), os.O_RDONLY)
            try:
                if os.pread(rfd, 1, size - 1) != b"\n":
                    prefix = b"\n"
            finally:
                os.close(rfd)
        os.write(fd, prefix + row)
        os.fsync(fd)
    finally:
        os.close(fd)


def read_log(log_path: Path) -> list[RunRecord]:
    raw = Path(log_path).read_text(encoding="utf-8", errors="replace")
    lines = raw.split("\n")
    if next(csv.reader([lines[0]]), []) != list(LOG_COLUMNS):
        raise ValueError("the first line of the log is not the header " + ",".join(LOG_COLUMNS))
    out = []
    for line in lines[1:]:
        fields = next(csv.reader([line]), [])
        if len(fields) != len(LOG_COLUMNS):
            continue
        rec = dict(zip(LOG_COLUMNS, fields))
        try:
            rec["seed"] = int(rec["seed"])
            for k in _NUMBER_FIELDS:
                rec[k] = float(rec[k])
        except ValueError:
            continue
        out.append(RunRecord(**rec))
    return out


def log_to_mlflow(record: RunRecord, tracking_dir: Path) -> bool:
    try:
        import mlflow
    except ImportError:
        return False
    old = os.environ.get("MLFLOW_ALLOW_FILE_STORE")
    os.environ["MLFLOW_ALLOW_FILE_STORE"] = "true"
    try:
        mlflow.set_tracking_uri("file:" + os.path.abspath(tracking_dir))
        with mlflow.start_run():
            mlflow.log_params({"run_id": record.run_id, "seed": record.seed,
                               "model": record.model, "params": record.params})
            mlflow.log_metrics({k: float(getattr(record, k)) for k in _NUMBER_FIELDS})
            mlflow.set_tags({"git_commit": record.git_commit, "data_hash": record.data_hash,
                             "timestamp": record.timestamp})
    finally:
        if old is None:
            os.environ.pop("MLFLOW_ALLOW_FILE_STORE", None)
        else:
            os.environ["MLFLOW_ALLOW_FILE_STORE"] = old
    return True


def run_experiment(frame: pd.DataFrame, seed: int, log_path: Path) -> Experiment:
    log_path = Path(log_path)
    split = split_data(frame, seed)
    est = candidate(seed)
    params = json.dumps(est.get_params(), sort_keys=True, default=str)
    m_eval = evaluate(split, est, seed)
    b_eval = evaluate(split, baseline(), seed)
    record = RunRecord(
        uuid.uuid4().hex,
        datetime.now(timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ"),
        git_commit(Path(os.path.dirname(os.path.abspath(__file__)))),
        data_hash(frame),
        int(seed),
        m_eval.model,
        params,
        m_eval.cv.mean,
        m_eval.cv.std,
        m_eval.holdout_f1,
        m_eval.holdout_accuracy,
        b_eval.holdout_f1,
    )
    append_run(log_path, record)
    log_to_mlflow(record, log_path.parent / "mlruns")
    return Experiment(record, model=m_eval, baseline=b_eval)


# %% Try it: run this cell in VS Code / Jupyter, or `nox -s run -- data_ml_coding/foundational`
if __name__ == "__main__":
    penguins = load_data()
    print(profile(penguins))
