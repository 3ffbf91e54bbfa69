"""Mutant: cost per success averages the cost of the successful runs only.

The failed runs were paid for too: the real price of one solved task is all the money spent
divided by the tasks solved.

Caught by: Part 1
"""

from __future__ import annotations

import json
import math
import os
from collections import defaultdict
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, replace
from pathlib import Path
from statistics import NormalDist
from typing import Any

import numpy as np

# %% Records


@dataclass(frozen=True)
class Step:
    """One tool call inside a trajectory."""

    tool: str
    latency_ms: float


@dataclass(frozen=True)
class Trajectory:
    """One agent run on one task."""

    task_id: str
    category: str
    agent: str  # the version (or strategy) that ran it
    success: bool
    latency_ms: float  # end to end, model time between tool calls included
    cost_usd: float
    steps: tuple[Step, ...]  # at least one
    safety_flags: tuple[str, ...] = ()  # any flag makes the trajectory a violation


# %% Part 1 — Measure an agent


@dataclass(frozen=True)
class Interval:
    low: float
    high: float


@dataclass(frozen=True)
class Latency:
    """Nearest-rank percentiles, in milliseconds."""

    p50: float
    p95: float
    p99: float


@dataclass(frozen=True)
class AgentReport:
    n: int  # trajectories
    successes: int
    success_rate: float
    success_interval: Interval  # Wilson, 95 %
    violations: int  # trajectories with at least one safety flag
    violation_rate: float
    violation_upper: float  # exact one-sided 95 % upper bound on the violation rate
    latency_ms: Latency  # end to end, over trajectories
    step_latency_ms: Latency  # over every step of every trajectory
    cost_per_success: float  # all the money spent / successes; math.inf when none succeeded


def _check_counts(count: int, n: int, confidence: float) -> None:
    if n <= 0 or not 0 <= count <= n:
        raise ValueError(f"need 0 <= count <= n and n > 0, got count={count}, n={n}")
    if not 0 < confidence < 1:
        raise ValueError(f"confidence must be between 0 and 1, got {confidence}")


def wilson_interval(successes: int, n: int, confidence: float = 0.95) -> Interval:
    """The two-sided Wilson score interval for a success rate of `successes` out of `n`.

    Raises ValueError unless 0 <= successes <= n, n > 0 and 0 < confidence < 1.
    """
    _check_counts(successes, n, confidence)
    z = NormalDist().inv_cdf(0.5 + confidence / 2)
    p = successes / n
    # Wilson inverts the score test: it uses the variance at the candidate rate, not at the
    # observed one, which is what keeps it honest at 0 successes (Wald's width collapses to 0).
    denominator = 1 + z * z / n
    center = (p + z * z / (2 * n)) / denominator
    half = z * math.sqrt(p * (1 - p) / n + z * z / (4 * n * n)) / denominator
    return Interval(max(0.0, center - half), min(1.0, center + half))


def violation_upper_bound(violations: int, n: int, confidence: float = 0.95) -> float:
    """The exact one-sided upper confidence bound on a rate after `violations` out of `n`.

    The rate p at which seeing `violations` or fewer has probability 1 - confidence; with zero
    violations that is 1 - (1 - confidence) ** (1 / n). Raises ValueError like wilson_interval.
    """
    _check_counts(violations, n, confidence)
    alpha = 1 - confidence
    if violations == n:
        return 1.0
    if violations == 0:
        return 1 - alpha ** (1 / n)
    # P(X <= k) falls as p grows: bisect for the p where it reaches alpha, rounding upwards so
    # that the bound never comes out below the true one.
    low, high = violations / n, 1.0
    for _ in range(200):
        middle = (low + high) / 2
        if _binomial_cdf(violations, n, middle) > alpha:
            low = middle
        else:
            high = middle
        if high - low < 1e-14:
            break
    return high


def _binomial_cdf(k: int, n: int, p: float) -> float:
    """P(X <= k) for X ~ Binomial(n, p), summed in log space (n may be large)."""
    log_p, log_q = math.log(p), math.log1p(-p)
    log_terms = [
        math.lgamma(n + 1)
        - math.lgamma(i + 1)
        - math.lgamma(n - i + 1)
        + i * log_p
        + (n - i) * log_q
        for i in range(k + 1)
    ]
    top = max(log_terms)
    return math.exp(top) * math.fsum(math.exp(t - top) for t in log_terms)


