"""Part 4 — Evaluation harness.

Bootstrap intervals are compared with the reference's within TOLERANCE (helpers.py): two correct
implementations that draw their resamples differently agree up to Monte Carlo noise only.
"""

from __future__ import annotations

from types import ModuleType
from typing import Any

import numpy as np
import numpy.typing as npt
import pytest

from grading.core import returned

from .helpers import TOLERANCE, interval_misses

RULE = f"estimate exact, low and high within {TOLERANCE} of the reference's; {{}} means right"


def hits(n: int, rate: float, seed: int) -> npt.NDArray[np.float64]:
    """n per-row scores, 1.0 (right) with probability `rate`, else 0.0."""
    return (np.random.default_rng(seed).random(n) < rate).astype(float)


def fixed(scores: npt.NDArray[np.float64], right: int, wrong: int = 0) -> npt.NDArray[np.float64]:
    """A challenger: the champion's scores with `right` misses fixed and `wrong` hits lost."""
    challenger = scores.copy()
    misses = np.flatnonzero(scores == 0)
    found = np.flatnonzero(scores == 1)
    challenger[misses[:right]] = 1.0
    challenger[found[:wrong]] = 0.0
    return challenger


def triple(interval: Any) -> tuple[float, float, float]:
    return (float(interval.low), float(interval.estimate), float(interval.high))


