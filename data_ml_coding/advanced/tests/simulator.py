"""A seeded simulator of agent trajectories, and the truth that measurements are checked against.

Self-contained on purpose (numpy and the standard library only): the tests import it relatively,
`workflow.py` loads it by path. Nothing here is graded; read it to see where the data comes from.

- Parts 1–2, `run_agent` / `run_paired`: tasks of four categories, each with a latent difficulty
  shared by every agent version that runs it; each version succeeds, trips a safety flag, calls
  tools and spends money at its own known rates (`AGENTS`, `true_success_rate`,
  `true_violation_rate`). Two versions run on the same tasks succeed together more often than
  chance, which is what a paired comparison exploits.
- Part 3, `preferences`: pairwise judgements of responses drawn from a Bradley–Terry model over
  latent qualities (ties when two responses are close); `PromptVariants`: thumbs-up feedback,
  one Bernoulli rate per prompt variant.
- Part 4, `RetrainingWorld`: a stream of batches whose category mix and whose best strategy per
  category change at known batches (`drift_points`); a model is a strategy per category, `train`
  fits one from a batch, `serve` runs one on tasks. Outcomes depend only on (task, strategy), so
  serving the same model twice gives the same trajectories.
"""

from __future__ import annotations

import hashlib
import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np

# --- the records (the exercise's starter.py declares the same fields) --------------------------


@dataclass(frozen=True)
class Step:
    tool: str
    latency_ms: float


@dataclass(frozen=True)
class Trajectory:
    task_id: str
    category: str
    agent: str
    success: bool
    latency_ms: float  # end to end: tool calls plus the model's time before each of them
    cost_usd: float
    steps: tuple[Step, ...]  # at least one
    safety_flags: tuple[str, ...] = ()


@dataclass(frozen=True)
class Task:
    task_id: str
    category: str


@dataclass(frozen=True)
class Batch:
    batch_id: int
    tasks: tuple[Task, ...]
    holdout: tuple[Task, ...]


def _kind(kinds: Any, name: str) -> Any:
    """The record class `name` of `kinds` (a module such as the exercise's implementation), or
    this module's own: the simulator builds records of the caller's classes directly."""
    return getattr(kinds, name) if kinds is not None else globals()[name]


# --- parts 1-2: agent versions with known rates ------------------------------------------------

CATEGORIES = ("coding", "retrieval", "math", "browsing")
MIX = {"coding": 0.4, "retrieval": 0.3, "math": 0.2, "browsing": 0.1}
TOOLS = {
    "coding": ("python", "shell", "search"),
    "retrieval": ("search", "vector_db", "fetch"),
    "math": ("python",),
    "browsing": ("browser", "fetch", "search"),
}
TOOL_MS = {
    "python": 400.0,
    "shell": 250.0,
    "search": 600.0,
    "vector_db": 120.0,
    "fetch": 900.0,
    "browser": 1500.0,
}  # median latency of one call
EXTRA_STEPS = {"coding": 3.0, "retrieval": 1.5, "math": 1.0, "browsing": 4.0}  # Poisson mean
# A task's difficulty shifts every version's success log-odds by the same amount.
DIFFICULTY = ((-3.0, 0.3), (0.0, 0.4), (3.0, 0.3))  # (shift, probability)
FLAGS = ("pii_leak", "unconfirmed_payment", "followed_injected_instruction")


@dataclass(frozen=True)
class AgentSpec:
    skill: tuple[float, ...]  # success log-odds per category (CATEGORIES order) at difficulty 0
    violation_rate: float  # chance a trajectory trips at least one safety flag
    model_ms: float  # median model time before each tool call
    cost_per_step: float  # median dollars per step


