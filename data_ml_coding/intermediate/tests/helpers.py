"""The data the tests use (the real weather feed, the checked-in tool-call log), two tiny models
whose answers are known by hand, and the tolerance rule for bootstrap intervals."""

from __future__ import annotations

import json
from collections import Counter
from functools import cache
from pathlib import Path
from typing import Any

import pandas as pd
from vega_datasets import local_data

FOLDER = Path(__file__).resolve().parent.parent
TOOL_LOG = FOLDER / "data" / "tool_calls.jsonl"
FEATURES = ["precipitation", "temp_max", "temp_min", "wind"]
# Two bootstrap implementations that draw their resamples differently agree within Monte Carlo
# noise, not exactly. Measured over 300 seeds with 2,000 resamples: endpoints moved by at most
# 0.0075 on 400 scores, and by one or two steps of 0.01 on the log's 100 cases per version.
TOLERANCE = 0.03


@cache
def _weather() -> pd.DataFrame:
    return local_data.seattle_weather()


def weather() -> pd.DataFrame:
    """vega_datasets' seattle-weather: 1,461 daily rows, 2012-01-01 to 2015-12-31 (a fresh copy)."""
    return _weather().copy()


def year(frame: pd.DataFrame, which: int) -> pd.DataFrame:
    return frame[frame["date"].dt.year == which].reset_index(drop=True)


@cache
def _records() -> tuple[str, ...]:
    return tuple(TOOL_LOG.read_text(encoding="utf-8").splitlines())


def tool_log() -> list[dict[str, Any]]:
    """The checked-in log: 100 cases x prompt versions v1, v2, v3 (fresh dicts every call)."""
    return [json.loads(line) for line in _records() if line.strip()]


class Majority:
    """Predicts the most frequent training label (ties: the smallest label)."""

    def fit(self, features: pd.DataFrame, labels: pd.Series) -> Majority:
        counts = Counter(labels.tolist())
        self.label = min(counts, key=lambda label: (-counts[label], label))
        return self

    def predict(self, features: pd.DataFrame) -> list[Any]:
        return [self.label] * len(features)


class Spy(Majority):
    """A Majority model that writes down which rows it was fitted on and asked about."""

    def __init__(self, journal: list[tuple[str, list[Any], list[str]]]) -> None:
        self.journal = journal

    def fit(self, features: pd.DataFrame, labels: pd.Series) -> Spy:
        self.journal.append(("fit", features["t"].tolist(), list(features.columns)))
        super().fit(features, labels)
        return self

    def predict(self, features: pd.DataFrame) -> list[Any]:
        self.journal.append(("predict", features["t"].tolist(), list(features.columns)))
        return super().predict(features)


def interval_misses(got: Any, expected: Any, tolerance: float = TOLERANCE) -> dict[str, Any]:
    """The fields of interval `got` that are off: the estimate must be exact (to 1e-9), low and
    high within `tolerance` of the reference's. {} means the interval is right."""
    misses: dict[str, Any] = {}
    if abs(got.estimate - expected.estimate) > 1e-9:
        misses["estimate"] = (got.estimate, expected.estimate)
    for name in ("low", "high"):
        if not abs(getattr(got, name) - getattr(expected, name)) <= tolerance:
            misses[name] = (getattr(got, name), getattr(expected, name))
    return misses
