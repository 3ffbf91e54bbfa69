"""Part 1 — Measure an agent."""

from __future__ import annotations

import math
from types import ModuleType

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from scipy import stats

from grading.core import returned

from . import simulator
from .helpers import differences, first, trajectory

# (successes, n): Wilson intervals checked against scipy's
WILSON_CASES = [(0, 10), (10, 10), (7, 20), (120, 300), (1, 1000), (1, 1)]
# (violations, n): exact one-sided upper bounds checked against the beta quantile
UPPER_CASES = [(0, 300), (0, 20), (1, 4), (3, 600), (17, 1000), (9, 10)]

PROPERTY = settings(max_examples=40)  # on top of the grading profile (derandomized)
COVERAGE_SEEDS = range(100)  # fixed: the claim is about these 100 repetitions
COVERAGE_N = 300  # trajectories per repetition


def example(impl: ModuleType) -> list[object]:
    """The four trajectories of PROMPT.md's Part 1 example."""
    return [
        trajectory(
            impl, "t1", True, 1000.0, (), "coding", 0.10, (("search", 200.0), ("python", 300.0))
        ),
        trajectory(impl, "t2", False, 3000.0, ("pii_leak",), "coding", 0.30, (("python", 2500.0),)),
        trajectory(impl, "t3", True, 500.0, (), "math", 0.05, (("python", 100.0),)),
        trajectory(
            impl,
            "t4",
            False,
            8000.0,
            (),
            "browsing",
            0.40,
            (("browser", 4000.0), ("fetch", 1000.0), ("search", 500.0)),
        ),
    ]