AGENTS = {
    "v1": AgentSpec((0.8, 1.4, 0.3, -0.2), 0.003, 700.0, 0.012),
    "v1-again": AgentSpec((0.8, 1.4, 0.3, -0.2), 0.003, 700.0, 0.012),  # no real change
    "v2": AgentSpec((1.4, 2.0, 0.9, 0.4), 0.002, 700.0, 0.013),  # better, as safe, as fast
    "v2-unsafe": AgentSpec((1.4, 2.0, 0.9, 0.4), 0.03, 700.0, 0.013),  # better, unsafe
    "v2-slow": AgentSpec((1.4, 2.0, 0.9, 0.4), 0.002, 1150.0, 0.013),  # better, slower
}


def _sigmoid(x: float) -> float:
    return 1.0 / (1.0 + math.exp(-x))


def true_success_rate(agent: str, category: str | None = None) -> float:
    """The exact success rate of `agent` over the task mix (or within one category)."""
    spec = AGENTS[agent]
    categories = [category] if category is not None else list(CATEGORIES)
    weights = [1.0] if category is not None else [MIX[c] for c in CATEGORIES]
    return sum(
        weight * prob * _sigmoid(spec.skill[CATEGORIES.index(c)] - shift)
        for c, weight in zip(categories, weights, strict=True)
        for shift, prob in DIFFICULTY
    )


def true_violation_rate(agent: str) -> float:
    return AGENTS[agent].violation_rate


def _stable(text: str) -> int:
    """A seed derived from a name, stable across processes (unlike hash())."""
    return int.from_bytes(hashlib.blake2b(text.encode(), digest_size=8).digest(), "little")


@dataclass(frozen=True)
class _Tasks:
    """What a task is, whoever runs it: its category, difficulty and tool calls."""

    categories: np.ndarray  # index into CATEGORIES
    difficulty: np.ndarray  # shift of the success log-odds
    n_steps: np.ndarray  # tool calls per task
    tools: list[str]  # every task's tools, concatenated
    tool_ms: np.ndarray  # and their typical latency on this task


def _draw_tasks(n: int, seed: int) -> _Tasks:
    rng = np.random.default_rng([seed, 0])
    categories = rng.choice(len(CATEGORIES), size=n, p=[MIX[c] for c in CATEGORIES])
    shifts = np.array([shift for shift, _ in DIFFICULTY])
    difficulty = shifts[rng.choice(len(DIFFICULTY), size=n, p=[p for _, p in DIFFICULTY])]
    extra = np.array([EXTRA_STEPS[c] for c in CATEGORIES])[categories]
    n_steps = 1 + rng.poisson(extra)
    picks = rng.random(int(n_steps.sum()))
    tools = []
    for category, steps in zip(categories, n_steps, strict=True):
        options = TOOLS[CATEGORIES[category]]
        tools += [options[int(p * len(options))] for p in picks[len(tools) : len(tools) + steps]]
    tool_ms = np.array([TOOL_MS[t] for t in tools]) * np.exp(0.7 * rng.standard_normal(len(tools)))
    return _Tasks(categories, difficulty, n_steps, tools, tool_ms)


def _run(agent: str, tasks: _Tasks, seed: int, kinds: Any) -> list[Any]:
    step_kind, trajectory_kind = _kind(kinds, "Step"), _kind(kinds, "Trajectory")
    spec = AGENTS[agent]
    rng = np.random.default_rng([seed, _stable(agent)])
    n = len(tasks.categories)
    skill = np.array(spec.skill)[tasks.categories]
    success = rng.random(n) < 1.0 / (1.0 + np.exp(-(skill - tasks.difficulty)))
    violated = rng.random(n) < spec.violation_rate
    flag_of = rng.integers(0, len(FLAGS), size=n)
    total = len(tasks.tools)
    tool_ms = tasks.tool_ms * np.exp(0.15 * rng.standard_normal(total))  # this run's own jitter
    model_ms = spec.model_ms * np.exp(0.3 * rng.standard_normal(total))
    cost = spec.cost_per_step * np.exp(0.2 * rng.standard_normal(total))
    trajectories = []
    at = 0
    for i in range(n):
        steps = []
        elapsed = 0.0
        for j in range(at, at + int(tasks.n_steps[i])):
            latency = round(float(tool_ms[j]), 2)
            steps.append(step_kind(tasks.tools[j], latency))
            elapsed += latency + round(float(model_ms[j]), 2)
        spent = float(cost[at : at + int(tasks.n_steps[i])].sum())
        at += int(tasks.n_steps[i])
        trajectories.append(
            trajectory_kind(
                task_id=f"task-{i:05d}",
                category=CATEGORIES[tasks.categories[i]],
                agent=agent,
                success=bool(success[i]),
                latency_ms=round(elapsed, 2),
                cost_usd=round(spent, 6),
                steps=tuple(steps),
                safety_flags=(FLAGS[flag_of[i]],) if violated[i] else (),
            )
        )
    return trajectories


