"""Correct: naive second-by-second simulation everywhere (Part 1 ticks every second, sorts per tick).

verdict: accept
how: faithful but simple-minded; Part 1 ticks each second from the first arrival instead of jumping between events
differs on: n/a (slower: O(span * waiting) for Part 1, still fine for 3,000 jobs on 120 workers)
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


# --- Part 1 --------------------------------------------------------------------------------------


def schedule(jobs: Sequence[Job], workers: int, quotas: dict[str, int]) -> list[Placement]:
    if workers < 1:
        raise ValueError("at least one worker is needed")
    if any(q < 1 for q in quotas.values()):
        raise ValueError("every quota must be at least 1")
    if not jobs:
        return []
    worker_job: list[tuple[int, str] | None] = [None] * workers  # (end, tenant) per worker
    not_arrived = sorted(jobs, key=lambda j: (j.arrival, j.job_id))
    waiting: list[Job] = []
    out: list[Placement] = []
    t = not_arrived[0].arrival
    remaining = len(jobs)
    while remaining:
        for w in range(workers):
            if worker_job[w] is not None and worker_job[w][0] == t:
                worker_job[w] = None
        while not_arrived and not_arrived[0].arrival == t:
            waiting.append(not_arrived.pop(0))
        waiting.sort(key=lambda j: (j.priority, j.arrival, j.job_id))
        started = True
        while started:
            started = False
            free = [w for w in range(workers) if worker_job[w] is None]
            if not free:
                break
            counts: dict[str, int] = {}
            for slot in worker_job:
                if slot is not None:
                    counts[slot[1]] = counts.get(slot[1], 0) + 1
            for idx, job in enumerate(waiting):
                if job.tenant in quotas and counts.get(job.tenant, 0) >= quotas[job.tenant]:
                    continue
                worker_job[free[0]] = (t + job.duration, job.tenant)
                out.append(Placement(job.job_id, free[0], t, t + job.duration))
                del waiting[idx]
                remaining -= 1
                started = True
                break
        t += 1
    out.sort(key=lambda p: (p.start, p.worker))
    return out


def mean_wait_by_priority(jobs: Sequence[Job], placements: Sequence[Placement]) -> dict[int, float]:
    placed = {p.job_id: p for p in placements}
    result: dict[int, float] = {}
    for prio in sorted({j.priority for j in jobs}):
        waits = [placed[j.job_id].start - j.arrival for j in jobs
                 if j.priority == prio and j.job_id in placed]
        if waits:
            result[prio] = sum(waits) / len(waits)
    return result


# --- Part 2 --------------------------------------------------------------------------------------


def simulate_autoscaler(
    arrivals: Sequence[int], job_seconds: int, cold_start_s: int, policy: ScalePolicy
) -> AutoscaleReport:
    if cold_start_s < 1:
        raise ValueError("cold_start_s must be positive")
    # each sandbox: [state, time]; state "S" starting (time = ready at), "I" idle (time = since),
    # "B" busy (time = job end)
    boxes: list[list] = [["I", 0] for _ in range(policy.min_sandboxes)]
    queue: list[int] = []
    jobs = sandbox_seconds = busy_seconds = cold_starts = total_wait = max_wait = peak = 0
    t = 0
    while True:
        for b in boxes:
            if b[0] in "SB" and b[1] == t:
                b[0], b[1] = "I", t
        if t < len(arrivals):
            queue += [t] * arrivals[t]
            jobs += arrivals[t]
        while queue:
            idle = [b for b in boxes if b[0] == "I"]
            if not idle:
                break
            idle.sort(key=lambda b: b[1])
            box = idle[-1]
            arrived = queue.pop(0)
            total_wait += t - arrived
            max_wait = max(max_wait, t - arrived)
            box[0], box[1] = "B", t + job_seconds
        n_idle = sum(b[0] == "I" for b in boxes)
        n_start = sum(b[0] == "S" for b in boxes)
        k = len(queue) + policy.target_idle - n_idle - n_start
        while k > 0 and len(boxes) < policy.max_sandboxes:
            boxes.append(["S", t + cold_start_s])
            cold_starts += 1
            k -= 1
        while True:
            idle = sorted((b for b in boxes if b[0] == "I"), key=lambda b: b[1])
            if not idle or t - idle[0][1] < policy.idle_timeout_s:
                break
            if len(idle) <= policy.target_idle or len(boxes) <= policy.min_sandboxes:
                break
            boxes.remove(idle[0])
        sandbox_seconds += len(boxes)
        busy = sum(b[0] == "B" for b in boxes)
        busy_seconds += busy
        peak = max(peak, len(boxes))
        if t + 1 >= len(arrivals) and not queue and busy == 0:
            break
        t += 1
    return AutoscaleReport(jobs=jobs, sandbox_seconds=sandbox_seconds, busy_seconds=busy_seconds,
                           cold_starts=cold_starts, total_wait_s=total_wait, max_wait_s=max_wait,
                           peak_sandboxes=peak)


def policy_cost(
    report: AutoscaleReport, sandbox_dollars_per_hour: float, wait_dollars_per_hour: float
) -> float:
    per_second_sandbox = sandbox_dollars_per_hour / 3600
    per_second_wait = wait_dollars_per_hour / 3600
    return report.sandbox_seconds * per_second_sandbox + report.total_wait_s * per_second_wait


# --- Part 3 --------------------------------------------------------------------------------------


def effect_key(job_id: str, step: int) -> str:
    return str(job_id) + "/" + str(step)


def execute(job: AgentJob, world: World) -> None:
    for i in range(len(job.steps)):
        world.call(effect_key(job.job_id, i), job.steps[i])


def run_queue(jobs: Sequence[AgentJob], world: World, max_attempts: int) -> RunReport:
    queue: list[AgentJob] = []
    ids: list[str] = []
    for job in jobs:
        if job.job_id not in ids:
            ids.append(job.job_id)
            queue.append(job)
    attempts = {}
    completed: tuple[str, ...] = ()
    dead: tuple[str, ...] = ()
    while queue:
        job = queue.pop(0)
        attempts[job.job_id] = attempts.get(job.job_id, 0) + 1
        try:
            execute(job, world)
            completed += (job.job_id,)
        except Crash:
            if attempts[job.job_id] == max_attempts or attempts[job.job_id] > max_attempts:
                dead += (job.job_id,)
            else:
                queue.append(job)
    return RunReport(completed, dead, attempts)
