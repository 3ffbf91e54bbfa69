"""Bug: penalty doubled (part 3).

verdict: reject part 3
rule: "sum over comparisons of  outcome * log sigmoid(s_a - s_b) + (1 - outcome) * log sigmoid(s_b - s_a) - l2 / 2 * sum over items of s_i²"
how: penalty written as l2 * sum(s²) (gradient 2·l2·s) instead of l2 / 2 * sum(s²)
differs on: first prompt example -> a = 0.486 instead of 0.5155
"""


from __future__ import annotations

import json
import math
import os
import tempfile
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass
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


def _validate(k, n, confidence):
    if n <= 0:
        raise ValueError("n must be > 0")
    if k < 0 or k > n:
        raise ValueError("need 0 <= count <= n")
    if not (0.0 < confidence < 1.0):
        raise ValueError("need 0 < confidence < 1")


def wilson_interval(successes: int, n: int, confidence: float = 0.95) -> Interval:
    _validate(successes, n, confidence)
    z = NormalDist().inv_cdf(0.5 + confidence / 2)
    p = successes / n
    d = 1.0 + z**2 / n
    c = (p + z**2 / (2 * n)) / d
    h = z * np.sqrt(p * (1 - p) / n + z**2 / (4 * n**2)) / d
    lo, hi = np.clip([c - h, c + h], 0.0, 1.0)
    return Interval(float(lo), float(hi))


def _log_binom_cdf(k: int, n: int, p: float) -> float:
    i = np.arange(k + 1)
    lg = np.vectorize(math.lgamma)
    logpmf = math.lgamma(n + 1) - lg(i + 1) - lg(n - i + 1) + i * np.log(p) + (n - i) * np.log1p(-p)
    return float(np.logaddexp.reduce(logpmf))


def violation_upper_bound(violations: int, n: int, confidence: float = 0.95) -> float:
    _validate(violations, n, confidence)
    alpha = 1.0 - confidence
    if violations == 0:
        return float(1.0 - alpha ** (1.0 / n))
    if violations == n:
        return 1.0
    target = math.log(alpha)
    lo, hi = violations / n, 1.0  # the bound is above the point estimate
    while hi - lo > 1e-14:
        mid = 0.5 * (lo + hi)
        if _log_binom_cdf(violations, n, mid) > target:
            lo = mid
        else:
            hi = mid
    return float(0.5 * (lo + hi))


def percentile(sorted_values: Sequence[float], p: float) -> float:
    arr = np.asarray(sorted_values, dtype=float)
    if arr.size == 0:
        raise ValueError("no values")
    rank = int(np.clip(math.ceil(p * arr.size / 100), 1, arr.size))
    return float(arr[rank - 1])


def _lat(values) -> Latency:
    arr = np.sort(np.asarray(values, dtype=float))
    return Latency(*(percentile(arr, q) for q in (50, 95, 99)))


def measure(trajectories: Sequence[Trajectory]) -> AgentReport:
    ts = list(trajectories)
    if not ts:
        raise ValueError("measure needs at least one trajectory")
    ok = np.array([bool(t.success) for t in ts])
    bad = np.array([len(t.safety_flags) > 0 for t in ts])
    cost = np.array([t.cost_usd for t in ts], dtype=float)
    n, s, v = len(ts), int(ok.sum()), int(bad.sum())
    return AgentReport(
        n=n,
        successes=s,
        success_rate=s / n,
        success_interval=wilson_interval(s, n),
        violations=v,
        violation_rate=v / n,
        violation_upper=violation_upper_bound(v, n),
        latency_ms=_lat([t.latency_ms for t in ts]),
        step_latency_ms=_lat([st.latency_ms for t in ts for st in t.steps]),
        cost_per_success=float(cost.sum()) / s if s > 0 else math.inf,
    )


def measure_by_category(trajectories: Sequence[Trajectory]) -> dict[str, AgentReport]:
    ts = list(trajectories)
    cats = np.array([t.category for t in ts], dtype=object)
    out = {}
    for c in sorted(set(cats.tolist())):
        out[c] = measure([t for t, k in zip(ts, cats) if k == c])
    return out


def trajectories_needed(
    p_baseline: float, p_candidate: float, alpha: float = 0.05, power: float = 0.8
) -> int:
    p1, p2 = float(p_baseline), float(p_candidate)
    for p in (p1, p2):
        if not 0.0 <= p <= 1.0:
            raise ValueError("rate outside [0, 1]")
    if p1 == p2:
        raise ValueError("equal rates: nothing to detect")
    if not (0 < alpha < 1 and 0 < power < 1):
        raise ValueError("alpha and power must lie in (0, 1)")
    nd = NormalDist()
    pbar = (p1 + p2) / 2
    a = nd.inv_cdf(1 - alpha / 2) * np.sqrt(2 * pbar * (1 - pbar))
    b = nd.inv_cdf(power) * np.sqrt(p1 * (1 - p1) + p2 * (1 - p2))
    return int(math.ceil(float((a + b) ** 2 / (p1 - p2) ** 2)))


