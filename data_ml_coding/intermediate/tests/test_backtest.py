"""Part 2 — Rolling-origin backtest."""

from __future__ import annotations

import json
from pathlib import Path
from types import ModuleType
from typing import Any

import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from grading.core import plain, returned

from .helpers import FEATURES, Majority, Spy, weather

PROPERTY = settings(max_examples=60)


def spans(folds: Any) -> list[tuple[tuple[int, int], tuple[int, int]]]:
    """Each fold as ((train start, train stop), (test start, test stop)), like range(start, stop)."""
    return [((f.train.start, f.train.stop), (f.test.start, f.test.stop)) for f in folds]


# (n_rows, initial, horizon, step, max_train) -> folds as spans
FOLDS = {
    "expanding window, step = horizon": (
        (10, 4, 2, None, None),
        [((0, 4), (4, 6)), ((0, 6), (6, 8)), ((0, 8), (8, 10))],
    ),
    "a step longer than the horizon": ((10, 4, 2, 3, None), [((0, 4), (4, 6)), ((0, 7), (7, 9))]),
    "a sliding window of 3 rows": (
        (10, 4, 2, None, 3),
        [((1, 4), (4, 6)), ((3, 6), (6, 8)), ((5, 8), (8, 10))],
    ),
    "a window longer than the past keeps it all": (
        (8, 2, 3, None, 4),
        [((0, 2), (2, 5)), ((1, 5), (5, 8))],
    ),
    "a partial last window is dropped": (
        (9, 4, 2, None, None),
        [((0, 4), (4, 6)), ((0, 6), (6, 8))],
    ),
    "too few rows for one fold": ((5, 4, 2, None, None), []),
}


def tiny_frame() -> pd.DataFrame:
    """8 days; `t` is the row's position, so a spy model can tell which rows it was shown."""
    return pd.DataFrame(
        {
            "t": range(8),
            "x": [0.5, 1.5, 2.5, 3.5, 4.5, 5.5, 6.5, 7.5],
            "label": ["rain", "rain", "sun", "rain", "sun", "sun", "sun", "rain"],
        }
    )


def log_lines(path: Path) -> list[dict[str, Any]]:
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines()]