def run_agent(agent: str, n: int, seed: int, kinds: Any = None) -> list[Any]:
    """`n` trajectories of `agent` on `n` tasks drawn from the mix (seeded), as `kinds`' classes."""
    return _run(agent, _draw_tasks(n, seed), seed, kinds)


def run_paired(
    baseline: str, candidate: str, n: int, seed: int, kinds: Any = None
) -> tuple[list[Any], list[Any]]:
    """Both versions on the same `n` tasks. Each version's outcomes equal `run_agent`'s."""
    tasks = _draw_tasks(n, seed)
    return _run(baseline, tasks, seed, kinds), _run(candidate, tasks, seed, kinds)


# --- part 3: preferences and prompt variants ---------------------------------------------------


@dataclass(frozen=True)
class Preferences:
    items: tuple[str, ...]  # every response, the never-compared ones included
    comparisons: tuple[tuple[str, str, float], ...]  # (a, b, 1.0 a won / 0.0 b won / 0.5 tie)
    latent: dict[str, float]  # the true quality of every item


def preferences(
    n_items: int = 24,
    n_comparisons: int = 900,
    seed: int = 0,
    tie_rate: float = 0.2,
    unseen: int = 2,
) -> Preferences:
    """Judgements of random pairs among the first `n_items - unseen` items, from Bradley–Terry
    with latent qualities ~ Normal(0, 1); a close pair is called a tie more often."""
    rng = np.random.default_rng([seed, 3])
    items = tuple(f"resp-{i:02d}" for i in range(n_items))
    quality = rng.standard_normal(n_items)
    seen = n_items - unseen
    firsts = rng.integers(0, seen, size=n_comparisons)
    offsets = rng.integers(1, seen, size=n_comparisons)
    seconds = (firsts + offsets) % seen  # never the same item twice
    wins = rng.random(n_comparisons)
    ties = rng.random(n_comparisons)
    comparisons = []
    for a, b, u, t in zip(firsts, seconds, wins, ties, strict=True):
        p = _sigmoid(float(quality[a] - quality[b]))
        # A tie is most likely when p is near 1/2, i.e. between responses of similar quality.
        outcome = 0.5 if t < tie_rate * 4 * p * (1 - p) else 1.0 if u < p else 0.0
        comparisons.append((items[a], items[b], outcome))
    latent = {item: float(q) for item, q in zip(items, quality, strict=True)}
    return Preferences(items, tuple(comparisons), latent)


VARIANT_MEANS = (0.2, 0.4, 0.5, 0.55, 0.8)  # thumbs-up rate of each prompt variant


class PromptVariants:
    """A bandit environment: `pull(arm)` serves prompt variant `arm` once and returns 1.0 for a
    thumbs up, else 0.0."""

    def __init__(self, means: Sequence[float] = VARIANT_MEANS, seed: int = 0) -> None:
        self.means = tuple(means)
        self._rng = np.random.default_rng([seed, 4])
        self.pulls = 0

    def pull(self, arm: int) -> float:
        self.pulls += 1
        return 1.0 if self._rng.random() < self.means[arm] else 0.0

    def regret(self, arms: Sequence[int]) -> float:
        """Pseudo-regret: what always serving the best variant would have gained, in expectation."""
        best = max(self.means)
        return float(sum(best - self.means[arm] for arm in arms))


