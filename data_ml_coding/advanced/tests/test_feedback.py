"""Part 3 — Learn from feedback."""

from __future__ import annotations

import math
from types import ModuleType

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from scipy import optimize, stats

from grading.core import returned

from . import simulator

RECOVERY_SEEDS = (0, 1, 2, 3, 4)  # fixed
MIN_SPEARMAN = 0.9
BANDIT_SEEDS = tuple(range(10))  # fixed
BANDIT_ROUNDS = 2000
MAX_REGRET = 200.0  # a tenth of the rounds; uniform play loses about 620 on VARIANT_MEANS

judgements = st.lists(
    st.tuples(
        st.sampled_from("abcde"), st.sampled_from("abcde"), st.sampled_from((0.0, 0.5, 1.0))
    ).filter(lambda c: c[0] != c[1]),
    max_size=30,
)

UNDEFEATED = [("a", "b", 1.0)] * 5 + [("a", "c", 1.0)] * 3 + [("b", "c", 0.5), ("c", "b", 1.0)]


def two_item_optimum(wins: int, losses: int, l2: float) -> float:
    """s_a when a beat b `wins` times and lost `losses` times (s_b = -s_a), solved by scipy."""

    def slope(s: float) -> float:
        p = 1 / (1 + math.exp(-2 * s))
        return 2 * (wins * (1 - p) - losses * p) - 2 * l2 * s

    return float(optimize.brentq(slope, -50, 50, xtol=1e-14))


class Recorder:
    """Wraps an environment's pull(): counts the calls and keeps what it returned."""

    def __init__(self, env: simulator.PromptVariants) -> None:
        self.env = env
        self.arms: list[int] = []
        self.rewards: list[float] = []

    def __call__(self, arm: int) -> float:
        reward = self.env.pull(arm)
        self.arms.append(arm)
        self.rewards.append(reward)
        return reward


