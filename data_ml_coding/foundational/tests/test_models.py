"""Part 3 — Baseline and model."""

from __future__ import annotations

from types import ModuleType
from typing import Any, ClassVar

import numpy as np
import pandas as pd
import pytest
from sklearn.base import BaseEstimator, ClassifierMixin, clone, is_classifier
from sklearn.dummy import DummyClassifier
from sklearn.exceptions import NotFittedError
from sklearn.metrics import accuracy_score, confusion_matrix, make_scorer
from sklearn.model_selection import StratifiedKFold, cross_val_score
from sklearn.tree import DecisionTreeClassifier
from sklearn.utils.validation import check_is_fitted

from grading.core import returned

from . import oracle

# Labels where accuracy and macro-F1 disagree: the rare class is what accuracy forgets.
SCORE_CASES = {
    "majority everywhere, 8 A vs 2 C": (list("AAAAAAAACC"), list("AAAAAAAAAA")),
    "one rare class missed once": (list("AAAAAABBBC"), list("AAAAAABBBA")),
    "three classes, mixed errors": (list("AABBBCCCCC"), list("ABBBCCCCCA")),
    "perfect": (list("ABCABC"), list("ABCABC")),
    "a class never predicted": (list("ABCC"), list("ABBB")),
}


class FoldProbe(ClassifierMixin, BaseEstimator):
    """A classifier that notes the preprocessed numbers it is fitted on and predicts the majority
    class. A pipeline refitted inside a fold scales that fold's own training rows to mean 0 and
    std 1 exactly; preprocessing fitted once on the whole training split does not."""

    fits: ClassVar[list[tuple[int, list[float], list[float]]]] = []

    def fit(self, X: Any, y: Any) -> FoldProbe:
        numbers = oracle.dense(X)[:, : len(oracle.NUMERIC)]
        FoldProbe.fits.append(
            (len(numbers), numbers.mean(axis=0).tolist(), numbers.std(axis=0).tolist())
        )
        labels = pd.Series(np.asarray(y)).astype(str)
        self.classes_ = np.array(sorted(labels.unique()))
        self.majority_ = str(labels.value_counts().idxmax())
        return self

    def predict(self, X: Any) -> np.ndarray:
        return np.full(oracle.dense(X).shape[0], self.majority_, dtype=object)


def stump() -> DecisionTreeClassifier:
    """A weak, deterministic model: its errors make fold scores and confusions informative."""
    return DecisionTreeClassifier(max_depth=1, random_state=0)


@pytest.fixture(scope="module")
def parts(seed: int) -> tuple[Any, ...]:
    return oracle.split(oracle.penguins(), seed)


def cv_oracle(model: Any, X_train: pd.DataFrame, y_train: pd.Series, seed: int) -> np.ndarray:
    folds = StratifiedKFold(n_splits=oracle.FOLDS, shuffle=True, random_state=seed)
    scorer = make_scorer(oracle.macro_f1)
    return cross_val_score(
        oracle.pipeline(clone(model)), X_train, y_train, cv=folds, scoring=scorer
    )


def holdout_oracle(model: Any, parts: tuple[Any, ...]) -> tuple[float, float, list[list[int]]]:
    X_train, X_test, y_train, y_test = parts
    predicted = oracle.pipeline(clone(model)).fit(X_train, y_train).predict(X_test)
    truth = y_test.astype(str)
    matrix = confusion_matrix(truth, predicted.astype(str), labels=oracle.SPECIES)
    return oracle.macro_f1(truth, predicted), accuracy_score(truth, predicted), matrix.tolist()


