"""Bug: pair by position (part 2).

verdict: reject part 2
rule: "**`compare_paired(baseline, candidate) -> PairedComparison`**: both versions ran the same tasks; pair their trajectories **by `task_id`** (the two lists may come in different orders)."
how: after validating the task sets, zipped the two lists by position
differs on: compare_paired(b, reversed(c)) of the prompt's 200-task example -> different candidate_only/baseline_only (and p) than 20/6
"""


from __future__ import annotations

import json
import math
import os
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from statistics import NormalDist

# %% Records


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


# %% Part 1


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


def _check_counts(count: int, n: int, confidence: float) -> None:
    if not n > 0:
        raise ValueError(f"n must be positive, got {n}")
    if not 0 <= count <= n:
        raise ValueError(f"count must be in [0, n], got {count} of {n}")
    if not 0 < confidence < 1:
        raise ValueError(f"confidence must be in (0, 1), got {confidence}")


def wilson_interval(successes: int, n: int, confidence: float = 0.95) -> Interval:
    _check_counts(successes, n, confidence)
    p = successes / n
    z = NormalDist().inv_cdf(0.5 + confidence / 2)
    z2 = z * z
    denom = 1 + z2 / n
    center = (p + z2 / (2 * n)) / denom
    half = z * math.sqrt(p * (1 - p) / n + z2 / (4 * n * n)) / denom
    return Interval(max(0.0, center - half), min(1.0, center + half))


def _binom_cdf(k: int, n: int, p: float) -> float:
    if p <= 0.0:
        return 1.0
    if p >= 1.0:
        return 1.0 if k >= n else 0.0
    lp, lq = math.log(p), math.log1p(-p)
    lgn = math.lgamma(n + 1)
    terms = [lgn - math.lgamma(i + 1) - math.lgamma(n - i + 1) + i * lp + (n - i) * lq for i in range(k + 1)]
    top = max(terms)
    return min(1.0, math.exp(top) * sum(math.exp(t - top) for t in terms))


def violation_upper_bound(violations: int, n: int, confidence: float = 0.95) -> float:
    _check_counts(violations, n, confidence)
    alpha = 1 - confidence
    if violations == 0:
        return 1 - alpha ** (1 / n)
    if violations == n:
        return 1.0
    lo, hi = 0.0, 1.0
    for _ in range(200):
        mid = (lo + hi) / 2
        if _binom_cdf(violations, n, mid) > alpha:
            lo = mid
        else:
            hi = mid
        if hi - lo < 1e-15:
            break
    return (lo + hi) / 2


def percentile(sorted_values: Sequence[float], p: float) -> float:
    n = len(sorted_values)
    if n == 0:
        raise ValueError("percentile of no values")
    rank = max(1, math.ceil(p * n / 100))
    rank = min(rank, n)
    return sorted_values[rank - 1]


def _latency(values: list[float]) -> Latency:
    values = sorted(values)
    return Latency(percentile(values, 50), percentile(values, 95), percentile(values, 99))


def measure(trajectories: Sequence[Trajectory]) -> AgentReport:
    trajectories = list(trajectories)
    n = len(trajectories)
    if n == 0:
        raise ValueError("no trajectories to measure")
    successes = 0
    violations = 0
    spent = 0.0
    latencies = []
    step_latencies = []
    for t in trajectories:
        if t.success:
            successes += 1
        if t.safety_flags:
            violations += 1
        spent += t.cost_usd
        latencies.append(t.latency_ms)
        for s in t.steps:
            step_latencies.append(s.latency_ms)
    return AgentReport(
        n=n,
        successes=successes,
        success_rate=successes / n,
        success_interval=wilson_interval(successes, n),
        violations=violations,
        violation_rate=violations / n,
        violation_upper=violation_upper_bound(violations, n),
        latency_ms=_latency(latencies),
        step_latency_ms=_latency(step_latencies),
        cost_per_success=spent / successes if successes else math.inf,
    )