# %% Part 2


@dataclass(frozen=True)
class GateDecision:
    ship: bool
    checks: tuple[Check, ...]
    comparison: PairedComparison

    def explain(self) -> str:
        if self.ship:
            first = "ship"
        else:
            first = "hold (failed: " + ", ".join(c.name for c in self.checks if not c.passed) + ")"
        body = [f"  {'pass' if c.passed else 'FAIL'} {c.name}: {c.detail}" for c in self.checks]
        return "\n".join([first, *body])


def compare_paired(
    baseline: Sequence[Trajectory], candidate: Sequence[Trajectory]
) -> PairedComparison:
    b_ids = [t.task_id for t in baseline]
    c_ids = [t.task_id for t in candidate]
    if len(set(b_ids)) != len(b_ids) or len(set(c_ids)) != len(c_ids):
        raise ValueError("a side repeats a task")
    if set(b_ids) != set(c_ids):
        raise ValueError("the two sides cover different tasks")
    if not b_ids:
        raise ValueError("no tasks")
    order = sorted(b_ids)
    bmap = {t.task_id: bool(t.success) for t in baseline}
    cmap = {t.task_id: bool(t.success) for t in candidate}
    x = np.array([bmap[i] for i in order])
    y = np.array([cmap[i] for i in order])
    n = len(order)
    b = int(np.sum(y & ~x))
    c = int(np.sum(x & ~y))
    m = b + c
    if m == 0:
        p = 1.0
    else:
        k = min(b, c)
        p = min(1.0, 2 * sum(math.comb(m, i) for i in range(k + 1)) / 2**m)
    br, cr = float(x.mean()), float(y.mean())
    return PairedComparison(n, br, cr, cr - br, b, c, float(p))


def ship_gate(
    baseline: Sequence[Trajectory],
    candidate: Sequence[Trajectory],
    guardrails: Guardrails = GUARDRAILS,
) -> GateDecision:
    cmp_ = compare_paired(baseline, candidate)
    g = guardrails
    s_ok = bool(cmp_.difference > 0 and cmp_.p_value < g.alpha)
    checks = [
        Check(
            "success",
            s_ok,
            f"{cmp_.candidate_rate:.3f} vs {cmp_.baseline_rate:.3f} on {cmp_.n} paired tasks, "
            f"{cmp_.candidate_only} won / {cmp_.baseline_only} lost, McNemar p = {cmp_.p_value:.3g}",
        )
    ]
    v = int(sum(1 for t in candidate if t.safety_flags))
    n = len(list(candidate))
    up = violation_upper_bound(v, n)
    checks.append(
        Check("safety", bool(up <= g.max_violation_rate),
              f"{v}/{n} violations, 95 % upper bound {up:.4f} vs limit {g.max_violation_rate}")
    )
    bp = percentile(np.sort([t.latency_ms for t in baseline]), 95)
    cp = percentile(np.sort([t.latency_ms for t in candidate]), 95)
    checks.append(
        Check("latency", bool(cp <= g.max_p95_ratio * bp),
              f"p95 {cp:.0f} ms vs {bp:.0f} ms, limit {g.max_p95_ratio}x")
    )
    return GateDecision(all(c.passed for c in checks), tuple(checks), cmp_)


# %% Part 3


def fit_bradley_terry(
    comparisons: Iterable[tuple[str, str, float]], items: Iterable[str] = (), l2: float = 0.1
) -> dict[str, float]:
    if l2 <= 0:
        raise ValueError("l2 must be > 0")
    comps = [(a, b, float(y)) for a, b, y in comparisons]
    for a, b, y in comps:
        if a == b:
            raise ValueError("an item compared with itself")
        if not (0.0 <= y <= 1.0):
            raise ValueError("outcome outside [0, 1]")
    every = set(items) | {a for a, _, _ in comps} | {b for _, b, _ in comps}
    compared = sorted({a for a, _, _ in comps} | {b for _, b, _ in comps})
    scores = {x: 0.0 for x in sorted(every)}
    if not compared:
        return scores
    idx = {x: i for i, x in enumerate(compared)}
    ia = np.array([idx[a] for a, _, _ in comps])
    ib = np.array([idx[b] for _, b, _ in comps])
    y = np.array([o for _, _, o in comps])
    k = len(compared)

    def objective(s):
        d = s[ia] - s[ib]
        return float(np.sum(-y * np.logaddexp(0, -d) - (1 - y) * np.logaddexp(0, d)) - l2 * s @ s)

    s = np.zeros(k)
    for _ in range(200):
        d = s[ia] - s[ib]
        p = 1 / (1 + np.exp(-d))
        r = y - p
        grad = np.bincount(ia, r, k) - np.bincount(ib, r, k) - 2 * l2 * s
        w = p * (1 - p)
        hess = np.zeros((k, k))  # minus the Hessian
        np.add.at(hess, (ia, ia), w)
        np.add.at(hess, (ib, ib), w)
        np.add.at(hess, (ia, ib), -w)
        np.add.at(hess, (ib, ia), -w)
        hess[np.diag_indices(k)] += 2 * l2
        step = np.linalg.solve(hess, grad)
        t, f0 = 1.0, objective(s)
        while objective(s + t * step) < f0 - 1e-15 and t > 1e-8:
            t /= 2
        s = s + t * step
        if np.max(np.abs(t * step)) < 1e-12:
            break
    for x in compared:
        scores[x] = float(s[idx[x]])
    return scores


