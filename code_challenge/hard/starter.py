"""DAG executor for an agent's tool calls: validate and order the plan, run it under a concurrency
limit with retries, timeouts and a deadline, report metrics, and (stretch) rate-limit each tool and
honour priorities.

Glossary:
- task: one planned tool call; `deps` are the ids of the tasks whose results it needs.
- attempt: one call of the task's tool; a task makes 1 + `retries` attempts at most.
- slot: one of the `limit` tasks that may be in progress at once.
- run time: seconds since `execute` started, read from the event loop's clock (`loop.time()`).
- makespan: when the last task settled; critical path: the longest chain of dependent tasks,
  each counted for as long as it took.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any, Literal

PlanErrorKind = Literal["duplicate_id", "unknown_dependency", "cycle"]
Status = Literal["succeeded", "failed", "skipped", "cancelled"]
Span = tuple[float, float]  # (start, end) of one attempt, in run time


@dataclass(frozen=True)
class Task:
    """One planned tool call."""

    id: str
    tool: str  # the key of its tool in `tools` (and in `rate_limits`)
    deps: tuple[str, ...] = ()  # ids of the tasks whose results this one needs
    args: Mapping[str, Any] = field(
        default_factory=dict
    )  # for the tool; the executor never reads it
    retries: int = 0  # extra attempts after a failed one
    timeout: float | None = None  # seconds per attempt; None: no limit
    priority: int = 0  # Part 5: when slots are scarce, higher starts first


# A tool receives its task and {dependency id: that dependency's value}, and returns a value.
Tool = Callable[[Task, dict[str, Any]], Awaitable[Any]]


@dataclass(frozen=True)
class Backoff:
    """The wait before a retry: min(cap, base * factor ** (attempt - 1)) * (1 + jitter * u)."""

    base: float = 1.0
    factor: float = 2.0
    cap: float = 60.0
    jitter: float = 0.1


DEFAULT_BACKOFF = Backoff()


@dataclass(frozen=True)
class TaskResult:
    """What happened to one task. Times are run time (seconds since `execute` started)."""

    id: str
    status: Status
    value: Any = None  # succeeded: what the tool returned
    error: str = (
        ""  # failed: "timeout" or "<ExceptionType>: <message>"; otherwise a free-text reason
    )
    blocked_by: str | None = None  # skipped: a dependency that did not succeed (None: the deadline)
    attempts: int = 0  # how many times its tool was called
    start: float | None = None  # its first attempt's start; None if it never started
    end: float | None = None  # when it succeeded, failed or was cancelled; None if it never started
    spans: tuple[Span, ...] = ()  # (start, end) of every attempt, in order


@dataclass(frozen=True)
class Metrics:
    makespan: float  # the latest `end`, 0.0 if no task started
    critical_path: float  # the longest dependency chain, each task weighing end - start
    max_concurrency: int  # the most attempts in flight at one instant
    retries: dict[str, int]  # task id -> attempts - 1, for tasks that were retried


class PlanError(ValueError):
    """The tasks do not form a valid plan. `nodes` names the culprits:
    duplicate_id (id,); unknown_dependency (task id, missing id); cycle (the ids around it)."""

    def __init__(self, kind: PlanErrorKind, nodes: tuple[str, ...], message: str) -> None:
        super().__init__(message)
        self.kind = kind
        self.nodes = nodes


# --- Part 1 --------------------------------------------------------------------------------------


def plan(tasks: Sequence[Task]) -> list[str]:
    """Validate the tasks and return their ids in execution order.

    The order is topological (every task after all its deps); among the tasks whose deps are all
    placed, the smallest id comes next. Raises PlanError for, checked in this order: a repeated id,
    a dependency on an id that is not a task, a cycle (nodes in dependency order, starting at the
    cycle's smallest id). O((V + E) log V).
    """
    # TODO (part 1): validate (repeated ids, unknown deps, cycles), then order by deps, ties by id
    raise NotImplementedError


# --- Part 2 (Part 3's retries, timeouts and deadline, Part 5's rate limits and priorities) --------


async def execute(
    tasks: Sequence[Task],
    tools: Mapping[str, Tool],
    *,
    limit: int = 8,
    deadline: float | None = None,
    backoff: Backoff = DEFAULT_BACKOFF,
    seed: int = 0,
    rate_limits: Mapping[str, TokenBucket] | None = None,
) -> dict[str, TaskResult]:
    """Run every task once its deps have succeeded, at most `limit` at a time.

    Returns a TaskResult per task, keyed by id in plan order. A task receives {dep id: value} of
    its deps; a task that fails (after its retries) gets its dependents skipped, while independent
    branches keep running. `deadline` (seconds after the start) cancels whatever is still running
    and starts nothing more; no task of the run is left behind when this returns. Raises PlanError
    for an invalid plan and ValueError for limit < 1, before calling any tool.
    """
    # TODO (part 2): start ready tasks while slots are free, hand on results, skip what a
    # failure blocks; part 3 adds retries, timeouts and the deadline, part 5 rate limits and
    # priorities
    raise NotImplementedError


# --- Part 3 --------------------------------------------------------------------------------------


def retry_delay(backoff: Backoff, seed: int, task_id: str, attempt: int) -> float:
    """Seconds to wait after attempt number `attempt` (1-based) of `task_id` failed.

    min(cap, base * factor ** (attempt - 1)) * (1 + jitter * u), where u is the first
    `random.Random(f"{seed}:{task_id}:{attempt}").random()`: the same inputs give the same delay,
    whatever else the run is doing.
    """
    # TODO (part 3): the capped exponential delay, stretched by the seeded jitter
    raise NotImplementedError


# --- Part 4 --------------------------------------------------------------------------------------


def metrics(tasks: Sequence[Task], results: Mapping[str, TaskResult]) -> Metrics:
    """Makespan, critical path, peak concurrency and retries of a finished run.

    `results` has one TaskResult per task (what `execute` returned). Attempt spans are half-open
    [start, end): one ending at t and one starting at t never overlap. O((V + E) log V).
    """
    # TODO (part 4): makespan, critical path, peak concurrency, retries
    raise NotImplementedError


# --- Part 5 --------------------------------------------------------------------------------------


class TokenBucket:
    """A rate limit shared by every task of one tool: `burst` tokens, refilled at `rate` per
    second; each attempt takes one token."""

    def __init__(self, rate: float, burst: int) -> None:
        self.rate = rate
        self.burst = burst
        # TODO (part 5): keep what reserve() needs (the bucket starts full)

    def reserve(self, now: float) -> float:
        """Take one token at loop time `now`; return the loop time at which the caller may start.

        That is `now` while tokens remain; otherwise callers queue up, each `1 / rate` seconds
        after the previous one. The bucket starts full and never holds more than `burst`.
        """
        # TODO (part 5): refill since the last call (never above burst), take a token, say when
        raise NotImplementedError