@pytest.mark.part(3)
class TestPart3BaselineAndModel:
    @pytest.mark.rule("3.1", "3.2")
    @pytest.mark.parametrize(("y_true", "y_pred"), SCORE_CASES.values(), ids=SCORE_CASES.keys())
    def test_score_is_macro_f1(
        self, impl: ModuleType, y_true: list[str], y_pred: list[str]
    ) -> None:
        got = impl.score(y_true, y_pred)
        expected = oracle.macro_f1(y_true, y_pred)
        assert got == pytest.approx(expected, abs=1e-12), (
            f"score({''.join(y_true)!r}, {''.join(y_pred)!r} as lists): macro-F1 is "
            f"{expected:.4f}; accuracy would be {accuracy_score(y_true, y_pred):.4f}. Each class "
            "weighs the same, and a class with no predictions scores 0"
        )

    @pytest.mark.rule("3.3")
    def test_baseline_predicts_the_training_majority(self, impl: ModuleType, parts: Any) -> None:
        X_train, X_test, y_train, _ = parts
        fitted = impl.baseline().fit(X_train, y_train)
        got = sorted({str(label) for label in fitted.predict(X_test)})
        expected = [str(y_train.value_counts().idxmax())]
        assert got == expected, (
            "baseline().fit(X_train, y_train).predict(X_test): the majority class of the "
            "training labels for every row, whatever the features"
        )

    @pytest.mark.rule("3.6", "3.7", "3.9")
    def test_cross_validation_uses_seeded_stratified_folds_of_train(
        self, impl: ModuleType, parts: Any, seed: int
    ) -> None:
        X_train, _, y_train, _ = parts
        result = impl.cross_validate_model(impl.Split(*parts), stump(), seed)
        returned(result, impl.CVResult, "cross_validate_model(split, model, seed)")
        scores = cv_oracle(stump(), X_train, y_train, seed)
        got = [*result.scores, result.mean, result.std]
        expected = [*scores, scores.mean(), scores.std()]
        assert got == pytest.approx(expected, abs=1e-12), (
            f"cross_validate_model(split, <depth-1 tree>, seed={seed}): macro-F1 of "
            f"make_pipeline(model) per fold of StratifiedKFold({oracle.FOLDS}, shuffle=True, "
            "random_state=seed) over the training split, then their mean and std (ddof=0)"
        )

    @pytest.mark.rule("3.7", "3.8")
    def test_cross_validation_never_sees_the_test_rows(
        self, impl: ModuleType, parts: Any, seed: int
    ) -> None:
        X_train, X_test, y_train, y_test = parts
        clean = impl.cross_validate_model(impl.Split(*parts), stump(), seed)
        flipped = y_test.map({"Adelie": "Gentoo", "Gentoo": "Chinstrap", "Chinstrap": "Adelie"})
        poisoned = impl.Split(X_train, X_test, y_train, flipped)
        got = impl.cross_validate_model(poisoned, stump(), seed).scores
        expected = clean.scores
        assert got == expected, (
            "cross_validate_model(split, ...): relabelling split.y_test changed the CV scores; "
            "cross-validate on the training split only, the hold-out waits for the very end"
        )

    @pytest.mark.rule("3.6")
    def test_cross_validation_refits_the_preprocessing_inside_every_fold(
        self, impl: ModuleType, parts: Any, seed: int
    ) -> None:
        FoldProbe.fits.clear()
        impl.cross_validate_model(impl.Split(*parts), FoldProbe(), seed)
        fits = list(FoldProbe.fits)
        FoldProbe.fits.clear()
        n_train = len(parts[0])
        sizes = sorted(n for n, _, _ in fits)
        expected_sizes = sorted(
            n_train - n_train // oracle.FOLDS - (1 if k < n_train % oracle.FOLDS else 0)
            for k in range(oracle.FOLDS)
        )
        assert sizes == expected_sizes, (
            f"cross_validate_model(split, model, seed) fitted the model on {sizes} rows; "
            f"expected one fit per fold of the {n_train} training rows: {expected_sizes}"
        )
        worst = max(
            max(abs(m) for m in means) + max(abs(d - 1) for d in stds) for _, means, stds in fits
        )
        assert worst < 1e-9, (
            "cross_validate_model(split, model, seed): inside a fold, the model saw scaled "
            f"measurements whose mean or std is off 0 / 1 by {worst:.3g}: the preprocessing was "
            "fitted on rows beyond that fold's training rows (once on the whole training split?). "
            "Refit make_pipeline(model) inside every fold, so no validation row leaks into it"
        )

    @pytest.mark.rule("3.10", "3.11", "3.12")
    def test_evaluate_matches_scikit_learn(self, impl: ModuleType, parts: Any, seed: int) -> None:
        X_train, _, y_train, _ = parts
        got = impl.evaluate(impl.Split(*parts), stump(), seed)
        returned(got, impl.Evaluation, "evaluate(split, model, seed)")
        f1, accuracy, matrix = holdout_oracle(stump(), parts)
        scores = cv_oracle(stump(), X_train, y_train, seed)
        got_tuple = (
            got.model,
            list(got.cv.scores),
            got.holdout_f1,
            got.holdout_accuracy,
            [list(row) for row in got.confusion],
        )
        assert got_tuple[0] == "DecisionTreeClassifier", (
            f"evaluate(split, <depth-1 tree>, seed).model is {got_tuple[0]!r}; the class name"
        )
        assert got_tuple[1] == pytest.approx(list(scores), abs=1e-12), (
            "evaluate(split, <depth-1 tree>, seed).cv: the cross_validate_model scores"
        )
        assert (got_tuple[2], got_tuple[3]) == pytest.approx((f1, accuracy), abs=1e-12), (
            f"evaluate(split, <depth-1 tree>, seed): (hold-out macro-F1, hold-out accuracy) is "
            f"{(got_tuple[2], got_tuple[3])}; fitted on the training split, scored on the test "
            f"split, scikit-learn says {(f1, accuracy)}"
        )
        assert got_tuple[4] == matrix, (
            f"evaluate(split, <depth-1 tree>, seed).confusion is {got_tuple[4]}; expected "
            f"{matrix}: rows are the true species, columns the predicted ones, both in SPECIES "
            "order"
        )

    @pytest.mark.rule("3.3", "3.11", "3.12")
    def test_baseline_evaluation_shows_what_accuracy_hides(
        self, impl: ModuleType, parts: Any, seed: int
    ) -> None:
        got = impl.evaluate(impl.Split(*parts), impl.baseline(), seed)
        f1, accuracy, matrix = holdout_oracle(DummyClassifier(strategy="most_frequent"), parts)
        got_tuple = (got.holdout_f1, got.holdout_accuracy, [list(row) for row in got.confusion])
        assert got_tuple[:2] == pytest.approx((f1, accuracy), abs=1e-12), (
            f"evaluate(split, baseline(), seed): (macro-F1, accuracy) is {got_tuple[:2]}; "
            f"expected {(round(f1, 4), round(accuracy, 4))}: the majority class alone earns "
            "that accuracy, but macro-F1 shows two species never found"
        )
        assert got_tuple[2] == matrix, (
            f"evaluate(split, baseline(), seed).confusion is {got_tuple[2]}; expected {matrix} "
            "(rows: true species, columns: predicted)"
        )

    @pytest.mark.rule("3.4", "3.5")
    def test_candidate_is_an_unfitted_seeded_classifier(
        self, impl: ModuleType, parts: Any, seed: int
    ) -> None:
        X_train, X_test, y_train, _ = parts
        model = impl.candidate(seed)
        assert is_classifier(model), f"candidate({seed}) is {model!r}; a scikit-learn classifier"
        with pytest.raises(NotFittedError):
            check_is_fitted(model)
        saved = np.random.get_state()
        predictions = []
        try:
            # Two fits of two fresh candidates, each after a different global numpy seed: a
            # model that draws from the global generator instead of `seed` tells them apart.
            for global_seed in (1, 2):
                np.random.seed(global_seed)
                fitted = oracle.pipeline(impl.candidate(seed)).fit(X_train, y_train)
                predictions.append([str(label) for label in fitted.predict(X_test)])
        finally:
            np.random.set_state(saved)
        assert predictions[0] == predictions[1], (
            f"candidate({seed}), fitted twice on the same rows, predicted differently: a model "
            "that uses randomness must be seeded with `seed` (random_state=seed)"
        )

    @pytest.mark.rule("3.5", "3.13")
    def test_candidate_beats_the_baseline_by_the_margin(
        self, impl: ModuleType, parts: Any, seed: int
    ) -> None:
        model = impl.candidate(seed)
        evaluation = impl.evaluate(impl.Split(*parts), model, seed)
        f1_model, _, _ = holdout_oracle(model, parts)
        f1_base, _, _ = holdout_oracle(DummyClassifier(strategy="most_frequent"), parts)
        got = evaluation.holdout_f1
        assert got == pytest.approx(f1_model, abs=1e-12), (
            f"evaluate(split, candidate({seed}), seed).holdout_f1 is {got}; scikit-learn says "
            f"{f1_model} for the same model and split"
        )
        assert f1_model - f1_base >= oracle.MARGIN, (
            f"candidate({seed}) scores {f1_model:.3f} macro-F1 on the hold-out, the baseline "
            f"{f1_base:.3f}: a gain of {f1_model - f1_base:.3f}, below the required "
            f"{oracle.MARGIN}"
        )
