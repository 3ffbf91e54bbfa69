"""Part 2 — Split without leakage."""

from __future__ import annotations

from types import ModuleType

import numpy as np
import pandas as pd
import pytest
from sklearn.exceptions import NotFittedError
from sklearn.linear_model import LogisticRegression
from sklearn.pipeline import Pipeline

from grading.core import returned

from . import oracle

SEEDS = 8  # stratification is checked on this many seeds: one lucky random split proves nothing


def model() -> LogisticRegression:
    return LogisticRegression(max_iter=1000)


def split_of(impl: ModuleType, seed: int) -> object:
    """A Split built by scikit-learn directly, so these tests do not depend on split_data."""
    return impl.Split(*oracle.split(oracle.penguins(), seed))


def canary(rows: pd.DataFrame) -> pd.DataFrame:
    """Test rows turned absurd: huge numbers and every sex "female". A pipeline that learns
    anything from them (a median, a mean, a most frequent value) changes what it learned."""
    poisoned = rows.copy()
    poisoned[oracle.NUMERIC] = poisoned[oracle.NUMERIC] * 1000 + 7
    poisoned["sex"] = pd.Categorical(["female"] * len(rows), categories=["female", "male"])
    return poisoned


@pytest.mark.part(2)
class TestPart2SplitWithoutLeakage:
    @pytest.mark.rule("2.1")
    def test_split_data_returns_a_split(self, impl: ModuleType, seed: int) -> None:
        returned(impl.split_data(oracle.penguins(), seed), impl.Split, "split_data(<penguins>)")

    @pytest.mark.rule("2.4")
    @pytest.mark.parametrize("test_size", [0.25, 0.2, 0.5])
    def test_hold_out_size_follows_test_size(
        self, impl: ModuleType, seed: int, test_size: float
    ) -> None:
        frame = oracle.penguins()
        split = impl.split_data(frame, seed, test_size)
        got = (len(split.X_train), len(split.X_test), len(split.y_train), len(split.y_test))
        n_test = oracle.holdout_rows(len(frame), test_size)
        expected = (len(frame) - n_test, n_test, len(frame) - n_test, n_test)
        assert got == expected, (
            f"split_data(<344 penguins>, seed={seed}, test_size={test_size}): (train rows, test "
            "rows, train labels, test labels); the test set has ceil(test_size * n) rows"
        )

    @pytest.mark.rule("2.2", "2.3")
    def test_split_partitions_the_rows_and_keeps_their_index(
        self, impl: ModuleType, seed: int
    ) -> None:
        frame = oracle.penguins()
        split = impl.split_data(frame, seed)
        train, test = set(split.X_train.index), set(split.X_test.index)
        got = (len(train & test), sorted(train | test))
        expected = (0, sorted(frame.index))
        assert got == expected, (
            f"split_data(<penguins>, seed={seed}): (rows in both halves, all row labels); every "
            "row lands in exactly one half, under its original index"
        )
        for name, X, y in (
            ("train", split.X_train, split.y_train),
            ("test", split.X_test, split.y_test),
        ):
            assert list(X.columns) == oracle.FEATURES, (
                f"split_data(...).X_{name} has columns {list(X.columns)}; expected FEATURES "
                f"{oracle.FEATURES} (the target and the year stay out)"
            )
            assert list(y.index) == list(X.index), f"split_data(...): y_{name} rows follow X_{name}"
            got_rows = oracle.cells(pd.concat([X, y], axis=1))
            expected_rows = oracle.cells(frame.loc[X.index, [*oracle.FEATURES, "species"]])
            assert got_rows == expected_rows, (
                f"split_data(...): the {name} rows hold the original values, unchanged"
            )

    @pytest.mark.rule("2.1", "2.5")
    def test_split_is_stratified_by_species(self, impl: ModuleType, seed: int) -> None:
        frame = oracle.penguins()
        sizes = frame["species"].value_counts()
        for offset in range(SEEDS):
            split = impl.split_data(frame, seed + offset)
            counts = split.y_test.value_counts()
            for species in oracle.SPECIES:
                share = sizes[species] * oracle.TEST_SIZE
                got = int(counts.get(species, 0))
                assert abs(got - share) < 1, (
                    f"split_data(<penguins>, seed={seed + offset}): {got} {species} in the test "
                    f"set; stratified, it holds {share:.2f} rounded up or down "
                    f"({sizes[species]} {species} x test_size {oracle.TEST_SIZE})"
                )

    @pytest.mark.rule("2.6")
    def test_same_seed_same_split_other_seed_other_split(self, impl: ModuleType, seed: int) -> None:
        frame = oracle.penguins()
        first = list(impl.split_data(frame, seed).X_test.index)
        again = list(impl.split_data(frame, seed).X_test.index)
        other = list(impl.split_data(frame, seed + 1).X_test.index)
        got = (again == first, sorted(other) == sorted(first))
        expected = (True, False)
        assert got == expected, (
            f"split_data(<penguins>, seed): (seed {seed} twice gives the same test rows, seed "
            f"{seed + 1} gives the same test rows as {seed}); the seed decides, nothing else"
        )

    def test_split_does_not_modify_the_frame(self, impl: ModuleType, seed: int) -> None:
        frame = oracle.penguins()
        impl.split_data(frame, seed)
        got = oracle.cells(frame)
        expected = oracle.cells(oracle.penguins())
        assert got == expected, "split_data(frame, seed) changed `frame`"

    @pytest.mark.rule("2.7")
    def test_make_pipeline_is_unfitted_and_ends_with_the_model(self, impl: ModuleType) -> None:
        given = model()
        pipeline = returned(impl.make_pipeline(given), Pipeline, "make_pipeline(model)")
        got = pipeline.steps[-1][1] is given
        assert got, "make_pipeline(model): the last step is `model` itself"
        kinds = [type(step).__name__ for _, step in pipeline.steps]
        assert kinds == ["ColumnTransformer", "LogisticRegression"], (
            f"make_pipeline(LogisticRegression()) has steps {kinds}; expected one "
            "ColumnTransformer that does all the preprocessing, then the model"
        )
        with pytest.raises(NotFittedError):
            pipeline.predict(oracle.penguins()[oracle.FEATURES].head())

    @pytest.mark.rule("2.8", "2.9", "2.10")
    def test_preprocessing_uses_training_statistics_only(self, impl: ModuleType, seed: int) -> None:
        X_train, X_test, y_train, _ = oracle.split(oracle.penguins(), seed)
        probe = X_test.copy()
        probe.iloc[:5, :4] = np.nan  # missing numbers
        probe.iloc[5:10, 5] = np.nan  # missing sex
        pipeline = impl.make_pipeline(model()).fit(X_train, y_train)
        got = oracle.dense(pipeline[:-1].transform(probe))
        expected = oracle.preprocessed(X_train, probe)
        assert got.shape == expected.shape, (
            f"make_pipeline(...) fitted on the training rows turns {probe.shape[0]} test rows into "
            f"{got.shape}; expected {expected.shape}: 4 scaled numbers, then one column per island "
            "and per sex"
        )
        assert np.allclose(got, expected, atol=1e-9), (
            "make_pipeline(...)[:-1].transform(<test rows, some missing>): medians, means, "
            "standard deviations and most frequent values all come from the training rows; "
            f"first row {np.round(got[0], 4).tolist()}, expected {np.round(expected[0], 4).tolist()}"
        )

    @pytest.mark.rule("2.11", "2.12", "2.13")
    def test_fit_on_train_learns_nothing_from_the_test_rows(
        self, impl: ModuleType, seed: int
    ) -> None:
        X_train, X_test, y_train, y_test = oracle.split(oracle.penguins(), seed)
        clean = impl.fit_on_train(impl.Split(X_train, X_test, y_train, y_test), model())
        poisoned = impl.fit_on_train(impl.Split(X_train, canary(X_test), y_train, y_test), model())
        returned(clean, Pipeline, "fit_on_train(split, model)")
        got = oracle.dense(poisoned[:-1].transform(X_train))
        expected = oracle.dense(clean[:-1].transform(X_train))
        assert got.shape == expected.shape and np.array_equal(got, expected), (
            "fit_on_train(split, model) learned from the test rows: a canary planted in "
            "split.X_test (numbers x1000, every sex 'female') changed how the training rows are "
            "preprocessed. Fit every step on split.X_train only"
        )
        got_proba = poisoned.predict_proba(X_train)
        expected_proba = clean.predict_proba(X_train)
        assert np.array_equal(got_proba, expected_proba), (
            "fit_on_train(split, model): the canary in split.X_test changed the model's "
            "predictions on the training rows"
        )

    @pytest.mark.rule("2.8", "2.9", "2.10", "2.11", "2.12")
    def test_fit_on_train_matches_training_statistics(self, impl: ModuleType, seed: int) -> None:
        X_train, X_test, y_train, y_test = oracle.split(oracle.penguins(), seed)
        pipeline = impl.fit_on_train(impl.Split(X_train, X_test, y_train, y_test), model())
        got = oracle.dense(pipeline[:-1].transform(X_test))
        expected = oracle.preprocessed(X_train, X_test)
        assert got.shape == expected.shape and np.allclose(got, expected, atol=1e-9), (
            "fit_on_train(split, model)[:-1].transform(split.X_test): preprocessing fitted on "
            "the training rows, exactly as make_pipeline prescribes"
        )

    @pytest.mark.rule("2.9", "2.14")
    def test_unseen_category_and_missing_values_still_predict(
        self, impl: ModuleType, seed: int
    ) -> None:
        pipeline = impl.fit_on_train(split_of(impl, seed), model())
        odd = pd.DataFrame(
            {
                "bill_length_mm": [np.nan],
                "bill_depth_mm": [17.0],
                "flipper_length_mm": [np.nan],
                "body_mass_g": [4000.0],
                "island": ["Atlantis"],
                "sex": [np.nan],
            }
        )
        got = list(pipeline.predict(odd))
        assert len(got) == 1 and str(got[0]) in oracle.SPECIES, (
            f"fit_on_train(...).predict(<a row from island 'Atlantis', two numbers and sex "
            f"missing>) gave {got}; impute, and let the encoder ignore unseen categories"
        )
