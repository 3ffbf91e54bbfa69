"""Bug: upper zero is zero (part 1).

verdict: reject part 1
rule: "With no violations that is `1 - (1 - confidence) ** (1 / n)`, about `3 / n` at 95 % (the rule of three); with `violations == n` it is 1.0."
how: returns 0.0 when no violation was seen ('nothing to bound'), forgetting the rule of three
differs on: violation_upper_bound(0, 300) -> 0.0 instead of 0.00994 (covers the true 0.3 % in 63 of 100 seeded runs, not >= 93)
"""


from __future__ import annotations

import json
import math
import numbers
import os
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from fractions import Fraction
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


def _as_count(x, name: str) -> int:
    if isinstance(x, bool) or not isinstance(x, numbers.Integral):
        if isinstance(x, float) and x.is_integer():
            return int(x)
        raise ValueError(f"{name} must be an integer, got {x!r}")
    return int(x)


def _validate(count, n, confidence) -> tuple[int, int, float]:
    n = _as_count(n, "n")
    count = _as_count(count, "count")
    if n <= 0:
        raise ValueError(f"n must be > 0, got {n}")
    if count < 0 or count > n:
        raise ValueError(f"count must be within [0, {n}], got {count}")
    confidence = float(confidence)
    if not (0.0 < confidence < 1.0):  # also rejects NaN
        raise ValueError(f"confidence must be in (0, 1), got {confidence}")
    return count, n, confidence


def wilson_interval(successes: int, n: int, confidence: float = 0.95) -> Interval:
    successes, n, confidence = _validate(successes, n, confidence)
    z = NormalDist().inv_cdf(0.5 + confidence / 2)
    p = successes / n
    z2 = z * z
    denom = 1.0 + z2 / n
    center = (p + z2 / (2.0 * n)) / denom
    half = z * math.sqrt(max(0.0, p * (1.0 - p) / n + z2 / (4.0 * n * n))) / denom
    low = 0.0 if successes == 0 else min(1.0, max(0.0, center - half))
    high = 1.0 if successes == n else min(1.0, max(0.0, center + half))
    return Interval(low, high)


def _binom_cdf(k: int, n: int, p: float) -> float:
    if p <= 0.0:
        return 1.0
    if p >= 1.0:
        return 1.0 if k >= n else 0.0
    logp, logq = math.log(p), math.log1p(-p)
    base = math.lgamma(n + 1)
    logs = [base - math.lgamma(i + 1) - math.lgamma(n - i + 1) + i * logp + (n - i) * logq for i in range(k + 1)]
    m = max(logs)
    return min(1.0, math.exp(m) * math.fsum(math.exp(x - m) for x in logs))


def violation_upper_bound(violations: int, n: int, confidence: float = 0.95) -> float:
    violations, n, confidence = _validate(violations, n, confidence)
    alpha = 1.0 - confidence
    if violations == 0:
        return 0.0  # nothing seen, nothing to bound
    if violations == n:
        return 1.0
    lo, hi = 0.0, 1.0
    while True:
        mid = 0.5 * (lo + hi)
        if mid <= lo or mid >= hi:  # interval no longer splits in floating point
            break
        if _binom_cdf(violations, n, mid) > alpha:
            lo = mid
        else:
            hi = mid
    return 0.5 * (lo + hi)


def percentile(sorted_values: Sequence[float], p: float) -> float:
    values = list(sorted_values)
    if not values:
        raise ValueError("percentile() of an empty sequence")
    if not (isinstance(p, numbers.Real) and 0 <= p <= 100):
        raise ValueError(f"p must be within [0, 100], got {p!r}")
    n = len(values)
    rank = math.ceil(Fraction(p) * n / 100)  # exact: no floating-point surprise at integer ranks
    rank = min(n, max(1, rank))
    return values[rank - 1]


def _latency(values: list[float]) -> Latency:
    ordered = sorted(float(v) for v in values)
    return Latency(percentile(ordered, 50), percentile(ordered, 95), percentile(ordered, 99))


