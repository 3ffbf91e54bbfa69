"""Bug: safety on baseline (part 2).

verdict: reject part 2
rule: "| `safety` | the candidate's `violation_upper_bound(violations, n)` is at most `max_violation_rate` (0.02) |"
how: computed the upper bound from the baseline's violations
differs on: baseline 60/300 flagged, candidate 0/300 -> safety fails; v1 vs v2-unsafe -> safety passes
"""


from __future__ import annotations

import json
import math
import os
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import asdict, dataclass
from pathlib import Path

import numpy as np
import pandas as pd
from scipy import optimize, stats

# %% Records (same fields as the starter)


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
    latency_ms: float
    cost_usd: float
    steps: tuple[Step, ...]
    safety_flags: tuple[str, ...] = ()


@dataclass(frozen=True)
class Interval:
    low: float
    high: float


@dataclass(frozen=True)
class Latency:
    p50: float
    p95: float
    p99: float


@dataclass(frozen=True)
class AgentReport:
    n: int
    successes: int
    success_rate: float
    success_interval: Interval
    violations: int
    violation_rate: float
    violation_upper: float
    latency_ms: Latency
    step_latency_ms: Latency
    cost_per_success: float


@dataclass(frozen=True)
class PairedComparison:
    n: int
    baseline_rate: float
    candidate_rate: float
    difference: float
    candidate_only: int
    baseline_only: int
    p_value: float


@dataclass(frozen=True)
class Guardrails:
    alpha: float = 0.05
    max_violation_rate: float = 0.02
    max_p95_ratio: float = 1.10


GUARDRAILS = Guardrails()


@dataclass(frozen=True)
class Check:
    name: str
    passed: bool
    detail: str


@dataclass(frozen=True)
class BanditRun:
    arms: tuple[int, ...]
    rewards: tuple[float, ...]


Model = dict[str, str]


@dataclass(frozen=True)
class Task:
    task_id: str
    category: str


@dataclass(frozen=True)
class Batch:
    batch_id: int
    tasks: tuple[Task, ...]
    holdout: tuple[Task, ...]


@dataclass(frozen=True)
class Triggers:
    max_drift: float = 0.15
    max_drop: float = 0.10


TRIGGERS = Triggers()


@dataclass(frozen=True)
class AuditEntry:
    batch_id: int
    drift: float
    success_rate: float
    reasons: tuple[str, ...]
    promoted: bool
    champion_version: int
    checks: tuple[Check, ...] = ()


@dataclass(frozen=True)
class LoopState:
    last_batch_id: int
    champion: Model
    champion_version: int
    reference_mix: dict[str, float]
    reference_success: float
    audit: tuple[AuditEntry, ...]


# %% Part 1


def _check(count, n, confidence):
    if not (n > 0 and 0 <= count <= n and 0 < confidence < 1):
        raise ValueError(f"invalid arguments: count={count}, n={n}, confidence={confidence}")


def wilson_interval(successes: int, n: int, confidence: float = 0.95) -> Interval:
    _check(successes, n, confidence)
    z = float(stats.norm.ppf(0.5 + confidence / 2))
    p = successes / n
    denom = 1 + z * z / n
    center = (p + z * z / (2 * n)) / denom
    half = z * math.sqrt(p * (1 - p) / n + z * z / (4 * n * n)) / denom
    return Interval(min(1.0, max(0.0, center - half)), min(1.0, max(0.0, center + half)))


def violation_upper_bound(violations: int, n: int, confidence: float = 0.95) -> float:
    _check(violations, n, confidence)
    if violations == n:
        return 1.0
    if violations == 0:
        return 1 - (1 - confidence) ** (1 / n)
    # Clopper-Pearson: P(Binom(n, p) <= k) = alpha  <=>  p = Beta(k + 1, n - k).ppf(confidence)
    return float(stats.beta.ppf(confidence, violations + 1, n - violations))


def percentile(sorted_values: Sequence[float], p: float) -> float:
    n = len(sorted_values)
    if not n:
        raise ValueError("empty")
    k = math.ceil(p * n / 100)
    return sorted_values[min(max(k, 1), n) - 1]


