"""Correct: dataclasses; a single scheduler loop fed by a completion queue; wait_for + tagged tool errors.

verdict: accept
how: main loop pops completions from an asyncio.Queue under asyncio.timeout_at(deadline)
differs on: n/a
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
import heapq
import random
from collections import deque
from dataclasses import dataclass as _dataclass, field as _field


# --- Part 1 --------------------------------------------------------------------------------------


@_dataclass
class _Graph:
    ids: list[str]
    deps: dict[str, tuple[str, ...]]
    dependents: dict[str, list[str]]

    @classmethod
    def build(cls, tasks: Sequence[Task]) -> "_Graph":
        ids = [t.id for t in tasks]
        deps = {t.id: tuple(t.deps) for t in tasks}
        dependents: dict[str, list[str]] = {i: [] for i in ids}
        for t in tasks:
            for d in t.deps:
                dependents[d].append(t.id)
        return cls(ids, deps, dependents)

    def find_cycle(self) -> tuple[str, ...] | None:
        """Iterative three-colour DFS along deps, roots in input order."""
        state: dict[str, int] = {}
        for root in self.ids:
            if root in state:
                continue
            stack: list[tuple[str, int]] = [(root, 0)]
            on_path: list[str] = [root]
            state[root] = 1
            while stack:
                node, k = stack[-1]
                ds = self.deps[node]
                if k == len(ds):
                    stack.pop()
                    on_path.pop()
                    state[node] = 2
                    continue
                stack[-1] = (node, k + 1)
                nxt = ds[k]
                s = state.get(nxt, 0)
                if s == 1:
                    cyc = on_path[on_path.index(nxt):]
                    m = cyc.index(min(cyc))
                    return tuple(cyc[m:] + cyc[:m])
                if s == 0:
                    state[nxt] = 1
                    stack.append((nxt, 0))
                    on_path.append(nxt)
        return None

    def order(self) -> list[str]:
        indeg = {i: len(self.deps[i]) for i in self.ids}
        heap = sorted(i for i in self.ids if indeg[i] == 0)
        out: list[str] = []
        while heap:
            i = heapq.heappop(heap)
            out.append(i)
            for c in self.dependents[i]:
                indeg[c] -= 1
                if indeg[c] == 0:
                    heapq.heappush(heap, c)
        return out


def plan(tasks: Sequence[Task]) -> list[str]:
    """Validate the tasks and return their ids in execution order."""
    seen: set[str] = set()
    for t in tasks:
        if t.id in seen:
            raise PlanError("duplicate_id", (t.id,), f"task id {t.id} is used more than once")
        seen.add(t.id)
    for t in tasks:
        for d in t.deps:
            if d not in seen:
                raise PlanError("unknown_dependency", (t.id, d), f"{t.id} depends on {d}, which does not exist")
    g = _Graph.build(tasks)
    cyc = g.find_cycle()
    if cyc is not None:
        raise PlanError("cycle", cyc, "cycle: " + " -> ".join(cyc) + " -> " + cyc[0])
    return g.order()


# --- Part 2 (Part 3's retries, timeouts and deadline, Part 5's rate limits and priorities) --------


class _ToolRaised(Exception):
    def __init__(self, exc: Exception) -> None:
        super().__init__()
        self.exc = exc


async def _guard(aw: Awaitable[Any]) -> Any:
    try:
        return await aw
    except Exception as exc:  # tag the tool's own exceptions, TimeoutError included
        raise _ToolRaised(exc) from exc


@_dataclass
class _Run:
    task: Task
    waiting: int
    attempts: int = 0
    start: float | None = None
    call_start: float | None = None
    spans: list[Span] = _field(default_factory=list)
    result: TaskResult | None = None


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
    """Run every task once its deps have succeeded, at most `limit` at a time."""
    order = plan(tasks)
    if not limit >= 1:
        raise ValueError(f"limit < 1: {limit}")
    loop = asyncio.get_running_loop()
    t0 = loop.time()
    stop_at = None if deadline is None else t0 + deadline
    runs = {t.id: _Run(t, len(t.deps)) for t in tasks}
    dependents: dict[str, list[str]] = {i: [] for i in order}
    for t in tasks:
        for d in t.deps:
            dependents[d].append(t.id)
    buckets = rate_limits or {}
    ready: list[tuple[int, str]] = [(-runs[i].task.priority, i) for i in order if runs[i].waiting == 0]
    heapq.heapify(ready)
    active: dict[str, asyncio.Task] = {}
    done_q: asyncio.Queue[tuple[str, TaskResult]] = asyncio.Queue()
    unsettled = len(order)

    def rel() -> float:
        return loop.time() - t0

    async def attempts(run: _Run, inputs: dict[str, Any]) -> TaskResult:
        task = run.task
        bucket = buckets.get(task.tool)
        while True:
            if bucket is not None:
                at = bucket.reserve(loop.time())
                if at > loop.time():
                    await asyncio.sleep(at - loop.time())
            if stop_at is not None and loop.time() >= stop_at:
                await loop.create_future()  # the deadline is cancelling us
            run.attempts += 1
            s = rel()
            run.call_start = s
            if run.start is None:
                run.start = s
            error = None
            try:
                value = await asyncio.wait_for(_guard(tools[task.tool](task, dict(inputs))), task.timeout)
            except _ToolRaised as tr:
                error = f"{type(tr.exc).__name__}: {tr.exc}"
            except TimeoutError:
                error = "timeout"
            e = rel()
            run.spans.append((s, e))
            run.call_start = None
            if error is None:
                return TaskResult(task.id, "succeeded", value=value, attempts=run.attempts,
                                  start=run.start, end=e, spans=tuple(run.spans))
            if run.attempts >= 1 + task.retries:
                return TaskResult(task.id, "failed", error=error, attempts=run.attempts,
                                  start=run.start, end=e, spans=tuple(run.spans))
            await asyncio.sleep(retry_delay(backoff, seed, task.id, run.attempts))

    async def worker(run: _Run, inputs: dict[str, Any]) -> None:
        res = await attempts(run, inputs)
        done_q.put_nowait((run.task.id, res))

    def start_ready() -> None:
        if stop_at is not None and loop.time() >= stop_at:
            return
        while ready and len(active) < limit:
            _, tid = heapq.heappop(ready)
            run = runs[tid]
            inputs = {d: runs[d].result.value for d in run.task.deps}  # type: ignore[union-attr]
            active[tid] = asyncio.ensure_future(worker(run, inputs))

    def settle(tid: str, res: TaskResult) -> int:
        runs[tid].result = res
        settled = 1
        if res.status == "succeeded":
            for c in dependents[tid]:
                runs[c].waiting -= 1
                if runs[c].waiting == 0:
                    heapq.heappush(ready, (-runs[c].task.priority, c))
            return settled
        q = deque([tid])
        while q:
            u = q.popleft()
            for c in dependents[u]:
                if runs[c].result is None:
                    runs[c].result = TaskResult(c, "skipped", blocked_by=u)
                    settled += 1
                    q.append(c)
        return settled

    async def reap() -> None:
        left = list(active.values())
        for a in left:
            a.cancel()
        if left:
            await asyncio.gather(*left, return_exceptions=True)

    timed_out = False
    try:
        async with asyncio.timeout_at(stop_at):
            start_ready()
            while unsettled:
                tid, res = await done_q.get()
                await active.pop(tid)
                unsettled -= settle(tid, res)
                start_ready()
    except TimeoutError:
        timed_out = True
    except asyncio.CancelledError:
        await reap()
        raise
    if timed_out:
        snapshot = dict(active)
        await reap()
        while not done_q.empty():  # finished at the very instant of the deadline
            tid, res = done_q.get_nowait()
            snapshot.pop(tid, None)
            settle(tid, res)
        dl = float(deadline)  # type: ignore[arg-type]
        for tid in snapshot:
            run = runs[tid]
            if run.result is not None or run.attempts == 0:
                continue
            spans = run.spans + ([(run.call_start, dl)] if run.call_start is not None else [])
            run.result = TaskResult(tid, "cancelled", error="deadline", attempts=run.attempts,
                                    start=run.start, end=dl, spans=tuple(spans))
        for tid in order:
            run = runs[tid]
            if run.result is None:
                blocker = None
                for d in run.task.deps:
                    if runs[d].result.status != "succeeded":  # type: ignore[union-attr]
                        blocker = d
                        break
                run.result = TaskResult(tid, "skipped", blocked_by=blocker)
    return {tid: runs[tid].result for tid in order}  # type: ignore[misc]


# --- Part 3 --------------------------------------------------------------------------------------


def retry_delay(backoff: Backoff, seed: int, task_id: str, attempt: int) -> float:
    """Seconds to wait after attempt number `attempt` (1-based) of `task_id` failed."""
    u = random.Random(f"{seed}:{task_id}:{attempt}").random()
    step = backoff.base * (backoff.factor ** (attempt - 1))
    if step > backoff.cap:
        step = backoff.cap
    return step * (1.0 + backoff.jitter * u)


# --- Part 4 --------------------------------------------------------------------------------------


@_dataclass(order=True)
class _Edge:
    time: float
    kind: int  # 0: a call ends, 1: a call starts (ends first at equal times: half-open)


def metrics(tasks: Sequence[Task], results: Mapping[str, TaskResult]) -> Metrics:
    """Makespan, critical path, peak concurrency and retries of a finished run."""
    makespan = 0.0
    for r in results.values():
        if r.end is not None and r.end > makespan:
            makespan = r.end
    deps = {t.id: t.deps for t in tasks}
    heaviest: dict[str, float] = {}
    for tid in plan(tasks):
        r = results[tid]
        own = r.end - r.start if (r.start is not None and r.end is not None) else 0.0
        before = 0.0
        for d in deps[tid]:
            before = max(before, heaviest[d])
        heaviest[tid] = before + own
    critical = max(heaviest.values()) if heaviest else 0.0
    edges = sorted(_Edge(t, k) for r in results.values() for s, e in r.spans for t, k in ((s, 1), (e, 0)))
    live = peak = 0
    for ed in edges:
        live += 1 if ed.kind == 1 else -1
        if live > peak:
            peak = live
    retries = {}
    for tid, r in results.items():
        if r.attempts > 1:
            retries[tid] = r.attempts - 1
    return Metrics(makespan=float(makespan), critical_path=float(critical), max_concurrency=peak,
                   retries=retries)


# --- Part 5 --------------------------------------------------------------------------------------


class TokenBucket:
    """A rate limit shared by every task of one tool: `burst` tokens, refilled at `rate` per
    second; each attempt takes one token."""

    def __init__(self, rate: float, burst: int) -> None:
        self.rate = rate
        self.burst = burst
        self.tokens = float(burst)
        self.stamp: float | None = None

    def reserve(self, now: float) -> float:
        if self.stamp is None:
            self.stamp = now
        elif now > self.stamp:
            self.tokens = min(self.burst, self.tokens + (now - self.stamp) * self.rate)
            self.stamp = now
        have = self.tokens
        self.tokens = have - 1
        if have >= 1:
            return now
        return now + (1 - have) / self.rate
