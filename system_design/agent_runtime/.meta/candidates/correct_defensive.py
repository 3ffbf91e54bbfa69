"""Correct: very defensive (validates every input, copies, explicit errors; attempts keyed as accepted).

verdict: accept
how: faithful; also rejects max_attempts < 1, job_seconds < 1 and durations < 1 with ValueError
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


import math
from collections import defaultdict, deque

# --- Part 1 --------------------------------------------------------------------------------------


def _check_int(name: str, value: object) -> int:
    if isinstance(value, bool) or not isinstance(value, int):
        raise TypeError(f"{name} must be an int, got {type(value).__name__}")
    return value


def schedule(jobs: Sequence[Job], workers: int, quotas: dict[str, int]) -> list[Placement]:
    workers = _check_int("workers", workers)
    if workers < 1:
        raise ValueError(f"workers must be >= 1 (got {workers}): nothing could ever run")
    quotas = dict(quotas or {})
    for tenant, quota in quotas.items():
        if quota < 1:
            raise ValueError(f"quota for {tenant!r} is {quota}: its jobs would wait forever")
    jobs = list(jobs)
    for job in jobs:
        if job.duration < 1:
            raise ValueError(f"job {job.job_id!r} has duration {job.duration} (< 1)")
    if not jobs:
        return []

    arrivals_at: dict[int, list[Job]] = defaultdict(list)
    for job in jobs:
        arrivals_at[job.arrival].append(job)
    ends_at: dict[int, list[tuple[int, str]]] = defaultdict(list)  # t -> [(worker, tenant)]
    moments = sorted(arrivals_at)
    moment_set = set(moments)

    free_workers = set(range(workers))
    running_by_tenant: dict[str, int] = defaultdict(int)
    waiting: list[Job] = []
    placements: list[Placement] = []

    def eligible(job: Job) -> bool:
        limit = quotas.get(job.tenant)
        return limit is None or running_by_tenant[job.tenant] < limit

    import heapq

    agenda = list(moments)
    heapq.heapify(agenda)
    while agenda:
        t = heapq.heappop(agenda)
        while agenda and agenda[0] == t:
            heapq.heappop(agenda)
        for worker, tenant in ends_at.pop(t, []):
            free_workers.add(worker)
            running_by_tenant[tenant] -= 1
        waiting.extend(arrivals_at.pop(t, []))
        while free_workers:
            choices = [j for j in waiting if eligible(j)]
            if not choices:
                break
            best = min(choices, key=lambda j: (j.priority, j.arrival, j.job_id))
            waiting.remove(best)
            worker = min(free_workers)
            free_workers.discard(worker)
            running_by_tenant[best.tenant] += 1
            end = t + best.duration
            ends_at[end].append((worker, best.tenant))
            if end not in moment_set:
                moment_set.add(end)
                heapq.heappush(agenda, end)
            placements.append(Placement(job_id=best.job_id, worker=worker, start=t, end=end))
    assert not waiting, "work-conserving loop left jobs behind"
    placements.sort(key=lambda p: (p.start, p.worker))
    return placements


def mean_wait_by_priority(jobs: Sequence[Job], placements: Sequence[Placement]) -> dict[int, float]:
    starts: dict[str, int] = {}
    for p in placements:
        starts.setdefault(p.job_id, p.start)
    sums: dict[int, float] = {}
    counts: dict[int, int] = {}
    for job in jobs:
        start = starts.get(job.job_id)
        if start is None:
            continue
        sums[job.priority] = sums.get(job.priority, 0.0) + float(start - job.arrival)
        counts[job.priority] = counts.get(job.priority, 0) + 1
    return {prio: float(sums[prio] / counts[prio]) for prio in sums if counts[prio]}


# --- Part 2 --------------------------------------------------------------------------------------


def simulate_autoscaler(
    arrivals: Sequence[int], job_seconds: int, cold_start_s: int, policy: ScalePolicy
) -> AutoscaleReport:
    if cold_start_s < 1:
        raise ValueError(f"cold_start_s must be >= 1, got {cold_start_s}")
    if job_seconds < 1:
        raise ValueError(f"job_seconds must be >= 1, got {job_seconds}")
    arrivals = [int(a) for a in arrivals]
    if any(a < 0 for a in arrivals):
        raise ValueError("arrivals cannot be negative")
    if sum(arrivals) > 0 and policy.max_sandboxes < 1:
        raise ValueError("max_sandboxes < 1: queued jobs could never run")

    idle_since: list[int] = [0] * policy.min_sandboxes  # appended in time order
    busy_end: dict[int, int] = defaultdict(int)
    start_ready: dict[int, int] = defaultdict(int)
    n_busy = 0
    n_starting = 0
    queue: deque[int] = deque()
    report = dict(jobs=sum(arrivals), sandbox_seconds=0, busy_seconds=0, cold_starts=0,
                  total_wait_s=0, max_wait_s=0, peak_sandboxes=0)
    t = 0
    while True:
        # step 1
        became_ready = start_ready.pop(t, 0)
        finished = busy_end.pop(t, 0)
        n_starting -= became_ready
        n_busy -= finished
        idle_since += [t] * (became_ready + finished)
        # step 2
        if t < len(arrivals):
            queue.extend(t for _ in range(arrivals[t]))
        # step 3
        while queue and idle_since:
            arrived = queue.popleft()
            idle_since.pop()  # most recently idled
            wait = t - arrived
            report["total_wait_s"] += wait
            if wait > report["max_wait_s"]:
                report["max_wait_s"] = wait
            n_busy += 1
            busy_end[t + job_seconds] += 1
        # step 4
        shortfall = len(queue) + policy.target_idle - len(idle_since) - n_starting
        existing = len(idle_since) + n_busy + n_starting
        to_start = max(0, min(shortfall, policy.max_sandboxes - existing))
        if to_start:
            n_starting += to_start
            start_ready[t + cold_start_s] += to_start
            report["cold_starts"] += to_start
        # step 5
        stopped = 0
        for since in idle_since:
            if t - since < policy.idle_timeout_s:
                break
            idle_now = len(idle_since) - stopped
            exists_now = idle_now + n_busy + n_starting
            if idle_now <= policy.target_idle or exists_now <= policy.min_sandboxes:
                break
            stopped += 1
        if stopped:
            idle_since = idle_since[stopped:]
        # step 6
        existing = len(idle_since) + n_busy + n_starting
        report["sandbox_seconds"] += existing
        report["busy_seconds"] += n_busy
        report["peak_sandboxes"] = max(report["peak_sandboxes"], existing)
        all_arrived = t >= len(arrivals) - 1
        if all_arrived and not queue and n_busy == 0:
            break
        t += 1
    return AutoscaleReport(**report)


def policy_cost(
    report: AutoscaleReport, sandbox_dollars_per_hour: float, wait_dollars_per_hour: float
) -> float:
    if sandbox_dollars_per_hour < 0 or wait_dollars_per_hour < 0:
        raise ValueError("prices cannot be negative")
    cost = math.fsum([
        report.sandbox_seconds * sandbox_dollars_per_hour / 3600.0,
        report.total_wait_s * wait_dollars_per_hour / 3600.0,
    ])
    return float(cost)


# --- Part 3 --------------------------------------------------------------------------------------


def effect_key(job_id: str, step: int) -> str:
    if isinstance(step, bool) or not isinstance(step, int) or step < 0:
        raise ValueError(f"step must be a non-negative int, got {step!r}")
    return f"{job_id}/{step}"


def execute(job: AgentJob, world: World) -> None:
    for step, effect in enumerate(tuple(job.steps)):
        key = effect_key(job.job_id, step)
        world.call(key, effect)  # a Crash propagates: the queue retries the whole job


def run_queue(jobs: Sequence[AgentJob], world: World, max_attempts: int) -> RunReport:
    if max_attempts < 1:
        raise ValueError(f"max_attempts must be >= 1, got {max_attempts}")
    queue: deque[AgentJob] = deque()
    attempts: dict[str, int] = {}
    for job in jobs:
        if job.job_id in attempts:
            continue  # duplicate submission: the first one stands
        attempts[job.job_id] = 0
        queue.append(job)
    completed: list[str] = []
    dead_lettered: list[str] = []
    while queue:
        job = queue.popleft()
        attempts[job.job_id] += 1
        try:
            execute(job, world)
        except Crash:
            if attempts[job.job_id] >= max_attempts:
                dead_lettered.append(job.job_id)
            else:
                queue.append(job)
        else:
            completed.append(job.job_id)
    assert len(completed) + len(dead_lettered) == len(attempts), "a job was lost"
    return RunReport(completed=tuple(completed), dead_lettered=tuple(dead_lettered),
                     attempts=dict(attempts))