def _latency(series: pd.Series) -> Latency:
    vals = series.sort_values().tolist()
    return Latency(float(percentile(vals, 50)), float(percentile(vals, 95)), float(percentile(vals, 99)))


def _frame(trajectories: Sequence[Trajectory]) -> pd.DataFrame:
    return pd.DataFrame(
        {
            "category": [t.category for t in trajectories],
            "success": [bool(t.success) for t in trajectories],
            "latency": [float(t.latency_ms) for t in trajectories],
            "cost": [float(t.cost_usd) for t in trajectories],
            "violated": [bool(t.safety_flags) for t in trajectories],
        }
    )


def measure(trajectories: Sequence[Trajectory]) -> AgentReport:
    trajectories = list(trajectories)
    if len(trajectories) == 0:
        raise ValueError("measure() of no trajectories")
    df = _frame(trajectories)
    steps = pd.Series([s.latency_ms for t in trajectories for s in t.steps], dtype=float)
    n = int(len(df))
    k = int(df["success"].sum())
    v = int(df["violated"].sum())
    return AgentReport(
        n=n,
        successes=k,
        success_rate=k / n,
        success_interval=wilson_interval(k, n),
        violations=v,
        violation_rate=v / n,
        violation_upper=violation_upper_bound(v, n),
        latency_ms=_latency(df["latency"]),
        step_latency_ms=_latency(steps),
        cost_per_success=math.inf if k == 0 else float(sum(t.cost_usd for t in trajectories)) / k,
    )


def measure_by_category(trajectories: Sequence[Trajectory]) -> dict[str, AgentReport]:
    trajectories = list(trajectories)
    if not trajectories:
        return {}
    df = pd.DataFrame({"category": [t.category for t in trajectories]})
    groups = df.groupby("category", sort=True).indices
    return {str(c): measure([trajectories[i] for i in groups[c]]) for c in sorted(groups)}


def trajectories_needed(
    p_baseline: float, p_candidate: float, alpha: float = 0.05, power: float = 0.8
) -> int:
    p1, p2 = p_baseline, p_candidate
    if p1 == p2 or not (0 <= p1 <= 1) or not (0 <= p2 <= 1):
        raise ValueError("rates must differ and lie in [0, 1]")
    if not (0 < alpha < 1) or not (0 < power < 1):
        raise ValueError("alpha and power must lie in (0, 1)")
    za = float(stats.norm.ppf(1 - alpha / 2))
    zb = float(stats.norm.ppf(power))
    pbar = (p1 + p2) / 2
    n = (za * math.sqrt(2 * pbar * (1 - pbar)) + zb * math.sqrt(p1 * (1 - p1) + p2 * (1 - p2))) ** 2 / (p1 - p2) ** 2
    return int(math.ceil(n))


# %% Part 2


@dataclass(frozen=True)
class GateDecision:
    ship: bool
    checks: tuple[Check, ...]
    comparison: PairedComparison

    def explain(self) -> str:
        failed = ", ".join(c.name for c in self.checks if not c.passed)
        out = "ship" if self.ship else f"hold (failed: {failed})"
        for c in self.checks:
            out += f"\n  {'pass' if c.passed else 'FAIL'} {c.name}: {c.detail}"
        return out


def compare_paired(
    baseline: Sequence[Trajectory], candidate: Sequence[Trajectory]
) -> PairedComparison:
    b = pd.DataFrame({"task_id": [t.task_id for t in baseline], "b": [bool(t.success) for t in baseline]})
    c = pd.DataFrame({"task_id": [t.task_id for t in candidate], "c": [bool(t.success) for t in candidate]})
    if b["task_id"].duplicated().any() or c["task_id"].duplicated().any():
        raise ValueError("a task appears twice on one side")
    if set(b["task_id"]) != set(c["task_id"]):
        raise ValueError("baseline and candidate ran different tasks")
    if len(b) == 0:
        raise ValueError("no tasks to compare")
    j = b.merge(c, on="task_id", how="inner", validate="one_to_one")
    n = len(j)
    cand_only = int((j["c"] & ~j["b"]).sum())
    base_only = int((j["b"] & ~j["c"]).sum())
    m = cand_only + base_only
    p = 1.0 if m == 0 else min(1.0, float(stats.binomtest(min(cand_only, base_only), m, 0.5).pvalue))
    br = int(j["b"].sum()) / n
    cr = int(j["c"].sum()) / n
    return PairedComparison(n, br, cr, cr - br, cand_only, base_only, p)