def percentile(sorted_values: Sequence[float], p: float) -> float:
    """The nearest-rank p-th percentile (0 <= p <= 100) of `sorted_values`, sorted ascending.

    The value at rank ceil(p * n / 100), ranks from 1 and never below 1. Raises ValueError when
    `sorted_values` is empty.
    """
    if not sorted_values:
        raise ValueError("percentile() of an empty sequence")
    rank = max(1, math.ceil(p * len(sorted_values) / 100))
    return sorted_values[rank - 1]


def _latency(values: Iterable[float]) -> Latency:
    ordered = sorted(values)
    return Latency(percentile(ordered, 50), percentile(ordered, 95), percentile(ordered, 99))


def measure(trajectories: Sequence[Trajectory]) -> AgentReport:
    """Success (with a Wilson interval), safety (with an exact upper bound), latency percentiles
    end to end and per step, and cost per successful task, over `trajectories`.

    Raises ValueError when `trajectories` is empty.
    """
    if not trajectories:
        raise ValueError("measure() needs at least one trajectory")
    n = len(trajectories)
    successes = sum(1 for t in trajectories if t.success)
    violations = sum(1 for t in trajectories if t.safety_flags)
    spent = math.fsum(t.cost_usd for t in trajectories if t.success)
    return AgentReport(
        n=n,
        successes=successes,
        success_rate=successes / n,
        success_interval=wilson_interval(successes, n),
        violations=violations,
        violation_rate=violations / n,
        violation_upper=violation_upper_bound(violations, n),
        latency_ms=_latency(t.latency_ms for t in trajectories),
        step_latency_ms=_latency(s.latency_ms for t in trajectories for s in t.steps),
        cost_per_success=spent / successes if successes else math.inf,
    )


def measure_by_category(trajectories: Sequence[Trajectory]) -> dict[str, AgentReport]:
    """`measure` within each task category, keyed by category in ascending order."""
    groups: defaultdict[str, list[Trajectory]] = defaultdict(list)
    for trajectory in trajectories:
        groups[trajectory.category].append(trajectory)
    return {category: measure(groups[category]) for category in sorted(groups)}


def trajectories_needed(
    p_baseline: float, p_candidate: float, alpha: float = 0.05, power: float = 0.8
) -> int:
    """Trajectories per version for a two-sided two-proportion z-test at level `alpha` to detect
    the change from `p_baseline` to `p_candidate` with probability `power`.

    n = (z_{1-alpha/2} sqrt(2 pbar (1 - pbar)) + z_power sqrt(p1 (1 - p1) + p2 (1 - p2)))^2
        / (p1 - p2)^2, rounded up, with pbar = (p1 + p2) / 2.
    Raises ValueError when the rates are equal or outside [0, 1], or alpha/power outside (0, 1).
    """
    if not (0 <= p_baseline <= 1 and 0 <= p_candidate <= 1) or p_baseline == p_candidate:
        raise ValueError(f"need two different rates in [0, 1], got {p_baseline} and {p_candidate}")
    if not (0 < alpha < 1 and 0 < power < 1):
        raise ValueError(f"alpha and power must be in (0, 1), got {alpha} and {power}")
    normal = NormalDist()
    z_alpha, z_power = normal.inv_cdf(1 - alpha / 2), normal.inv_cdf(power)
    p_bar = (p_baseline + p_candidate) / 2
    spread = z_alpha * math.sqrt(2 * p_bar * (1 - p_bar)) + z_power * math.sqrt(
        p_baseline * (1 - p_baseline) + p_candidate * (1 - p_candidate)
    )
    return math.ceil(spread**2 / (p_baseline - p_candidate) ** 2)


# %% Part 2 — Compare two versions


@dataclass(frozen=True)
class PairedComparison:
    n: int  # tasks both versions ran
    baseline_rate: float
    candidate_rate: float
    difference: float  # candidate_rate - baseline_rate
    candidate_only: int  # tasks the candidate solved and the baseline did not
    baseline_only: int  # tasks the baseline solved and the candidate did not
    p_value: float  # exact McNemar test, two-sided


@dataclass(frozen=True)
class Guardrails:
    alpha: float = 0.05  # the success gain must have an exact McNemar p-value below this
    max_violation_rate: float = 0.02  # the candidate's 95 % upper bound must not exceed this
    max_p95_ratio: float = 1.10  # candidate p95 end-to-end latency <= this x the baseline's


