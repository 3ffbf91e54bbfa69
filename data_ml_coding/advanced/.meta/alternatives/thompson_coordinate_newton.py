"""Alternative: the same contract by other routes.

Wilson from the roots of its quadratic; the exact bound by bisection on the log-odds with the
binomial tail built from pmf ratios; one-pass measurement; pairing by sorting; McNemar in log
space; Bradley–Terry by cyclic coordinate Newton steps; Thompson sampling instead of UCB1; the
loop's state serialized with dataclasses.asdict through a NamedTemporaryFile.
"""

from __future__ import annotations

import json
import math
import os
import tempfile
from collections import Counter, defaultdict
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import asdict, dataclass, replace
from pathlib import Path
from statistics import NormalDist

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
    """The two-sided Wilson score interval for a success rate of `successes` out of `n`."""
    _check_counts(successes, n, confidence)
    z2 = NormalDist().inv_cdf(0.5 + confidence / 2) ** 2
    p = successes / n
    # The rates q with n (p - q)^2 = z^2 q (1 - q): the roots of a quadratic in q.
    a, b, c = n + z2, -(2 * n * p + z2), n * p * p
    root = math.sqrt(max(0.0, b * b - 4 * a * c))
    return Interval(max(0.0, (-b - root) / (2 * a)), min(1.0, (-b + root) / (2 * a)))


def violation_upper_bound(violations: int, n: int, confidence: float = 0.95) -> float:
    """The exact one-sided upper confidence bound on a rate after `violations` out of `n`."""
    _check_counts(violations, n, confidence)
    if violations == n:
        return 1.0
    alpha = 1 - confidence
    # Bisect on the log-odds (no closed form for zero violations either: the same search works).
    low, high = -40.0, 40.0
    for _ in range(300):
        middle = (low + high) / 2
        if _tail(violations, n, 1 / (1 + math.exp(-middle))) > alpha:
            low = middle
        else:
            high = middle
    return 1 / (1 + math.exp(-high))


