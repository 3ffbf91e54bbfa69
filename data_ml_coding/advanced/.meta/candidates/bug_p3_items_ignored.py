"""Bug: items ignored (part 3).

verdict: reject part 3
rule: "over every item of `items` and of `comparisons`, one entry per item."
how: built the item list from the comparisons only
differs on: second prompt example with items=['z'] -> no 'z' key
"""


from __future__ import annotations

import json
import math
import os
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, replace
from functools import reduce
from itertools import accumulate, chain, groupby
from operator import attrgetter
from pathlib import Path
from statistics import NormalDist

import numpy as np

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

_Z = NormalDist().inv_cdf


def _valid(count, n, confidence) -> None:
    checks = (n > 0, 0 <= count <= n, 0 < confidence < 1)
    if not all(checks):
        raise ValueError(f"need n > 0, 0 <= count <= n, 0 < confidence < 1; got {count}, {n}, {confidence}")


def wilson_interval(successes: int, n: int, confidence: float = 0.95) -> Interval:
    _valid(successes, n, confidence)
    z = _Z(0.5 + confidence / 2)
    p = successes / n
    center = (p + z * z / (2 * n)) / (1 + z * z / n)
    half = z * math.sqrt(p * (1 - p) / n + z * z / (4 * n * n)) / (1 + z * z / n)
    clip = lambda x: min(1.0, max(0.0, x))  # noqa: E731
    return Interval(clip(center - half), clip(center + half))


def _betacf(a: float, b: float, x: float) -> float:
    """Continued fraction for the incomplete beta (Lentz), as in Numerical Recipes."""
    tiny = 1e-300
    qab, qap, qam = a + b, a + 1, a - 1
    c, d = 1.0, 1 - qab * x / qap
    d = 1 / (d if abs(d) > tiny else tiny)
    h = d
    for m in range(1, 10_000):
        m2 = 2 * m
        aa = m * (b - m) * x / ((qam + m2) * (a + m2))
        d = 1 + aa * d
        d = 1 / (d if abs(d) > tiny else tiny)
        c = 1 + aa / c
        c = c if abs(c) > tiny else tiny
        h *= d * c
        aa = -(a + m) * (qab + m) * x / ((a + m2) * (qap + m2))
        d = 1 + aa * d
        d = 1 / (d if abs(d) > tiny else tiny)
        c = 1 + aa / c
        c = c if abs(c) > tiny else tiny
        delta = d * c
        h *= delta
        if abs(delta - 1) < 1e-16:
            break
    return h


def _betainc(a: float, b: float, x: float) -> float:
    """Regularised incomplete beta I_x(a, b)."""
    if x <= 0:
        return 0.0
    if x >= 1:
        return 1.0
    lbt = math.lgamma(a + b) - math.lgamma(a) - math.lgamma(b) + a * math.log(x) + b * math.log1p(-x)
    if x < (a + 1) / (a + b + 2):
        return math.exp(lbt) * _betacf(a, b, x) / a
    return 1 - math.exp(lbt) * _betacf(b, a, 1 - x) / b


def _binom_cdf(k: int, n: int, p: float) -> float:
    # P(X <= k) = 1 - I_p(k + 1, n - k)
    return 1 - _betainc(k + 1, n - k, p)


def violation_upper_bound(violations: int, n: int, confidence: float = 0.95) -> float:
    _valid(violations, n, confidence)
    alpha = 1 - confidence
    if violations == 0:
        return 1 - alpha ** (1 / n)
    if violations == n:
        return 1.0

    def halve(bounds, _):
        lo, hi = bounds
        mid = (lo + hi) / 2
        return (mid, hi) if _binom_cdf(violations, n, mid) > alpha else (lo, mid)

    lo, hi = reduce(halve, range(120), (0.0, 1.0))
    return (lo + hi) / 2


def percentile(sorted_values: Sequence[float], p: float) -> float:
    if not sorted_values:
        raise ValueError("no values")
    n = len(sorted_values)
    return sorted_values[min(n, max(1, math.ceil(p * n / 100))) - 1]