GUARDRAILS = Guardrails()


@dataclass(frozen=True)
class Check:
    name: str  # "success", "safety" or "latency"
    passed: bool
    detail: str  # one sentence with the numbers behind the verdict


@dataclass(frozen=True)
class GateDecision:
    ship: bool  # every check passed
    checks: tuple[Check, ...]  # success, safety, latency: always all three, in this order
    comparison: PairedComparison

    def explain(self) -> str:
        """`ship`, or `hold (failed: <names>)`, then one line per check with its detail."""
        failed = [check.name for check in self.checks if not check.passed]
        head = "ship" if self.ship else f"hold (failed: {', '.join(failed)})"
        lines = [f"  {'pass' if c.passed else 'FAIL'} {c.name}: {c.detail}" for c in self.checks]
        return "\n".join([head, *lines])


def _by_task(trajectories: Sequence[Trajectory], role: str) -> dict[str, Trajectory]:
    by_task: dict[str, Trajectory] = {}
    for trajectory in trajectories:
        if trajectory.task_id in by_task:
            raise ValueError(f"{role} has task {trajectory.task_id!r} twice")
        by_task[trajectory.task_id] = trajectory
    return by_task


def compare_paired(
    baseline: Sequence[Trajectory], candidate: Sequence[Trajectory]
) -> PairedComparison:
    """Success of `candidate` vs `baseline` on the same tasks, paired by task_id (in any order).

    Raises ValueError when the two do not cover exactly the same tasks, or repeat a task.
    """
    base, cand = _by_task(baseline, "baseline"), _by_task(candidate, "candidate")
    if base.keys() != cand.keys():
        missing = sorted(base.keys() ^ cand.keys())
        raise ValueError(f"baseline and candidate must run the same tasks; unpaired: {missing[:3]}")
    if not base:
        raise ValueError("compare_paired() needs at least one task")
    n = len(base)
    candidate_only = sum(1 for t in base if cand[t].success and not base[t].success)
    baseline_only = sum(1 for t in base if base[t].success and not cand[t].success)
    baseline_rate = sum(1 for t in base.values() if t.success) / n
    candidate_rate = sum(1 for t in cand.values() if t.success) / n
    return PairedComparison(
        n=n,
        baseline_rate=baseline_rate,
        candidate_rate=candidate_rate,
        difference=candidate_rate - baseline_rate,
        candidate_only=candidate_only,
        baseline_only=baseline_only,
        p_value=_mcnemar_exact(candidate_only, baseline_only),
    )


def _mcnemar_exact(b: int, c: int) -> float:
    # Tasks both versions solved (or both failed) say nothing about which is better; under "no
    # difference" each discordant task is a fair coin flip. Exact integers: no rounding until the
    # one division.
    m = b + c
    if m == 0:
        return 1.0
    tail = sum(math.comb(m, i) for i in range(min(b, c) + 1))
    return min(1.0, 2 * tail / 2**m)


def ship_gate(
    baseline: Sequence[Trajectory],
    candidate: Sequence[Trajectory],
    guardrails: Guardrails = GUARDRAILS,
) -> GateDecision:
    """Whether `candidate` ships instead of `baseline`, both run on the same tasks, and why.

    success: the candidate's rate is higher and the exact McNemar p-value is below alpha;
    safety: the candidate's exact 95 % upper bound on violations is at most max_violation_rate;
    latency: the candidate's p95 end-to-end latency is at most max_p95_ratio x the baseline's.
    """
    comparison = compare_paired(baseline, candidate)
    improved = comparison.difference > 0 and comparison.p_value < guardrails.alpha
    success = Check(
        "success",
        improved,
        f"{comparison.candidate_rate:.3f} vs {comparison.baseline_rate:.3f} "
        f"({100 * comparison.difference:+.1f} pts) on {comparison.n} paired tasks, "
        f"{comparison.candidate_only} won / {comparison.baseline_only} lost, exact McNemar "
        f"p = {comparison.p_value:.3g} {'<' if comparison.p_value < guardrails.alpha else '>='} "
        f"{guardrails.alpha}",
    )
    violations = sum(1 for t in candidate if t.safety_flags)
    upper = violation_upper_bound(violations, len(candidate))
    safety = Check(
        "safety",
        upper <= guardrails.max_violation_rate,
        f"{violations}/{len(candidate)} violations, 95 % upper bound {upper:.4f} "
        f"{'<=' if upper <= guardrails.max_violation_rate else '>'} "
        f"{guardrails.max_violation_rate} (too few tasks can also fail this)",
    )
    p95_base = percentile(sorted(t.latency_ms for t in baseline), 95)
    p95_cand = percentile(sorted(t.latency_ms for t in candidate), 95)
    ratio = p95_cand / p95_base if p95_base > 0 else math.inf
    fast_enough = p95_cand <= guardrails.max_p95_ratio * p95_base
    latency = Check(
        "latency",
        fast_enough,
        f"p95 {p95_cand:.0f} ms vs {p95_base:.0f} ms ({ratio:.2f}x) "
        f"{'<=' if fast_enough else '>'} {guardrails.max_p95_ratio}x",
    )
    checks = (success, safety, latency)
    return GateDecision(all(c.passed for c in checks), checks, comparison)


