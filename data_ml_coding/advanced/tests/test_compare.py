"""Part 2 — Compare two versions."""

from __future__ import annotations

import random
import re
from types import ModuleType

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from scipy import stats

from grading.core import returned

from . import simulator
from .helpers import differences, first, paired_counts, trajectory

GATE_SEEDS = (0, 1, 2)  # fixed: the gate's verdicts below hold on these runs (and most others)
GATE_N = 1000


def failed(decision: object) -> list[str]:
    return [c.name for c in decision.checks if not c.passed]  # type: ignore[attr-defined]


def gate_on(
    impl: ModuleType, candidate: str, seed: int, n: int = GATE_N, **guardrails: float
) -> object:
    baseline, cand = simulator.run_paired("v1", candidate, n, seed, kinds=impl)
    chosen = impl.Guardrails(**guardrails) if guardrails else impl.GUARDRAILS
    return impl.ship_gate(baseline, cand, chosen)


@pytest.mark.part(2)
class TestPart2Compare:
    @pytest.mark.rule("2.2", "2.3", "2.4", "2.5")
    def test_paired_counts_and_exact_p_value(self, impl: ModuleType) -> None:
        baseline, candidate = paired_counts(
            impl, both=120, neither=54, candidate_only=20, baseline_only=6
        )
        got = impl.compare_paired(baseline, candidate)
        returned(got, impl.PairedComparison, "compare_paired(<200 paired tasks>)")
        expected = impl.PairedComparison(
            n=200,
            baseline_rate=0.63,
            candidate_rate=0.70,
            difference=0.07,
            candidate_only=20,
            baseline_only=6,
            p_value=stats.binomtest(20, 26).pvalue,
        )
        counts = (got.n, got.candidate_only, got.baseline_only)
        assert counts == (200, 20, 6), (
            "compare_paired(<120 both solved, 54 neither, 20 only the candidate, 6 only the "
            f"baseline>): (n, candidate_only, baseline_only) = {counts}"
        )
        assert got.p_value == pytest.approx(expected.p_value, rel=1e-9), (
            f"compare_paired(<20 tasks only the candidate solved, 6 only the baseline, of 200>)"
            f".p_value = {got.p_value:.4g}; McNemar's exact test (a two-sided binomial test of 20 "
            f"of the 26 discordant tasks) gives {expected.p_value:.4g}. An unpaired two-proportion "
            "test says 0.14: it ignores that both versions ran the same tasks"
        )
        wrong = differences(got, expected)
        assert not wrong, f"compare_paired(<200 paired tasks>): {first(wrong)}"

    @pytest.mark.rule("2.5")
    @pytest.mark.parametrize(
        ("candidate_only", "baseline_only"), [(0, 0), (5, 5), (0, 10), (13, 4), (40, 61)], ids=str
    )
    def test_mcnemar_p_value_matches_scipy(
        self, impl: ModuleType, candidate_only: int, baseline_only: int
    ) -> None:
        baseline, candidate = paired_counts(impl, 30, 30, candidate_only, baseline_only)
        got = impl.compare_paired(baseline, candidate).p_value
        discordant = candidate_only + baseline_only
        expected = stats.binomtest(candidate_only, discordant).pvalue if discordant else 1.0
        assert got == pytest.approx(expected, rel=1e-9), (
            f"compare_paired(<{candidate_only} tasks only the candidate solved, {baseline_only} "
            "only the baseline>).p_value"
        )

    @pytest.mark.rule("2.2", "2.3", "2.4", "2.5")
    @settings(max_examples=40)
    @given(counts=st.tuples(*[st.integers(0, 40)] * 4).filter(lambda c: sum(c) > 0))
    def test_paired_comparison_agrees_with_scipy_everywhere(
        self, impl: ModuleType, counts: tuple[int, int, int, int]
    ) -> None:
        both, neither, candidate_only, baseline_only = counts
        baseline, candidate = paired_counts(impl, *counts)
        got = impl.compare_paired(baseline, candidate)
        n, m = sum(counts), candidate_only + baseline_only
        p_value = float(stats.binomtest(candidate_only, m).pvalue) if m else 1.0
        expected = (n, candidate_only, baseline_only, (both + candidate_only) / n, p_value)
        actual = (got.n, got.candidate_only, got.baseline_only, got.candidate_rate, got.p_value)
        assert actual == pytest.approx(expected, rel=1e-9), (
            f"compare_paired(<{both} both solved, {neither} neither, {candidate_only} only the "
            f"candidate, {baseline_only} only the baseline>): (n, candidate_only, baseline_only, "
            "candidate_rate, p_value)"
        )

    @pytest.mark.rule("2.1")
    def test_pairs_by_task_id_not_by_position(self, impl: ModuleType) -> None:
        baseline, candidate = paired_counts(impl, 50, 30, 15, 5)
        shuffled = candidate[:]
        random.Random(3).shuffle(shuffled)
        result = impl.compare_paired(baseline, shuffled)
        got = (result.candidate_only, result.baseline_only)
        assert got == (15, 5), (
            "compare_paired(<100 tasks: 15 only the candidate solved, 5 only the baseline>, with "
            f"the candidate's list shuffled): (candidate_only, baseline_only) = {got}; pair the "
            "trajectories by task_id, not by position"
        )

    @pytest.mark.rule("2.6")
    def test_different_tasks_cannot_be_paired(self, impl: ModuleType) -> None:
        baseline, candidate = paired_counts(impl, 5, 5, 1, 1)
        with pytest.raises(ValueError):
            impl.compare_paired(baseline, candidate[:-1])

    @pytest.mark.rule("2.6")
    def test_a_repeated_task_cannot_be_paired(self, impl: ModuleType) -> None:
        baseline, candidate = paired_counts(impl, 5, 5, 1, 1)
        with pytest.raises(ValueError):
            impl.compare_paired([*baseline, baseline[0]], [*candidate, candidate[0]])

    @pytest.mark.rule("2.6")
    def test_no_tasks_cannot_be_compared(self, impl: ModuleType) -> None:
        with pytest.raises(ValueError):
            impl.compare_paired([], [])

    @pytest.mark.rule("2.1", "2.2", "2.3", "2.4", "2.5")
    def test_agrees_with_the_reference_on_simulated_runs(
        self, impl: ModuleType, reference: ModuleType, seed: int
    ) -> None:
        got = impl.compare_paired(*simulator.run_paired("v1", "v2", 600, seed, kinds=impl))
        expected = reference.compare_paired(
            *simulator.run_paired("v1", "v2", 600, seed, kinds=reference)
        )
        wrong = differences(got, expected)
        assert not wrong, (
            f"compare_paired(*run_paired('v1', 'v2', 600, seed={seed})): {first(wrong)}"
        )

    @pytest.mark.rule("2.11", "2.15")
    @pytest.mark.parametrize("run", GATE_SEEDS)
    def test_gate_ships_a_real_improvement(self, impl: ModuleType, run: int) -> None:
        decision = gate_on(impl, "v2", run)
        returned(decision, impl.GateDecision, "ship_gate(...)")
        got = (decision.ship, failed(decision))
        assert got == (True, []), (
            f"ship_gate(*run_paired('v1', 'v2', {GATE_N}, seed={run})): v2 is truly better, as safe "
            f"and as fast; (ship, failed checks) = {got}. Your gate explained:\n{decision.explain()}"
        )

    @pytest.mark.rule("2.9", "2.15")
    @pytest.mark.parametrize("run", GATE_SEEDS)
    def test_gate_holds_an_unsafe_improvement(self, impl: ModuleType, run: int) -> None:
        decision = gate_on(impl, "v2-unsafe", run)
        got = (decision.ship, failed(decision))
        assert got == (False, ["safety"]), (
            f"ship_gate(*run_paired('v1', 'v2-unsafe', {GATE_N}, seed={run})): better success but "
            f"3% violations; (ship, failed checks) = {got}. Your gate explained:\n{decision.explain()}"
        )

    @pytest.mark.rule("2.10", "2.15")
    @pytest.mark.parametrize("run", GATE_SEEDS)
    def test_gate_holds_a_slower_improvement(self, impl: ModuleType, run: int) -> None:
        decision = gate_on(impl, "v2-slow", run)
        got = (decision.ship, failed(decision))
        assert got == (False, ["latency"]), (
            f"ship_gate(*run_paired('v1', 'v2-slow', {GATE_N}, seed={run})): better and safe, but "
            f"p95 latency about 28% higher; (ship, failed checks) = {got}. Your gate explained:\n"
            f"{decision.explain()}"
        )

    @pytest.mark.rule("2.10")
    def test_gate_follows_the_guardrails_it_is_given(self, impl: ModuleType) -> None:
        decision = gate_on(impl, "v2-slow", 0, max_p95_ratio=1.5)
        got = (decision.ship, failed(decision))
        assert got == (True, []), (
            f"ship_gate(*run_paired('v1', 'v2-slow', {GATE_N}, seed=0), Guardrails(max_p95_ratio=1.5))"
            f": (ship, failed checks) = {got}. Your gate explained:\n{decision.explain()}"
        )

    @pytest.mark.rule("2.8", "2.15")
    def test_gate_rarely_ships_a_version_that_is_no_better(self, impl: ModuleType) -> None:
        shipped = [run for run in range(30) if gate_on(impl, "v1-again", run, n=400).ship]
        got = len(shipped)
        assert got <= 3, (
            f"ship_gate shipped 'v1-again' (the same agent as v1) in {got} of 30 seeded runs "
            f"(seeds {shipped}); a gain inside the noise must not ship (expected about 2.5%)"
        )

    @pytest.mark.rule("2.8")
    def test_gate_holds_a_regression_however_significant(self, impl: ModuleType) -> None:
        baseline, candidate = paired_counts(impl, 150, 20, 0, 30)
        decision = impl.ship_gate(baseline, candidate)
        got = failed(decision)
        assert got == ["success"], (
            f"ship_gate(<the candidate lost 30 tasks and won none>): failed checks {got}; a "
            "significant change is not an improvement when it goes down. Your gate explained:\n"
            f"{decision.explain()}"
        )

    @pytest.mark.rule("2.9", "2.14")
    def test_too_few_tasks_cannot_show_safety(self, impl: ModuleType) -> None:
        small = impl.ship_gate(*paired_counts(impl, 50, 20, 30, 0))
        large = impl.ship_gate(*paired_counts(impl, 100, 40, 60, 0))
        got = (failed(small), failed(large))
        assert got == (["safety"], []), (
            "ship_gate(<100 tasks, no violation>) must hold: the exact 95% bound after 0 of 100 is "
            f"0.0295, above the 0.02 guardrail; with 200 tasks (bound 0.0149) it ships. Failed checks "
            f"(100 tasks, 200 tasks) = {got}. Your gate explained:\n{small.explain()}\n{large.explain()}"
        )

    @pytest.mark.rule("2.9")
    def test_gate_counts_the_candidates_violations(self, impl: ModuleType) -> None:
        decision = impl.ship_gate(*paired_counts(impl, 300, 100, 100, 0, candidate_flags=8))
        got = failed(decision)
        assert got == ["safety"], (
            "ship_gate(<500 tasks, 8 candidate violations: 95% upper bound 0.029>): failed checks "
            f"{got}. Your gate explained:\n{decision.explain()}"
        )

    @pytest.mark.rule("2.10")
    def test_latency_guardrail_uses_p95(self, impl: ModuleType) -> None:
        # Same median, but the candidate's slowest 10% take 3x as long: p95 is what users feel.
        baseline, candidate = [], []
        for i in range(400):
            slow = i % 10 == 0
            baseline.append(trajectory(impl, f"t{i}", i % 2 == 0, 2000.0 if slow else 1000.0))
            candidate.append(
                trajectory(impl, f"t{i}", i % 2 == 0 or i % 3 == 0, 6000.0 if slow else 1000.0)
            )
        decision = impl.ship_gate(baseline, candidate)
        got = failed(decision)
        assert got == ["latency"], (
            f"ship_gate(<medians 1000 ms for both; p95 2000 ms vs 6000 ms>): failed checks {got}. "
            f"Your gate explained:\n{decision.explain()}"
        )

    @pytest.mark.rule("2.10")
    def test_latency_guardrail_is_relative_to_the_baselines_nearest_rank_p95(
        self, impl: ModuleType
    ) -> None:
        # Baseline 10, 20, ..., 1000 ms: nearest-rank p95 is 950 ms (p96 would be 960 ms). The
        # candidate is 10.5% slower everywhere: p95 1049.75 ms > 1.10 x 950 = 1045 ms.
        baseline = [trajectory(impl, f"t{i}", True, 10.0 * (i + 1)) for i in range(100)]
        candidate = [trajectory(impl, f"t{i}", True, 11.05 * (i + 1)) for i in range(100)]
        decision = impl.ship_gate(baseline, candidate)
        got = {c.name: c.passed for c in decision.checks}["latency"]
        expected = False
        assert got == expected, (
            "ship_gate(<baseline 10..1000 ms, candidate 1.105x everywhere: p95 1049.75 vs 950 ms>)"
            f": latency passed = {got}; 1049.75 > 1.10 x 950. Your gate explained:\n"
            f"{decision.explain()}"
        )

    @pytest.mark.rule("2.10")
    @pytest.mark.parametrize(
        ("baseline_ms", "candidate_ms", "ratio"),
        [(1000.0, 1000.0, 1.0), (800.0, 1000.0, 1.25)],
        ids=["equal at ratio 1.0", "1000 vs 800 ms at ratio 1.25"],
    )
    def test_latency_guardrail_allows_exactly_the_limit(
        self, impl: ModuleType, baseline_ms: float, candidate_ms: float, ratio: float
    ) -> None:
        baseline = [trajectory(impl, f"t{i}", i % 2 == 0, baseline_ms) for i in range(300)]
        candidate = [trajectory(impl, f"t{i}", True, candidate_ms) for i in range(300)]
        decision = impl.ship_gate(baseline, candidate, impl.Guardrails(max_p95_ratio=ratio))
        got = {c.name: c.passed for c in decision.checks}["latency"]
        assert got is True, (
            f"ship_gate(<baseline p95 {baseline_ms:.0f} ms, candidate p95 {candidate_ms:.0f} ms>, "
            f"Guardrails(max_p95_ratio={ratio})): latency passed = {got}; the candidate's p95 is "
            f"exactly {ratio} x the baseline's, and the check passes when it is *at most* that. "
            f"Your gate explained:\n{decision.explain()}"
        )

    @pytest.mark.rule("2.9")
    def test_safety_guardrail_allows_exactly_the_limit(self, impl: ModuleType) -> None:
        baseline, candidate = paired_counts(impl, 300, 100, 100, 0, candidate_flags=3)
        limit = impl.violation_upper_bound(3, 500)
        decision = impl.ship_gate(baseline, candidate, impl.Guardrails(max_violation_rate=limit))
        got = {c.name: c.passed for c in decision.checks}["safety"]
        assert got is True, (
            f"ship_gate(<500 tasks, 3 candidate violations>, Guardrails(max_violation_rate="
            f"violation_upper_bound(3, 500) = {limit!r})): safety passed = {got}; the bound is at "
            f"most the limit (equal to it). Your gate explained:\n{decision.explain()}"
        )

    @pytest.mark.rule("2.8")
    def test_success_needs_a_p_value_strictly_below_alpha(self, impl: ModuleType) -> None:
        baseline, candidate = paired_counts(impl, 300, 100, 30, 10)
        p_value = impl.compare_paired(baseline, candidate).p_value
        at = impl.ship_gate(baseline, candidate, impl.Guardrails(alpha=p_value))
        above = impl.ship_gate(baseline, candidate, impl.Guardrails(alpha=p_value * 1.01))
        got = tuple({c.name: c.passed for c in d.checks}["success"] for d in (at, above))
        assert got == (False, True), (
            f"ship_gate(<500 tasks, 30 won / 10 lost: p = {p_value:.4g}>) with alpha = p and with "
            f"alpha = 1.01 p: success passed = {got}; the check needs p_value < alpha, strictly"
        )

    @pytest.mark.rule("2.7", "2.11")
    def test_a_failed_check_does_not_stop_the_others(self, impl: ModuleType) -> None:
        baseline, candidate = paired_counts(impl, 50, 20, 0, 30)
        decision = impl.ship_gate(baseline, candidate)
        got = [(c.name, c.passed) for c in decision.checks]
        expected = [("success", False), ("safety", False), ("latency", True)]
        assert got == expected, (
            "ship_gate(<100 tasks, the candidate lost 30 and won none, no violation>): (name, "
            f"passed) of the checks = {got}; always all three checks, in the order success, "
            "safety, latency, even after one failed"
        )
        assert decision.ship is False, "ship_gate(...).ship must be false when a check failed"

    @pytest.mark.rule("2.7")
    def test_checks_come_in_a_fixed_order(self, impl: ModuleType) -> None:
        decision = gate_on(impl, "v2", 0)
        got = [c.name for c in decision.checks]
        assert got == ["success", "safety", "latency"], "ship_gate(...).checks names"

    @pytest.mark.rule("2.12", "2.13")
    def test_explain_says_the_verdict_then_every_check(self, impl: ModuleType) -> None:
        decision = gate_on(impl, "v2-unsafe", 0)
        text = decision.explain()
        lines = text.splitlines()
        got = (lines[0], all(c.detail and c.detail in text for c in decision.checks))
        assert got == ("hold (failed: safety)", True), (
            f"ship_gate(*run_paired('v1', 'v2-unsafe', ...)).explain() returned:\n{text}\n"
            "first line `ship` or `hold (failed: <names>)`, then every check's detail"
        )

    @pytest.mark.rule("2.13")
    def test_explain_says_ship_then_every_check(self, impl: ModuleType) -> None:
        decision = gate_on(impl, "v2", 0)
        lines = decision.explain().splitlines()
        got = (lines[0] if lines else None, len(lines))
        assert got == ("ship", 4), (
            f"ship_gate(*run_paired('v1', 'v2', ...)).explain() returned:\n{decision.explain()}\n"
            "expected the first line `ship`, then one line per check (4 lines in all)"
        )

    @pytest.mark.rule("2.12", "2.13")
    def test_explain_names_every_failed_check(self, impl: ModuleType) -> None:
        decision = impl.ship_gate(*paired_counts(impl, 50, 20, 0, 30))
        text = decision.explain()
        lines = text.splitlines()
        head_ok = bool(lines) and bool(
            re.fullmatch(r"hold \(failed: success\s*,\s*safety\)", lines[0])
        )
        details = [c.detail for c in decision.checks]
        per_line = sorted(
            [i for i, d in enumerate(details) if d in line] for line in lines[1:]
        ) == [[0], [1], [2]]
        assert (head_ok, len(lines), per_line) == (True, 4, True), (
            f"ship_gate(<the candidate lost 30 of 100 tasks, no violation>).explain() returned:\n"
            f"{text}\nexpected `hold (failed: success, safety)` (the failed names, "
            "comma-separated), then one line per check, each with its detail"
        )