@pytest.mark.part(2)
class TestPart2Backtest:
    @pytest.mark.rule("2.2", "2.3", "2.4")
    @pytest.mark.parametrize(("given_args", "expected"), FOLDS.values(), ids=FOLDS.keys())
    def test_folds_train_on_the_past_and_test_the_next_window(
        self,
        impl: ModuleType,
        given_args: tuple[int, int, int, int | None, int | None],
        expected: list[Any],
    ) -> None:
        n_rows, initial, horizon, step, max_train = given_args
        got = spans(impl.rolling_origin_folds(n_rows, initial, horizon, step, max_train))
        assert got == expected, (
            f"rolling_origin_folds({n_rows}, initial={initial}, horizon={horizon}, step={step}, "
            f"max_train={max_train}) as [((train start, stop), (test start, stop)), ...]"
        )

    @pytest.mark.rule("2.1")
    def test_folds_are_ranges(self, impl: ModuleType) -> None:
        folds = impl.rolling_origin_folds(10, 4, 2)
        got = [(type(f.train).__name__, type(f.test).__name__) for f in folds]
        expected = [("range", "range")] * 3
        assert got == expected, "rolling_origin_folds(10, 4, 2): train and test are range objects"

    @pytest.mark.parametrize(
        "given_args",
        [(10, 0, 2, None, None), (10, 4, 0, None, None), (10, 4, 2, 0, None), (10, 4, 2, None, 0)],
        ids=["initial 0", "horizon 0", "step 0", "max_train 0"],
    )
    @pytest.mark.rule("2.5")
    def test_sizes_below_one_raise(
        self, impl: ModuleType, given_args: tuple[int, int, int, int | None, int | None]
    ) -> None:
        with pytest.raises(ValueError):
            impl.rolling_origin_folds(*given_args)

    @PROPERTY
    @given(
        n_rows=st.integers(0, 60),
        initial=st.integers(1, 20),
        horizon=st.integers(1, 10),
        step=st.none() | st.integers(1, 10),
        max_train=st.none() | st.integers(1, 25),
    )
    @pytest.mark.rule("2.2", "2.3", "2.4")
    def test_folds_agree_with_the_reference(
        self,
        impl: ModuleType,
        reference: ModuleType,
        n_rows: int,
        initial: int,
        horizon: int,
        step: int | None,
        max_train: int | None,
    ) -> None:
        got = spans(impl.rolling_origin_folds(n_rows, initial, horizon, step, max_train))
        expected = spans(reference.rolling_origin_folds(n_rows, initial, horizon, step, max_train))
        assert got == expected, (
            f"rolling_origin_folds({n_rows}, {initial}, {horizon}, {step}, {max_train})"
        )

    @pytest.mark.rule("2.7", "2.14")
    def test_the_model_only_ever_sees_the_past(self, impl: ModuleType) -> None:
        journal: list[tuple[str, list[Any], list[str]]] = []
        folds = impl.rolling_origin_folds(8, 3, 2, step=2)
        impl.backtest(tiny_frame(), ["t", "x"], "label", lambda: Spy(journal), folds)
        got = [(call, rows) for call, rows, _columns in journal]
        expected = [
            ("fit", [0, 1, 2]),
            ("predict", [3, 4]),
            ("fit", [0, 1, 2, 3, 4]),
            ("predict", [5, 6]),
        ]
        assert got == expected, (
            "backtest(<8 rows, t = row position>, ..., rolling_origin_folds(8, 3, 2)): the rows "
            "each fit() and predict() saw, in order; never a shuffled split"
        )

    @pytest.mark.rule("2.7")
    def test_rows_are_positions_whatever_the_index(self, impl: ModuleType) -> None:
        journal: list[tuple[str, list[Any], list[str]]] = []
        frame = tiny_frame()
        frame.index = pd.Index([7, 6, 5, 4, 3, 2, 1, 0])  # labels run backwards
        folds = impl.rolling_origin_folds(8, 3, 2, step=2)
        impl.backtest(frame, ["t", "x"], "label", lambda: Spy(journal), folds)
        got = [(call, rows) for call, rows, _columns in journal]
        expected = [
            ("fit", [0, 1, 2]),
            ("predict", [3, 4]),
            ("fit", [0, 1, 2, 3, 4]),
            ("predict", [5, 6]),
        ]
        assert got == expected, (
            "backtest(<8 rows indexed 7, 6, ..., 0; t = row position>, ..., "
            "rolling_origin_folds(8, 3, 2)): the rows (t) each fit() and predict() saw; a fold's "
            "rows are positions (iloc), not index labels (PROMPT.md, Part 2)"
        )

    @pytest.mark.rule("2.8")
    def test_backtest_scores_each_fold(self, impl: ModuleType) -> None:
        folds = [impl.Fold(range(0, 4), range(4, 6)), impl.Fold(range(2, 6), range(6, 8))]
        got = plain(impl.backtest(tiny_frame(), ["x"], "label", Majority, folds))
        # fold 0 learns rain, rain, sun, rain -> "rain"; tests sun, sun: 0 right.
        # fold 1 learns sun, rain, sun, sun -> "sun"; tests sun, rain: 1 right.
        expected = [
            {
                "fold": 0,
                "train_rows": 4,
                "test_rows": 2,
                "accuracy": 0.0,
                "predicted": ["rain", "rain"],
            },
            {
                "fold": 1,
                "train_rows": 4,
                "test_rows": 2,
                "accuracy": 0.5,
                "predicted": ["sun", "sun"],
            },
        ]
        assert got == expected, (
            "backtest(<8 rows>, ['x'], 'label', Majority, [Fold(range(0, 4), range(4, 6)), "
            "Fold(range(2, 6), range(6, 8))]): fold 0 learns rain, rain, sun, rain and predicts "
            "rain for sun, sun; fold 1 learns sun, rain, sun, sun and predicts sun for sun, rain"
        )

    @pytest.mark.rule("2.6", "2.7")
    def test_a_fresh_model_per_fold_and_only_the_features(self, impl: ModuleType) -> None:
        journal: list[tuple[str, list[Any], list[str]]] = []
        models: list[Spy] = []

        def make_model() -> Spy:
            models.append(Spy(journal))
            return models[-1]

        folds = impl.rolling_origin_folds(8, 3, 2, step=2)
        impl.backtest(tiny_frame(), ["t", "x"], "label", make_model, folds)
        got = (len(models), sorted({tuple(columns) for _call, _rows, columns in journal}))
        expected = (2, [("t", "x")])
        assert got == expected, (
            "backtest(..., features=['t', 'x'], target='label'): (models made for 2 folds, "
            "the columns the models saw: the features, never the target)"
        )

    @pytest.mark.rule("2.8")
    def test_backtest_on_the_real_feed(self, impl: ModuleType, reference: ModuleType) -> None:
        feed = weather()
        folds = reference.rolling_origin_folds(len(feed), 365, 91, max_train=365)
        got = [
            (s.fold, s.train_rows, s.test_rows, s.accuracy)
            for s in impl.backtest(feed, FEATURES, "weather", Majority, folds)
        ]
        expected = [
            (s.fold, s.train_rows, s.test_rows, s.accuracy)
            for s in reference.backtest(feed, FEATURES, "weather", Majority, folds)
        ]
        assert got == expected, (
            "backtest(<seattle-weather>, FEATURES, 'weather', Majority, <12 folds: 365-day "
            "sliding window, 91-day horizon>): (fold, train_rows, test_rows, accuracy)"
        )

    @pytest.mark.rule("2.9", "2.10")
    def test_log_experiment_appends_one_json_line(self, impl: ModuleType, tmp_path: Path) -> None:
        log = tmp_path / "runs" / "weather" / "experiments.jsonl"
        scores = [
            impl.FoldScore(0, 4, 2, 0.5, ("a", "b")),
            impl.FoldScore(1, 6, 2, 1.0, ("a", "a")),
        ]
        returned_record = impl.log_experiment(log, "majority", {"window": 4}, scores)
        impl.log_experiment(log, "second", {}, scores[:1])
        got = (returned_record, log_lines(log))
        first = {
            "iteration": "majority",
            "params": {"window": 4},
            "folds": 2,
            "fold_accuracy": [0.5, 1.0],
            "mean_accuracy": 0.75,
        }
        second = {
            "iteration": "second",
            "params": {},
            "folds": 1,
            "fold_accuracy": [0.5],
            "mean_accuracy": 0.5,
        }
        expected = (first, [first, second])
        assert got == expected, (
            "log_experiment(<tmp>/runs/weather/experiments.jsonl, ...) twice: (the first record "
            "returned, the lines of the file; neither runs/ nor runs/weather/ existed)"
        )

    @pytest.mark.rule("2.10")
    def test_mean_accuracy_is_the_mean_of_the_folds(self, impl: ModuleType, tmp_path: Path) -> None:
        scores = [
            impl.FoldScore(0, 10, 2, 0.5, ("a", "b")),
            impl.FoldScore(1, 12, 6, 1.0, ("a",) * 6),
            impl.FoldScore(2, 18, 1, 0.0, ("b",)),
        ]
        record = impl.log_experiment(tmp_path / "log.jsonl", "uneven", {}, scores)
        got = (record["fold_accuracy"], record["mean_accuracy"])
        expected = ([0.5, 1.0, 0.0], pytest.approx(0.5))
        assert got == expected, (
            "log_experiment(..., <fold accuracies 0.5, 1.0, 0.0 on 2, 6 and 1 test rows>): "
            "(fold_accuracy, mean_accuracy); 'mean_accuracy their mean' is the plain mean of the "
            "fold accuracies, not weighted by test rows (0.778)"
        )

    @pytest.mark.rule("2.11", "2.12")
    def test_leaderboard_ranks_the_latest_run_of_each_iteration(
        self, impl: ModuleType, tmp_path: Path
    ) -> None:
        log = tmp_path / "experiments.jsonl"
        lines = [
            {"iteration": "baseline", "mean_accuracy": 0.46},
            {"iteration": "forest", "mean_accuracy": 0.70},
            {"iteration": "logreg", "mean_accuracy": 0.55},
            {"iteration": "logreg", "mean_accuracy": 0.65},
            {"iteration": "tie", "mean_accuracy": 0.46},
        ]
        log.write_text("".join(json.dumps(line) + "\n" for line in lines), encoding="utf-8")
        got = impl.leaderboard(log)
        expected = [("forest", 0.70), ("logreg", 0.65), ("baseline", 0.46), ("tie", 0.46)]
        assert got == expected, (
            f"leaderboard(<log {lines}>): best first, latest line per iteration, ties in order "
            "of first appearance"
        )

    @pytest.mark.rule("2.11", "2.13")
    def test_two_iterations_compared_in_the_log(
        self, impl: ModuleType, reference: ModuleType, tmp_path: Path
    ) -> None:
        feed = weather()
        log = tmp_path / "experiments.jsonl"
        for name, window in (("majority-all-past", None), ("majority-last-year", 365)):
            folds = impl.rolling_origin_folds(len(feed), 365, 91, max_train=window)
            scores = impl.backtest(feed, FEATURES, "weather", Majority, folds)
            impl.log_experiment(log, name, {"max_train": window}, scores)
        got = [(name, round(score, 4)) for name, score in impl.leaderboard(log)]
        expected = [("majority-last-year", 0.5256), ("majority-all-past", 0.4625)]
        assert got == expected, (
            "two iterations on the real feed (majority label, all the past vs the last 365 days), "
            "then leaderboard(log): the label mix drifts, so the recent window wins"
        )
        returned(got, list, "leaderboard(log)")