def _latency(values: Iterable[float]) -> Latency:
    ordered = sorted(values)
    return Latency(*map(lambda q: percentile(ordered, q), (50, 95, 99)))


def measure(trajectories: Sequence[Trajectory]) -> AgentReport:
    ts = tuple(trajectories)
    if not ts:
        raise ValueError("measure() needs trajectories")
    n = len(ts)
    k = sum(map(lambda t: 1 if t.success else 0, ts))
    v = sum(map(lambda t: 1 if t.safety_flags else 0, ts))
    spent = math.fsum(map(attrgetter("cost_usd"), ts))
    return AgentReport(
        n=n,
        successes=k,
        success_rate=k / n,
        success_interval=wilson_interval(k, n),
        violations=v,
        violation_rate=v / n,
        violation_upper=violation_upper_bound(v, n),
        latency_ms=_latency(map(attrgetter("latency_ms"), ts)),
        step_latency_ms=_latency(s.latency_ms for s in chain.from_iterable(t.steps for t in ts)),
        cost_per_success=spent / k if k else math.inf,
    )


def measure_by_category(trajectories: Sequence[Trajectory]) -> dict[str, AgentReport]:
    key = attrgetter("category")
    return {c: measure(list(g)) for c, g in groupby(sorted(trajectories, key=key), key=key)}


def trajectories_needed(
    p_baseline: float, p_candidate: float, alpha: float = 0.05, power: float = 0.8
) -> int:
    p1, p2 = p_baseline, p_candidate
    if not all(0 <= p <= 1 for p in (p1, p2)):
        raise ValueError("rates must be in [0, 1]")
    if p1 == p2:
        raise ValueError("rates are equal")
    if not all(0 < x < 1 for x in (alpha, power)):
        raise ValueError("alpha and power must be in (0, 1)")
    pbar = (p1 + p2) / 2
    top = _Z(1 - alpha / 2) * math.sqrt(2 * pbar * (1 - pbar)) + _Z(power) * math.sqrt(p1 * (1 - p1) + p2 * (1 - p2))
    return math.ceil(top**2 / (p1 - p2) ** 2)


# %% Part 2


@dataclass(frozen=True)
class GateDecision:
    ship: bool
    checks: tuple[Check, ...]
    comparison: PairedComparison

    def explain(self) -> str:
        verdict = "ship" if self.ship else "hold (failed: {})".format(
            ", ".join(c.name for c in self.checks if not c.passed))
        return "\n".join([verdict, *("  {} {}: {}".format("pass" if c.passed else "FAIL", c.name, c.detail) for c in self.checks)])


def _index(ts: Sequence[Trajectory]) -> dict[str, Trajectory]:
    ts = list(ts)
    ids = [t.task_id for t in ts]
    if len(set(ids)) != len(ids):
        raise ValueError("a task is repeated")
    return dict(zip(ids, ts))


def _mcnemar(b: int, c: int) -> float:
    m = b + c
    return 1.0 if m == 0 else min(1.0, 2 * sum(math.comb(m, i) for i in range(min(b, c) + 1)) / 2**m)


def compare_paired(
    baseline: Sequence[Trajectory], candidate: Sequence[Trajectory]
) -> PairedComparison:
    base, cand = _index(baseline), _index(candidate)
    if base.keys() != cand.keys():
        raise ValueError("the two runs cover different tasks")
    if not base:
        raise ValueError("no tasks")
    pairs = [(bool(base[k].success), bool(cand[k].success)) for k in sorted(base)]
    n = len(pairs)
    b = sum(1 for x, y in pairs if y and not x)
    c = sum(1 for x, y in pairs if x and not y)
    br = sum(x for x, _ in pairs) / n
    cr = sum(y for _, y in pairs) / n
    return PairedComparison(n, br, cr, cr - br, b, c, _mcnemar(b, c))


def _p95(ts: Sequence[Trajectory]) -> float:
    return percentile(sorted(t.latency_ms for t in ts), 95)


