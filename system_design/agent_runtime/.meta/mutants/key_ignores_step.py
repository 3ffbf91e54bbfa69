"""Mutant: the idempotency key is the job id alone.

Every step after the first reuses the first step's key, so the world treats it as done: the
email is never sent, the code never committed.

Caught by: Part 3
"""

from __future__ import annotations

import heapq
from collections import Counter, defaultdict, deque
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Protocol

# --- Part 1 --------------------------------------------------------------------------------------


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


def schedule(jobs: Sequence[Job], workers: int, quotas: dict[str, int]) -> list[Placement]:
    """Run every job on `workers` workers, without preemption, and say where and when.

    At each moment t when a job arrives or ends: first the jobs ending at t free their workers,
    then the jobs arriving at t join the waiting ones; then, while a worker is free and a waiting
    job is eligible (its tenant runs fewer jobs than its quota), the eligible job with the
    smallest (priority, arrival, job_id) starts on the lowest-numbered free worker. Returns one
    Placement per job, ordered by (start, worker). Raises ValueError when workers < 1 or a quota
    is below 1 (a job could then wait forever).
    """
    if workers < 1 or any(q < 1 for q in quotas.values()):
        raise ValueError(f"need workers >= 1 and quotas >= 1, got {workers} and {quotas}")
    arrivals = sorted(jobs, key=lambda j: (j.arrival, j.job_id))
    free = list(range(workers))  # a heap of worker numbers
    running: list[tuple[int, int, str]] = []  # (end, worker, tenant)
    active: Counter[str] = Counter()
    waiting: dict[str, list[tuple[int, int, str, Job]]] = defaultdict(list)  # heap per tenant
    placements: list[Placement] = []
    next_arrival = 0
    while next_arrival < len(arrivals) or running:
        moments = [running[0][0]] if running else []
        if next_arrival < len(arrivals):
            moments.append(arrivals[next_arrival].arrival)
        t = min(moments)  # the next moment something happens
        while running and running[0][0] == t:
            _, worker, tenant = heapq.heappop(running)
            heapq.heappush(free, worker)
            active[tenant] -= 1
        while next_arrival < len(arrivals) and arrivals[next_arrival].arrival == t:
            job = arrivals[next_arrival]
            heapq.heappush(waiting[job.tenant], (job.priority, job.arrival, job.job_id, job))
            next_arrival += 1
        # A heap per tenant: the best eligible job is the best head among tenants under quota,
        # so a tenant at its quota cannot block the ones behind it.
        while free:
            heads = [
                queue[0]
                for tenant, queue in waiting.items()
                if queue and active[tenant] < quotas.get(tenant, workers)
            ]
            if not heads:
                break
            job = min(heads)[3]
            heapq.heappop(waiting[job.tenant])
            worker = heapq.heappop(free)
            active[job.tenant] += 1
            heapq.heappush(running, (t + job.duration, worker, job.tenant))
            placements.append(Placement(job.job_id, worker, t, t + job.duration))
    return sorted(placements, key=lambda p: (p.start, p.worker))


def mean_wait_by_priority(jobs: Sequence[Job], placements: Sequence[Placement]) -> dict[int, float]:
    """The mean wait (start - arrival) of the jobs of each priority that appears."""
    starts = {p.job_id: p.start for p in placements}
    waits: dict[int, list[int]] = defaultdict(list)
    for job in jobs:
        waits[job.priority].append(starts[job.job_id] - job.arrival)
    return {priority: sum(w) / len(w) for priority, w in sorted(waits.items())}


# --- Part 2 --------------------------------------------------------------------------------------


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


