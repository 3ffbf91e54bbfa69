"""Bug: a call ending at t and one starting at t are counted as overlapping.

verdict: reject part 4
rule: "Spans are half-open, `[start, end)`: a call ending at t and one starting at t do not overlap, and the wait between two attempts is not in flight;"
how: sorted events with starts before ends at equal times
differs on: spans (0,1), (1,2), (2,3): max_concurrency 2 (correct: 1)
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



import asyncio
import functools
import heapq
import random


# --- Part 1 --------------------------------------------------------------------------------------


def _find_cycle(deps_of: dict[str, tuple[str, ...]], candidates: list[str]) -> tuple[str, ...]:
    """Iterative DFS along deps; returns a cycle (each depends on the next), smallest id first."""
    WHITE, GRAY, BLACK = 0, 1, 2
    color = {n: WHITE for n in deps_of}
    for root in candidates:
        if color[root] != WHITE:
            continue
        path: list[str] = [root]
        pos = {root: 0}
        iters = [iter(deps_of[root])]
        color[root] = GRAY
        while path:
            nxt = next(iters[-1], None)
            if nxt is None:
                done = path.pop()
                iters.pop()
                del pos[done]
                color[done] = BLACK
                continue
            if color[nxt] == GRAY:
                cyc = path[pos[nxt]:]
                k = cyc.index(min(cyc))
                return tuple(cyc[k:] + cyc[:k])
            if color[nxt] == WHITE:
                color[nxt] = GRAY
                pos[nxt] = len(path)
                path.append(nxt)
                iters.append(iter(deps_of[nxt]))
    raise AssertionError("no cycle found")  # pragma: no cover


def plan(tasks: Sequence[Task]) -> list[str]:
    """Validate the tasks and return their ids in execution order.

    The order is topological (every task after all its deps); among the tasks whose deps are all
    placed, the smallest id comes next. Raises PlanError for, checked in this order: a repeated id,
    a dependency on an id that is not a task, a cycle (nodes in dependency order, starting at the
    cycle's smallest id). O((V + E) log V).
    """
    seen: set[str] = set()
    for t in tasks:
        if t.id in seen:
            raise PlanError("duplicate_id", (t.id,), f"duplicate task id: {t.id!r}")
        seen.add(t.id)
    for t in tasks:
        for d in t.deps:
            if d not in seen:
                raise PlanError(
                    "unknown_dependency", (t.id, d), f"task {t.id!r} depends on unknown task {d!r}"
                )
    dependents: dict[str, list[str]] = {t.id: [] for t in tasks}
    indeg: dict[str, int] = {}
    for t in tasks:
        indeg[t.id] = len(t.deps)
        for d in t.deps:
            dependents[d].append(t.id)
    heap = [i for i, n in indeg.items() if n == 0]
    heapq.heapify(heap)
    order: list[str] = []
    while heap:
        i = heapq.heappop(heap)
        order.append(i)
        for c in dependents[i]:
            indeg[c] -= 1
            if indeg[c] == 0:
                heapq.heappush(heap, c)
    if len(order) < len(indeg):
        placed = set(order)
        deps_of = {t.id: tuple(d for d in t.deps if d not in placed) for t in tasks if t.id not in placed}
        cyc = _find_cycle(deps_of, sorted(deps_of))
        raise PlanError("cycle", cyc, "cycle: " + " -> ".join(cyc + (cyc[0],)))
    return order


# --- Part 2 (Part 3's retries, timeouts and deadline, Part 5's rate limits and priorities) --------


class _State:
    __slots__ = ("attempts", "start", "call_start", "spans")

    def __init__(self) -> None:
        self.attempts = 0
        self.start: float | None = None
        self.call_start: float | None = None
        self.spans: list[Span] = []


async def _sleep_until(loop: asyncio.AbstractEventLoop, when: float) -> None:
    if when <= loop.time():
        return
    fut = loop.create_future()
    handle = loop.call_at(when, lambda: fut.done() or fut.set_result(None))
    try:
        await fut
    finally:
        handle.cancel()


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
    order = plan(tasks)
    if limit < 1:
        raise ValueError(f"limit must be at least 1, got {limit!r}")
    loop = asyncio.get_running_loop()
    t0 = loop.time()
    buckets = rate_limits or {}
    by_id = {t.id: t for t in tasks}
    dependents: dict[str, list[str]] = {i: [] for i in order}
    waiting: dict[str, int] = {}
    for t in tasks:
        waiting[t.id] = len(t.deps)
        for d in t.deps:
            dependents[d].append(t.id)
    results: dict[str, TaskResult] = {}
    values: dict[str, Any] = {}
    ready: list[tuple[int, str]] = []
    running: dict[str, tuple[asyncio.Task, _State]] = {}
    all_done = loop.create_future()
    stop = {"flag": False}
    n = len(order)

    async def worker(task: Task, inputs: dict[str, Any], st: _State) -> TaskResult:
        tool = tools[task.tool]
        bucket = buckets.get(task.tool)
        attempt = 0
        while True:
            if bucket is not None:
                await _sleep_until(loop, bucket.reserve(loop.time()))
            attempt += 1
            st.attempts = attempt
            s = loop.time() - t0
            st.call_start = s
            if st.start is None:
                st.start = s
            err: str | None = None
            value: Any = None
            cm = None
            try:
                if task.timeout is None:
                    value = await tool(task, dict(inputs))
                else:
                    cm = asyncio.timeout(task.timeout)
                    async with cm:
                        value = await tool(task, dict(inputs))
            except Exception as exc:
                if cm is not None and cm.expired():
                    err = "timeout"
                else:
                    err = f"{type(exc).__name__}: {exc}"
            e = loop.time() - t0
            st.spans.append((s, e))
            st.call_start = None
            if err is None:
                return TaskResult(task.id, "succeeded", value=value, attempts=attempt,
                                  start=st.start, end=e, spans=tuple(st.spans))
            if attempt > task.retries:
                return TaskResult(task.id, "failed", error=err, attempts=attempt,
                                  start=st.start, end=e, spans=tuple(st.spans))
            await asyncio.sleep(retry_delay(backoff, seed, task.id, attempt))

    def skip_from(root: str) -> None:
        stack = [root]
        while stack:
            u = stack.pop()
            for c in dependents[u]:
                if c not in results:
                    results[c] = TaskResult(c, "skipped", error=f"blocked by {u}", blocked_by=u)
                    stack.append(c)

    def fill() -> None:
        if stop["flag"]:
            return
        if deadline is not None and loop.time() - t0 >= deadline:
            return
        while ready and len(running) < limit:
            _, tid = heapq.heappop(ready)
            task = by_id[tid]
            st = _State()
            inputs = {d: values[d] for d in task.deps}
            at = loop.create_task(worker(task, inputs, st))
            running[tid] = (at, st)
            at.add_done_callback(functools.partial(on_done, tid))

    def finish_check() -> None:
        if len(results) == n and not all_done.done():
            all_done.set_result(None)

    def on_done(tid: str, fut: asyncio.Task) -> None:
        running.pop(tid, None)
        if fut.cancelled():
            return
        res = fut.result()
        results[tid] = res
        if res.status == "succeeded":
            values[tid] = res.value
            for c in dependents[tid]:
                waiting[c] -= 1
                if waiting[c] == 0:
                    heapq.heappush(ready, (-by_id[c].priority, c))
        else:
            skip_from(tid)
        fill()
        finish_check()

    if n == 0:
        return {}
    for tid in order:
        if waiting[tid] == 0:
            heapq.heappush(ready, (-by_id[tid].priority, tid))
    fill()

    async def cancel_all() -> dict[str, _State]:
        stop["flag"] = True
        snapshot = {tid: st for tid, (at, st) in running.items()}
        pending = [at for at, _ in running.values()]
        for at in pending:
            at.cancel()
        if pending:
            await asyncio.gather(*pending, return_exceptions=True)
        return snapshot

    timer = None
    waiters = {all_done}
    if deadline is not None:
        stop_fut = loop.create_future()
        timer = loop.call_at(t0 + deadline, lambda: stop_fut.done() or stop_fut.set_result(None))
        waiters.add(stop_fut)
    try:
        await asyncio.wait(waiters, return_when=asyncio.FIRST_COMPLETED)
    except asyncio.CancelledError:
        await cancel_all()
        raise
    finally:
        if timer is not None:
            timer.cancel()

    if not all_done.done():
        states = await cancel_all()
        dl = float(deadline)
        for tid, st in states.items():
            if tid in results or st.attempts == 0:
                continue
            spans = list(st.spans)
            if st.call_start is not None:
                spans.append((st.call_start, dl))
            results[tid] = TaskResult(tid, "cancelled", error="deadline", attempts=st.attempts,
                                      start=st.start, end=dl, spans=tuple(spans))
        for tid in order:
            if tid not in results:
                blocker = next(
                    (d for d in by_id[tid].deps if results[d].status != "succeeded"), None
                )
                results[tid] = TaskResult(tid, "skipped", error="deadline", blocked_by=blocker)
    return {tid: results[tid] for tid in order}


# --- Part 3 --------------------------------------------------------------------------------------


def retry_delay(backoff: Backoff, seed: int, task_id: str, attempt: int) -> float:
    """Seconds to wait after attempt number `attempt` (1-based) of `task_id` failed.

    min(cap, base * factor ** (attempt - 1)) * (1 + jitter * u), where u is the first
    `random.Random(f"{seed}:{task_id}:{attempt}").random()`: the same inputs give the same delay,
    whatever else the run is doing.
    """
    u = random.Random(f"{seed}:{task_id}:{attempt}").random()
    return min(backoff.cap, backoff.base * backoff.factor ** (attempt - 1)) * (1 + backoff.jitter * u)


# --- Part 4 --------------------------------------------------------------------------------------


def metrics(tasks: Sequence[Task], results: Mapping[str, TaskResult]) -> Metrics:
    """Makespan, critical path, peak concurrency and retries of a finished run.

    `results` has one TaskResult per task (what `execute` returned). Attempt spans are half-open
    [start, end): one ending at t and one starting at t never overlap. O((V + E) log V).
    """
    makespan = max((r.end for r in results.values() if r.end is not None), default=0.0)
    by_id = {t.id: t for t in tasks}
    longest: dict[str, float] = {}
    for tid in plan(tasks):
        r = results.get(tid)
        w = (r.end - r.start) if r is not None and r.start is not None and r.end is not None else 0.0
        longest[tid] = w + max((longest[d] for d in by_id[tid].deps), default=0.0)
    critical = max(longest.values(), default=0.0)
    events: list[tuple[float, int]] = []
    for r in results.values():
        for s, e in r.spans:
            events.append((s, 1))
            events.append((e, -1))
    events.sort(key=lambda ev: (ev[0], -ev[1]))
    cur = best = 0
    for _, d in events:
        cur += d
        best = max(best, cur)
    retries = {tid: r.attempts - 1 for tid, r in results.items() if r.attempts > 1}
    return Metrics(makespan=float(makespan), critical_path=float(critical), max_concurrency=best,
                   retries=retries)


# --- Part 5 --------------------------------------------------------------------------------------


class TokenBucket:
    """A rate limit shared by every task of one tool: `burst` tokens, refilled at `rate` per
    second; each attempt takes one token."""

    def __init__(self, rate: float, burst: int) -> None:
        self.rate = rate
        self.burst = burst
        self._tokens = float(burst)
        self._last: float | None = None

    def reserve(self, now: float) -> float:
        """Take one token at loop time `now`; return the loop time at which the caller may start.

        That is `now` while tokens remain; otherwise callers queue up, each `1 / rate` seconds
        after the previous one. The bucket starts full and never holds more than `burst`.
        """
        if self._last is not None and now > self._last:
            self._tokens = min(float(self.burst), self._tokens + (now - self._last) * self.rate)
        if self._last is None or now > self._last:
            self._last = now
        self._tokens -= 1.0
        if self._tokens >= 0:
            return now
        return now + (-self._tokens) / self.rate