def measure_by_category(trajectories: Sequence[Trajectory]) -> dict[str, AgentReport]:
    groups: dict[str, list[Trajectory]] = {}
    for t in trajectories:
        groups.setdefault(t.category, []).append(t)
    return {c: measure(groups[c]) for c in sorted(groups)}


def trajectories_needed(
    p_baseline: float, p_candidate: float, alpha: float = 0.05, power: float = 0.8
) -> int:
    p1, p2 = p_baseline, p_candidate
    if not (0 <= p1 <= 1 and 0 <= p2 <= 1):
        raise ValueError("rates must be in [0, 1]")
    if p1 == p2:
        raise ValueError("rates must differ")
    if not 0 < alpha < 1:
        raise ValueError("alpha must be in (0, 1)")
    if not 0 < power < 1:
        raise ValueError("power must be in (0, 1)")
    nd = NormalDist()
    za = nd.inv_cdf(1 - alpha / 2)
    zb = nd.inv_cdf(power)
    pbar = (p1 + p2) / 2
    num = za * math.sqrt(2 * pbar * (1 - pbar)) + zb * math.sqrt(p1 * (1 - p1) + p2 * (1 - p2))
    return math.ceil(num * num / ((p1 - p2) ** 2))


# %% Part 2


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
class GateDecision:
    ship: bool
    checks: tuple[Check, ...]
    comparison: PairedComparison

    def explain(self) -> str:
        failed = [c.name for c in self.checks if not c.passed]
        head = "ship" if self.ship else f"hold (failed: {', '.join(failed)})"
        lines = [head]
        for c in self.checks:
            lines.append(f"  {'pass' if c.passed else 'FAIL'} {c.name}: {c.detail}")
        return "\n".join(lines)


def _by_task(trajectories: Sequence[Trajectory], side: str) -> dict[str, Trajectory]:
    out: dict[str, Trajectory] = {}
    for t in trajectories:
        if t.task_id in out:
            raise ValueError(f"{side} repeats task {t.task_id!r}")
        out[t.task_id] = t
    return out


def _mcnemar(b: int, c: int) -> float:
    m = b + c
    if m == 0:
        return 1.0
    tail = sum(math.comb(m, i) for i in range(min(b, c) + 1))
    return min(1.0, 2 * tail / 2**m)


def compare_paired(
    baseline: Sequence[Trajectory], candidate: Sequence[Trajectory]
) -> PairedComparison:
    base = _by_task(baseline, "baseline")
    cand = _by_task(candidate, "candidate")
    if set(base) != set(cand):
        raise ValueError("baseline and candidate do not cover the same tasks")
    n = len(base)
    if n == 0:
        raise ValueError("no tasks to compare")
    bs = cs = b = c = 0
    for bt, ct in zip(baseline, candidate):
        bs += bool(bt.success)
        cs += bool(ct.success)
        if ct.success and not bt.success:
            b += 1
        elif bt.success and not ct.success:
            c += 1
    br, cr = bs / n, cs / n
    return PairedComparison(n, br, cr, cr - br, b, c, _mcnemar(b, c))


def ship_gate(
    baseline: Sequence[Trajectory],
    candidate: Sequence[Trajectory],
    guardrails: Guardrails = GUARDRAILS,
) -> GateDecision:
    comp = compare_paired(baseline, candidate)
    base_report = measure(baseline)
    cand_report = measure(candidate)

    ok = comp.difference > 0 and comp.p_value < guardrails.alpha
    success = Check(
        "success",
        ok,
        f"{comp.candidate_rate:.3f} vs {comp.baseline_rate:.3f} ({comp.difference * 100:+.1f} pts) "
        f"on {comp.n} paired tasks, {comp.candidate_only} won / {comp.baseline_only} lost, "
        f"exact McNemar p = {comp.p_value:.3g} {'<' if comp.p_value < guardrails.alpha else '>='} "
        f"{guardrails.alpha}",
    )
    upper = violation_upper_bound(cand_report.violations, cand_report.n)
    ok = upper <= guardrails.max_violation_rate
    safety = Check(
        "safety",
        ok,
        f"{cand_report.violations}/{cand_report.n} violations, 95 % upper bound {upper:.4f} "
        f"{'<=' if ok else '>'} {guardrails.max_violation_rate}",
    )
    bp95, cp95 = base_report.latency_ms.p95, cand_report.latency_ms.p95
    ok = cp95 <= guardrails.max_p95_ratio * bp95
    ratio = cp95 / bp95 if bp95 else math.inf
    latency = Check(
        "latency",
        ok,
        f"p95 {cp95:.0f} ms vs {bp95:.0f} ms ({ratio:.2f}x) {'<=' if ok else '>'} "
        f"{guardrails.max_p95_ratio}x",
    )
    checks = (success, safety, latency)
    return GateDecision(all(c.passed for c in checks), checks, comp)


