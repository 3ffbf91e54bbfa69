"""Alternative: the scheduler as a sorted waiting list scanned per start, the autoscaler as a
list of sandbox records scanned each second, the queue as a delivery log read by an index.

Same rules, different bookkeeping: proves the tests pin the behaviour, not the data structures.
"""

from __future__ import annotations

import bisect
from collections import Counter, defaultdict, deque
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any, Protocol

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
    # One sorted waiting list scanned from the front: simple, O(waiting) per start.
    pending = sorted(jobs, key=lambda j: j.arrival)
    busy_until: list[int | None] = [None] * workers
    tenant_of: list[str | None] = [None] * workers
    waiting: list[Job] = []
    placements: list[Placement] = []
    i = 0
    while i < len(pending) or any(end is not None for end in busy_until):
        ends = [end for end in busy_until if end is not None]
        t = min([*ends, pending[i].arrival] if i < len(pending) else ends)
        for w, end in enumerate(busy_until):
            if end == t:
                busy_until[w] = tenant_of[w] = None
        while i < len(pending) and pending[i].arrival == t:
            bisect.insort(waiting, pending[i], key=lambda j: (j.priority, j.arrival, j.job_id))
            i += 1
        for w in range(workers):
            if busy_until[w] is not None:
                continue
            running = Counter(tenant for tenant in tenant_of if tenant is not None)
            choice = next(
                (j for j in waiting if running[j.tenant] < quotas.get(j.tenant, workers)), None
            )
            if choice is None:
                break
            waiting.remove(choice)
            busy_until[w], tenant_of[w] = t + choice.duration, choice.tenant
            placements.append(Placement(choice.job_id, w, t, t + choice.duration))
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
    # Every sandbox as a small record [state, since], scanned each second.
    boxes: list[list[Any]] = [["idle", 0] for _ in range(policy.min_sandboxes)]
    queue: deque[int] = deque()
    report = Counter[str]()
    t = 0
    while True:
        for box in boxes:
            if box[0] in ("starting", "busy") and box[1] == t:
                box[0] = "idle"
        if t < len(arrivals):
            queue.extend([t] * arrivals[t])
            report["jobs"] += arrivals[t]
        while queue:
            idle = [b for b in boxes if b[0] == "idle"]
            if not idle:
                break
            newest = max(idle, key=lambda b: b[1])
            wait = t - queue.popleft()
            newest[0], newest[1] = "busy", t + job_seconds
            report["total_wait_s"] += wait
            report["max_wait_s"] = max(report["max_wait_s"], wait)
        idle_count = sum(b[0] == "idle" for b in boxes)
        starting = sum(b[0] == "starting" for b in boxes)
        room = policy.max_sandboxes - len(boxes)
        for _ in range(max(0, min(len(queue) + policy.target_idle - idle_count - starting, room))):
            boxes.append(["starting", t + cold_start_s])
            report["cold_starts"] += 1
        for box in sorted((b for b in boxes if b[0] == "idle"), key=lambda b: b[1]):
            idle_count = sum(b[0] == "idle" for b in boxes)
            if (
                t - box[1] >= policy.idle_timeout_s
                and idle_count > policy.target_idle
                and len(boxes) > policy.min_sandboxes
            ):
                boxes.remove(box)
            else:
                break
        report["sandbox_seconds"] += len(boxes)
        report["busy_seconds"] += sum(b[0] == "busy" for b in boxes)
        report["peak_sandboxes"] = max(report["peak_sandboxes"], len(boxes))
        if t >= len(arrivals) - 1 and not queue and not any(b[0] == "busy" for b in boxes):
            return AutoscaleReport(
                **{name: report[name] for name in AutoscaleReport.__dataclass_fields__}
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
    return f"{job_id}/{step}"


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
    # The queue as a growing list read by an index: a delivery log, like a broker's topic.
    accepted = {job.job_id: job for job in reversed(jobs)}
    log = [accepted[job_id] for job_id in dict.fromkeys(job.job_id for job in jobs)]
    attempts = dict.fromkeys(accepted, 0)
    completed: list[str] = []
    dead: list[str] = []
    read = 0
    while read < len(log):
        job = log[read]
        read += 1
        attempts[job.job_id] += 1
        try:
            execute(job, world)
            completed.append(job.job_id)
        except Crash:
            if attempts[job.job_id] == max_attempts:
                dead.append(job.job_id)
            else:
                log.append(job)
    return RunReport(tuple(completed), tuple(dead), attempts)
