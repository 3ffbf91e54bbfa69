"""Naive baseline for the DAG executor: correct, but it runs the plan level by level.

Level k holds the tasks whose longest chain of dependencies has k tasks. A level starts only when
the whole level before it has settled, so one slow task holds back every task of the next level,
even the ones that do not need it: on a wide DAG whose slow tasks sit at different depths, the
makespan is the sum of each level's slowest task instead of the critical path. Everything else
(the plan, retries, timeouts, the deadline, metrics, rate limits, priorities within a level) is
the reference's.
"""

from __future__ import annotations

import asyncio
import heapq
import random
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
    ids: set[str] = set()
    for task in tasks:
        if task.id in ids:
            raise PlanError("duplicate_id", (task.id,), f"task id {task.id!r} appears twice")
        ids.add(task.id)
    for task in tasks:
        for dep in task.deps:
            if dep not in ids:
                raise PlanError(
                    "unknown_dependency",
                    (task.id, dep),
                    f"task {task.id!r} depends on {dep!r}, which is not a task",
                )
    # Kahn's algorithm with a min-heap: a task becomes available once its last dep is placed.
    children: dict[str, list[str]] = {task.id: [] for task in tasks}
    missing: dict[str, int] = {}
    for task in tasks:
        missing[task.id] = len(task.deps)
        for dep in task.deps:
            children[dep].append(task.id)
    available = [task.id for task in tasks if not task.deps]
    heapq.heapify(available)
    order: list[str] = []
    while available:
        placed = heapq.heappop(available)
        order.append(placed)
        for child in children[placed]:
            missing[child] -= 1
            if missing[child] == 0:
                heapq.heappush(available, child)
    if len(order) < len(tasks):
        cycle = _find_cycle(tasks, set(order))
        raise PlanError("cycle", cycle, "cycle: " + " -> ".join((*cycle, cycle[0])))
    return order


