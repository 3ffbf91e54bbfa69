"""Correct: object-oriented (dataclasses for scheduler state, one object per sandbox, a queue class).

verdict: accept
how: faithful; per-tenant heaps for the scheduler, explicit Sandbox objects, mean waits with sorted keys
differs on: n/a
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Protocol

# --- data types (identical to starter.py) ---------------------------------------------------------


@dataclass(frozen=True)
class Job:
    job_id: str
    tenant: str
    priority: int  # 0 runs first
    arrival: int  # seconds
    duration: int  # seconds, at least 1


@dataclass(frozen=True)
class Placement:
    job_id: str
    worker: int  # 0 .. workers - 1
    start: int
    end: int  # start + duration


@dataclass(frozen=True)
class ScalePolicy:
    min_sandboxes: int  # kept even when idle
    target_idle: int  # spare sandboxes kept ready for the next arrivals
    idle_timeout_s: int  # an idle sandbox beyond the spares stops after this long
    max_sandboxes: int  # never more, starting ones included


@dataclass(frozen=True)
class AutoscaleReport:
    jobs: int
    sandbox_seconds: int  # every second of every sandbox: starting, idle or busy
    busy_seconds: int
    cold_starts: int
    total_wait_s: int
    max_wait_s: int
    peak_sandboxes: int


class Crash(Exception):
    """The worker running an attempt died at this point; the queue will deliver the job again."""


class World(Protocol):
    """The outside world a job changes (payments, emails, commits), as the runtime sees it."""

    def call(self, key: str, effect: str) -> None:
        """Perform `effect` once per idempotency `key`: a repeated key is a no-op. May raise
        Crash before or after performing it."""
        raise NotImplementedError  # a protocol: the tests pass in a world that implements it


@dataclass(frozen=True)
class AgentJob:
    job_id: str
    steps: tuple[str, ...]  # effects, in order


@dataclass(frozen=True)
class RunReport:
    completed: tuple[str, ...]  # job ids, in the order they completed
    dead_lettered: tuple[str, ...]  # job ids, in the order they were given up on
    attempts: dict[str, int]  # job id -> attempts made


import heapq
import statistics
from collections import deque
from dataclasses import field

# --- Part 1 --------------------------------------------------------------------------------------


@dataclass
class _TenantState:
    quota: int | None
    running: int = 0
    waiting: list = field(default_factory=list)  # heap of (priority, arrival, job_id, seq, job)

    def eligible(self) -> bool:
        return bool(self.waiting) and (self.quota is None or self.running < self.quota)


@dataclass
class _Scheduler:
    workers: int
    quotas: dict
    tenants: dict = field(default_factory=dict)
    free: list = field(default_factory=list)
    running: list = field(default_factory=list)  # heap of (end, worker, tenant)
    placements: list = field(default_factory=list)
    seq: int = 0

    def __post_init__(self) -> None:
        if self.workers < 1:
            raise ValueError(f"need at least one worker, got {self.workers}")
        bad = {t: q for t, q in self.quotas.items() if q < 1}
        if bad:
            raise ValueError(f"quotas must be >= 1: {bad}")
        self.free = list(range(self.workers))

    def tenant(self, name: str) -> _TenantState:
        if name not in self.tenants:
            self.tenants[name] = _TenantState(self.quotas.get(name))
        return self.tenants[name]

    def finish_until(self, t: int) -> None:
        while self.running and self.running[0][0] == t:
            _, worker, tenant = heapq.heappop(self.running)
            heapq.heappush(self.free, worker)
            self.tenants[tenant].running -= 1

    def admit(self, job: Job) -> None:
        self.seq += 1
        heapq.heappush(
            self.tenant(job.tenant).waiting, (job.priority, job.arrival, job.job_id, self.seq, job)
        )

    def dispatch(self, t: int) -> None:
        while self.free:
            heads = [ts.waiting[0] for ts in self.tenants.values() if ts.eligible()]
            if not heads:
                return
            *_, job = min(heads)
            ts = self.tenants[job.tenant]
            heapq.heappop(ts.waiting)
            ts.running += 1
            worker = heapq.heappop(self.free)
            heapq.heappush(self.running, (t + job.duration, worker, job.tenant))
            self.placements.append(Placement(job.job_id, worker, t, t + job.duration))


def schedule(jobs: Sequence[Job], workers: int, quotas: dict[str, int]) -> list[Placement]:
    sched = _Scheduler(workers, dict(quotas))
    arrivals = deque(sorted(jobs, key=lambda j: j.arrival))
    while arrivals or sched.running:
        t = min(
            ([arrivals[0].arrival] if arrivals else []) + ([sched.running[0][0]] if sched.running else [])
        )
        sched.finish_until(t)
        while arrivals and arrivals[0].arrival == t:
            sched.admit(arrivals.popleft())
        sched.dispatch(t)
    return sorted(sched.placements, key=lambda p: (p.start, p.worker))


def mean_wait_by_priority(jobs: Sequence[Job], placements: Sequence[Placement]) -> dict[int, float]:
    by_id = {j.job_id: j for j in jobs}
    waits: dict[int, list[int]] = {}
    for p in placements:
        job = by_id[p.job_id]
        waits.setdefault(job.priority, []).append(p.start - job.arrival)
    return {prio: statistics.fmean(waits[prio]) for prio in sorted(waits)}


# --- Part 2 --------------------------------------------------------------------------------------


@dataclass
class _Sandbox:
    state: str  # "starting" | "idle" | "busy"
    since: int  # when it became idle (idle) ...
    until: int  # ... or when its cold start / job ends (starting, busy)


@dataclass
class _Fleet:
    policy: ScalePolicy
    job_seconds: int
    cold_start_s: int
    boxes: list = field(default_factory=list)
    queue: deque = field(default_factory=deque)
    report: dict = field(
        default_factory=lambda: dict(
            jobs=0, sandbox_seconds=0, busy_seconds=0, cold_starts=0,
            total_wait_s=0, max_wait_s=0, peak_sandboxes=0,
        )
    )

    def count(self, state: str) -> int:
        return sum(1 for b in self.boxes if b.state == state)

    def tick(self, t: int, arriving: int) -> None:
        for b in self.boxes:
            if b.state in ("starting", "busy") and b.until == t:
                b.state, b.since = "idle", t
        self.report["jobs"] += arriving
        self.queue.extend([t] * arriving)
        while self.queue:
            idle = [b for b in self.boxes if b.state == "idle"]
            if not idle:
                break
            box = max(idle, key=lambda b: b.since)
            arrived = self.queue.popleft()
            wait = t - arrived
            self.report["total_wait_s"] += wait
            self.report["max_wait_s"] = max(self.report["max_wait_s"], wait)
            box.state, box.until = "busy", t + self.job_seconds
        want = len(self.queue) + self.policy.target_idle - self.count("idle") - self.count("starting")
        room = self.policy.max_sandboxes - len(self.boxes)
        for _ in range(max(0, min(want, room))):
            self.boxes.append(_Sandbox("starting", t, t + self.cold_start_s))
            self.report["cold_starts"] += 1
        idle = sorted((b for b in self.boxes if b.state == "idle"), key=lambda b: b.since)
        n_idle = len(idle)
        for box in idle:
            if t - box.since < self.policy.idle_timeout_s:
                break
            if n_idle <= self.policy.target_idle or len(self.boxes) <= self.policy.min_sandboxes:
                break
            self.boxes.remove(box)
            n_idle -= 1
        self.report["sandbox_seconds"] += len(self.boxes)
        self.report["busy_seconds"] += self.count("busy")
        self.report["peak_sandboxes"] = max(self.report["peak_sandboxes"], len(self.boxes))


def simulate_autoscaler(
    arrivals: Sequence[int], job_seconds: int, cold_start_s: int, policy: ScalePolicy
) -> AutoscaleReport:
    if cold_start_s < 1:
        raise ValueError("a cold start takes at least one second")
    fleet = _Fleet(policy, job_seconds, cold_start_s)
    fleet.boxes = [_Sandbox("idle", 0, 0) for _ in range(policy.min_sandboxes)]
    t = 0
    while True:
        fleet.tick(t, arrivals[t] if t < len(arrivals) else 0)
        if t >= len(arrivals) - 1 and not fleet.queue and fleet.count("busy") == 0:
            return AutoscaleReport(**fleet.report)
        t += 1


def policy_cost(
    report: AutoscaleReport, sandbox_dollars_per_hour: float, wait_dollars_per_hour: float
) -> float:
    sandbox_hours = report.sandbox_seconds / 3600.0
    waiting_hours = report.total_wait_s / 3600.0
    return float(sandbox_hours * sandbox_dollars_per_hour + waiting_hours * wait_dollars_per_hour)


# --- Part 3 --------------------------------------------------------------------------------------


def effect_key(job_id: str, step: int) -> str:
    return "%s/%d" % (job_id, step)


def execute(job: AgentJob, world: World) -> None:
    step = 0
    while step < len(job.steps):
        world.call(effect_key(job.job_id, step), job.steps[step])
        step += 1


@dataclass
class _DeliveryQueue:
    max_attempts: int
    pending: deque = field(default_factory=deque)
    accepted: dict = field(default_factory=dict)  # job_id -> attempts so far
    completed: list = field(default_factory=list)
    dead: list = field(default_factory=list)

    def submit(self, job: AgentJob) -> None:
        if job.job_id in self.accepted:
            return  # the client retried its submission
        self.accepted[job.job_id] = 0
        self.pending.append(job)

    def deliver(self, world: World) -> None:
        job = self.pending.popleft()
        self.accepted[job.job_id] += 1
        try:
            execute(job, world)
        except Crash:
            if self.accepted[job.job_id] < self.max_attempts:
                self.pending.append(job)
            else:
                self.dead.append(job.job_id)
        else:
            self.completed.append(job.job_id)


def run_queue(jobs: Sequence[AgentJob], world: World, max_attempts: int) -> RunReport:
    q = _DeliveryQueue(max_attempts)
    for job in jobs:
        q.submit(job)
    while q.pending:
        q.deliver(world)
    return RunReport(tuple(q.completed), tuple(q.dead), dict(q.accepted))