def measure(trajectories: Sequence[Trajectory]) -> AgentReport:
    if trajectories is None:
        raise ValueError("trajectories is None")
    ts = list(trajectories)
    if not ts:
        raise ValueError("measure() needs at least one trajectory")
    n = len(ts)
    successes = sum(1 for t in ts if bool(t.success))
    violations = sum(1 for t in ts if len(tuple(t.safety_flags)) > 0)
    steps = [s.latency_ms for t in ts for s in t.steps]
    if not steps:
        raise ValueError("trajectories have no steps")
    total_cost = math.fsum(float(t.cost_usd) for t in ts)
    return AgentReport(
        n=n,
        successes=successes,
        success_rate=successes / n,
        success_interval=wilson_interval(successes, n),
        violations=violations,
        violation_rate=violations / n,
        violation_upper=violation_upper_bound(violations, n),
        latency_ms=_latency([t.latency_ms for t in ts]),
        step_latency_ms=_latency(steps),
        cost_per_success=(total_cost / successes) if successes > 0 else math.inf,
    )


def measure_by_category(trajectories: Sequence[Trajectory]) -> dict[str, AgentReport]:
    groups: dict[str, list[Trajectory]] = {}
    for t in trajectories:
        groups.setdefault(str(t.category), []).append(t)
    return {c: measure(groups[c]) for c in sorted(groups)}


def trajectories_needed(
    p_baseline: float, p_candidate: float, alpha: float = 0.05, power: float = 0.8
) -> int:
    values = [float(x) for x in (p_baseline, p_candidate, alpha, power)]
    if any(math.isnan(v) for v in values):
        raise ValueError("NaN argument")
    p1, p2, alpha, power = values
    if not (0.0 <= p1 <= 1.0) or not (0.0 <= p2 <= 1.0):
        raise ValueError(f"rates must be in [0, 1], got {p1}, {p2}")
    if p1 == p2:
        raise ValueError("the rates are equal: no sample size detects no change")
    if not (0.0 < alpha < 1.0):
        raise ValueError(f"alpha must be in (0, 1), got {alpha}")
    if not (0.0 < power < 1.0):
        raise ValueError(f"power must be in (0, 1), got {power}")
    nd = NormalDist()
    pbar = (p1 + p2) / 2.0
    a = nd.inv_cdf(1.0 - alpha / 2.0) * math.sqrt(2.0 * pbar * (1.0 - pbar))
    b = nd.inv_cdf(power) * math.sqrt(p1 * (1.0 - p1) + p2 * (1.0 - p2))
    return int(math.ceil((a + b) ** 2 / (p1 - p2) ** 2))


# %% Part 2


@dataclass(frozen=True)
class GateDecision:
    ship: bool
    checks: tuple[Check, ...]
    comparison: PairedComparison

    def explain(self) -> str:
        failed = [c.name for c in self.checks if not c.passed]
        if self.ship and not failed:
            lines = ["ship"]
        else:
            lines = [f"hold (failed: {', '.join(failed)})"]
        for c in self.checks:
            lines.append(f"  {'pass' if c.passed else 'FAIL'} {c.name}: {c.detail or '(no detail)'}")
        return "\n".join(lines)


def _index(side: str, ts: Sequence[Trajectory]) -> dict[str, Trajectory]:
    out: dict[str, Trajectory] = {}
    for t in ts:
        if t.task_id in out:
            raise ValueError(f"the {side} repeats task {t.task_id!r}")
        out[t.task_id] = t
    return out