@pytest.mark.part(4)
class TestPart4Harness:
    @pytest.mark.rule("4.1", "4.2")
    def test_bootstrap_ci_agrees_with_the_reference(
        self, impl: ModuleType, reference: ModuleType, seed: int
    ) -> None:
        scores = hits(400, 0.7, seed)
        got = interval_misses(
            returned(impl.bootstrap_ci(scores), impl.Interval, "bootstrap_ci(<400 scores>)"),
            reference.bootstrap_ci(scores),
        )
        expected: dict[str, Any] = {}
        assert got == expected, f"bootstrap_ci(<400 0/1 scores, ~70% ones, seed {seed}>): {RULE}"

    @pytest.mark.rule("4.2", "4.11")
    def test_bootstrap_ci_of_continuous_scores(
        self, impl: ModuleType, reference: ModuleType, seed: int
    ) -> None:
        scores = np.random.default_rng(seed).random(300) ** 2
        got = interval_misses(
            impl.bootstrap_ci(scores, n_resamples=3000, confidence=0.9, seed=11),
            reference.bootstrap_ci(scores, n_resamples=3000, confidence=0.9, seed=11),
        )
        expected: dict[str, Any] = {}
        assert got == expected, (
            f"bootstrap_ci(<300 scores in [0, 1]>, n_resamples=3000, confidence=0.9, seed=11): {RULE}"
        )

    @pytest.mark.rule("4.3")
    def test_the_same_seed_gives_the_same_interval(self, impl: ModuleType) -> None:
        # Continuous scores: with 0/1 scores, two unseeded bootstraps often land on the same
        # multiples of 1/n, and an unseeded harness would pass by luck.
        scores = np.random.default_rng(5).random(200) ** 2
        got = triple(impl.bootstrap_ci(scores, seed=42))
        expected = triple(impl.bootstrap_ci(scores, seed=42))
        assert got == expected, (
            "bootstrap_ci(scores, seed=42) twice: a seeded harness repeats itself"
        )

    @pytest.mark.rule("4.2")
    def test_the_interval_brackets_the_estimate(self, impl: ModuleType) -> None:
        low, estimate, high = triple(impl.bootstrap_ci(hits(150, 0.8, 9)))
        got = (low <= estimate <= high, low < high)
        expected = (True, True)
        assert got == expected, (
            f"bootstrap_ci(<150 scores>) gave low {low}, estimate {estimate}, high {high}"
        )

    @pytest.mark.rule("4.1", "4.2")
    def test_a_constant_score_has_no_spread(self, impl: ModuleType) -> None:
        got = triple(impl.bootstrap_ci([0.25] * 50))
        expected = (0.25, 0.25, 0.25)
        assert got == pytest.approx(expected), "bootstrap_ci([0.25] * 50)"

    @pytest.mark.rule("4.2")
    def test_lower_confidence_gives_a_narrower_interval(
        self, impl: ModuleType, reference: ModuleType
    ) -> None:
        scores = hits(300, 0.5, 2)
        half = impl.bootstrap_ci(scores, confidence=0.5)
        most = impl.bootstrap_ci(scores, confidence=0.95)
        got = (
            half.high - half.low < most.high - most.low,
            interval_misses(half, reference.bootstrap_ci(scores, confidence=0.5)),
        )
        expected: tuple[bool, dict[str, Any]] = (True, {})
        assert got == expected, (
            f"bootstrap_ci(<300 scores>, confidence=0.5): (narrower than at 0.95?, {RULE})"
        )

    @pytest.mark.parametrize(
        ("scores", "estimate"),
        [([1, 0, 1, 1, 0, 1, 1, 1], 0.75), ([1.0] * 19 + [0.0], 0.95)],
        ids=["the prompt's example", "19 hits out of 20"],
    )
    @pytest.mark.rule("4.1", "4.2")
    def test_the_percentile_interval_stays_inside_the_scores(
        self, impl: ModuleType, scores: list[float], estimate: float
    ) -> None:
        # More than 2.5% of resamples are all hits (0.75**8 = 10%, 0.95**20 = 36%), so the
        # 97.5% quantile of the resampled means is exactly 1.0 whatever the resampling scheme.
        interval = impl.bootstrap_ci(scores)
        got = (round(float(interval.estimate), 12), float(interval.high))
        expected = (estimate, 1.0)
        assert got == expected, (
            f"bootstrap_ci({scores}): (estimate, high); a percentile interval is made of "
            "resampled means, so it never leaves [min, max] of the scores (mean ± z·sd would "
            "reach past 1.0)"
        )

    @pytest.mark.rule("4.4")
    def test_no_scores_raise(self, impl: ModuleType) -> None:
        with pytest.raises(ValueError):
            impl.bootstrap_ci([])

    @pytest.mark.rule("4.5")
    def test_slice_metrics_by_hand(self, impl: ModuleType) -> None:
        scores = [1.0, 0.0, 1.0, 1.0, 0.0, 1.0, 1.0]
        slices = ["sun", "rain", "rain", "fog", "sun", "sun", "rain"]
        result = returned(impl.slice_metrics(scores, slices), dict, "slice_metrics(...)")
        got = [(name, round(float(interval.estimate), 12)) for name, interval in result.items()]
        expected = [("fog", 1.0), ("rain", round(2 / 3, 12)), ("sun", round(2 / 3, 12))]
        assert got == expected, (
            f"slice_metrics({scores}, {slices}): (slice, estimate) with the slices sorted"
        )

    @pytest.mark.rule("4.5")
    def test_slice_intervals_agree_with_the_reference(
        self, impl: ModuleType, reference: ModuleType, seed: int
    ) -> None:
        scores = hits(600, 0.75, seed)
        slices = np.random.default_rng(seed + 1).choice(["winter", "spring", "summer"], size=600)
        mine = impl.slice_metrics(scores, slices)
        theirs = reference.slice_metrics(scores, slices)
        got = {name: interval_misses(mine[name], theirs[name]) for name in theirs}
        expected: dict[str, Any] = {name: {} for name in theirs}
        assert got == expected, (
            f"slice_metrics(<600 scores>, <3 seasons>): per slice, {RULE}; each slice is "
            "resampled within itself"
        )

    @pytest.mark.rule("4.5")
    def test_a_one_row_slice(self, impl: ModuleType) -> None:
        got = triple(impl.slice_metrics([1.0, 0.0, 1.0], ["a", "a", "b"])["b"])
        expected = (1.0, 1.0, 1.0)
        assert got == expected, "slice_metrics([1.0, 0.0, 1.0], ['a', 'a', 'b'])['b']"

    @pytest.mark.parametrize(
        ("scores", "slices"),
        [([1.0, 0.0, 1.0], ["a", "b"]), ([1.0, 0.0], ["a", "b", "a"])],
        ids=["more scores than slices", "fewer scores than slices"],
    )
    @pytest.mark.rule("4.6")
    def test_slices_must_match_the_scores(
        self, impl: ModuleType, scores: list[float], slices: list[str]
    ) -> None:
        with pytest.raises(ValueError):
            impl.slice_metrics(scores, slices)

    @pytest.mark.rule("4.1")
    def test_the_defaults_are_the_documented_ones(self, impl: ModuleType) -> None:
        # Continuous scores: resampled means rarely tie, so another seed or resample count
        # moves the interval.
        rng = np.random.default_rng(3)
        scores = rng.random(60)
        slices = ["a", "b"] * 30
        champion, challenger = rng.random(60), rng.random(60)
        got = (
            impl.bootstrap_ci(scores),
            impl.slice_metrics(scores, slices),
            impl.champion_challenger(champion, challenger).gain,
        )
        expected = (
            impl.bootstrap_ci(scores, n_resamples=2000, confidence=0.95, seed=0),
            impl.slice_metrics(scores, slices, n_resamples=2000, confidence=0.95, seed=0),
            impl.champion_challenger(
                champion, challenger, min_gain=0.0, n_resamples=2000, confidence=0.95, seed=0
            ).gain,
        )
        assert got == expected, (
            "(bootstrap_ci(<60 scores>), slice_metrics(<60 scores>, <2 slices>), "
            "champion_challenger(<60 rows>, <60 rows>)"
            ".gain) with the defaults must equal the same calls with n_resamples=2000, "
            "confidence=0.95, seed=0 (the signatures in starter.py)"
        )

    @pytest.mark.rule("4.7", "4.8")
    def test_a_real_gain_is_promoted(self, impl: ModuleType, reference: ModuleType) -> None:
        champion = hits(1000, 0.7, 1)
        challenger = fixed(champion, right=30)
        decision = returned(
            impl.champion_challenger(champion, challenger),
            impl.GateDecision,
            "champion_challenger(...)",
        )
        got = (
            decision.promote,
            interval_misses(decision.gain, reference.bootstrap_ci(challenger - champion)),
        )
        expected: tuple[bool, dict[str, Any]] = (True, {})
        assert got == expected, (
            "champion_challenger(<1,000 rows, ~70% right>, <the same, 30 misses fixed, nothing "
            f"lost>): (promote, gain interval: {RULE}); paired, the gain of +0.03 is clear"
        )

    @pytest.mark.rule("4.8")
    def test_the_prompt_example_is_refused(self, impl: ModuleType) -> None:
        # One row fixed out of 8: more than 2.5% of paired resamples miss that row, so the
        # interval's low end is exactly 0.0 whatever the resampling scheme, and 0.0 > 0.0 fails.
        decision = impl.champion_challenger([1, 0, 1, 1, 0, 1, 1, 1], [1, 1, 1, 1, 0, 1, 1, 1])
        got = (
            decision.promote,
            round(float(decision.gain.estimate), 12),
            float(decision.gain.low),
        )
        expected = (False, 0.125, 0.0)
        assert got == expected, (
            "champion_challenger([1, 0, 1, 1, 0, 1, 1, 1], [1, 1, 1, 1, 0, 1, 1, 1]): (promote, "
            "gain, gain.low); promote only when gain.low > min_gain (0.0 is not above 0.0)"
        )

    @pytest.mark.rule("4.8")
    def test_a_gain_inside_the_noise_is_refused(self, impl: ModuleType) -> None:
        champion = hits(1000, 0.7, 1)
        challenger = fixed(champion, right=22, wrong=20)
        decision = impl.champion_challenger(champion, challenger)
        got = (decision.promote, round(float(decision.gain.estimate), 12))
        expected = (False, 0.002)
        assert got == expected, (
            "champion_challenger(<1,000 rows>, <22 misses fixed, 20 hits lost>): (promote, "
            "gain); +0.002 is noise"
        )

    @pytest.mark.rule("4.7", "4.8")
    def test_a_worse_challenger_is_refused(self, impl: ModuleType) -> None:
        champion = hits(500, 0.8, 4)
        challenger = fixed(champion, right=0, wrong=25)
        got = impl.champion_challenger(champion, challenger).promote
        expected = False
        assert got == expected, "champion_challenger(<500 rows>, <25 hits lost>)"

    @pytest.mark.rule("4.8")
    @pytest.mark.parametrize(("min_gain", "promote"), [(0.01, True), (0.05, False)])
    def test_the_gain_must_clear_min_gain(
        self, impl: ModuleType, min_gain: float, promote: bool
    ) -> None:
        champion = hits(1000, 0.7, 1)
        challenger = fixed(champion, right=30)
        got = impl.champion_challenger(champion, challenger, min_gain=min_gain).promote
        expected = promote
        assert got == expected, (
            f"champion_challenger(<+0.03 gain, interval about [0.02, 0.04]>, min_gain={min_gain})"
        )

    @pytest.mark.rule("4.9")
    def test_the_decision_says_why(self, impl: ModuleType) -> None:
        champion = hits(100, 0.7, 1)
        decision = impl.champion_challenger(champion, champion)
        got = (decision.promote, isinstance(decision.reason, str) and bool(decision.reason))
        expected = (False, True)
        assert got == expected, "champion_challenger(x, x): refused, with a reason for the log"

    @pytest.mark.rule("4.10")
    def test_both_models_must_score_the_same_rows(self, impl: ModuleType) -> None:
        with pytest.raises(ValueError):
            impl.champion_challenger([1.0, 0.0, 1.0], [1.0, 1.0])