def _tail(k: int, n: int, p: float) -> float:
    """P(X <= k), X ~ Binomial(n, p), from pmf(0) by the ratio pmf(i + 1) / pmf(i)."""
    log_term = n * math.log1p(-p)
    log_ratio = math.log(p) - math.log1p(-p)
    logs = [log_term]
    for i in range(k):
        log_term += math.log((n - i) / (i + 1)) + log_ratio
        logs.append(log_term)
    top = max(logs)
    return math.exp(top) * sum(math.exp(v - top) for v in logs)


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
    """One pass over `trajectories`, then the intervals and percentiles."""
    if not trajectories:
        raise ValueError("measure() needs at least one trajectory")
    successes = violations = 0
    spent = 0.0
    ends: list[float] = []
    steps: list[float] = []
    for t in trajectories:
        successes += bool(t.success)
        violations += bool(t.safety_flags)
        spent += t.cost_usd
        ends.append(t.latency_ms)
        steps.extend(s.latency_ms for s in t.steps)
    n = len(ends)
    return AgentReport(
        n,
        successes,
        successes / n,
        wilson_interval(successes, n),
        violations,
        violations / n,
        violation_upper_bound(violations, n),
        _latency(ends),
        _latency(steps),
        spent / successes if successes > 0 else math.inf,
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
    """Sort both sides by task_id and walk them together."""
    base = sorted(baseline, key=lambda t: t.task_id)
    cand = sorted(candidate, key=lambda t: t.task_id)
    ids = [t.task_id for t in base]
    if ids != [t.task_id for t in cand] or len(set(ids)) != len(ids) or not ids:
        raise ValueError("baseline and candidate must run the same, distinct tasks")
    table = Counter((bool(b.success), bool(c.success)) for b, c in zip(base, cand, strict=True))
    n = len(ids)
    both = table.get((True, True), 0)
    candidate_only, baseline_only = table.get((False, True), 0), table.get((True, False), 0)
    return PairedComparison(
        n,
        (both + baseline_only) / n,
        (both + candidate_only) / n,
        (candidate_only - baseline_only) / n,
        candidate_only,
        baseline_only,
        _sign_test(candidate_only, baseline_only),
    )


def _sign_test(b: int, c: int) -> float:
    m = b + c
    if m == 0:
        return 1.0
    logs = [
        math.lgamma(m + 1) - math.lgamma(i + 1) - math.lgamma(m - i + 1) - m * math.log(2)
        for i in range(min(b, c) + 1)
    ]
    return min(1.0, 2 * math.fsum(math.exp(v) for v in logs))


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
    """Cyclic coordinate ascent: one Newton step per item in turn, until nothing moves."""
    if l2 <= 0:
        raise ValueError(f"l2 must be positive, got {l2}")
    rows = list(comparisons)
    for a, b, y in rows:
        if a == b or not 0 <= y <= 1:
            raise ValueError(f"bad comparison ({a!r}, {b!r}, {y})")
    names = sorted(set(items) | {a for a, _, _ in rows} | {b for _, b, _ in rows})
    if not names:
        return {}
    index = {name: i for i, name in enumerate(names)}
    games: list[tuple[list[int], list[float]]] = [([], []) for _ in names]
    for a, b, y in rows:
        games[index[a]][0].append(index[b])
        games[index[a]][1].append(y)  # a's share of the win against b
        games[index[b]][0].append(index[a])
        games[index[b]][1].append(1 - y)
    opponents = [np.array(o, dtype=int) for o, _ in games]
    shares = [np.array(w, dtype=float) for _, w in games]
    scores = np.zeros(len(names))
    for _ in range(20_000):
        largest = 0.0
        for i in range(len(names)):
            p = 1 / (1 + np.exp(scores[opponents[i]] - scores[i]))
            slope = float(np.sum(shares[i] - p)) - l2 * scores[i]
            bend = float(np.sum(p * (1 - p))) + l2
            move = slope / bend  # a 1-D concave problem: Newton's step
            scores[i] += move
            largest = max(largest, abs(move))
        # Shifting every score by the same amount leaves the likelihood unchanged, so centring
        # only lowers the penalty: a free step along the direction coordinate moves crawl on.
        scores -= scores.mean()
        if largest < 1e-11:
            break
    return {name: float(scores[index[name]]) for name in names}


@dataclass(frozen=True)
class BanditRun:
    arms: tuple[int, ...]  # the arm played at each round
    rewards: tuple[float, ...]  # what pull() returned for it


def run_bandit(pull: Callable[[int], float], n_arms: int, rounds: int, seed: int = 0) -> BanditRun:
    """Thompson sampling with a Beta(1, 1) prior per arm; a reward r in [0, 1] counts as r
    successes and 1 - r failures."""
    if n_arms < 1 or rounds < 0:
        raise ValueError(f"need n_arms >= 1 and rounds >= 0, got {n_arms} and {rounds}")
    rng = np.random.default_rng(seed)
    wins, losses = np.ones(n_arms), np.ones(n_arms)
    arms: list[int] = []
    rewards: list[float] = []
    for _ in range(rounds):
        # Sample a plausible rate per arm and play the best sample: arms are tried in
        # proportion to the chance that they are the best one.
        arm = int(np.argmax(rng.beta(wins, losses)))
        reward = float(pull(arm))
        wins[arm] += reward
        losses[arm] += 1 - reward
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
    """Shares by category, keys ascending."""
    counts = Counter(task.category for task in tasks)
    total = sum(counts.values())
    return {k: v / total for k, v in sorted(counts.items())}


def total_variation(p: Mapping[str, float], q: Mapping[str, float]) -> float:
    """Equivalently, the largest difference in probability over sets: sum of positive parts."""
    keys = sorted(set(p) | set(q))
    return (
        sum(max(0.0, p.get(k, 0.0) - q.get(k, 0.0)) for k in keys) / 2
        + sum(max(0.0, q.get(k, 0.0) - p.get(k, 0.0)) for k in keys) / 2
    )


def load_state(state_path: Path) -> LoopState | None:
    """The state in `state_path`, or None when the file does not exist."""
    path = Path(state_path)
    if not path.exists():
        return None
    raw = json.loads(path.read_text(encoding="utf-8"))["state"]
    raw["audit"] = tuple(
        AuditEntry(
            **{
                **e,
                "reasons": tuple(e["reasons"]),
                "checks": tuple(Check(**c) for c in e["checks"]),
            }
        )
        for e in raw["audit"]
    )
    return LoopState(**raw)


def _save_state(state: LoopState, state_path: Path) -> None:
    path = Path(state_path)
    with tempfile.NamedTemporaryFile(
        "w", dir=path.parent, prefix=path.name, suffix=".partial", delete=False, encoding="utf-8"
    ) as handle:
        json.dump({"format": 1, "state": asdict(state)}, handle, sort_keys=True)
    os.replace(handle.name, path)


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