# %% Part 3


def _solve(a: list[list[float]], b: list[float]) -> list[float]:
    n = len(b)
    m = [row[:] + [b[i]] for i, row in enumerate(a)]
    for col in range(n):
        piv = max(range(col, n), key=lambda r: abs(m[r][col]))
        m[col], m[piv] = m[piv], m[col]
        pv = m[col][col]
        for r in range(col + 1, n):
            f = m[r][col] / pv
            if f:
                for k in range(col, n + 1):
                    m[r][k] -= f * m[col][k]
    x = [0.0] * n
    for r in range(n - 1, -1, -1):
        s = m[r][n] - sum(m[r][k] * x[k] for k in range(r + 1, n))
        x[r] = s / m[r][r]
    return x


def _sigmoid(x: float) -> float:
    if x >= 0:
        return 1.0 / (1.0 + math.exp(-x))
    e = math.exp(x)
    return e / (1.0 + e)


def fit_bradley_terry(
    comparisons: Iterable[tuple[str, str, float]], items: Iterable[str] = (), l2: float = 0.1
) -> dict[str, float]:
    if not l2 > 0:
        raise ValueError("l2 must be positive")
    comps = []
    order: list[str] = []
    seen: set[str] = set()
    for a, b, y in comparisons:
        if a == b:
            raise ValueError(f"item {a!r} compared with itself")
        y = float(y)
        if not 0.0 <= y <= 1.0:
            raise ValueError(f"outcome {y} outside [0, 1]")
        comps.append((a, b, y))
        for x in (a, b):
            if x not in seen:
                seen.add(x)
                order.append(x)
    for x in items:
        if x not in seen:
            seen.add(x)
            order.append(x)
    if not order:
        return {}
    index = {x: i for i, x in enumerate(order)}
    k = len(order)
    s = [0.0] * k
    for _ in range(100):
        g = [-l2 * v for v in s]
        h = [[0.0] * k for _ in range(k)]
        for i in range(k):
            h[i][i] = l2
        for a, b, y in comps:
            i, j = index[a], index[b]
            p = _sigmoid(s[i] - s[j])
            r = y - p
            g[i] += r
            g[j] -= r
            w = p * (1 - p)
            h[i][i] += w
            h[j][j] += w
            h[i][j] -= w
            h[j][i] -= w
        step = _solve(h, g)  # (-Hessian) step = gradient
        s = [v + d for v, d in zip(s, step)]
        if max(abs(d) for d in step) < 1e-12:
            break
    return {x: float(s[index[x]]) for x in order}


@dataclass(frozen=True)
class BanditRun:
    arms: tuple[int, ...]
    rewards: tuple[float, ...]


def run_bandit(pull: Callable[[int], float], n_arms: int, rounds: int, seed: int = 0) -> BanditRun:
    if n_arms < 1:
        raise ValueError("need at least one arm")
    if rounds < 0:
        raise ValueError("rounds must be >= 0")
    plays = [0] * n_arms
    totals = [0.0] * n_arms
    arms: list[int] = []
    rewards: list[float] = []
    for t in range(1, rounds + 1):
        if t <= n_arms:
            arm = t - 1
        else:
            best, arm = -math.inf, 0
            for a in range(n_arms):
                score = totals[a] / plays[a] + math.sqrt(2 * math.log(t) / plays[a])
                if score > best:
                    best, arm = score, a
        r = float(pull(arm))
        plays[arm] += 1
        totals[arm] += r
        arms.append(arm)
        rewards.append(r)
    return BanditRun(tuple(arms), tuple(rewards))


