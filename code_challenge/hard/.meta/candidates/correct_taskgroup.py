"""Correct: functional style (next/reduce/accumulate); TaskGroup under asyncio.timeout_at; workers schedule successors themselves.

verdict: accept
how: each worker settles itself and starts the next ready tasks into the TaskGroup before returning
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
import itertools
import random
from functools import reduce
from types import SimpleNamespace


# --- Part 1 --------------------------------------------------------------------------------------


def _first_repeat(ids: Sequence[str]) -> str | None:
    seen: set[str] = set()
    return next((i for i in ids if i in seen or seen.add(i)), None)  # type: ignore[func-returns-value]


def plan(tasks: Sequence[Task]) -> list[str]:
    """Validate the tasks and return their ids in execution order."""
    dup = _first_repeat([t.id for t in tasks])
    if dup is not None:
        raise PlanError("duplicate_id", (dup,), f"id {dup!r} appears more than once")
    known = {t.id for t in tasks}
    missing = next(((t.id, d) for t in tasks for d in t.deps if d not in known), None)
    if missing is not None:
        raise PlanError("unknown_dependency", missing, "{} -> {}: no such task".format(*missing))
    deps = {t.id: t.deps for t in tasks}
    kids: dict[str, list[str]] = {t.id: [] for t in tasks}
    for t in tasks:
        for d in t.deps:
            kids[d].append(t.id)
    need = {i: len(ds) for i, ds in deps.items()}
    heap = sorted(i for i, n in need.items() if n == 0)
    out: list[str] = []
    while heap:
        i = heapq.heappop(heap)
        out.append(i)
        for k in kids[i]:
            need[k] -= 1
            if need[k] == 0:
                heapq.heappush(heap, k)
    if len(out) == len(deps):
        return out
    left = {i for i, n in need.items() if n}
    path: list[str] = []
    pos: dict[str, int] = {}
    node = min(left)
    while node not in pos:
        pos[node] = len(path)
        path.append(node)
        node = min(d for d in deps[node] if d in left)  # follow the smallest unplaced dep
    ring = path[pos[node]:]
    k = ring.index(min(ring))
    cyc = tuple(itertools.chain(ring[k:], ring[:k]))
    raise PlanError("cycle", cyc, "cycle: " + " -> ".join(itertools.chain(cyc, cyc[:1])))


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
    """Run every task once its deps have succeeded, at most `limit` at a time."""
    order = plan(tasks)
    if limit < 1:
        raise ValueError("limit must be a positive number of slots")
    loop = asyncio.get_running_loop()
    t0 = loop.time()
    stop_at = None if deadline is None else t0 + deadline
    by_id = {t.id: t for t in tasks}
    kids: dict[str, list[str]] = {i: [] for i in order}
    for t in tasks:
        for d in t.deps:
            kids[d].append(t.id)
    need = {t.id: len(t.deps) for t in tasks}
    final: dict[str, TaskResult] = {}
    running: dict[str, SimpleNamespace] = {}
    ready = [(-by_id[i].priority, i) for i in order if need[i] == 0]
    heapq.heapify(ready)
    buckets = rate_limits or {}
    group: list[asyncio.TaskGroup] = []

    def past_deadline() -> bool:
        return stop_at is not None and loop.time() >= stop_at

    def launch() -> None:
        if past_deadline():
            return
        while ready and len(running) < limit:
            _, tid = heapq.heappop(ready)
            st = SimpleNamespace(attempts=0, start=None, call_start=None, spans=[])
            task = by_id[tid]
            inputs = {d: final[d].value for d in task.deps}
            running[tid] = st
            try:
                group[0].create_task(work(task, st, inputs))
            except RuntimeError:  # the group is shutting down (the deadline)
                running.pop(tid)
                return

    def skip_below(root: str) -> None:
        todo = [root]
        while todo:
            u = todo.pop()
            for k in kids[u]:
                if k not in final:
                    final[k] = TaskResult(k, "skipped", error=f"skipped: {u} did not succeed", blocked_by=u)
                    todo.append(k)

    def settle(res: TaskResult) -> None:
        running.pop(res.id, None)
        final[res.id] = res
        if res.status == "succeeded":
            for k in kids[res.id]:
                need[k] -= 1
                if not need[k]:
                    heapq.heappush(ready, (-by_id[k].priority, k))
        else:
            skip_below(res.id)
        launch()

    async def one_call(task: Task, inputs: dict[str, Any]) -> tuple[str | None, Any]:
        try:
            if task.timeout is None:
                return None, await tools[task.tool](task, dict(inputs))
            cm = asyncio.timeout(task.timeout)
            try:
                async with cm:
                    return None, await tools[task.tool](task, dict(inputs))
            except TimeoutError as exc:
                if cm.expired():
                    return "timeout", None
                raise exc
        except Exception as exc:
            return f"{type(exc).__name__}: {exc}", None

    async def work(task: Task, st: SimpleNamespace, inputs: dict[str, Any]) -> None:
        bucket = buckets.get(task.tool)
        for attempt in itertools.count(1):
            if bucket is not None:
                when = bucket.reserve(loop.time())
                if when > loop.time():
                    await asyncio.sleep(when - loop.time())
            if past_deadline():
                await loop.create_future()
            st.attempts = attempt
            st.call_start = loop.time() - t0
            st.start = st.call_start if st.start is None else st.start
            err, value = await one_call(task, inputs)
            end = loop.time() - t0
            st.spans.append((st.call_start, end))
            st.call_start = None
            if err is None or attempt > task.retries:
                status = "succeeded" if err is None else "failed"
                settle(TaskResult(task.id, status, value=value, error=err or "", attempts=attempt,
                                  start=st.start, end=end, spans=tuple(st.spans)))
                return
            await asyncio.sleep(retry_delay(backoff, seed, task.id, attempt))

    hit_deadline = False
    if stop_at is not None and deadline <= 0:
        hit_deadline = True
    else:
        try:
            async with asyncio.timeout_at(stop_at):
                async with asyncio.TaskGroup() as tg:
                    group.append(tg)
                    launch()
        except TimeoutError:
            hit_deadline = True
    if hit_deadline:
        dl = float(deadline)  # type: ignore[arg-type]
        for tid, st in list(running.items()):
            if tid in final or st.attempts == 0:
                continue
            spans = [*st.spans, *([(st.call_start, dl)] if st.call_start is not None else [])]
            final[tid] = TaskResult(tid, "cancelled", error="deadline", attempts=st.attempts,
                                    start=st.start, end=dl, spans=tuple(spans))
        for tid in order:
            if tid not in final:
                bad = [d for d in by_id[tid].deps if final[d].status != "succeeded"]
                final[tid] = TaskResult(tid, "skipped", error="deadline", blocked_by=(bad or [None])[0])
    return {tid: final[tid] for tid in order}


# --- Part 3 --------------------------------------------------------------------------------------


def retry_delay(backoff: Backoff, seed: int, task_id: str, attempt: int) -> float:
    """Seconds to wait after attempt number `attempt` (1-based) of `task_id` failed."""
    b = backoff
    return min(b.cap, b.base * b.factor ** (attempt - 1)) * (
        1 + b.jitter * random.Random(f"{seed}:{task_id}:{attempt}").random()
    )


# --- Part 4 --------------------------------------------------------------------------------------


def metrics(tasks: Sequence[Task], results: Mapping[str, TaskResult]) -> Metrics:
    """Makespan, critical path, peak concurrency and retries of a finished run."""
    rs = list(results.values())
    makespan = max((r.end for r in rs if r.end is not None), default=0.0)
    deps = {t.id: t.deps for t in tasks}

    def weight(r: TaskResult) -> float:
        return 0.0 if r.start is None or r.end is None else r.end - r.start

    def step(acc: dict[str, float], tid: str) -> dict[str, float]:
        acc[tid] = weight(results[tid]) + max(map(acc.__getitem__, deps[tid]), default=0.0)
        return acc

    chains = reduce(step, plan(tasks), {})
    events = sorted(itertools.chain.from_iterable(((s, 1), (e, -1)) for r in rs for s, e in r.spans))
    peak = max(itertools.accumulate(d for _, d in events), default=0)
    return Metrics(
        makespan=float(makespan),
        critical_path=float(max(chains.values(), default=0.0)),
        max_concurrency=max(int(peak), 0),
        retries={r.id: r.attempts - 1 for r in rs if r.attempts > 1},
    )


# --- Part 5 --------------------------------------------------------------------------------------


class TokenBucket:
    """A rate limit shared by every task of one tool: `burst` tokens, refilled at `rate` per
    second; each attempt takes one token."""

    def __init__(self, rate: float, burst: int) -> None:
        self.rate = rate
        self.burst = burst
        self._level = float(burst)  # tokens; negative while callers queue
        self._at = float("-inf")

    def reserve(self, now: float) -> float:
        if now > self._at:
            if self._at != float("-inf"):
                self._level = min(float(self.burst), self._level + (now - self._at) * self.rate)
            self._at = now
        self._level -= 1.0
        return now if self._level >= 0 else now - self._level / self.rate