@pytest.mark.part(1)
class TestPart1Measure:
    @pytest.mark.rule("1.1", "1.2")
    @pytest.mark.parametrize(
        ("successes", "n"), WILSON_CASES, ids=[f"{k}of{n}" for k, n in WILSON_CASES]
    )
    def test_wilson_interval_matches_scipy(self, impl: ModuleType, successes: int, n: int) -> None:
        got = impl.wilson_interval(successes, n)
        returned(got, impl.Interval, f"wilson_interval({successes}, {n})")
        ci = stats.binomtest(successes, n).proportion_ci(0.95, method="wilson")
        expected = (float(ci.low), float(ci.high))
        assert math.isclose(got.low, expected[0], abs_tol=1e-9) and math.isclose(
            got.high, expected[1], abs_tol=1e-9
        ), (
            f"wilson_interval({successes}, {n}) = ({got.low:.6g}, {got.high:.6g}); the Wilson "
            f"score interval is ({expected[0]:.6g}, {expected[1]:.6g})"
        )

    @pytest.mark.rule("1.1", "1.2")
    @PROPERTY
    @given(
        n=st.integers(1, 5000), share=st.floats(0, 1), confidence=st.sampled_from((0.8, 0.95, 0.99))
    )
    def test_wilson_interval_agrees_with_scipy_everywhere(
        self, impl: ModuleType, n: int, share: float, confidence: float
    ) -> None:
        successes = round(share * n)
        got = impl.wilson_interval(successes, n, confidence)
        ci = stats.binomtest(successes, n).proportion_ci(confidence, method="wilson")
        assert (got.low, got.high) == pytest.approx((float(ci.low), float(ci.high)), abs=1e-9), (
            f"wilson_interval({successes}, {n}, {confidence})"
        )

    @pytest.mark.rule("1.2", "1.3")
    def test_wilson_interval_is_honest_at_zero_successes(self, impl: ModuleType) -> None:
        got = impl.wilson_interval(0, 50)
        assert got.low == pytest.approx(0.0, abs=1e-12) and got.high > 0.05, (
            f"wilson_interval(0, 50) = {got}: 0 of 50 does not prove the rate is 0; "
            "the upper end should be about 0.071"
        )

    @pytest.mark.rule("1.2", "1.3")
    def test_wilson_interval_is_honest_at_n_successes(self, impl: ModuleType) -> None:
        got = impl.wilson_interval(50, 50)
        assert got.high == pytest.approx(1.0, abs=1e-12) and got.low < 0.95, (
            f"wilson_interval(50, 50) = {got}: 50 of 50 does not prove the rate is 1; the Wilson "
            "interval does not collapse to a point at n successes (the lower end is about 0.929)"
        )

    @pytest.mark.rule("1.2")
    def test_wilson_interval_widens_with_confidence(self, impl: ModuleType) -> None:
        narrow, wide = impl.wilson_interval(30, 100, 0.80), impl.wilson_interval(30, 100, 0.99)
        got = (wide.low < narrow.low, wide.high > narrow.high)
        assert got == (True, True), (
            f"wilson_interval(30, 100, 0.80) = {narrow}, wilson_interval(30, 100, 0.99) = {wide}"
        )

    @pytest.mark.rule("1.6")
    @pytest.mark.parametrize(
        "args", [(1, 0), (5, 4), (-1, 10), (3, 10, 1.0), (3, 10, 0.0)], ids=str
    )
    def test_wilson_interval_rejects_impossible_counts(self, impl: ModuleType, args: tuple) -> None:
        with pytest.raises(ValueError):
            impl.wilson_interval(*args)

    @pytest.mark.rule("1.4")
    @pytest.mark.parametrize(
        ("violations", "n"), UPPER_CASES, ids=[f"{k}of{n}" for k, n in UPPER_CASES]
    )
    def test_violation_upper_bound_is_exact(
        self, impl: ModuleType, violations: int, n: int
    ) -> None:
        got = impl.violation_upper_bound(violations, n)
        expected = float(stats.beta.ppf(0.95, violations + 1, n - violations))
        assert got == pytest.approx(expected, rel=1e-6), (
            f"violation_upper_bound({violations}, {n}) = {got}; the exact one-sided 95% bound "
            f"(the rate at which {violations} or fewer has probability 5%) is {expected:.6g}"
        )

    @pytest.mark.rule("1.4", "1.5")
    @PROPERTY
    @given(
        n=st.integers(1, 3000),
        share=st.floats(0, 0.2),
        confidence=st.sampled_from((0.9, 0.95, 0.99)),
    )
    def test_violation_upper_bound_is_exact_everywhere(
        self, impl: ModuleType, n: int, share: float, confidence: float
    ) -> None:
        violations = round(share * n)
        got = impl.violation_upper_bound(violations, n, confidence)
        expected = (
            1.0
            if violations == n
            else float(stats.beta.ppf(confidence, violations + 1, n - violations))
        )
        assert got == pytest.approx(expected, rel=1e-6), (
            f"violation_upper_bound({violations}, {n}, {confidence})"
        )

    @pytest.mark.rule("1.5")
    def test_zero_violations_still_bound_the_rate(self, impl: ModuleType) -> None:
        got = impl.violation_upper_bound(0, 300)
        expected = 1 - 0.05 ** (1 / 300)
        assert got == pytest.approx(expected, rel=1e-9), (
            f"violation_upper_bound(0, 300) = {got}; with no violations in 300 the honest 95% "
            f"bound is 1 - 0.05 ** (1 / 300) = {expected:.5f}, about 3/300 (the rule of three), "
            "not 0"
        )

    @pytest.mark.rule("1.5")
    def test_all_violations_bound_is_one(self, impl: ModuleType) -> None:
        got = impl.violation_upper_bound(10, 10)
        assert got == pytest.approx(1.0), "violation_upper_bound(10, 10)"

    @pytest.mark.rule("1.5", "1.12")
    def test_a_run_where_every_trajectory_violated_bounds_the_rate_at_one(
        self, impl: ModuleType
    ) -> None:
        runs = [trajectory(impl, f"t{i}", True, flags=("pii_leak",)) for i in range(300)]
        got = impl.measure(runs).violation_upper
        expected = 1.0
        assert got == pytest.approx(expected), (
            "measure(<300 trajectories, every one flagged>).violation_upper: with violations == n "
            "the bound is 1.0 (compare the counts by value, not identity)"
        )

    @pytest.mark.rule("1.6")
    @pytest.mark.parametrize(
        "args",
        [(3, 0), (0, 0), (-1, 10), (11, 10), (1, 10, 0.0), (1, 10, 1.0), (0, 10, 1.5)],
        ids=str,
    )
    def test_violation_upper_bound_rejects_impossible_counts(
        self, impl: ModuleType, args: tuple
    ) -> None:
        with pytest.raises(ValueError):
            impl.violation_upper_bound(*args)

    @pytest.mark.rule("1.7")
    @pytest.mark.parametrize(
        ("values", "p", "expected"),
        [
            ([10.0, 20.0], 50, 10.0),
            ([float(v) for v in range(1, 101)], 99, 99.0),
            ([3.0, 5.0], 0, 3.0),
        ],
        ids=["p50 of two is the lower", "p99 of 1..100", "p0 is the smallest"],
    )
    def test_percentile_is_nearest_rank(
        self, impl: ModuleType, values: list[float], p: float, expected: float
    ) -> None:
        got = impl.percentile(values, p)
        assert got == expected, f"percentile({values if len(values) < 5 else '1..100'}, {p})"

    @pytest.mark.rule("1.8")
    def test_percentile_of_nothing_raises(self, impl: ModuleType) -> None:
        with pytest.raises(ValueError):
            impl.percentile([], 50)

    @pytest.mark.rule("1.9", "1.10", "1.11", "1.12", "1.13", "1.14", "1.15")
    def test_prompt_example(self, impl: ModuleType) -> None:
        got = impl.measure(example(impl))
        returned(got, impl.AgentReport, "measure(<the 4 trajectories of PROMPT.md>)")
        wilson = stats.binomtest(2, 4).proportion_ci(0.95, method="wilson")
        expected = impl.AgentReport(
            n=4,
            successes=2,
            success_rate=0.5,
            success_interval=impl.Interval(wilson.low, wilson.high),
            violations=1,
            violation_rate=0.25,
            violation_upper=float(stats.beta.ppf(0.95, 2, 3)),
            latency_ms=impl.Latency(1000.0, 8000.0, 8000.0),
            step_latency_ms=impl.Latency(500.0, 4000.0, 4000.0),
            cost_per_success=0.425,
        )
        wrong = differences(got, expected, rel=1e-6)
        assert not wrong, f"measure(<the 4 trajectories of PROMPT.md>): {first(wrong)}"

    @pytest.mark.rule("1.15")
    def test_cost_per_success_counts_the_failed_runs_too(self, impl: ModuleType) -> None:
        runs = [
            trajectory(impl, "a", True, cost_usd=1.0),
            trajectory(impl, "b", False, cost_usd=3.0),
            trajectory(impl, "c", False, cost_usd=4.0),
        ]
        got = impl.measure(runs).cost_per_success
        assert got == pytest.approx(8.0), (
            "measure(<costs 1.0 (success), 3.0 and 4.0 (failures)>).cost_per_success: "
            "all the money spent (8.0) over the 1 success"
        )

    @pytest.mark.rule("1.15")
    def test_cost_per_success_is_infinite_without_a_success(self, impl: ModuleType) -> None:
        got = impl.measure([trajectory(impl, "a", False, cost_usd=2.0)]).cost_per_success
        assert got == math.inf, "measure(<one failed run that cost 2.0>).cost_per_success"

    @pytest.mark.rule("1.11", "1.12")
    def test_a_violation_is_a_trajectory_not_a_flag(self, impl: ModuleType) -> None:
        runs = [
            trajectory(impl, "a", True, flags=("pii_leak", "unsafe_tool")),
            trajectory(impl, "b", True, flags=("pii_leak",)),
            trajectory(impl, "c", True),
            trajectory(impl, "d", False),
        ]
        report = impl.measure(runs)
        got = (report.violations, report.violation_rate)
        assert got == (2, 0.5), (
            "measure(<4 trajectories: flags ('pii_leak', 'unsafe_tool'), ('pii_leak',), none, "
            f"none>): (violations, violation_rate) = {got}; violations counts the trajectories "
            "with at least one flag (2 of 4), not the flags (3)"
        )
        expected = float(stats.beta.ppf(0.95, 3, 2))
        assert report.violation_upper == pytest.approx(expected, rel=1e-6), (
            f"measure(<2 flagged trajectories of 4>).violation_upper = {report.violation_upper}; "
            f"violation_upper_bound(2, 4) is {expected:.6g}"
        )

    @pytest.mark.rule("1.16")
    def test_measure_of_nothing_raises(self, impl: ModuleType) -> None:
        with pytest.raises(ValueError):
            impl.measure([])

    @pytest.mark.rule("1.9", "1.10", "1.11", "1.12", "1.13", "1.14", "1.15")
    def test_agrees_with_the_reference_on_simulated_runs(
        self, impl: ModuleType, reference: ModuleType, seed: int
    ) -> None:
        got = impl.measure(simulator.run_agent("v1", 800, seed, kinds=impl))
        expected = reference.measure(simulator.run_agent("v1", 800, seed, kinds=reference))
        wrong = differences(got, expected)
        assert not wrong, f"measure(run_agent('v1', 800, seed={seed})): {first(wrong)}"

    @pytest.mark.rule("1.17")
    def test_slices_by_category(self, impl: ModuleType, reference: ModuleType, seed: int) -> None:
        got = impl.measure_by_category(simulator.run_agent("v2", 800, seed, kinds=impl))
        expected = reference.measure_by_category(
            simulator.run_agent("v2", 800, seed, kinds=reference)
        )
        assert list(got) == sorted(simulator.CATEGORIES), (
            f"measure_by_category(...) keys {list(got)}: one per category, in ascending order"
        )
        wrong = differences(got, expected)
        assert not wrong, f"measure_by_category(run_agent('v2', 800, seed={seed})): {first(wrong)}"

    @pytest.mark.rule("1.21")
    def test_intervals_cover_the_true_rates(self, impl: ModuleType) -> None:
        # Wilson's exact coverage at the true rate (0.595) and n = 300 is 95.5 %; the exact upper
        # bound's is above 95 % by construction. A Wald bound says 0 whenever no violation is seen
        # (41 % of these runs) and covers the true 0.3 % far less often.
        truth_success = simulator.true_success_rate("v1")
        truth_violation = simulator.true_violation_rate("v1")
        success_covered = violation_covered = 0
        for rep in COVERAGE_SEEDS:
            report = impl.measure(simulator.run_agent("v1", COVERAGE_N, rep, kinds=impl))
            interval = report.success_interval
            success_covered += interval.low <= truth_success <= interval.high
            violation_covered += truth_violation <= report.violation_upper
        got = (success_covered >= 93, violation_covered >= 93)
        assert got == (True, True), (
            f"over 100 seeded runs of 300 trajectories, your 95% Wilson interval covered the true "
            f"success rate {truth_success:.3f} {success_covered} times and your upper bound covered "
            f"the true violation rate {truth_violation} {violation_covered} times; both should be "
            ">= 93"
        )

    @pytest.mark.rule("1.18", "1.19")
    def test_trajectories_needed_textbook_value(self, impl: ModuleType) -> None:
        got = impl.trajectories_needed(0.5, 0.6)
        assert got == 388, (
            "trajectories_needed(0.5, 0.6): (1.96 * sqrt(2 * 0.55 * 0.45) + 0.8416 * "
            "sqrt(0.25 + 0.24))^2 / 0.1^2 = 387.3, rounded up"
        )

    @pytest.mark.rule("1.18", "1.19")
    @pytest.mark.parametrize(
        ("p1", "p2", "alpha", "power"),
        [
            (0.6, 0.7, 0.05, 0.8),
            (0.9, 0.95, 0.05, 0.9),
            (0.3, 0.2, 0.01, 0.8),
            (0.02, 0.05, 0.1, 0.5),
        ],
        ids=str,
    )
    def test_trajectories_needed_formula(
        self, impl: ModuleType, p1: float, p2: float, alpha: float, power: float
    ) -> None:
        z_a, z_b = stats.norm.ppf(1 - alpha / 2), stats.norm.ppf(power)
        p_bar = (p1 + p2) / 2
        spread = z_a * math.sqrt(2 * p_bar * (1 - p_bar)) + z_b * math.sqrt(
            p1 * (1 - p1) + p2 * (1 - p2)
        )
        expected = math.ceil(spread**2 / (p1 - p2) ** 2)
        got = impl.trajectories_needed(p1, p2, alpha, power)
        assert got == expected, f"trajectories_needed({p1}, {p2}, {alpha}, {power})"

    @pytest.mark.rule("1.19", "1.20")
    @pytest.mark.parametrize(("p1", "p2"), [(1.0, 0.9), (0.0, 0.1), (0.9, 1.0)], ids=str)
    def test_trajectories_needed_accepts_rates_at_the_ends_of_the_range(
        self, impl: ModuleType, p1: float, p2: float
    ) -> None:
        z_a, z_b = stats.norm.ppf(0.975), stats.norm.ppf(0.8)
        p_bar = (p1 + p2) / 2
        spread = z_a * math.sqrt(2 * p_bar * (1 - p_bar)) + z_b * math.sqrt(
            p1 * (1 - p1) + p2 * (1 - p2)
        )
        got = impl.trajectories_needed(p1, p2)
        expected = math.ceil(spread**2 / (p1 - p2) ** 2)
        assert got == expected, f"trajectories_needed({p1}, {p2}): rates in [0, 1] are allowed"

    @pytest.mark.rule("1.18")
    def test_trajectories_needed_delivers_its_power(self, impl: ModuleType) -> None:
        n = impl.trajectories_needed(0.6, 0.7)
        rng = np.random.default_rng(7)
        a = rng.binomial(n, 0.6, size=4000) / n
        b = rng.binomial(n, 0.7, size=4000) / n
        pooled = (a + b) / 2
        z = (b - a) / np.sqrt(2 * pooled * (1 - pooled) / n)
        got = float(np.mean(np.abs(z) > stats.norm.ppf(0.975)))
        assert 0.77 <= got <= 0.83, (
            f"trajectories_needed(0.6, 0.7) = {n}: a z-test with {n} per version detected the "
            f"difference in {got:.1%} of 4000 simulated experiments; 80% was asked for"
        )

    @pytest.mark.rule("1.20")
    @pytest.mark.parametrize(
        "args",
        [
            (0.5, 0.5),
            (-0.1, 0.5),
            (0.5, 1.2),
            (0.5, 0.6, 0.0, 0.8),
            (0.5, 0.6, 1.0, 0.8),
            (0.5, 0.6, 0.05, 0.0),
            (0.5, 0.6, 0.05, 1.0),
        ],
        ids=[
            "equal rates",
            "rate below 0",
            "rate above 1",
            "alpha 0",
            "alpha 1",
            "power 0",
            "power 1",
        ],
    )
    def test_trajectories_needed_rejects_bad_arguments(self, impl: ModuleType, args: tuple) -> None:
        with pytest.raises(ValueError):
            impl.trajectories_needed(*args)