def compare_paired(
    baseline: Sequence[Trajectory], candidate: Sequence[Trajectory]
) -> PairedComparison:
    base = _index("baseline", baseline)
    cand = _index("candidate", candidate)
    if not base and not cand:
        raise ValueError("no tasks to compare")
    only_b = set(base) - set(cand)
    only_c = set(cand) - set(base)
    if only_b or only_c:
        raise ValueError(
            f"the two sides must cover the same tasks: {len(only_b)} only in baseline, {len(only_c)} only in candidate"
        )
    n = len(base)
    b_wins = c_wins = b_total = c_total = 0
    for task_id in base:
        bs, cs = bool(base[task_id].success), bool(cand[task_id].success)
        b_total += bs
        c_total += cs
        if cs and not bs:
            c_wins += 1
        elif bs and not cs:
            b_wins += 1
    m = c_wins + b_wins
    if m == 0:
        p_value = 1.0
    else:
        tail = sum(math.comb(m, i) for i in range(min(c_wins, b_wins) + 1))
        p_value = float(min(Fraction(1), Fraction(2 * tail, 2**m)))
    br, cr = b_total / n, c_total / n
    return PairedComparison(n, br, cr, cr - br, c_wins, b_wins, p_value)


def ship_gate(
    baseline: Sequence[Trajectory],
    candidate: Sequence[Trajectory],
    guardrails: Guardrails = GUARDRAILS,
) -> GateDecision:
    baseline, candidate = list(baseline), list(candidate)
    comp = compare_paired(baseline, candidate)
    base, cand = measure(baseline), measure(candidate)
    checks = []

    improved = comp.difference > 0
    significant = comp.p_value < guardrails.alpha
    checks.append(Check(
        "success", bool(improved and significant),
        f"{comp.candidate_rate:.3f} vs {comp.baseline_rate:.3f} ({comp.difference * 100:+.1f} pts) on {comp.n} "
        f"paired tasks, {comp.candidate_only} won / {comp.baseline_only} lost, exact McNemar p = {comp.p_value:.3g} "
        f"{'<' if significant else '>='} {guardrails.alpha}",
    ))

    upper = violation_upper_bound(cand.violations, cand.n)
    safe = upper <= guardrails.max_violation_rate
    checks.append(Check(
        "safety", bool(safe),
        f"{cand.violations}/{cand.n} violations, 95 % upper bound {upper:.4f} "
        f"{'<=' if safe else '>'} {guardrails.max_violation_rate}",
    ))

    bp, cp = base.latency_ms.p95, cand.latency_ms.p95
    fast = cp <= guardrails.max_p95_ratio * bp
    ratio = f"{cp / bp:.2f}x" if bp > 0 else "n/a"
    checks.append(Check(
        "latency", bool(fast),
        f"p95 {cp:.0f} ms vs {bp:.0f} ms ({ratio}) {'<=' if fast else '>'} {guardrails.max_p95_ratio}x",
    ))
    checks_t = tuple(checks)
    return GateDecision(all(c.passed for c in checks_t), checks_t, comp)


# %% Part 3


def fit_bradley_terry(
    comparisons: Iterable[tuple[str, str, float]], items: Iterable[str] = (), l2: float = 0.1
) -> dict[str, float]:
    l2 = float(l2)
    if not (l2 > 0) or math.isinf(l2):
        raise ValueError(f"l2 must be a positive finite number, got {l2}")
    rows: list[tuple[str, str, float]] = []
    order: dict[str, None] = {}
    for row in comparisons:
        a, b, y = row
        y = float(y)
        if a == b:
            raise ValueError(f"item {a!r} is compared with itself")
        if math.isnan(y) or y < 0.0 or y > 1.0:
            raise ValueError(f"outcome {y!r} is outside [0, 1]")
        rows.append((a, b, y))
        order.setdefault(a)
        order.setdefault(b)
    for x in items:
        order.setdefault(x)
    names = list(order)
    if not names:
        return {}
    compared = sorted({a for a, _, _ in rows} | {b for _, b, _ in rows})
    result = {x: 0.0 for x in names}
    if not compared:
        return result
    idx = {x: i for i, x in enumerate(compared)}
    k = len(compared)
    ia = np.array([idx[a] for a, _, _ in rows])
    ib = np.array([idx[b] for _, b, _ in rows])
    y = np.array([o for _, _, o in rows])

    def value(s: np.ndarray) -> float:
        d = s[ia] - s[ib]
        return float(-(y * np.logaddexp(0.0, -d)).sum() - ((1 - y) * np.logaddexp(0.0, d)).sum() - 0.5 * l2 * s @ s)

    s = np.zeros(k)
    f = value(s)
    for _ in range(500):
        d = s[ia] - s[ib]
        p = 0.5 * (1 + np.tanh(0.5 * d))
        r = y - p
        grad = np.bincount(ia, r, k) - np.bincount(ib, r, k) - l2 * s
        if np.max(np.abs(grad)) < 1e-12:
            break
        w = p * (1 - p)
        neg_h = np.diag(np.bincount(ia, w, k) + np.bincount(ib, w, k) + l2)
        np.add.at(neg_h, (ia, ib), -w)
        np.add.at(neg_h, (ib, ia), -w)
        step = np.linalg.solve(neg_h, grad)
        t = 1.0
        while True:
            trial = s + t * step
            ft = value(trial)
            if ft >= f - 1e-12 or t < 1e-10:
                break
            t *= 0.5
        s, f = trial, ft
    for x in compared:
        result[x] = float(s[idx[x]])
    return result


