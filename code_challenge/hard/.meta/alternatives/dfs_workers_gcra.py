"""Alternative DAG executor: depth-first validation and one worker per task.

- plan: an iterative three-colour depth-first search names a cycle from its stack of grey nodes
  (no Kahn leftovers to walk); the order still comes from a heap of available ids.
- execute: a worker per task awaits its dependencies' outcome futures, then a slot from a
  priority pool that serves the best waiter first; the deadline is a timeout
  on waiting for all workers.
- metrics: merges sorted starts and ends instead of sweeping signed events.
- TokenBucket: the generic cell rate algorithm (a theoretical arrival time, no token count).
"""

from __future__ import annotations

import asyncio
import heapq
import math
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

WHITE, GREY, BLACK = 0, 1, 2


def plan(tasks: Sequence[Task]) -> list[str]:
    """Validate the tasks and return their ids in execution order.

    Alternative: an iterative depth-first search with three colours finds a cycle straight from
    its stack of grey nodes; the order then comes from a heap of available ids, as in Kahn's.
    """
    by_id: dict[str, Task] = {}
    for task in tasks:
        if task.id in by_id:
            raise PlanError("duplicate_id", (task.id,), f"task id {task.id!r} appears twice")
        by_id[task.id] = task
    for task in tasks:
        for dep in task.deps:
            if dep not in by_id:
                raise PlanError(
                    "unknown_dependency",
                    (task.id, dep),
                    f"task {task.id!r} depends on {dep!r}, which is not a task",
                )
    colour = dict.fromkeys(by_id, WHITE)
    for root in sorted(by_id):
        if colour[root] != WHITE:
            continue
        colour[root] = GREY
        path = [root]
        stack = [iter(by_id[root].deps)]
        while stack:
            step = next(stack[-1], None)
            if step is None:
                colour[path.pop()] = BLACK
                stack.pop()
            elif colour[step] == GREY:
                cycle = path[path.index(step) :]
                first = cycle.index(min(cycle))
                nodes = tuple(cycle[first:] + cycle[:first])
                raise PlanError("cycle", nodes, "cycle: " + " -> ".join((*nodes, nodes[0])))
            elif colour[step] == WHITE:
                colour[step] = GREY
                path.append(step)
                stack.append(iter(by_id[step].deps))
    children: dict[str, list[str]] = {tid: [] for tid in by_id}
    missing = {tid: len(task.deps) for tid, task in by_id.items()}
    for task in tasks:
        for dep in task.deps:
            children[dep].append(task.id)
    available = [tid for tid, n in missing.items() if n == 0]
    heapq.heapify(available)
    order = []
    while available:
        placed = heapq.heappop(available)
        order.append(placed)
        for child in children[placed]:
            missing[child] -= 1
            if missing[child] == 0:
                heapq.heappush(available, child)
    return order


# --- Part 2 (Part 3's retries, timeouts and deadline, Part 5's rate limits and priorities) --------