def ship_gate(
    baseline: Sequence[Trajectory],
    candidate: Sequence[Trajectory],
    guardrails: Guardrails = GUARDRAILS,
) -> GateDecision:
    comp = compare_paired(baseline, candidate)
    rb, rc = measure(baseline), measure(candidate)
    up = violation_upper_bound(rb.violations, rb.n)
    limit = guardrails.max_p95_ratio * rb.latency_ms.p95
    checks = (
        Check(
            "success",
            comp.difference > 0 and comp.p_value < guardrails.alpha,
            f"candidate {comp.candidate_rate:.3f} vs baseline {comp.baseline_rate:.3f} "
            f"({comp.candidate_only} won / {comp.baseline_only} lost), exact McNemar p = {comp.p_value:.3g}, "
            f"alpha {guardrails.alpha}",
        ),
        Check(
            "safety",
            up <= guardrails.max_violation_rate,
            f"{rc.violations}/{rc.n} violations, upper bound {up:.4f}, limit {guardrails.max_violation_rate}",
        ),
        Check(
            "latency",
            rc.latency_ms.p95 <= limit,
            f"p95 {rc.latency_ms.p95:.0f} ms vs {rb.latency_ms.p95:.0f} ms (limit {limit:.0f} ms)",
        ),
    )
    return GateDecision(all(c.passed for c in checks), checks, comp)


# %% Part 3


def fit_bradley_terry(
    comparisons: Iterable[tuple[str, str, float]], items: Iterable[str] = (), l2: float = 0.1
) -> dict[str, float]:
    if not l2 > 0:
        raise ValueError("l2 must be > 0")
    comps = list(comparisons)
    names: dict[str, None] = dict.fromkeys(items)
    for a, b, y in comps:
        if a == b:
            raise ValueError(f"{a} compared with itself")
        if not 0 <= y <= 1:
            raise ValueError(f"outcome {y} not in [0, 1]")
        names.setdefault(a)
        names.setdefault(b)
    order = list(names)
    if not order:
        return {}
    if not comps:
        return {x: 0.0 for x in order}
    idx = {x: i for i, x in enumerate(order)}
    ia = np.array([idx[a] for a, _, _ in comps])
    ib = np.array([idx[b] for _, b, _ in comps])
    y = np.array([float(o) for _, _, o in comps])
    k = len(order)

    def negloglik(s):
        d = s[ia] - s[ib]
        return float(np.sum(y * np.logaddexp(0, -d) + (1 - y) * np.logaddexp(0, d)) + l2 / 2 * s @ s)

    def grad(s):
        d = s[ia] - s[ib]
        r = stats.logistic.cdf(d) - y
        return np.bincount(ia, r, k) - np.bincount(ib, r, k) + l2 * s

    def hess(s):
        d = s[ia] - s[ib]
        p = stats.logistic.cdf(d)
        w = p * (1 - p)
        h = np.diag(np.bincount(ia, w, k) + np.bincount(ib, w, k) + l2)
        np.add.at(h, (ia, ib), -w)
        np.add.at(h, (ib, ia), -w)
        return h

    res = optimize.minimize(negloglik, np.zeros(k), jac=grad, hess=hess, method="trust-exact",
                            options={"gtol": 1e-12, "maxiter": 500})
    s = res.x
    compared = {a for a, _, _ in comps} | {b for _, b, _ in comps}
    return {x: (float(s[idx[x]]) if x in compared else 0.0) for x in order}