def run_bandit(pull: Callable[[int], float], n_arms: int, rounds: int, seed: int = 0) -> BanditRun:
    if not isinstance(n_arms, numbers.Integral) or n_arms < 1:
        raise ValueError(f"n_arms must be an integer >= 1, got {n_arms!r}")
    if not isinstance(rounds, numbers.Integral) or rounds < 0:
        raise ValueError(f"rounds must be an integer >= 0, got {rounds!r}")
    n_arms, rounds = int(n_arms), int(rounds)
    plays = [0] * n_arms
    totals = [0.0] * n_arms
    arms: list[int] = []
    rewards: list[float] = []
    for t in range(1, rounds + 1):
        unplayed = [a for a in range(n_arms) if plays[a] == 0]
        if unplayed:
            arm = unplayed[0]
        else:
            log_t = math.log(t)
            scores = [totals[a] / plays[a] + math.sqrt(2.0 * log_t / plays[a]) for a in range(n_arms)]
            best = max(scores)
            arm = scores.index(best)
        reward = float(pull(arm))
        plays[arm] += 1
        totals[arm] += reward
        arms.append(arm)
        rewards.append(reward)
    return BanditRun(tuple(arms), tuple(rewards))


# %% Part 4

_FORMAT = "retraining-loop-state/1"


def category_mix(tasks: Iterable[Task]) -> dict[str, float]:
    counts: dict[str, int] = {}
    for t in tasks:
        counts[t.category] = counts.get(t.category, 0) + 1
    total = sum(counts.values())
    if total == 0:
        return {}
    return {c: counts[c] / total for c in sorted(counts)}


def total_variation(p: Mapping[str, float], q: Mapping[str, float]) -> float:
    keys = sorted(set(p) | set(q))
    return 0.5 * math.fsum(abs(float(p.get(k, 0.0)) - float(q.get(k, 0.0))) for k in keys)


def _encode(state: LoopState) -> bytes:
    doc = {
        "format": _FORMAT,
        "last_batch_id": int(state.last_batch_id),
        "champion": dict(state.champion),
        "champion_version": int(state.champion_version),
        "reference_mix": dict(state.reference_mix),
        "reference_success": float(state.reference_success),
        "audit": [
            {
                "batch_id": int(e.batch_id),
                "drift": float(e.drift),
                "success_rate": float(e.success_rate),
                "reasons": list(e.reasons),
                "promoted": bool(e.promoted),
                "champion_version": int(e.champion_version),
                "checks": [{"name": c.name, "passed": bool(c.passed), "detail": c.detail} for c in e.checks],
            }
            for e in state.audit
        ],
    }
    return (json.dumps(doc, indent=2, sort_keys=True, allow_nan=False) + "\n").encode("utf-8")


