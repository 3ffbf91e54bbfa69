"""An agent runtime: runs agent jobs in isolated sandboxes, scheduled, autoscaled and retried.

Glossary:
- job: one agent task; it holds one sandbox (a microVM) from start to end.
- priority: 0 is the most urgent (interactive), larger numbers wait (batch).
- quota: the most jobs a tenant may run at once; tenants without one are unlimited.
- work-conserving: a worker never idles while a job it is allowed to run is waiting.
- cold start: the seconds between asking for a new sandbox and being able to use it.
- idempotency key: the name under which an effect (a payment, an email, a commit) is performed
  at most once, however many times a retried attempt asks for it.
- dead letter: a job given up on after its last allowed attempt, kept for a human.
"""

from __future__ import annotations

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
    # TODO (part 1): an event loop over arrivals and ends; start the best eligible jobs
    raise NotImplementedError


def mean_wait_by_priority(jobs: Sequence[Job], placements: Sequence[Placement]) -> dict[int, float]:
    """The mean wait (start - arrival) of the jobs of each priority that appears."""
    # TODO (part 1): group start - arrival by priority
    raise NotImplementedError


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
    # TODO (part 2): keep idle, busy, starting and queued; follow the six steps each second
    raise NotImplementedError


def policy_cost(
    report: AutoscaleReport, sandbox_dollars_per_hour: float, wait_dollars_per_hour: float
) -> float:
    """Dollars: sandbox time at its price, plus the time users spent waiting at theirs."""
    # TODO (part 2): sandbox-hours and waiting hours at their prices
    raise NotImplementedError


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
    # TODO (part 3): job id and step, nothing that changes between attempts
    raise NotImplementedError


def execute(job: AgentJob, world: World) -> None:
    """One attempt: call every step of `job` in order, each under its effect_key. A Crash
    propagates to the caller."""
    # TODO (part 3): call each step under its effect_key
    raise NotImplementedError


def run_queue(jobs: Sequence[AgentJob], world: World, max_attempts: int) -> RunReport:
    """Deliver jobs first in, first out; a delivery whose attempt crashes goes to the back of the
    queue, until the job has made `max_attempts` attempts, when it is dead-lettered instead.
    A job submitted again with a job_id already accepted is ignored (the client retried its
    submission). Returns what completed, what was dead-lettered, and every job's attempts."""
    # TODO (part 3): FIFO; requeue a crashed job at the back, dead-letter it after max_attempts
    raise NotImplementedError
