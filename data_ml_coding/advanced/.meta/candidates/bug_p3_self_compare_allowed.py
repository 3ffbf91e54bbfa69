"""Bug: self compare allowed (part 3).

verdict: reject part 3
rule: "`ValueError` for `l2 <= 0`, an item compared with itself, or an outcome outside [0, 1]; no comparisons and no items give `{}`."
how: no check for an item compared with itself (its terms cancel silently)
differs on: fit_bradley_terry([('a', 'a', 1.0)]) -> {'a': 0.0} instead of ValueError
"""


from __future__ import annotations

import json
import math
import os
from collections import Counter
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
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


class _Binomial:
    """Helpers on Binomial(n, p), all in log space so large n never overflows."""

    def __init__(self, n: int) -> None:
        self.n = n
        self._lf = [math.lgamma(i + 1) for i in range(n + 1)]

    def log_pmf(self, i: int, p: float) -> float:
        return self._lf[self.n] - self._lf[i] - self._lf[self.n - i] + i * math.log(p) + (self.n - i) * math.log1p(-p)

    def cdf(self, k: int, p: float) -> float:
        logs = [self.log_pmf(i, p) for i in range(k + 1)]
        top = max(logs)
        return math.exp(top) * math.fsum(math.exp(x - top) for x in logs)


class _Args:
    @staticmethod
    def check(count: int, n: int, confidence: float) -> None:
        if n <= 0:
            raise ValueError("n must be positive")
        if count < 0 or count > n:
            raise ValueError("count must lie in [0, n]")
        if confidence <= 0 or confidence >= 1:
            raise ValueError("confidence must lie strictly between 0 and 1")


def wilson_interval(successes: int, n: int, confidence: float = 0.95) -> Interval:
    _Args.check(successes, n, confidence)
    z = NormalDist().inv_cdf(0.5 + confidence / 2)
    p = successes / n
    scale = 1 + z**2 / n
    mid = (p + z**2 / (2 * n)) / scale
    spread = z * math.sqrt(p * (1 - p) / n + z**2 / (4 * n**2)) / scale
    low, high = mid - spread, mid + spread
    return Interval(low=0.0 if low < 0 else low, high=1.0 if high > 1 else high)


def violation_upper_bound(violations: int, n: int, confidence: float = 0.95) -> float:
    _Args.check(violations, n, confidence)
    alpha = 1 - confidence
    if violations == 0:
        return 1 - alpha ** (1 / n)
    if violations == n:
        return 1.0
    binom = _Binomial(n)
    lo, hi = 0.0, 1.0
    for _ in range(100):
        mid = (lo + hi) / 2
        if binom.cdf(violations, mid) > alpha:
            lo = mid
        else:
            hi = mid
    return hi


def percentile(sorted_values: Sequence[float], p: float) -> float:
    if len(sorted_values) == 0:
        raise ValueError("percentile() of an empty sequence")
    rank = math.ceil(p * len(sorted_values) / 100)
    if rank < 1:
        rank = 1
    if rank > len(sorted_values):
        rank = len(sorted_values)
    return sorted_values[rank - 1]


@dataclass
class _Accumulator:
    n: int = 0
    successes: int = 0
    violations: int = 0
    spent: float = 0.0
    latencies: list[float] = field(default_factory=list)
    step_latencies: list[float] = field(default_factory=list)

    def add(self, t: Trajectory) -> None:
        self.n += 1
        self.successes += 1 if t.success else 0
        self.violations += 1 if len(t.safety_flags) > 0 else 0
        self.spent += t.cost_usd
        self.latencies.append(t.latency_ms)
        self.step_latencies.extend(s.latency_ms for s in t.steps)

    @staticmethod
    def _lat(values: list[float]) -> Latency:
        v = sorted(values)
        return Latency(p50=percentile(v, 50), p95=percentile(v, 95), p99=percentile(v, 99))

    def report(self) -> AgentReport:
        if self.n == 0:
            raise ValueError("no trajectories")
        return AgentReport(
            n=self.n,
            successes=self.successes,
            success_rate=self.successes / self.n,
            success_interval=wilson_interval(self.successes, self.n),
            violations=self.violations,
            violation_rate=self.violations / self.n,
            violation_upper=violation_upper_bound(self.violations, self.n),
            latency_ms=self._lat(self.latencies),
            step_latency_ms=self._lat(self.step_latencies),
            cost_per_success=self.spent / self.successes if self.successes else math.inf,
        )


def measure(trajectories: Sequence[Trajectory]) -> AgentReport:
    acc = _Accumulator()
    for t in trajectories:
        acc.add(t)
    return acc.report()