def ship_gate(
    baseline: Sequence[Trajectory],
    candidate: Sequence[Trajectory],
    guardrails: Guardrails = GUARDRAILS,
) -> GateDecision:
    baseline, candidate = list(baseline), list(candidate)
    comp = compare_paired(baseline, candidate)
    viol = sum(1 for t in candidate if t.safety_flags)
    upper = violation_upper_bound(viol, len(candidate))
    bp, cp = _p95(baseline), _p95(candidate)
    checks = (
        Check("success", comp.difference > 0 and comp.p_value < guardrails.alpha,
              f"{comp.candidate_rate:.3f} vs {comp.baseline_rate:.3f} ({comp.difference * 100:+.1f} pts), "
              f"{comp.candidate_only} won / {comp.baseline_only} lost, exact McNemar p = {comp.p_value:.3g}"),
        Check("safety", upper <= guardrails.max_violation_rate,
              f"{viol}/{len(candidate)} violations, 95 % upper bound {upper:.4f} vs {guardrails.max_violation_rate}"),
        Check("latency", cp <= guardrails.max_p95_ratio * bp,
              f"p95 {cp:.0f} ms vs {bp:.0f} ms ({cp / bp:.2f}x) vs {guardrails.max_p95_ratio}x"),
    )
    return GateDecision(all(map(attrgetter("passed"), checks)), checks, comp)


# %% Part 3


def fit_bradley_terry(
    comparisons: Iterable[tuple[str, str, float]], items: Iterable[str] = (), l2: float = 0.1
) -> dict[str, float]:
    if l2 <= 0:
        raise ValueError("l2 must be > 0")
    comps = [(a, b, float(y)) for a, b, y in comparisons]
    if any(a == b for a, b, _ in comps):
        raise ValueError("an item is compared with itself")
    if any(not 0 <= y <= 1 for _, _, y in comps):
        raise ValueError("outcome outside [0, 1]")
    names = sorted(set(chain.from_iterable((a, b) for a, b, _ in comps)))
    if not names:
        return {}
    idx = {x: i for i, x in enumerate(names)}
    k = len(names)
    ia = np.fromiter((idx[a] for a, _, _ in comps), dtype=int, count=len(comps))
    ib = np.fromiter((idx[b] for _, b, _ in comps), dtype=int, count=len(comps))
    y = np.fromiter((o for _, _, o in comps), dtype=float, count=len(comps))
    s = np.zeros(k)
    for _ in range(100):
        p = 1 / (1 + np.exp(s[ib] - s[ia]))
        g = np.bincount(ia, y - p, k) - np.bincount(ib, y - p, k) - l2 * s
        w = p * (1 - p)
        A = l2 * np.eye(k)
        np.add.at(A, (ia, ia), w)
        np.add.at(A, (ib, ib), w)
        np.add.at(A, (ia, ib), -w)
        np.add.at(A, (ib, ia), -w)
        delta = np.linalg.solve(A, g)
        s = s + delta
        if np.abs(delta).max() < 1e-13:
            break
    return {x: float(s[idx[x]]) + 0.0 for x in names}


def run_bandit(pull: Callable[[int], float], n_arms: int, rounds: int, seed: int = 0) -> BanditRun:
    """Thompson sampling, Beta(1, 1) prior, one draw per arm per round (in arm order)."""
    if n_arms < 1:
        raise ValueError("n_arms must be at least 1")
    if rounds < 0:
        raise ValueError("rounds must not be negative")
    rng = np.random.default_rng(seed)

    def play(acc, _):
        post, arms, rewards = acc
        draws = [rng.beta(a, b) for a, b in post]
        arm = max(range(n_arms), key=draws.__getitem__)
        r = float(pull(arm))
        a, b = post[arm]
        post = post[:arm] + ((a + r, b + 1 - r),) + post[arm + 1:]
        return post, arms + (arm,), rewards + (r,)

    arms_rewards = reduce(play, range(rounds), (((1.0, 1.0),) * n_arms, (), ()))
    return BanditRun(arms_rewards[1], arms_rewards[2])