# --- part 4: a stream with drift ----------------------------------------------------------------

STRATEGIES = ("direct", "plan", "reflect", "aggressive")
SAFE_STRATEGIES = ("direct", "plan", "reflect")  # the default trainer never picks "aggressive"
Model = dict[str, str]  # category -> strategy


@dataclass(frozen=True)
class Regime:
    mix: Mapping[str, float]
    success: Mapping[str, Mapping[str, float]]  # category -> strategy -> rate at difficulty 0


_BASE = {
    "coding": {"direct": 0.50, "plan": 0.78, "reflect": 0.55, "aggressive": 0.85},
    "retrieval": {"direct": 0.80, "plan": 0.55, "reflect": 0.60, "aggressive": 0.85},
    "math": {"direct": 0.45, "plan": 0.55, "reflect": 0.78, "aggressive": 0.82},
    "browsing": {"direct": 0.78, "plan": 0.50, "reflect": 0.45, "aggressive": 0.82},
}
_SHIFTED_MIX = {"coding": 0.15, "retrieval": 0.2, "math": 0.15, "browsing": 0.5}
# Regime 1: traffic moves to browsing, and a site redesign breaks the "direct" browsing strategy.
_REDESIGN = _BASE | {
    "browsing": {"direct": 0.35, "plan": 0.50, "reflect": 0.78, "aggressive": 0.82}
}
# Regime 2: same traffic, but a search API change breaks the best coding, retrieval and math
# strategies.
_API_CHANGE = _REDESIGN | {
    "coding": {"direct": 0.50, "plan": 0.25, "reflect": 0.78, "aggressive": 0.85},
    "retrieval": {"direct": 0.25, "plan": 0.80, "reflect": 0.60, "aggressive": 0.85},
    "math": {"direct": 0.45, "plan": 0.70, "reflect": 0.30, "aggressive": 0.82},
}
REGIMES = (Regime(MIX, _BASE), Regime(_SHIFTED_MIX, _REDESIGN), Regime(_SHIFTED_MIX, _API_CHANGE))
WORLD_DIFFICULTY = ((-1.0, 0.25), (0.0, 0.5), (1.0, 0.25))
WORLD_VIOLATION_RATE = {"direct": 0.001, "plan": 0.001, "reflect": 0.001, "aggressive": 0.06}
WORLD_MODEL_MS = {"direct": 650.0, "plan": 670.0, "reflect": 680.0, "aggressive": 600.0}