class _Slots:
    """`limit` slots handed out by priority. Requests made in the same turn of the event loop
    are pooled before any is served, so tasks that become ready together compete fairly."""

    def __init__(self, limit: int) -> None:
        self.free = limit
        self.waiting: list[tuple[int, str, asyncio.Future[None]]] = []
        self._dispatch_due = False

    async def acquire(self, priority: int, tid: str) -> None:
        handed: asyncio.Future[None] = asyncio.get_running_loop().create_future()
        heapq.heappush(self.waiting, (-priority, tid, handed))
        self._schedule()
        try:
            await handed
        except asyncio.CancelledError:
            if handed.done() and not handed.cancelled():
                self.release()  # the slot reached us just as we were cancelled: pass it on
            raise

    def release(self) -> None:
        self.free += 1
        self._schedule()

    def _schedule(self) -> None:
        if not self._dispatch_due:
            self._dispatch_due = True
            asyncio.get_running_loop().call_soon(self._dispatch)

    def _dispatch(self) -> None:
        self._dispatch_due = False
        while self.free and self.waiting:
            _, _, handed = heapq.heappop(self.waiting)
            if not handed.done():  # a cancelled waiter is skipped
                self.free -= 1
                handed.set_result(None)


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

    Alternative: one worker per task, created up front; a worker awaits its deps' outcomes
    (futures), then a slot from a priority pool, then runs its attempts.
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

    slots = _Slots(limit)
    outcome: dict[str, asyncio.Future[TaskResult]] = {tid: loop.create_future() for tid in order}
    spans: dict[str, list[Span]] = {}

    async def worker(task: Task) -> TaskResult:
        inputs = {}
        for dep in task.deps:
            settled = await outcome[dep]
            if settled.status != "succeeded":
                reason = f"dependency {dep!r} {settled.status}"
                return TaskResult(task.id, "skipped", error=reason, blocked_by=dep)
            inputs[dep] = settled.value
        await slots.acquire(task.priority, task.id)
        try:
            if deadline is not None and now() >= deadline:
                return TaskResult(task.id, "skipped", error="deadline")
            spans[task.id] = []
            return await _attempts(
                task,
                tools[task.tool],
                inputs,
                spans[task.id],
                now,
                backoff,
                seed,
                buckets.get(task.tool),
            )
        finally:
            slots.release()

    def publish(tid: str) -> Callable[[asyncio.Task[TaskResult]], None]:
        def done(job: asyncio.Task[TaskResult]) -> None:
            if not job.cancelled() and job.exception() is None:
                outcome[tid].set_result(job.result())

        return done

    workers: dict[str, asyncio.Task[TaskResult]] = {}
    for tid in order:
        workers[tid] = asyncio.create_task(worker(by_id[tid]))
        workers[tid].add_done_callback(publish(tid))
    try:
        if workers:
            await asyncio.wait(
                workers.values(),
                timeout=None if deadline is None else max(0.0, deadline - now()),
            )
    finally:
        pending = [job for job in workers.values() if not job.done()]
        for job in pending:
            job.cancel()
        if pending:
            await asyncio.wait(pending)
    results: dict[str, TaskResult] = {}
    for tid in order:
        job = workers[tid]
        if not job.cancelled():
            results[tid] = job.result()
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
        else:
            blocker = next((d for d in by_id[tid].deps if results[d].status != "succeeded"), None)
            reason = "deadline" if blocker is None else f"dependency {blocker!r} did not succeed"
            results[tid] = TaskResult(tid, "skipped", error=reason, blocked_by=blocker)
    return results


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

    Alternative: the critical path walks the results in plan order keeping, per task, the
    heaviest chain ending there; the peak comes from merging sorted starts with sorted ends.
    """
    by_id = {task.id: task for task in tasks}
    heaviest: dict[str, float] = {}
    for tid in plan(tasks):
        r = results[tid]
        weight = r.end - r.start if r.start is not None and r.end is not None else 0.0
        heaviest[tid] = weight + max((heaviest[d] for d in by_id[tid].deps), default=0.0)
    starts = sorted(s for r in results.values() for s, _ in r.spans)
    ends = sorted(e for r in results.values() for _, e in r.spans)
    peak = in_flight = ended = 0
    for start in starts:
        while ended < len(ends) and ends[ended] <= start:  # half-open: ending at t frees t
            ended += 1
            in_flight -= 1
        in_flight += 1
        peak = max(peak, in_flight)
    ends_at = [r.end for r in results.values() if r.end is not None]
    return Metrics(
        makespan=max(ends_at) if ends_at else 0.0,
        critical_path=max(heaviest.values()) if heaviest else 0.0,
        max_concurrency=peak,
        retries={tid: r.attempts - 1 for tid, r in results.items() if r.attempts > 1},
    )


# --- Part 5 --------------------------------------------------------------------------------------


class TokenBucket:
    """A rate limit shared by every task of one tool: `burst` tokens, refilled at `rate` per
    second; each attempt takes one token.

    Alternative: the generic cell rate algorithm. Instead of counting tokens it keeps the
    theoretical arrival time of the next caller; a caller may go up to (burst - 1) / rate early.
    """

    def __init__(self, rate: float, burst: int) -> None:
        self.rate = rate
        self.burst = burst
        self._next = -math.inf

    def reserve(self, now: float) -> float:
        """Take one token at loop time `now`; return the loop time at which the caller may start."""
        interval = 1 / self.rate
        start = max(now, self._next - (self.burst - 1) * interval)
        self._next = max(self._next, now) + interval
        return start
