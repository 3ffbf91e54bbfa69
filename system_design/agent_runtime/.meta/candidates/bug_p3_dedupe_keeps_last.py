"""Buggy: deduplicates with a dict comprehension, so the last submission's steps replace the first's.

verdict: reject part 3
rule: "and ignores a second submission of a job_id."
how: deduplicates with a dict comprehension, so the last submission's steps replace the first's
differs on: run_queue([AgentJob("a", ("x",)), AgentJob("a", ("y",))], no-crash world, 3): performs x (bug: y)
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
from collections import defaultdict, deque

# --- Part 1 --------------------------------------------------------------------------------------


def schedule(jobs: Sequence[Job], workers: int, quotas: dict[str, int]) -> list[Placement]:
    if workers < 1:
        raise ValueError("workers must be at least 1")
    for tenant, quota in quotas.items():
        if quota < 1:
            raise ValueError(f"quota of tenant {tenant!r} must be at least 1")
    pending = sorted(jobs, key=lambda j: j.arrival)
    free = list(range(workers))
    heapq.heapify(free)
    running: list[tuple[int, int, str]] = []  # (end, worker, tenant)
    per_tenant: dict[str, int] = defaultdict(int)
    waiting: list[Job] = []
    placements: list[Placement] = []
    i, n = 0, len(pending)
    while i < n or running:
        moments = []
        if i < n:
            moments.append(pending[i].arrival)
        if running:
            moments.append(running[0][0])
        t = min(moments)
        while running and running[0][0] == t:
            _, worker, tenant = heapq.heappop(running)
            heapq.heappush(free, worker)
            per_tenant[tenant] -= 1
        while i < n and pending[i].arrival == t:
            waiting.append(pending[i])
            i += 1
        while free and waiting:
            best = None
            for job in waiting:
                quota = quotas.get(job.tenant)
                if quota is not None and per_tenant[job.tenant] >= quota:
                    continue
                if best is None or (job.priority, job.arrival, job.job_id) < (
                    best.priority,
                    best.arrival,
                    best.job_id,
                ):
                    best = job
            if best is None:
                break
            waiting.remove(best)
            worker = heapq.heappop(free)
            per_tenant[best.tenant] += 1
            heapq.heappush(running, (t + best.duration, worker, best.tenant))
            placements.append(Placement(best.job_id, worker, t, t + best.duration))
    placements.sort(key=lambda p: (p.start, p.worker))
    return placements


def mean_wait_by_priority(jobs: Sequence[Job], placements: Sequence[Placement]) -> dict[int, float]:
    start = {p.job_id: p.start for p in placements}
    totals: dict[int, int] = {}
    counts: dict[int, int] = {}
    for job in jobs:
        if job.job_id not in start:
            continue
        wait = start[job.job_id] - job.arrival
        totals[job.priority] = totals.get(job.priority, 0) + wait
        counts[job.priority] = counts.get(job.priority, 0) + 1
    return {prio: totals[prio] / counts[prio] for prio in totals}


# --- Part 2 --------------------------------------------------------------------------------------


def simulate_autoscaler(
    arrivals: Sequence[int], job_seconds: int, cold_start_s: int, policy: ScalePolicy
) -> AutoscaleReport:
    if cold_start_s < 1:
        raise ValueError("cold_start_s must be at least 1")
    idle: deque[int] = deque([0] * policy.min_sandboxes)  # idle-since times, oldest on the left
    ending: dict[int, int] = defaultdict(int)  # second -> busy sandboxes whose job ends then
    ready: dict[int, int] = defaultdict(int)  # second -> starting sandboxes ready then
    busy = starting = 0
    queue: deque[int] = deque()  # arrival second of each waiting job
    jobs = sandbox_seconds = busy_seconds = cold_starts = total_wait = max_wait = peak = 0
    last = len(arrivals) - 1
    t = 0
    while True:
        # 1. cold starts and jobs ending now
        came_up = ready.pop(t, 0)
        done = ending.pop(t, 0)
        starting -= came_up
        busy -= done
        idle.extend([t] * (came_up + done))
        # 2. arrivals
        if t < len(arrivals):
            k = arrivals[t]
            jobs += k
            queue.extend([t] * k)
        # 3. oldest job takes the most recently idled sandbox
        while queue and idle:
            arrived = queue.popleft()
            idle.pop()
            wait = t - arrived
            total_wait += wait
            max_wait = max(max_wait, wait)
            busy += 1
            ending[t + job_seconds] += 1
        # 4. scale up
        need = len(queue) + policy.target_idle - len(idle) - starting
        if need > 0:
            room = policy.max_sandboxes - (len(idle) + busy + starting)
            new = min(need, max(0, room))
            if new > 0:
                starting += new
                ready[t + cold_start_s] += new
                cold_starts += new
        # 5. scale down
        while (
            idle
            and t - idle[0] >= policy.idle_timeout_s
            and len(idle) > policy.target_idle
            and len(idle) + busy + starting > policy.min_sandboxes
        ):
            idle.popleft()
        # 6. cost
        total = len(idle) + busy + starting
        sandbox_seconds += total
        busy_seconds += busy
        peak = max(peak, total)
        if t >= last and not queue and busy == 0:
            break
        t += 1
    return AutoscaleReport(
        jobs, sandbox_seconds, busy_seconds, cold_starts, total_wait, max_wait, peak
    )


def policy_cost(
    report: AutoscaleReport, sandbox_dollars_per_hour: float, wait_dollars_per_hour: float
) -> float:
    return (
        report.sandbox_seconds / 3600 * sandbox_dollars_per_hour
        + report.total_wait_s / 3600 * wait_dollars_per_hour
    )


# --- Part 3 --------------------------------------------------------------------------------------


def effect_key(job_id: str, step: int) -> str:
    return f"{job_id}/{step}"


def execute(job: AgentJob, world: World) -> None:
    for step, effect in enumerate(job.steps):
        world.call(effect_key(job.job_id, step), effect)


def run_queue(jobs: Sequence[AgentJob], world: World, max_attempts: int) -> RunReport:
    queue: deque[AgentJob] = deque()
    accepted: set[str] = set()
    queue.extend({job.job_id: job for job in jobs}.values())
    attempts: dict[str, int] = {}
    completed: list[str] = []
    dead: list[str] = []
    while queue:
        job = queue.popleft()
        attempts[job.job_id] = attempts.get(job.job_id, 0) + 1
        try:
            execute(job, world)
        except Crash:
            if attempts[job.job_id] >= max_attempts:
                dead.append(job.job_id)
            else:
                queue.append(job)
            continue
        completed.append(job.job_id)
    return RunReport(tuple(completed), tuple(dead), attempts)