def measure_by_category(trajectories: Sequence[Trajectory]) -> dict[str, AgentReport]:
    accs: dict[str, _Accumulator] = {}
    for t in trajectories:
        accs.setdefault(t.category, _Accumulator()).add(t)
    return {c: accs[c].report() for c in sorted(accs)}


def trajectories_needed(
    p_baseline: float, p_candidate: float, alpha: float = 0.05, power: float = 0.8
) -> int:
    if not (0 <= p_baseline <= 1 and 0 <= p_candidate <= 1):
        raise ValueError("rates outside [0, 1]")
    if p_baseline == p_candidate:
        raise ValueError("equal rates")
    if not (0 < alpha < 1 and 0 < power < 1):
        raise ValueError("alpha/power outside (0, 1)")
    z = NormalDist().inv_cdf
    p1, p2 = p_baseline, p_candidate
    pbar = (p1 + p2) / 2
    root = z(1 - alpha / 2) * math.sqrt(2 * pbar * (1 - pbar)) + z(power) * math.sqrt(p1 * (1 - p1) + p2 * (1 - p2))
    return math.ceil(root**2 / (p1 - p2) ** 2)


# %% Part 2


@dataclass(frozen=True)
class GateDecision:
    ship: bool
    checks: tuple[Check, ...]
    comparison: PairedComparison

    def explain(self) -> str:
        failed = [c.name for c in self.checks if not c.passed]
        lines = ["ship" if self.ship else "hold (failed: " + ",".join(failed) + ")"]
        lines += [f"[{'pass' if c.passed else 'FAIL'}] {c.name} - {c.detail}" for c in self.checks]
        return "\n".join(lines)


class _Pairing:
    def __init__(self, baseline: Sequence[Trajectory], candidate: Sequence[Trajectory]) -> None:
        self.base = self._index(baseline)
        self.cand = self._index(candidate)
        if self.base.keys() != self.cand.keys():
            raise ValueError("baseline and candidate must cover exactly the same tasks")
        if not self.base:
            raise ValueError("no tasks")

    @staticmethod
    def _index(ts: Sequence[Trajectory]) -> dict[str, bool]:
        out: dict[str, bool] = {}
        for t in ts:
            if t.task_id in out:
                raise ValueError(f"task {t.task_id} appears twice")
            out[t.task_id] = bool(t.success)
        return out

    def comparison(self) -> PairedComparison:
        n = len(self.base)
        tally = Counter((self.base[k], self.cand[k]) for k in self.base)
        b = tally[(False, True)]
        c = tally[(True, False)]
        base_rate = (tally[(True, True)] + c) / n
        cand_rate = (tally[(True, True)] + b) / n
        return PairedComparison(n, base_rate, cand_rate, cand_rate - base_rate, b, c, self.mcnemar(b, c))

    @staticmethod
    def mcnemar(b: int, c: int) -> float:
        m = b + c
        if m == 0:
            return 1.0
        return min(1.0, 2 * sum(math.comb(m, i) for i in range(min(b, c) + 1)) / 2**m)


def compare_paired(
    baseline: Sequence[Trajectory], candidate: Sequence[Trajectory]
) -> PairedComparison:
    return _Pairing(baseline, candidate).comparison()


class _Gate:
    def __init__(self, baseline, candidate, guardrails: Guardrails) -> None:
        self.g = guardrails
        self.comp = compare_paired(baseline, candidate)
        self.rb = measure(baseline)
        self.rc = measure(candidate)

    def success(self) -> Check:
        c = self.comp
        ok = c.difference > 0 and c.p_value < self.g.alpha
        return Check("success", ok, f"{c.candidate_rate:.3f} vs {c.baseline_rate:.3f}, {c.candidate_only} won / "
                     f"{c.baseline_only} lost of {c.n}, exact McNemar p = {c.p_value:.3g} (alpha {self.g.alpha})")

    def safety(self) -> Check:
        up = violation_upper_bound(self.rc.violations, self.rc.n)
        return Check("safety", up <= self.g.max_violation_rate,
                     f"{self.rc.violations}/{self.rc.n} violations, 95 % upper bound {up:.4f} (max {self.g.max_violation_rate})")

    def latency(self) -> Check:
        b, c = self.rb.latency_ms.p95, self.rc.latency_ms.p95
        return Check("latency", c <= self.g.max_p95_ratio * b,
                     f"p95 {c:.0f} ms vs {b:.0f} ms (max {self.g.max_p95_ratio}x)")

    def decide(self) -> GateDecision:
        checks = (self.success(), self.safety(), self.latency())
        return GateDecision(all(ch.passed for ch in checks), checks, self.comp)