# %% Part 4


def category_mix(tasks: Iterable[Task]) -> dict[str, float]:
    cats = sorted(t.category for t in tasks)
    return {c: len(list(g)) / len(cats) for c, g in groupby(cats)}


def total_variation(p: Mapping[str, float], q: Mapping[str, float]) -> float:
    return 0.5 * math.fsum(abs(p.get(k, 0.0) - q.get(k, 0.0)) for k in set(p) | set(q))


def _dump(state: LoopState) -> str:
    entry = lambda e: {  # noqa: E731
        "batch_id": e.batch_id, "drift": e.drift, "success_rate": e.success_rate, "reasons": list(e.reasons),
        "promoted": e.promoted, "champion_version": e.champion_version,
        "checks": [{"name": c.name, "passed": c.passed, "detail": c.detail} for c in e.checks],
    }
    return json.dumps({
        "last_batch_id": state.last_batch_id, "champion": state.champion,
        "champion_version": state.champion_version, "reference_mix": state.reference_mix,
        "reference_success": state.reference_success, "audit": list(map(entry, state.audit)),
    }, sort_keys=True) + "\n"


def _parse(text: str) -> LoopState:
    d = json.loads(text)
    entry = lambda e: AuditEntry(  # noqa: E731
        e["batch_id"], e["drift"], e["success_rate"], tuple(e["reasons"]), e["promoted"], e["champion_version"],
        tuple(Check(c["name"], c["passed"], c["detail"]) for c in e["checks"]))
    return LoopState(d["last_batch_id"], d["champion"], d["champion_version"], d["reference_mix"],
                     d["reference_success"], tuple(map(entry, d["audit"])))


def load_state(state_path: Path) -> LoopState | None:
    p = Path(state_path)
    return _parse(p.read_text(encoding="utf-8")) if p.exists() else None


def _write(state_path: Path, state: LoopState) -> None:
    p = Path(state_path)
    tmp = p.with_name(p.name + f".{os.getpid()}.tmp")
    tmp.write_text(_dump(state), encoding="utf-8")
    os.replace(tmp, p)


def _rate(trajectories) -> float:
    outcomes = [bool(t.success) for t in trajectories]
    return sum(outcomes) / len(outcomes)


def _step(state: LoopState | None, batch: Batch, train, serve, triggers: Triggers, guardrails: Guardrails) -> LoopState:
    mix = category_mix(batch.tasks)
    if state is None:
        champion = train(batch)
        rate = _rate(serve(champion, batch.holdout))
        return LoopState(batch.batch_id, champion, 1, mix, rate,
                         (AuditEntry(batch.batch_id, 0.0, rate, ("bootstrap",), True, 1, ()),))
    rate = _rate(serve(state.champion, batch.tasks))
    drift = total_variation(state.reference_mix, mix)
    reasons = tuple(name for name, fired in (
        ("drift", drift > triggers.max_drift),
        ("performance", rate < state.reference_success - triggers.max_drop),
    ) if fired)
    nxt = replace(state, last_batch_id=batch.batch_id)
    if not reasons:
        entry = AuditEntry(batch.batch_id, drift, rate, (), False, state.champion_version, ())
        return replace(nxt, audit=state.audit + (entry,))
    challenger = train(batch)
    gate = ship_gate(serve(state.champion, batch.holdout), serve(challenger, batch.holdout), guardrails)
    if gate.ship:
        nxt = replace(nxt, champion=challenger, champion_version=state.champion_version + 1,
                      reference_mix=mix, reference_success=gate.comparison.candidate_rate)
    entry = AuditEntry(batch.batch_id, drift, rate, reasons, gate.ship, nxt.champion_version, gate.checks)
    return replace(nxt, audit=state.audit + (entry,))


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
        state = _step(state, batch, train, serve, triggers, guardrails)
        _write(state_path, state)
    if state is None:
        raise ValueError("no saved state and no batch")
    return state