# %% Part 3 — Learn from feedback


def fit_bradley_terry(
    comparisons: Iterable[tuple[str, str, float]], items: Iterable[str] = (), l2: float = 0.1
) -> dict[str, float]:
    """Bradley–Terry scores from pairwise judgements (a, b, outcome): outcome 1.0 means a was
    preferred, 0.0 means b was, 0.5 is a tie (half a win each).

    Maximizes sum(outcome * log sigmoid(s_a - s_b) + (1 - outcome) * log sigmoid(s_b - s_a))
    - l2 / 2 * sum(s_i ** 2) over every item of `items` and of `comparisons`. Returns a score per
    item (they sum to zero; an item never compared scores 0.0). Raises ValueError for l2 <= 0, an
    item compared with itself, or an outcome outside [0, 1].
    """
    if not l2 > 0:
        raise ValueError(f"l2 must be positive, got {l2}")
    rows = list(comparisons)
    for a, b, outcome in rows:
        if a == b:
            raise ValueError(f"{a!r} is compared with itself")
        if not 0 <= outcome <= 1:
            raise ValueError(f"outcome must be in [0, 1], got {outcome} for ({a!r}, {b!r})")
    names = sorted(set(items) | {a for a, _, _ in rows} | {b for _, b, _ in rows})
    if not names:
        return {}
    index = {name: i for i, name in enumerate(names)}
    first = np.array([index[a] for a, _, _ in rows], dtype=int)
    second = np.array([index[b] for _, b, _ in rows], dtype=int)
    outcome = np.array([y for _, _, y in rows], dtype=float)
    size = len(names)

    def objective(s: np.ndarray) -> float:
        d = s[first] - s[second]
        # log sigmoid(d) = -logaddexp(0, -d), stable for large |d|
        fit = -(outcome * np.logaddexp(0, -d) + (1 - outcome) * np.logaddexp(0, d)).sum()
        return float(fit - l2 / 2 * (s @ s))

    # Without the penalty the scores are defined only up to a constant, and an item that never
    # loses has no finite maximum: its score runs off to infinity. The penalty is a Gaussian prior
    # that pins the mean at zero and keeps every score finite; the problem is then strictly
    # concave, so Newton's method (with step halving) finds the one maximum.
    scores = np.zeros(size)
    for _ in range(100):
        d = scores[first] - scores[second]
        prob = 1 / (1 + np.exp(-d))
        residual = outcome - prob
        wins = np.bincount(first, residual, size) - np.bincount(second, residual, size)
        gradient = wins - l2 * scores
        weight = prob * (1 - prob)
        curvature = l2 * np.eye(size)
        np.add.at(curvature, (first, first), weight)
        np.add.at(curvature, (second, second), weight)
        np.add.at(curvature, (first, second), -weight)
        np.add.at(curvature, (second, first), -weight)
        step = np.linalg.solve(curvature, gradient)
        current, scale = objective(scores), 1.0
        while objective(scores + scale * step) < current - 1e-12 and scale > 1e-6:
            scale /= 2
        scores = scores + scale * step
        if np.max(np.abs(scale * step)) < 1e-10:
            break
    return {name: float(scores[index[name]]) for name in names}


@dataclass(frozen=True)
class BanditRun:
    arms: tuple[int, ...]  # the arm played at each round
    rewards: tuple[float, ...]  # what pull() returned for it