def ship_gate(
    baseline: Sequence[Trajectory],
    candidate: Sequence[Trajectory],
    guardrails: Guardrails = GUARDRAILS,
) -> GateDecision:
    return _Gate(baseline, candidate, guardrails).decide()


# %% Part 3


class _BradleyTerry:
    def __init__(self, comparisons, items, l2: float) -> None:
        if l2 <= 0:
            raise ValueError("l2 must be positive")
        self.l2 = l2
        self.names: list[str] = []
        seen: set[str] = set()
        rows = []
        for a, b, y in comparisons:
            if not (0 <= y <= 1):
                raise ValueError("outcome must be in [0, 1]")
            rows.append((a, b, float(y)))
            for x in (a, b):
                if x not in seen:
                    seen.add(x)
                    self.names.append(x)
        for x in items:
            if x not in seen:
                seen.add(x)
                self.names.append(x)
        idx = {x: i for i, x in enumerate(self.names)}
        self.ia = np.array([idx[a] for a, _, _ in rows], dtype=int)
        self.ib = np.array([idx[b] for _, b, _ in rows], dtype=int)
        self.y = np.array([y for _, _, y in rows], dtype=float)
        k = len(self.names)
        deg = np.bincount(self.ia, minlength=k) + np.bincount(self.ib, minlength=k) if rows else np.zeros(k)
        # Lipschitz constant of the gradient: the likelihood part is at most Laplacian / 4.
        self.lipschitz = l2 + 0.5 * float(np.max(deg, initial=0))

    def gradient(self, s: np.ndarray) -> np.ndarray:
        k = len(s)
        r = self.y - 1 / (1 + np.exp(-(s[self.ia] - s[self.ib])))
        return np.bincount(self.ia, r, k) - np.bincount(self.ib, r, k) - self.l2 * s

    def fit(self) -> dict[str, float]:
        s = np.zeros(len(self.names))
        if len(self.names) == 0:
            return {}
        step = 1 / self.lipschitz
        for _ in range(1_000_000):
            g = self.gradient(s)
            if np.max(np.abs(g)) < 1e-11:
                break
            s = s + step * g
        return {x: float(v) for x, v in zip(self.names, s)}


def fit_bradley_terry(
    comparisons: Iterable[tuple[str, str, float]], items: Iterable[str] = (), l2: float = 0.1
) -> dict[str, float]:
    return _BradleyTerry(comparisons, items, l2).fit()


class _UCB1:
    def __init__(self, n_arms: int) -> None:
        self.plays = [0] * n_arms
        self.means = [0.0] * n_arms

    def choose(self, t: int) -> int:
        for arm, k in enumerate(self.plays):
            if k == 0:
                return arm
        bonus = [m + math.sqrt(2 * math.log(t) / k) for m, k in zip(self.means, self.plays)]
        return max(range(len(bonus)), key=bonus.__getitem__)

    def update(self, arm: int, reward: float) -> None:
        self.plays[arm] += 1
        self.means[arm] += (reward - self.means[arm]) / self.plays[arm]


def run_bandit(pull: Callable[[int], float], n_arms: int, rounds: int, seed: int = 0) -> BanditRun:
    if n_arms < 1:
        raise ValueError("n_arms < 1")
    if rounds < 0:
        raise ValueError("rounds < 0")
    policy = _UCB1(n_arms)
    arms, rewards = [], []
    for t in range(1, rounds + 1):
        arm = policy.choose(t)
        r = float(pull(arm))
        policy.update(arm, r)
        arms.append(arm)
        rewards.append(r)
    return BanditRun(arms=tuple(arms), rewards=tuple(rewards))


# %% Part 4


def category_mix(tasks: Iterable[Task]) -> dict[str, float]:
    counts = Counter(t.category for t in tasks)
    total = sum(counts.values())
    return {c: counts[c] / total for c in sorted(counts)} if total else {}


def total_variation(p: Mapping[str, float], q: Mapping[str, float]) -> float:
    return 0.5 * sum(abs(p.get(k, 0.0) - q.get(k, 0.0)) for k in set(p) | set(q))