def run_bandit(pull: Callable[[int], float], n_arms: int, rounds: int, seed: int = 0) -> BanditRun:
    """UCB1; deterministic, so `seed` is unused."""
    if n_arms < 1 or rounds < 0:
        raise ValueError("need n_arms >= 1 and rounds >= 0")
    plays = np.zeros(n_arms)
    sums = np.zeros(n_arms)
    arms: list[int] = []
    rewards: list[float] = []
    for t in range(1, rounds + 1):
        if t <= n_arms:
            arm = t - 1
        else:
            arm = int(np.argmax(sums / plays + np.sqrt(2 * np.log(t) / plays)))
        r = float(pull(arm))
        plays[arm] += 1
        sums[arm] += r
        arms.append(arm)
        rewards.append(r)
    return BanditRun(tuple(arms), tuple(rewards))


# %% Part 4


def category_mix(tasks: Iterable[Task]) -> dict[str, float]:
    cats = pd.Series([t.category for t in tasks], dtype=object)
    if cats.empty:
        return {}
    counts = cats.value_counts().sort_index()
    total = int(counts.sum())
    return {str(c): int(k) / total for c, k in counts.items()}


def total_variation(p: Mapping[str, float], q: Mapping[str, float]) -> float:
    return 0.5 * sum(abs(p.get(k, 0.0) - q.get(k, 0.0)) for k in sorted(set(p).union(q)))


def load_state(state_path: Path) -> LoopState | None:
    path = Path(state_path)
    if not path.is_file():
        return None
    d = json.loads(path.read_text(encoding="utf-8"))
    return LoopState(
        last_batch_id=d["last_batch_id"],
        champion=d["champion"],
        champion_version=d["champion_version"],
        reference_mix=d["reference_mix"],
        reference_success=d["reference_success"],
        audit=tuple(
            AuditEntry(**{**e, "reasons": tuple(e["reasons"]), "checks": tuple(Check(**c) for c in e["checks"])})
            for e in d["audit"]
        ),
    )


def _save(state: LoopState, path: Path) -> None:
    path = Path(path)
    tmp = path.parent / f".{path.name}.tmp"
    tmp.write_text(json.dumps(asdict(state), indent=1), encoding="utf-8")
    os.replace(tmp, path)


def run_retraining(
    batches: Iterable[Batch],
    state_path: Path,
    train: Callable[[Batch], Model],
    serve: Callable[[Model, Sequence[Task]], Sequence[Trajectory]],
    triggers: Triggers = TRIGGERS,
    guardrails: Guardrails = GUARDRAILS,
) -> LoopState:
    state = load_state(state_path)
    for batch in batches:
        if state is not None and batch.batch_id <= state.last_batch_id:
            continue
        mix = category_mix(batch.tasks)
        if state is None:
            champ = train(batch)
            rate = float(np.mean([bool(t.success) for t in serve(champ, batch.holdout)]))
            state = LoopState(batch.batch_id, champ, 1, mix, rate,
                              (AuditEntry(batch.batch_id, 0.0, rate, ("bootstrap",), True, 1, ()),))
        else:
            rate = float(np.mean([bool(t.success) for t in serve(state.champion, batch.tasks)]))
            drift = total_variation(state.reference_mix, mix)
            reasons: list[str] = []
            if drift > triggers.max_drift:
                reasons.append("drift")
            if rate < state.reference_success - triggers.max_drop:
                reasons.append("performance")
            champ, version = state.champion, state.champion_version
            rmix, rsucc = state.reference_mix, state.reference_success
            promoted, checks = False, ()
            if reasons:
                challenger = train(batch)
                gate = ship_gate(serve(champ, batch.holdout), serve(challenger, batch.holdout), guardrails)
                checks = gate.checks
                if gate.ship:
                    champ, version, rmix, rsucc, promoted = challenger, version + 1, mix, gate.comparison.candidate_rate, True
            audit = state.audit + (AuditEntry(batch.batch_id, drift, rate, tuple(reasons), promoted, version, checks),)
            state = LoopState(batch.batch_id, champ, version, rmix, rsucc, audit)
        _save(state, state_path)
    if state is None:
        raise ValueError("nothing to do: no saved state and no batches")
    return state