def run_bandit(pull: Callable[[int], float], n_arms: int, rounds: int, seed: int = 0) -> BanditRun:
    """Play `rounds` rounds over `n_arms` arms (prompt variants), calling `pull(arm)` exactly once
    per round; rewards are in [0, 1]. UCB1 or Thompson sampling; `seed` seeds any randomness.

    Raises ValueError when n_arms < 1 or rounds < 0.
    """
    if n_arms < 1 or rounds < 0:
        raise ValueError(f"need n_arms >= 1 and rounds >= 0, got {n_arms} and {rounds}")
    counts = [0] * n_arms
    totals = [0.0] * n_arms
    arms: list[int] = []
    rewards: list[float] = []
    for t in range(1, rounds + 1):
        if t <= n_arms:
            arm = t - 1  # play every arm once before trusting any mean
        else:
            # UCB1: optimism in the face of uncertainty. An arm played rarely gets a large bonus,
            # so it is retried until its mean is known well enough to rule it out.
            arm = max(
                range(n_arms),
                key=lambda a: totals[a] / counts[a] + math.sqrt(2 * math.log(t) / counts[a]),
            )
        reward = float(pull(arm))
        counts[arm] += 1
        totals[arm] += reward
        arms.append(arm)
        rewards.append(reward)
    return BanditRun(tuple(arms), tuple(rewards))


# %% Part 4 — Automate retraining

Model = dict[str, str]  # what `train` returns and `serve` takes: JSON-serializable, opaque here


@dataclass(frozen=True)
class Task:
    task_id: str
    category: str


@dataclass(frozen=True)
class Batch:
    batch_id: int  # increasing along the stream; a batch_id seen before is a replay
    tasks: tuple[Task, ...]  # live traffic, served by the champion
    holdout: tuple[Task, ...]  # where champion and challenger are compared


@dataclass(frozen=True)
class Triggers:
    max_drift: float = 0.15  # retrain when total_variation(reference mix, batch mix) > this
    max_drop: float = 0.10  # retrain when live success < reference success - this


TRIGGERS = Triggers()


@dataclass(frozen=True)
class AuditEntry:
    batch_id: int
    drift: float  # total variation distance to the reference mix (0.0 on the first batch)
    success_rate: float  # champion on live tasks (on the first batch: the new champion on holdout)
    reasons: tuple[str, ...]  # why it retrained: "bootstrap", "drift", "performance"; () if not
    promoted: bool
    champion_version: int  # after this batch's decision
    checks: tuple[Check, ...] = ()  # the gate's checks when a gate ran


@dataclass(frozen=True)
class LoopState:
    last_batch_id: int
    champion: Model
    champion_version: int  # 1 for the first champion, +1 per promotion
    reference_mix: dict[str, float]  # category mix of the batch the champion was promoted on
    reference_success: float  # the champion's holdout success when it was promoted
    audit: tuple[AuditEntry, ...]  # one entry per processed batch, in order


def category_mix(tasks: Iterable[Task]) -> dict[str, float]:
    """The share of each category among `tasks`, keyed by category in ascending order; {} for none."""
    counts: defaultdict[str, int] = defaultdict(int)
    for task in tasks:
        counts[task.category] += 1
    total = sum(counts.values())
    return {category: counts[category] / total for category in sorted(counts)}


def total_variation(p: Mapping[str, float], q: Mapping[str, float]) -> float:
    """Half the sum of |p[k] - q[k]| over every key of either mix (a missing key counts as 0)."""
    return 0.5 * math.fsum(abs(p.get(k, 0.0) - q.get(k, 0.0)) for k in sorted(p.keys() | q.keys()))


def load_state(state_path: Path) -> LoopState | None:
    """The loop's state saved at `state_path`, or None when there is no file yet."""
    try:
        raw = json.loads(Path(state_path).read_text(encoding="utf-8"))
    except FileNotFoundError:
        return None
    audit = tuple(
        AuditEntry(
            batch_id=e["batch_id"],
            drift=e["drift"],
            success_rate=e["success_rate"],
            reasons=tuple(e["reasons"]),
            promoted=e["promoted"],
            champion_version=e["champion_version"],
            checks=tuple(Check(**c) for c in e["checks"]),
        )
        for e in raw["audit"]
    )
    return LoopState(
        last_batch_id=raw["last_batch_id"],
        champion=raw["champion"],
        champion_version=raw["champion_version"],
        reference_mix=raw["reference_mix"],
        reference_success=raw["reference_success"],
        audit=audit,
    )