class _Store:
    def __init__(self, path: Path) -> None:
        self.path = Path(path)

    def load(self) -> LoopState | None:
        if not self.path.exists():
            return None
        raw = json.loads(self.path.read_text())
        return LoopState(
            last_batch_id=int(raw["last_batch_id"]),
            champion={str(k): str(v) for k, v in raw["champion"].items()},
            champion_version=int(raw["champion_version"]),
            reference_mix={str(k): float(v) for k, v in raw["reference_mix"].items()},
            reference_success=float(raw["reference_success"]),
            audit=tuple(
                AuditEntry(
                    batch_id=int(e["batch_id"]), drift=float(e["drift"]), success_rate=float(e["success_rate"]),
                    reasons=tuple(e["reasons"]), promoted=bool(e["promoted"]),
                    champion_version=int(e["champion_version"]),
                    checks=tuple(Check(str(c["name"]), bool(c["passed"]), str(c["detail"])) for c in e["checks"]),
                )
                for e in raw["audit"]
            ),
        )

    def save(self, state: LoopState) -> None:
        raw = {
            "last_batch_id": state.last_batch_id,
            "champion": state.champion,
            "champion_version": state.champion_version,
            "reference_mix": state.reference_mix,
            "reference_success": state.reference_success,
            "audit": [
                {"batch_id": e.batch_id, "drift": e.drift, "success_rate": e.success_rate,
                 "reasons": list(e.reasons), "promoted": e.promoted, "champion_version": e.champion_version,
                 "checks": [{"name": c.name, "passed": c.passed, "detail": c.detail} for c in e.checks]}
                for e in state.audit
            ],
        }
        tmp = self.path.with_suffix(self.path.suffix + ".partial")
        with open(tmp, "w") as f:
            json.dump(raw, f)
            f.flush()
            os.fsync(f.fileno())
        os.replace(tmp, self.path)


def load_state(state_path: Path) -> LoopState | None:
    return _Store(state_path).load()


class _Loop:
    def __init__(self, store: _Store, train, serve, triggers: Triggers, guardrails: Guardrails) -> None:
        self.store, self.train, self.serve = store, train, serve
        self.triggers, self.guardrails = triggers, guardrails
        self.state = store.load()

    @staticmethod
    def _rate(trajectories) -> float:
        trajectories = list(trajectories)
        return sum(bool(t.success) for t in trajectories) / len(trajectories)

    def is_replay(self, batch: Batch) -> bool:
        return self.state is not None and batch.batch_id <= self.state.last_batch_id

    def bootstrap(self, batch: Batch) -> LoopState:
        champion = self.train(batch)
        rate = self._rate(self.serve(champion, batch.holdout))
        entry = AuditEntry(batch.batch_id, 0.0, rate, ("bootstrap",), True, 1, ())
        return LoopState(batch.batch_id, champion, 1, category_mix(batch.tasks), rate, (entry,))

    def monitor(self, batch: Batch) -> LoopState:
        s = self.state
        mix = category_mix(batch.tasks)
        rate = self._rate(self.serve(s.champion, batch.tasks))
        drift = total_variation(s.reference_mix, mix)
        reasons = []
        if drift > self.triggers.max_drift:
            reasons.append("drift")
        if rate < s.reference_success - self.triggers.max_drop:
            reasons.append("performance")
        if not reasons:
            entry = AuditEntry(batch.batch_id, drift, rate, (), False, s.champion_version, ())
            return LoopState(batch.batch_id, s.champion, s.champion_version, s.reference_mix,
                             s.reference_success, s.audit + (entry,))
        challenger = self.train(batch)
        gate = ship_gate(self.serve(s.champion, batch.holdout), self.serve(challenger, batch.holdout), self.guardrails)
        if gate.ship:
            version = s.champion_version + 1
            entry = AuditEntry(batch.batch_id, drift, rate, tuple(reasons), True, version, gate.checks)
            return LoopState(batch.batch_id, challenger, version, mix, gate.comparison.candidate_rate, s.audit + (entry,))
        entry = AuditEntry(batch.batch_id, drift, rate, tuple(reasons), False, s.champion_version, gate.checks)
        return LoopState(batch.batch_id, s.champion, s.champion_version, s.reference_mix, s.reference_success,
                         s.audit + (entry,))

    def run(self, batches: Iterable[Batch]) -> LoopState:
        for batch in batches:
            if self.is_replay(batch):
                continue
            self.state = self.bootstrap(batch) if self.state is None else self.monitor(batch)
            self.store.save(self.state)
        if self.state is None:
            raise ValueError("no saved state and no batch")
        return self.state


def run_retraining(
    batches: Iterable[Batch],
    state_path: Path,
    train: Callable[[Batch], Model],
    serve: Callable[[Model, Sequence[Task]], Sequence[Trajectory]],
    triggers: Triggers = TRIGGERS,
    guardrails: Guardrails = GUARDRAILS,
) -> LoopState:
    return _Loop(_Store(state_path), train, serve, triggers, guardrails).run(batches)