@pytest.mark.part(3)
class TestPart3Feedback:
    @pytest.mark.rule("3.2", "3.5")
    def test_two_items(self, impl: ModuleType) -> None:
        comparisons = [("a", "b", 1.0)] * 3 + [("a", "b", 0.0)]
        got = impl.fit_bradley_terry(comparisons)
        returned(got, dict, "fit_bradley_terry(<a beat b 3 times, lost once>)")
        s = two_item_optimum(3, 1, 0.1)
        assert got == pytest.approx({"a": s, "b": -s}, abs=1e-6), (
            "fit_bradley_terry(<a beat b 3 times, lost once>, l2=0.1): maximize "
            "3 log sigmoid(s_a - s_b) + log sigmoid(s_b - s_a) - 0.05 (s_a^2 + s_b^2)"
        )

    @pytest.mark.rule("3.1")
    def test_ties_count_half_a_win_each(self, impl: ModuleType) -> None:
        tied = impl.fit_bradley_terry([("a", "b", 0.5), ("a", "b", 0.5), ("a", "c", 1.0)])
        split = impl.fit_bradley_terry([("a", "b", 1.0), ("a", "b", 0.0), ("a", "c", 1.0)])
        assert tied == pytest.approx(split, abs=1e-6), (
            "fit_bradley_terry: two ties between a and b must weigh like one win each"
        )

    @pytest.mark.rule("3.1", "3.2")
    def test_only_ties_give_equal_scores(self, impl: ModuleType) -> None:
        got = impl.fit_bradley_terry([("a", "b", 0.5)] * 4)
        assert got == pytest.approx({"a": 0.0, "b": 0.0}, abs=1e-9), (
            "fit_bradley_terry(<4 ties between a and b>)"
        )

    @pytest.mark.rule("3.1", "3.2")
    def test_order_within_a_pair_does_not_matter(self, impl: ModuleType) -> None:
        got = impl.fit_bradley_terry([("a", "b", 0.0), ("c", "a", 0.5), ("b", "c", 1.0)])
        expected = impl.fit_bradley_terry([("b", "a", 1.0), ("a", "c", 0.5), ("c", "b", 0.0)])
        assert got == pytest.approx(expected, abs=1e-6), (
            "fit_bradley_terry: ('a', 'b', 0.0) says the same as ('b', 'a', 1.0)"
        )

    @pytest.mark.rule("3.1", "3.2")
    def test_fractional_outcomes_are_allowed(self, impl: ModuleType, reference: ModuleType) -> None:
        comparisons = [("a", "b", 0.3), ("b", "c", 0.8), ("a", "c", 0.25), ("c", "a", 0.9)]
        got = impl.fit_bradley_terry(comparisons)
        expected = reference.fit_bradley_terry(comparisons)
        assert got == pytest.approx(expected, abs=1e-6), (
            f"fit_bradley_terry({comparisons}) returned {got}; any outcome in [0, 1] is allowed "
            "and weighs as that share of a win for a"
        )

    @pytest.mark.rule("3.3", "3.4")
    def test_items_alone_score_zero(self, impl: ModuleType) -> None:
        got = impl.fit_bradley_terry([], items=["x", "y"])
        assert got == pytest.approx({"x": 0.0, "y": 0.0}, abs=1e-12), (
            f"fit_bradley_terry([], items=['x', 'y']) returned {got}; one entry per item, and an "
            "item never compared scores exactly 0.0"
        )

    @pytest.mark.rule("3.3", "3.4")
    def test_unseen_items_score_zero(self, impl: ModuleType) -> None:
        got = impl.fit_bradley_terry([("a", "b", 1.0)], items=["a", "b", "new"])
        assert "new" in got and got["new"] == pytest.approx(0.0, abs=1e-9), (
            f"fit_bradley_terry([('a', 'b', 1.0)], items=['a', 'b', 'new']) returned {got}; an "
            "item never compared keeps the prior's score, 0.0"
        )

    @pytest.mark.rule("3.2", "3.4")
    def test_an_undefeated_item_gets_a_finite_score(
        self, impl: ModuleType, reference: ModuleType
    ) -> None:
        got = impl.fit_bradley_terry(UNDEFEATED, items=["z"])
        expected = reference.fit_bradley_terry(UNDEFEATED, items=["z"])
        assert got == pytest.approx(expected, abs=1e-6), (
            f"fit_bradley_terry(<'a' wins all 8 of its comparisons>, items=['z']) returned {got}; "
            "without the l2 prior the maximum likelihood puts 'a' at infinity"
        )

    @pytest.mark.rule("3.4")
    def test_scores_sum_to_zero(self, impl: ModuleType) -> None:
        prefs = simulator.preferences(seed=11)
        got = sum(impl.fit_bradley_terry(prefs.comparisons, prefs.items).values())
        assert got == pytest.approx(0.0, abs=1e-6), "sum(fit_bradley_terry(...).values())"

    @pytest.mark.rule("3.2")
    def test_a_stronger_prior_shrinks_the_scores(self, impl: ModuleType) -> None:
        prefs = simulator.preferences(seed=12)
        weak = impl.fit_bradley_terry(prefs.comparisons, prefs.items, l2=0.01)
        strong = impl.fit_bradley_terry(prefs.comparisons, prefs.items, l2=10.0)
        got = max(map(abs, strong.values())) < max(map(abs, weak.values()))
        assert got, "fit_bradley_terry(..., l2=10.0) should give smaller scores than l2=0.01"

    @pytest.mark.rule("3.2", "3.3", "3.5")
    def test_agrees_with_the_reference_on_simulated_preferences(
        self, impl: ModuleType, reference: ModuleType, seed: int
    ) -> None:
        prefs = simulator.preferences(seed=seed)
        got = impl.fit_bradley_terry(prefs.comparisons, prefs.items)
        expected = reference.fit_bradley_terry(prefs.comparisons, prefs.items)
        assert got == pytest.approx(expected, abs=1e-6), (
            f"fit_bradley_terry(preferences(seed={seed}))"
        )

    @pytest.mark.rule("3.2", "3.3", "3.5")
    @settings(max_examples=40)
    @given(comparisons=judgements, l2=st.sampled_from((0.05, 0.1, 1.0)))
    def test_agrees_with_the_reference_on_any_judgements(
        self,
        impl: ModuleType,
        reference: ModuleType,
        comparisons: list[tuple[str, str, float]],
        l2: float,
    ) -> None:
        got = impl.fit_bradley_terry(comparisons, items=["a"], l2=l2)
        expected = reference.fit_bradley_terry(comparisons, items=["a"], l2=l2)
        assert got == pytest.approx(expected, abs=1e-6), (
            f"fit_bradley_terry({comparisons}, items=['a'], l2={l2})"
        )

    @pytest.mark.rule("3.8")
    @pytest.mark.parametrize("run", RECOVERY_SEEDS)
    def test_recovers_the_latent_ranking(self, impl: ModuleType, run: int) -> None:
        prefs = simulator.preferences(seed=run)
        scores = impl.fit_bradley_terry(prefs.comparisons, prefs.items)
        compared = {item for a, b, _ in prefs.comparisons for item in (a, b)}
        ordered = sorted(compared)
        got = float(
            stats.spearmanr(
                [scores[i] for i in ordered], [prefs.latent[i] for i in ordered]
            ).statistic
        )
        assert got >= MIN_SPEARMAN, (
            f"fit_bradley_terry(preferences(seed={run})): Spearman correlation with the latent "
            f"quality is {got:.3f}; at least {MIN_SPEARMAN} expected"
        )

    @pytest.mark.rule("3.6")
    @pytest.mark.parametrize(
        "comparisons",
        [[("a", "b", 1.5)], [("a", "a", 1.0)], [("a", "b", -0.5)]],
        ids=["outcome above 1", "an item against itself", "negative outcome"],
    )
    def test_rejects_bad_comparisons(self, impl: ModuleType, comparisons: list) -> None:
        with pytest.raises(ValueError):
            impl.fit_bradley_terry(comparisons)

    @pytest.mark.rule("3.6")
    def test_rejects_a_missing_prior(self, impl: ModuleType) -> None:
        with pytest.raises(ValueError):
            impl.fit_bradley_terry([("a", "b", 1.0)], l2=0.0)

    @pytest.mark.rule("3.7")
    def test_no_comparisons_no_scores(self, impl: ModuleType) -> None:
        got = impl.fit_bradley_terry([])
        assert got == {}, "fit_bradley_terry([])"

    @pytest.mark.rule("3.9", "3.10")
    def test_bandit_plays_every_round_once(self, impl: ModuleType) -> None:
        pull = Recorder(simulator.PromptVariants(seed=1))
        got = impl.run_bandit(pull, 5, 300, seed=1)
        returned(got, impl.BanditRun, "run_bandit(pull, 5, 300, seed=1)")
        assert (list(got.arms), list(got.rewards)) == (pull.arms, pull.rewards), (
            "run_bandit(pull, 5, 300, seed=1): arms and rewards must be what was played and what "
            f"pull() returned, once per round ({len(pull.arms)} calls to pull)"
        )

    @pytest.mark.rule("3.10")
    def test_bandit_records_tuples(self, impl: ModuleType) -> None:
        got = impl.run_bandit(simulator.PromptVariants(seed=3).pull, 5, 50, seed=3)
        kinds = (type(got.arms).__name__, type(got.rewards).__name__)
        assert kinds == ("tuple", "tuple"), (
            f"run_bandit(pull, 5, 50, seed=3): (type(arms), type(rewards)) = {kinds}; BanditRun "
            "holds tuples (tuple[int, ...], tuple[float, ...]), so two runs compare equal with =="
        )

    @pytest.mark.rule("3.9")
    def test_bandit_with_fewer_rounds_than_arms(self, impl: ModuleType) -> None:
        pull = Recorder(simulator.PromptVariants(seed=4))
        got = impl.run_bandit(pull, 5, 3, seed=4)
        played = (len(pull.arms), len(got.arms), len(got.rewards))
        assert played == (3, 3, 3), (
            f"run_bandit(pull, 5, 3, seed=4): (calls to pull, arms, rewards) = {played}; one pull "
            "per round, 3 rounds, even though there are more arms than rounds"
        )

    @pytest.mark.rule("3.9")
    def test_bandit_plays_only_arms_that_exist(self, impl: ModuleType) -> None:
        called: list[int] = []

        def pull(arm: int) -> float:
            called.append(arm)
            return 1.0 if arm == 1 else 0.0

        run = impl.run_bandit(pull, 3, 30, seed=0)
        got = sorted({a for a in [*run.arms, *called] if a not in (0, 1, 2)})
        expected = []
        assert got == expected, (
            "run_bandit(pull, 3, 30, seed=0): every arm played and passed to pull() must be one "
            f"of 0, 1, 2; arms played: {list(run.arms)}"
        )

    @pytest.mark.rule("3.11", "3.14")
    @pytest.mark.parametrize("run", BANDIT_SEEDS)
    def test_bandit_regret_is_bounded(self, impl: ModuleType, run: int) -> None:
        env = simulator.PromptVariants(seed=run)
        arms = impl.run_bandit(env.pull, len(env.means), BANDIT_ROUNDS, seed=run).arms
        got = env.regret(arms)
        assert got <= MAX_REGRET, (
            f"run_bandit(PromptVariants(seed={run}).pull, 5, {BANDIT_ROUNDS}, seed={run}): "
            f"pseudo-regret {got:.0f} against means {env.means}; at most {MAX_REGRET:.0f} expected "
            "(a greedy policy can lock onto a bad variant after an unlucky start)"
        )

    @pytest.mark.rule("3.12")
    def test_bandit_is_reproducible(self, impl: ModuleType) -> None:
        first = impl.run_bandit(simulator.PromptVariants(seed=5).pull, 5, 500, seed=5)
        again = impl.run_bandit(simulator.PromptVariants(seed=5).pull, 5, 500, seed=5)
        assert first.arms == again.arms, "run_bandit(..., seed=5) twice on the same environment"

    @pytest.mark.rule("3.11")
    def test_bandit_settles_on_a_clear_winner(self, impl: ModuleType) -> None:
        env = simulator.PromptVariants(means=(0.1, 0.9), seed=2)
        arms = impl.run_bandit(env.pull, 2, 500, seed=2).arms
        got = sum(1 for a in arms if a == 1) / len(arms)
        assert got >= 0.9, (
            f"run_bandit over means (0.1, 0.9), 500 rounds: best arm {got:.0%} of plays"
        )

    @pytest.mark.rule("3.13")
    @pytest.mark.parametrize(("n_arms", "rounds"), [(0, 10), (3, -1)], ids=str)
    def test_bandit_rejects_bad_sizes(self, impl: ModuleType, n_arms: int, rounds: int) -> None:
        with pytest.raises(ValueError):
            impl.run_bandit(simulator.PromptVariants(seed=0).pull, n_arms, rounds)

    @pytest.mark.rule("3.9", "3.13")
    def test_bandit_of_zero_rounds_plays_nothing(self, impl: ModuleType) -> None:
        got = impl.run_bandit(simulator.PromptVariants(seed=0).pull, 3, 0)
        assert (tuple(got.arms), tuple(got.rewards)) == ((), ()), "run_bandit(pull, 3, 0)"