def _find_cycle(tasks: Sequence[Task], placed: set[str]) -> tuple[str, ...]:
    """A cycle among the tasks Kahn could not place: each of them waits on another unplaced one,
    so walking from one unplaced dep to the next must come back to a node already seen."""
    deps = {task.id: [d for d in task.deps if d not in placed] for task in tasks}
    node = min(tid for tid in deps if tid not in placed)
    seen: dict[str, int] = {}
    path: list[str] = []
    while node not in seen:
        seen[node] = len(path)
        path.append(node)
        node = min(deps[node])
    cycle = path[seen[node] :]
    first = cycle.index(min(cycle))
    return tuple(cycle[first:] + cycle[:first])


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

    Naive: level by level. Level k holds the tasks whose longest chain of deps has k tasks; a
    level starts only when the whole level before it has settled, so one slow task holds back
    every task of the next level, even those that do not need it.
    """
    if limit < 1:
        raise ValueError(f"limit must be at least 1, got {limit}")
    order = plan(tasks)
    by_id = {task.id: task for task in tasks}
    buckets = rate_limits or {}
    loop = asyncio.get_running_loop()
    started_at = loop.time()

    def now() -> float:
        return loop.time() - started_at

    depth: dict[str, int] = {}
    levels: list[list[str]] = []
    for tid in order:
        depth[tid] = 1 + max((depth[d] for d in by_id[tid].deps), default=-1)
        if depth[tid] == len(levels):
            levels.append([])
        levels[depth[tid]].append(tid)
    slots = asyncio.Semaphore(limit)
    results: dict[str, TaskResult] = {}
    spans: dict[str, list[Span]] = {}
    jobs: dict[str, asyncio.Task[TaskResult | None]] = {}

    async def one(task: Task) -> TaskResult | None:
        async with slots:
            if deadline is not None and now() >= deadline:
                return None
            spans[task.id] = []
            return await _attempts(
                task,
                tools[task.tool],
                {d: results[d].value for d in task.deps},
                spans[task.id],
                now,
                backoff,
                seed,
                buckets.get(task.tool),
            )

    def collect() -> None:
        for tid, job in jobs.items():
            outcome = None if job.cancelled() else job.result()
            if outcome is not None:
                results[tid] = outcome
            elif spans.get(tid):
                tried = tuple(spans[tid])
                results[tid] = TaskResult(
                    tid,
                    "cancelled",
                    error="deadline",
                    attempts=len(tried),
                    start=tried[0][0],
                    end=now(),
                    spans=tried,
                )
        jobs.clear()

    try:
        async with asyncio.timeout_at(None if deadline is None else started_at + deadline):
            for level in levels:
                # The semaphore serves waiters first come, first served: queue by priority.
                for tid in sorted(level, key=lambda t: (-by_id[t].priority, t)):
                    blocker = next(
                        (d for d in by_id[tid].deps if results[d].status != "succeeded"), None
                    )
                    if blocker is not None:
                        reason = f"dependency {blocker!r} did not succeed"
                        results[tid] = TaskResult(tid, "skipped", error=reason, blocked_by=blocker)
                    else:
                        jobs[tid] = asyncio.create_task(one(by_id[tid]))
                if jobs:
                    await asyncio.wait(jobs.values())
                collect()
    except TimeoutError:
        pass
    finally:
        for job in jobs.values():
            job.cancel()
        if jobs:
            await asyncio.wait(jobs.values())
        collect()
    for tid in order:
        if tid not in results:
            blocker = next((d for d in by_id[tid].deps if results[d].status != "succeeded"), None)
            reason = "deadline" if blocker is None else f"dependency {blocker!r} did not succeed"
            results[tid] = TaskResult(tid, "skipped", error=reason, blocked_by=blocker)
    return {tid: results[tid] for tid in order}


async def _attempts(
    task: Task,
    tool: Tool,
    inputs: dict[str, Any],
    spans: list[Span],
    now: Callable[[], float],
    backoff: Backoff,
    seed: int,
    bucket: TokenBucket | None,
) -> TaskResult:
    """Call the tool until it succeeds or the attempts run out; every attempt lands in `spans`."""
    loop = asyncio.get_running_loop()
    error = ""
    for attempt in range(1, task.retries + 2):
        if bucket is not None:
            wait = bucket.reserve(loop.time()) - loop.time()
            if wait > 0:
                await asyncio.sleep(wait)
        start = now()
        scope = asyncio.timeout(task.timeout)
        try:
            async with scope:
                value = await tool(task, dict(inputs))
        except Exception as exc:
            # A TimeoutError the tool raised itself is the tool's error, not our timeout.
            error = "timeout" if scope.expired() else f"{type(exc).__name__}: {exc}"
        else:
            error = ""
        finally:
            spans.append((start, now()))
        tried = tuple(spans)
        if not error:
            return TaskResult(
                task.id,
                "succeeded",
                value=value,
                attempts=len(tried),
                start=tried[0][0],
                end=tried[-1][1],
                spans=tried,
            )
        if attempt <= task.retries:
            await asyncio.sleep(retry_delay(backoff, seed, task.id, attempt))
    tried = tuple(spans)
    return TaskResult(
        task.id,
        "failed",
        error=error,
        attempts=len(tried),
        start=tried[0][0],
        end=tried[-1][1],
        spans=tried,
    )


# --- Part 3 --------------------------------------------------------------------------------------


def retry_delay(backoff: Backoff, seed: int, task_id: str, attempt: int) -> float:
    """Seconds to wait after attempt number `attempt` (1-based) of `task_id` failed.

    min(cap, base * factor ** (attempt - 1)) * (1 + jitter * u), where u is the first
    `random.Random(f"{seed}:{task_id}:{attempt}").random()`: the same inputs give the same delay,
    whatever else the run is doing.
    """
    u = random.Random(f"{seed}:{task_id}:{attempt}").random()
    return min(backoff.cap, backoff.base * backoff.factor ** (attempt - 1)) * (
        1 + backoff.jitter * u
    )


# --- Part 4 --------------------------------------------------------------------------------------


def metrics(tasks: Sequence[Task], results: Mapping[str, TaskResult]) -> Metrics:
    """Makespan, critical path, peak concurrency and retries of a finished run.

    `results` has one TaskResult per task (what `execute` returned). Attempt spans are half-open
    [start, end): one ending at t and one starting at t never overlap. O((V + E) log V).
    """
    makespan = max((r.end for r in results.values() if r.end is not None), default=0.0)
    by_id = {task.id: task for task in tasks}
    finish: dict[str, float] = {}
    for tid in plan(tasks):
        result = results[tid]
        took = 0.0 if result.start is None or result.end is None else result.end - result.start
        finish[tid] = max((finish[d] for d in by_id[tid].deps), default=0.0) + took
    # Sweep the attempt boundaries; at equal times an end (-1) sorts before a start (+1).
    edges = sorted(
        (time, step)
        for result in results.values()
        for start, end in result.spans
        for time, step in ((start, 1), (end, -1))
    )
    in_flight = peak = 0
    for _, step in edges:
        in_flight += step
        peak = max(peak, in_flight)
    return Metrics(
        makespan=makespan,
        critical_path=max(finish.values(), default=0.0),
        max_concurrency=peak,
        retries={tid: r.attempts - 1 for tid, r in results.items() if r.attempts > 1},
    )


# --- Part 5 --------------------------------------------------------------------------------------


class TokenBucket:
    """A rate limit shared by every task of one tool: `burst` tokens, refilled at `rate` per
    second; each attempt takes one token."""

    def __init__(self, rate: float, burst: int) -> None:
        self.rate = rate
        self.burst = burst
        self._tokens = float(burst)  # may go negative: tokens already promised to waiting callers
        self._updated: float | None = None

    def reserve(self, now: float) -> float:
        """Take one token at loop time `now`; return the loop time at which the caller may start.

        That is `now` while tokens remain; otherwise callers queue up, each `1 / rate` seconds
        after the previous one. The bucket starts full and never holds more than `burst`.
        """
        if self._updated is not None:
            self._tokens = min(self.burst, self._tokens + (now - self._updated) * self.rate)
        self._updated = now
        self._tokens -= 1
        return now if self._tokens >= 0 else now - self._tokens / self.rate