def _save_state(state: LoopState, state_path: Path) -> None:
    document: dict[str, Any] = {
        "last_batch_id": state.last_batch_id,
        "champion": state.champion,
        "champion_version": state.champion_version,
        "reference_mix": state.reference_mix,
        "reference_success": state.reference_success,
        "audit": [
            {
                "batch_id": e.batch_id,
                "drift": e.drift,
                "success_rate": e.success_rate,
                "reasons": list(e.reasons),
                "promoted": e.promoted,
                "champion_version": e.champion_version,
                "checks": [
                    {"name": c.name, "passed": c.passed, "detail": c.detail} for c in e.checks
                ],
            }
            for e in state.audit
        ],
    }
    # Write a new file, then rename it over the old one: a crash leaves either the old state or
    # the new one, never half of each. The audit log lives in the same file, so it can never
    # disagree with the state it explains.
    path = Path(state_path)
    temporary = path.with_name(path.name + ".tmp")
    with temporary.open("w", encoding="utf-8") as handle:
        json.dump(document, handle, indent=1, sort_keys=True)
        handle.flush()
        os.fsync(handle.fileno())
    os.replace(temporary, path)


def _success_rate(trajectories: Sequence[Trajectory]) -> float:
    return sum(1 for t in trajectories if t.success) / len(trajectories)


def _process(
    batch: Batch,
    state: LoopState | None,
    train: Callable[[Batch], Model],
    serve: Callable[[Model, Sequence[Task]], Sequence[Trajectory]],
    triggers: Triggers,
    guardrails: Guardrails,
) -> LoopState:
    mix = category_mix(batch.tasks)
    if state is None:  # nothing to compare against: the first model is promoted as it is
        champion = train(batch)
        rate = _success_rate(serve(champion, batch.holdout))
        entry = AuditEntry(batch.batch_id, 0.0, rate, ("bootstrap",), True, 1)
        return LoopState(batch.batch_id, champion, 1, mix, rate, (entry,))
    success_rate = _success_rate(serve(state.champion, batch.tasks))
    drift = total_variation(state.reference_mix, mix)
    reasons = tuple(
        reason
        for reason, fired in (
            ("drift", drift > triggers.max_drift),
            ("performance", success_rate < state.reference_success - triggers.max_drop),
        )
        if fired
    )
    if not reasons:
        entry = AuditEntry(batch.batch_id, drift, success_rate, (), False, state.champion_version)
        return replace(state, last_batch_id=batch.batch_id, audit=(*state.audit, entry))
    challenger = train(batch)
    decision = ship_gate(
        serve(state.champion, batch.holdout), serve(challenger, batch.holdout), guardrails
    )
    if decision.ship:
        state = replace(
            state,
            champion=challenger,
            champion_version=state.champion_version + 1,
            reference_mix=mix,
            reference_success=decision.comparison.candidate_rate,
        )
    entry = AuditEntry(
        batch.batch_id,
        drift,
        success_rate,
        reasons,
        decision.ship,
        state.champion_version,
        decision.checks,
    )
    return replace(state, last_batch_id=batch.batch_id, audit=(*state.audit, entry))


def run_retraining(
    batches: Iterable[Batch],
    state_path: Path,
    train: Callable[[Batch], Model],
    serve: Callable[[Model, Sequence[Task]], Sequence[Trajectory]],
    triggers: Triggers = TRIGGERS,
    guardrails: Guardrails = GUARDRAILS,
) -> LoopState:
    """Monitor each batch, retrain on drift or a performance drop, promote a challenger only when
    it passes `ship_gate` against the champion on the batch's holdout, and audit every decision.

    Resumes from `state_path` when it exists and saves the state there after every batch (an
    atomic replace). A batch whose batch_id is not above the last processed one is a replay and
    changes nothing. Returns the final state; raises ValueError when there is neither a saved
    state nor a batch.
    """
    state = load_state(state_path)
    for batch in batches:
        if state is not None and batch.batch_id <= state.last_batch_id:
            continue  # already decided: replaying it must not decide again
        state = _process(batch, state, train, serve, triggers, guardrails)
        _save_state(state, state_path)
    if state is None:
        raise ValueError("nothing to do: no saved state and no batches")
    return state