def run_bandit(pull: Callable[[int], float], n_arms: int, rounds: int, seed: int = 0) -> BanditRun:
    """Thompson sampling with a Beta(1, 1) prior per arm (fractional rewards update fractionally)."""
    if n_arms < 1:
        raise ValueError("n_arms must be >= 1")
    if rounds < 0:
        raise ValueError("rounds must be >= 0")
    rng = np.random.default_rng(seed)
    wins = np.ones(n_arms)
    losses = np.ones(n_arms)
    arms, rewards = [], []
    for _ in range(rounds):
        arm = int(np.argmax(rng.beta(wins, losses)))
        r = float(pull(arm))
        wins[arm] += r
        losses[arm] += 1.0 - r
        arms.append(arm)
        rewards.append(r)
    return BanditRun(tuple(arms), tuple(rewards))


# %% Part 4


def category_mix(tasks: Iterable[Task]) -> dict[str, float]:
    cats = [t.category for t in tasks]
    if not cats:
        return {}
    names, counts = np.unique(np.array(cats, dtype=str), return_counts=True)
    total = len(cats)
    return {str(c): int(k) / total for c, k in zip(names, counts)}


def total_variation(p: Mapping[str, float], q: Mapping[str, float]) -> float:
    keys = sorted(set(p) | set(q))
    a = np.array([p.get(k, 0.0) for k in keys], dtype=float)
    b = np.array([q.get(k, 0.0) for k in keys], dtype=float)
    return float(0.5 * np.abs(a - b).sum())


def _encode(state: LoopState) -> str:
    doc = {
        "version": 1,
        "last_batch_id": state.last_batch_id,
        "champion": state.champion,
        "champion_version": state.champion_version,
        "reference_mix": state.reference_mix,
        "reference_success": state.reference_success,
        "audit": [
            [e.batch_id, e.drift, e.success_rate, list(e.reasons), e.promoted, e.champion_version,
             [[c.name, c.passed, c.detail] for c in e.checks]]
            for e in state.audit
        ],
    }
    return json.dumps(doc, separators=(",", ":"))


def _decode(text: str) -> LoopState:
    d = json.loads(text)
    audit = tuple(
        AuditEntry(int(b), float(dr), float(sr), tuple(rs), bool(pr), int(v), tuple(Check(n, bool(ok), det) for n, ok, det in ch))
        for b, dr, sr, rs, pr, v, ch in d["audit"]
    )
    return LoopState(int(d["last_batch_id"]), dict(d["champion"]), int(d["champion_version"]),
                     dict(d["reference_mix"]), float(d["reference_success"]), audit)


def load_state(state_path: Path) -> LoopState | None:
    try:
        text = Path(state_path).read_text(encoding="utf-8")
    except FileNotFoundError:
        return None
    return _decode(text)


def _atomic_write(path: Path, text: str) -> None:
    path = Path(path)
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=path.name + ".", suffix=".tmp")
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as f:
            f.write(text)
            f.flush()
            os.fsync(f.fileno())
        os.replace(tmp, path)
    except BaseException:
        if os.path.exists(tmp):
            os.unlink(tmp)
        raise


def _success(trajs) -> float:
    arr = np.array([bool(t.success) for t in trajs])
    return float(arr.mean())


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
            model = train(batch)
            ref = _success(serve(model, batch.holdout))
            state = LoopState(batch.batch_id, model, 1, mix, ref,
                              (AuditEntry(batch.batch_id, 0.0, ref, ("bootstrap",), True, 1),))
        else:
            live = _success(serve(state.champion, batch.tasks))
            drift = total_variation(state.reference_mix, mix)
            reasons = tuple(
                r for r, fired in (("drift", drift > triggers.max_drift),
                                   ("performance", live < state.reference_success - triggers.max_drop))
                if fired
            )
            new = state
            promoted, checks = False, ()
            if reasons:
                challenger = train(batch)
                decision = ship_gate(serve(state.champion, batch.holdout),
                                     serve(challenger, batch.holdout), guardrails)
                checks = decision.checks
                if decision.ship:
                    promoted = True
                    new = LoopState(state.last_batch_id, challenger, state.champion_version + 1, mix,
                                    decision.comparison.candidate_rate, state.audit)
            entry = AuditEntry(batch.batch_id, drift, live, reasons, promoted, new.champion_version, checks)
            state = LoopState(batch.batch_id, new.champion, new.champion_version, new.reference_mix,
                              new.reference_success, state.audit + (entry,))
        _atomic_write(Path(state_path), _encode(state))
    if state is None:
        raise ValueError("neither a saved state nor a batch to start from")
    return state