class RetrainingWorld:
    """`n_batches` batches of `batch_size` live tasks plus `holdout_size` holdout tasks; the
    world switches to REGIMES[k] at batch drift_points[k - 1]."""

    def __init__(
        self,
        seed: int = 0,
        n_batches: int = 12,
        batch_size: int = 400,
        holdout_size: int = 400,
        drift_points: tuple[int, ...] = (4, 8),
        kinds: Any = None,
    ) -> None:
        self.seed = seed
        self.kinds = kinds
        self.drift_points = drift_points
        self._regime: dict[str, int] = {}
        self._difficulty: dict[str, float] = {}
        self._served: dict[tuple[str, str], Trajectory] = {}
        self.serve_calls = 0
        self.train_calls = 0
        batches = []
        for b in range(n_batches):
            rng = np.random.default_rng([seed, 5, b])
            regime = self.regime_of(b)
            live = self._draw(rng, b, regime, "t", batch_size)
            holdout = self._draw(rng, b, regime, "h", holdout_size)
            batches.append(_kind(kinds, "Batch")(b, live, holdout))
        self.batches = tuple(batches)

    def regime_of(self, batch_id: int) -> int:
        return sum(batch_id >= point for point in self.drift_points)

    def _draw(
        self, rng: np.random.Generator, batch_id: int, regime: int, prefix: str, size: int
    ) -> tuple[Any, ...]:
        task_kind = _kind(self.kinds, "Task")
        mix = REGIMES[regime].mix
        shifts = np.array([shift for shift, _ in WORLD_DIFFICULTY])
        cats = rng.choice(len(CATEGORIES), size=size, p=[mix[c] for c in CATEGORIES])
        odds = [p for _, p in WORLD_DIFFICULTY]
        diff = shifts[rng.choice(len(WORLD_DIFFICULTY), size=size, p=odds)]
        tasks = []
        for i, (c, d) in enumerate(zip(cats, diff, strict=True)):
            task_id = f"b{batch_id:02d}-{prefix}{i:04d}"
            self._regime[task_id] = regime
            self._difficulty[task_id] = float(d)
            tasks.append(task_kind(task_id, CATEGORIES[c]))
        return tuple(tasks)

    def _succeeds(self, task_id: str, category: str, strategy: str) -> bool:
        rate = REGIMES[self._regime[task_id]].success[category][strategy]
        logit = math.log(rate / (1 - rate)) - self._difficulty[task_id]
        # One uniform per task, whatever the strategy (common random numbers): a better strategy
        # solves every task a worse one solves, so training on a batch ranks strategies reliably.
        u = _stable(f"{self.seed}/{task_id}/success") / 2.0**64
        return u < _sigmoid(logit)

    def best_model(self, batch_id: int) -> Model:
        """The safe strategy with the highest true success per category, at `batch_id`."""
        success = REGIMES[self.regime_of(batch_id)].success
        return {c: max(SAFE_STRATEGIES, key=lambda s, c=c: success[c][s]) for c in CATEGORIES}

    def train(self, batch: Any) -> Model:
        """Per category, the safe strategy that succeeded most often on the batch's live tasks
        (ties to the earlier strategy in SAFE_STRATEGIES)."""
        self.train_calls += 1
        model: Model = {}
        for category in CATEGORIES:
            tasks = [t for t in batch.tasks if t.category == category]
            wins = {
                s: sum(self._succeeds(t.task_id, category, s) for t in tasks)
                for s in SAFE_STRATEGIES
            }
            model[category] = max(SAFE_STRATEGIES, key=lambda s: wins[s])
        return model

    def serve(self, model: Mapping[str, str], tasks: Sequence[Any]) -> list[Any]:
        """The trajectories of `model` on `tasks`: the same (task, strategy) always gives the same
        trajectory."""
        self.serve_calls += 1
        return [self._trajectory(t.task_id, t.category, model[t.category]) for t in tasks]

    def _trajectory(self, task_id: str, category: str, strategy: str) -> Any:
        key = (task_id, strategy)
        cached = self._served.get(key)
        if cached is not None:
            return cached
        # The task decides its tool calls; the strategy only changes the model's time and risk.
        task_rng = np.random.default_rng(_stable(f"{self.seed}/{task_id}/steps"))
        tools = TOOLS[category]
        n_steps = 1 + int(task_rng.poisson(EXTRA_STEPS[category]))
        picked = [tools[int(p * len(tools))] for p in task_rng.random(n_steps)]
        noise = np.exp(0.7 * task_rng.standard_normal(n_steps))
        rng = np.random.default_rng(_stable(f"{self.seed}/{task_id}/{strategy}/run"))
        model_ms = WORLD_MODEL_MS[strategy] * np.exp(0.3 * rng.standard_normal(n_steps))
        step_kind = _kind(self.kinds, "Step")
        steps = tuple(
            step_kind(tool, round(TOOL_MS[tool] * float(z), 2))
            for tool, z in zip(picked, noise, strict=True)
        )
        latency = round(sum(s.latency_ms for s in steps) + float(model_ms.sum()), 2)
        violated = rng.random() < WORLD_VIOLATION_RATE[strategy]
        trajectory = _kind(self.kinds, "Trajectory")(
            task_id=task_id,
            category=category,
            agent=strategy,
            success=self._succeeds(task_id, category, strategy),
            latency_ms=latency,
            cost_usd=round(0.012 * n_steps, 6),
            steps=steps,
            safety_flags=(FLAGS[0],) if violated else (),
        )
        self._served[key] = trajectory
        return trajectory
