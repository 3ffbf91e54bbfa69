"""Part 3 — Baseline and model."""

from __future__ import annotations

from types import ModuleType
from typing import Any

import numpy as np
import pandas as pd
import pytest
from sklearn.base import clone
from sklearn.dummy import DummyClassifier
from sklearn.metrics import accuracy_score, confusion_matrix, make_scorer
from sklearn.model_selection import StratifiedKFold, cross_val_score
from sklearn.tree import DecisionTreeClassifier

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

    def test_baseline_predicts_the_training_majority(self, impl: ModuleType, parts: Any) -> None:
        X_train, X_test, y_train, _ = parts
        fitted = impl.baseline().fit(X_train, y_train)
        got = sorted({str(label) for label in fitted.predict(X_test)})
        expected = [str(y_train.value_counts().idxmax())]
        assert got == expected, (
            "baseline().fit(X_train, y_train).predict(X_test): the majority class of the "
            "training labels for every row, whatever the features"
        )

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