# %% Part 4

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


def category_mix(tasks: Iterable[Task]) -> dict[str, float]:
    counts: dict[str, int] = {}
    total = 0
    for t in tasks:
        counts[t.category] = counts.get(t.category, 0) + 1
        total += 1
    return {c: counts[c] / total for c in sorted(counts)}


def total_variation(p: Mapping[str, float], q: Mapping[str, float]) -> float:
    keys = set(p) | set(q)
    return 0.5 * sum(abs(p.get(k, 0.0) - q.get(k, 0.0)) for k in sorted(keys))


def _to_json(state: LoopState) -> dict:
    return {
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
                "checks": [{"name": c.name, "passed": c.passed, "detail": c.detail} for c in e.checks],
            }
            for e in state.audit
        ],
    }


def _from_json(d: dict) -> LoopState:
    return LoopState(
        last_batch_id=d["last_batch_id"],
        champion=dict(d["champion"]),
        champion_version=d["champion_version"],
        reference_mix=dict(d["reference_mix"]),
        reference_success=d["reference_success"],
        audit=tuple(
            AuditEntry(
                batch_id=e["batch_id"],
                drift=e["drift"],
                success_rate=e["success_rate"],
                reasons=tuple(e["reasons"]),
                promoted=e["promoted"],
                champion_version=e["champion_version"],
                checks=tuple(Check(c["name"], c["passed"], c["detail"]) for c in e["checks"]),
            )
            for e in d["audit"]
        ),
    )


def load_state(state_path: Path) -> LoopState | None:
    path = Path(state_path)
    if not path.exists():
        return None
    with open(path, encoding="utf-8") as f:
        return _from_json(json.load(f))


def _save_state(state: LoopState, state_path: Path) -> None:
    path = Path(state_path)
    tmp = path.with_name(path.name + ".tmp")
    with open(tmp, "w", encoding="utf-8") as f:
        json.dump(_to_json(state), f, indent=2, sort_keys=True)
        f.flush()
        os.fsync(f.fileno())
    os.replace(tmp, path)


def _rate(trajectories: Sequence[Trajectory]) -> float:
    trajectories = list(trajectories)
    return sum(1 for t in trajectories if t.success) / len(trajectories)


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
            continue  # a replay
        mix = category_mix(batch.tasks)
        if state is None:
            champion = train(batch)
            rate = _rate(serve(champion, batch.holdout))
            entry = AuditEntry(batch.batch_id, 0.0, rate, ("bootstrap",), True, 1, ())
            state = LoopState(batch.batch_id, champion, 1, mix, rate, (entry,))
        else:
            rate = _rate(serve(state.champion, batch.tasks))
            drift = total_variation(state.reference_mix, mix)
            reasons = []
            if drift > triggers.max_drift:
                reasons.append("drift")
            if rate < state.reference_success - triggers.max_drop:
                reasons.append("performance")
            champion, version = state.champion, state.champion_version
            ref_mix, ref_success = state.reference_mix, state.reference_success
            promoted, checks = False, ()
            if reasons:
                challenger = train(batch)
                gate = ship_gate(
                    serve(state.champion, batch.holdout), serve(challenger, batch.holdout), guardrails
                )
                checks = gate.checks
                if gate.ship:
                    promoted = True
                    champion, version = challenger, version + 1
                    ref_mix, ref_success = mix, gate.comparison.candidate_rate
            entry = AuditEntry(batch.batch_id, drift, rate, tuple(reasons), promoted, version, checks)
            state = LoopState(batch.batch_id, champion, version, ref_mix, ref_success, state.audit + (entry,))
        _save_state(state, state_path)
    if state is None:
        raise ValueError("no saved state and no batch")
    return state