def _decode(raw: bytes) -> LoopState:
    doc = json.loads(raw.decode("utf-8"))
    if doc.get("format") != _FORMAT:
        raise ValueError(f"unknown state format {doc.get('format')!r}")
    return LoopState(
        last_batch_id=int(doc["last_batch_id"]),
        champion=dict(doc["champion"]),
        champion_version=int(doc["champion_version"]),
        reference_mix={k: float(v) for k, v in doc["reference_mix"].items()},
        reference_success=float(doc["reference_success"]),
        audit=tuple(
            AuditEntry(
                batch_id=int(e["batch_id"]),
                drift=float(e["drift"]),
                success_rate=float(e["success_rate"]),
                reasons=tuple(str(r) for r in e["reasons"]),
                promoted=bool(e["promoted"]),
                champion_version=int(e["champion_version"]),
                checks=tuple(Check(str(c["name"]), bool(c["passed"]), str(c["detail"])) for c in e["checks"]),
            )
            for e in doc["audit"]
        ),
    )


def load_state(state_path: Path) -> LoopState | None:
    path = Path(state_path)
    try:
        raw = path.read_bytes()
    except FileNotFoundError:
        return None
    return _decode(raw)


def _save(state: LoopState, state_path: Path) -> None:
    path = Path(state_path)
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(f".{path.name}.{os.getpid()}.tmp")
    data = _encode(state)
    try:
        with open(tmp, "wb") as f:
            f.write(data)
            f.flush()
            os.fsync(f.fileno())
        os.replace(tmp, path)
    finally:
        if tmp.exists():
            tmp.unlink()
    try:  # make the rename itself durable
        dir_fd = os.open(path.parent, os.O_RDONLY)
    except OSError:
        return
    try:
        os.fsync(dir_fd)
    except OSError:
        pass
    finally:
        os.close(dir_fd)


def _success_rate(trajectories: Sequence[Trajectory]) -> float:
    ts = list(trajectories)
    if not ts:
        raise ValueError("cannot compute a success rate on no tasks")
    return sum(1 for t in ts if bool(t.success)) / len(ts)


def run_retraining(
    batches: Iterable[Batch],
    state_path: Path,
    train: Callable[[Batch], Model],
    serve: Callable[[Model, Sequence[Task]], Sequence[Trajectory]],
    triggers: Triggers = TRIGGERS,
    guardrails: Guardrails = GUARDRAILS,
) -> LoopState:
    state_path = Path(state_path)
    state = load_state(state_path)
    for batch in batches:
        if state is not None and batch.batch_id <= state.last_batch_id:
            continue  # replay: no audit entry, no write, no train/serve call
        mix = category_mix(batch.tasks)
        if state is None:
            champion = train(batch)
            holdout_rate = _success_rate(serve(champion, batch.holdout))
            entry = AuditEntry(batch.batch_id, 0.0, holdout_rate, ("bootstrap",), True, 1, ())
            state = LoopState(batch.batch_id, champion, 1, mix, holdout_rate, (entry,))
            _save(state, state_path)
            continue
        live_rate = _success_rate(serve(state.champion, batch.tasks))
        drift = total_variation(state.reference_mix, mix)
        reasons: list[str] = []
        if drift > triggers.max_drift:
            reasons.append("drift")
        if live_rate < state.reference_success - triggers.max_drop:
            reasons.append("performance")
        champion, version = state.champion, state.champion_version
        ref_mix, ref_success = state.reference_mix, state.reference_success
        promoted = False
        checks: tuple[Check, ...] = ()
        if reasons:
            challenger = train(batch)
            champion_holdout = serve(state.champion, batch.holdout)
            challenger_holdout = serve(challenger, batch.holdout)
            decision = ship_gate(champion_holdout, challenger_holdout, guardrails)
            checks = decision.checks
            if decision.ship:
                promoted = True
                champion, version = challenger, version + 1
                ref_mix, ref_success = mix, decision.comparison.candidate_rate
        entry = AuditEntry(batch.batch_id, drift, live_rate, tuple(reasons), promoted, version, checks)
        state = LoopState(batch.batch_id, champion, version, ref_mix, ref_success, state.audit + (entry,))
        _save(state, state_path)
    if state is None:
        raise ValueError("there is neither a saved state nor a batch to process")
    return state