def simulate_autoscaler(
    arrivals: Sequence[int], job_seconds: int, cold_start_s: int, policy: ScalePolicy
) -> AutoscaleReport:
    """Simulate second by second until every job has run; arrivals[t] jobs arrive at second t.

    At t = 0 there are min_sandboxes idle sandboxes. Then each second t, in this order:
    1. sandboxes whose cold start ends at t, and busy ones whose job ends at t, become idle;
    2. the jobs arriving at t join the end of the queue;
    3. while a job waits and a sandbox is idle, the oldest job takes the most recently idled
       sandbox (its wait is t - arrival; it is busy until t + job_seconds);
    4. scale up: start max(0, len(queue) + target_idle - idle - starting) sandboxes, within
       max_sandboxes in total; each is ready at t + cold_start_s;
    5. scale down: stop idle sandboxes idle for at least idle_timeout_s, longest idle first,
       while more than target_idle are idle and more than min_sandboxes exist;
    6. every sandbox that exists now costs one sandbox-second (busy ones one busy second too).
    The simulation ends after the first second at which every job has arrived and none is
    queued or running. peak_sandboxes is the largest count of step 6. Raises ValueError when
    cold_start_s < 1.
    """
    if cold_start_s < 1:
        raise ValueError(f"cold_start_s must be at least 1, got {cold_start_s}")
    idle: list[int] = [0] * policy.min_sandboxes  # idle-since times, most recent last
    busy: list[int] = []  # end times (a heap)
    starting: deque[int] = deque()  # ready times, in order
    queue: deque[int] = deque()  # arrival times
    jobs = sandbox_seconds = busy_seconds = cold_starts = total_wait = max_wait = peak = 0
    t = 0
    while True:
        while starting and starting[0] == t:
            starting.popleft()
            idle.append(t)
        while busy and busy[0] == t:
            heapq.heappop(busy)
            idle.append(t)
        if t < len(arrivals):
            queue.extend([t] * arrivals[t])
            jobs += arrivals[t]
        while queue and idle:
            wait = t - queue.popleft()
            idle.pop()  # the most recently idled: older ones can time out and stop
            heapq.heappush(busy, t + job_seconds)
            total_wait += wait
            max_wait = max(max_wait, wait)
        total = len(idle) + len(busy) + len(starting)
        # Sandboxes already starting count: without them every second would order a new batch
        # for the same queued jobs.
        wanted = len(queue) + policy.target_idle - len(idle) - len(starting)
        for _ in range(max(0, min(wanted, policy.max_sandboxes - total))):
            starting.append(t + cold_start_s)
            cold_starts += 1
        total = len(idle) + len(busy) + len(starting)
        while (
            idle
            and t - idle[0] >= policy.idle_timeout_s
            and len(idle) > policy.target_idle
            and total > policy.min_sandboxes
        ):
            idle.pop(0)
            total -= 1
        sandbox_seconds += total
        busy_seconds += len(busy)
        peak = max(peak, total)
        if t >= len(arrivals) - 1 and not queue and not busy:
            return AutoscaleReport(
                jobs, sandbox_seconds, busy_seconds, cold_starts, total_wait, max_wait, peak
            )
        t += 1


def policy_cost(
    report: AutoscaleReport, sandbox_dollars_per_hour: float, wait_dollars_per_hour: float
) -> float:
    """Dollars: sandbox time at its price, plus the time users spent waiting at theirs."""
    return (
        report.sandbox_seconds * sandbox_dollars_per_hour
        + report.total_wait_s * wait_dollars_per_hour
    ) / 3600


# --- Part 3 --------------------------------------------------------------------------------------


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


def effect_key(job_id: str, step: int) -> str:
    """The idempotency key of step `step` (0-based) of job `job_id`: f"{job_id}/{step}".

    The same on every attempt: a retry must find the effects its crashed predecessor already
    performed."""
    return f"{job_id}"


def execute(job: AgentJob, world: World) -> None:
    """One attempt: call every step of `job` in order, each under its effect_key. A Crash
    propagates to the caller."""
    for step, effect in enumerate(job.steps):
        world.call(effect_key(job.job_id, step), effect)


def run_queue(jobs: Sequence[AgentJob], world: World, max_attempts: int) -> RunReport:
    """Deliver jobs first in, first out; a delivery whose attempt crashes goes to the back of the
    queue, until the job has made `max_attempts` attempts, when it is dead-lettered instead.
    A job submitted again with a job_id already accepted is ignored (the client retried its
    submission). Returns what completed, what was dead-lettered, and every job's attempts."""
    queue: deque[AgentJob] = deque()
    attempts: dict[str, int] = {}
    for job in jobs:
        if job.job_id not in attempts:
            attempts[job.job_id] = 0
            queue.append(job)
    completed: list[str] = []
    dead: list[str] = []
    while queue:
        job = queue.popleft()
        attempts[job.job_id] += 1
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
