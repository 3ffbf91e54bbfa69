"""Mutant: the concurrency sweep handles starts before ends at the same instant.

An attempt that starts exactly when another ends is counted as overlapping it, so back-to-back
calls under limit 1 report a concurrency of 2.

Caught by: Part 4
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

    Returns a TaskResult per task, keyed by id in plan order. A task receives {dep id: value} of
    its deps; a task that fails (after its retries) gets its dependents skipped, while independent
    branches keep running. `deadline` (seconds after the start) cancels whatever is still running
    and starts nothing more; no task of the run is left behind when this returns. Raises PlanError
    for an invalid plan and ValueError for limit < 1, before calling any tool.
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

    children: dict[str, list[str]] = {tid: [] for tid in order}
    missing = {task.id: len(task.deps) for task in tasks}
    for task in tasks:
        for dep in task.deps:
            children[dep].append(task.id)
    ready = [(-task.priority, task.id) for task in tasks if not task.deps]
    heapq.heapify(ready)
    results: dict[str, TaskResult] = {}
    spans: dict[str, list[Span]] = {}
    running: dict[asyncio.Task[TaskResult], str] = {}
    finished: asyncio.Queue[asyncio.Task[TaskResult]] = asyncio.Queue()

    def settle(result: TaskResult) -> None:
        results[result.id] = result
        if result.status == "succeeded":
            for child in children[result.id]:
                missing[child] -= 1
                if missing[child] == 0:
                    heapq.heappush(ready, (-by_id[child].priority, child))
            return
        stack = [result.id]  # skip everything downstream, each naming the dep that blocked it
        while stack:
            parent = stack.pop()
            for child in children[parent]:
                if child not in results:
                    reason = f"dependency {parent!r} {results[parent].status}"
                    results[child] = TaskResult(child, "skipped", error=reason, blocked_by=parent)
                    stack.append(child)

    # The key idea: one loop owns all scheduling state; tool calls run as child tasks that report
    # back through a queue, so a slot is freed exactly once, when its task has settled.
    try:
        async with asyncio.timeout_at(None if deadline is None else started_at + deadline):
            while ready or running:
                while ready and len(running) < limit and (deadline is None or now() < deadline):
                    _, tid = heapq.heappop(ready)
                    task = by_id[tid]
                    inputs = {dep: results[dep].value for dep in task.deps}
                    spans[tid] = []
                    job = asyncio.create_task(
                        _attempts(
                            task,
                            tools[task.tool],
                            inputs,
                            spans[tid],
                            now,
                            backoff,
                            seed,
                            buckets.get(task.tool),
                        )
                    )
                    job.add_done_callback(finished.put_nowait)
                    running[job] = tid
                job = await finished.get()
                del running[job]
                settle(job.result())
    except TimeoutError:
        pass  # the deadline: what is still running is cancelled below
    finally:
        # Runs on the deadline and when our caller cancels us: cancel the children and wait for
        # them, so none outlives this call.
        for job in running:
            job.cancel()
        if running:
            await asyncio.wait(running)
        for job, tid in running.items():
            if job.cancelled():
                tried = tuple(spans[tid])
                if tried:
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
                settle(job.result())  # it finished just as the deadline came
    for tid in order:  # whatever never started: skipped
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
        (time, kind)
        for result in results.values()
        for start, end in result.spans
        for time, kind in ((start, "start"), (end, "stop"))
    )
    in_flight = peak = 0
    for _, kind in edges:
        in_flight += 1 if kind == "start" else -1
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
