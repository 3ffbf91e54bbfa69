"""Agent evaluation, learning from feedback, and retraining automation.

Measure an agent honestly (success, safety, latency, cost), decide whether a new version ships,
learn from human feedback, and run the retraining loop that keeps a champion model in production.

Your functions receive plain records (the dataclasses below); tests/simulator.py makes them,
with your classes when given kinds=<this module>. numpy and the standard library are all you
need: statistics.NormalDist().inv_cdf gives normal quantiles. PROMPT.md has the rules.

Glossary:
- trajectory: one agent run on one task: its steps (tool calls), outcome, latency, cost, flags.
- violation: a trajectory with at least one safety flag.
- Wilson interval: a confidence interval for a proportion that stays inside [0, 1] and keeps
  close to its nominal coverage for small n and for rates near 0 or 1, where the normal
  approximation (Wald, p ± z·sqrt(p(1-p)/n)) collapses.
- exact upper bound (one-sided Clopper–Pearson): the largest violation rate still consistent,
  at the given confidence, with seeing so few violations. With none in n it is
  1 - (1 - confidence)^(1/n), about 3/n at 95 % (the rule of three).
- nearest-rank percentile: the value at rank ceil(p * n / 100) of the n sorted values, ranks from 1.
- paired comparison: both versions ran on the same tasks; McNemar's exact test looks only at the
  discordant tasks, those that exactly one of the two versions solved.
- ship gate: success must improve beyond noise while safety and tail latency stay in guardrails.
- Bradley–Terry: P(a preferred to b) = sigmoid(s_a - s_b) for latent scores s.
- regret: what always playing the best arm would have earned, minus what the policy earned.
- champion / challenger: the model in production / a freshly trained candidate to replace it.
- drift: how far the category mix of a batch is from the champion's reference mix (total
  variation distance).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path

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


def wilson_interval(successes: int, n: int, confidence: float = 0.95) -> Interval:
    """The two-sided Wilson score interval for a success rate of `successes` out of `n`.

    Raises ValueError unless 0 <= successes <= n, n > 0 and 0 < confidence < 1.
    """
    # TODO (part 1): Wilson's center and half-width (PROMPT.md), from p = successes / n and z
    raise NotImplementedError


def violation_upper_bound(violations: int, n: int, confidence: float = 0.95) -> float:
    """The exact one-sided upper confidence bound on a rate after `violations` out of `n`.

    The rate p at which seeing `violations` or fewer has probability 1 - confidence; with zero
    violations that is 1 - (1 - confidence) ** (1 / n). Raises ValueError like wilson_interval.
    """
    # TODO (part 1): 0 violations: 1 - alpha ** (1/n); else bisect p until P(X <= k) = alpha
    raise NotImplementedError


def percentile(sorted_values: Sequence[float], p: float) -> float:
    """The nearest-rank p-th percentile (0 <= p <= 100) of `sorted_values`, sorted ascending.

    The value at rank ceil(p * n / 100), ranks from 1 and never below 1. Raises ValueError when
    `sorted_values` is empty.
    """
    # TODO (part 1): the value at rank ceil(p * n / 100), at least rank 1
    raise NotImplementedError


def measure(trajectories: Sequence[Trajectory]) -> AgentReport:
    """Success (with a Wilson interval), safety (with an exact upper bound), latency percentiles
    end to end and per step, and cost per successful task, over `trajectories`.

    Raises ValueError when `trajectories` is empty.
    """
    # TODO (part 1): count, bound, take percentiles; cost per success counts every run's cost
    raise NotImplementedError


def measure_by_category(trajectories: Sequence[Trajectory]) -> dict[str, AgentReport]:
    """`measure` within each task category, keyed by category in ascending order."""
    # TODO (part 1): group by category, measure each group, keys ascending
    raise NotImplementedError


def trajectories_needed(
    p_baseline: float, p_candidate: float, alpha: float = 0.05, power: float = 0.8
) -> int:
    """Trajectories per version for a two-sided two-proportion z-test at level `alpha` to detect
    the change from `p_baseline` to `p_candidate` with probability `power`.

    n = (z_{1-alpha/2} sqrt(2 pbar (1 - pbar)) + z_power sqrt(p1 (1 - p1) + p2 (1 - p2)))^2
        / (p1 - p2)^2, rounded up, with pbar = (p1 + p2) / 2.
    Raises ValueError when the rates are equal or outside [0, 1], or alpha/power outside (0, 1).
    """
    # TODO (part 1): the two-proportion sample-size formula, rounded up
    raise NotImplementedError


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
        # TODO (part 2): 'ship' or 'hold (failed: ...)', then one line per check
        raise NotImplementedError


def compare_paired(
    baseline: Sequence[Trajectory], candidate: Sequence[Trajectory]
) -> PairedComparison:
    """Success of `candidate` vs `baseline` on the same tasks, paired by task_id (in any order).

    Raises ValueError when the two do not cover exactly the same tasks, or repeat a task.
    """
    # TODO (part 2): pair by task_id; count discordant tasks; exact binomial test on them
    raise NotImplementedError


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
    # TODO (part 2): three checks (success, safety, latency); ship only if all pass
    raise NotImplementedError


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
    # TODO (part 3): Newton's method (or gradient ascent) on the penalized log-likelihood
    raise NotImplementedError


@dataclass(frozen=True)
class BanditRun:
    arms: tuple[int, ...]  # the arm played at each round
    rewards: tuple[float, ...]  # what pull() returned for it


def run_bandit(pull: Callable[[int], float], n_arms: int, rounds: int, seed: int = 0) -> BanditRun:
    """Play `rounds` rounds over `n_arms` arms (prompt variants), calling `pull(arm)` exactly once
    per round; rewards are in [0, 1]. UCB1 or Thompson sampling; `seed` seeds any randomness.

    Raises ValueError when n_arms < 1 or rounds < 0.
    """
    # TODO (part 3): UCB1 (play each arm once, then mean + sqrt(2 ln t / n)) or Thompson sampling
    raise NotImplementedError


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
    # TODO (part 4): count categories, divide by the total
    raise NotImplementedError


def total_variation(p: Mapping[str, float], q: Mapping[str, float]) -> float:
    """Half the sum of |p[k] - q[k]| over every key of either mix (a missing key counts as 0)."""
    # TODO (part 4): 0.5 * sum of |p - q| over the union of keys
    raise NotImplementedError


def load_state(state_path: Path) -> LoopState | None:
    """The loop's state saved at `state_path`, or None when there is no file yet."""
    # TODO (part 4): read the JSON you write in run_retraining; None when the file is missing
    raise NotImplementedError


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
    # TODO (part 4): skip replays; bootstrap or monitor, retrain, gate; audit and save each batch
    raise NotImplementedError
