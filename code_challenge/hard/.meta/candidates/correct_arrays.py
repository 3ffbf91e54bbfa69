"""Correct: index/array-based planner and scheduler, numpy sweeps for metrics, manual call_later timeouts.

verdict: accept
how: integer indices everywhere; timeouts cancel the worker task and uncancel; deadline via wait_for on an Event
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
import math
import random

import numpy as np


# --- Part 1 --------------------------------------------------------------------------------------


def plan(tasks: Sequence[Task]) -> list[str]:
    """Validate the tasks and return their ids in execution order (index-based arrays)."""
    n = len(tasks)
    idx: dict[str, int] = {}
    for k, t in enumerate(tasks):
        if t.id in idx:
            raise PlanError("duplicate_id", (t.id,), "duplicate id " + t.id)
        idx[t.id] = k
    dep_idx: list[list[int]] = []
    for t in tasks:
        row = []
        for d in t.deps:
            j = idx.get(d)
            if j is None:
                raise PlanError("unknown_dependency", (t.id, d), f"unknown dependency {d} of {t.id}")
            row.append(j)
        dep_idx.append(row)
    out_edges: list[list[int]] = [[] for _ in range(n)]
    indeg = [0] * n
    for k, row in enumerate(dep_idx):
        indeg[k] = len(row)
        for j in row:
            out_edges[j].append(k)
    ids = [t.id for t in tasks]
    heap = [(ids[k], k) for k in range(n) if indeg[k] == 0]
    heapq.heapify(heap)
    order: list[str] = []
    while heap:
        tid, k = heapq.heappop(heap)
        order.append(tid)
        for c in out_edges[k]:
            indeg[c] -= 1
            if indeg[c] == 0:
                heapq.heappush(heap, (ids[c], c))
    if len(order) == n:
        return order
    # Peel sinks too (nodes nothing unplaced depends on), so what is left lies on or between cycles.
    alive = [indeg[k] > 0 for k in range(n)]
    users = [0] * n
    for k in range(n):
        if alive[k]:
            for j in dep_idx[k]:
                if alive[j]:
                    users[j] += 1
    stack = [k for k in range(n) if alive[k] and users[k] == 0]
    while stack:
        k = stack.pop()
        alive[k] = False
        for j in dep_idx[k]:
            if alive[j]:
                users[j] -= 1
                if users[j] == 0:
                    stack.append(j)
    start = min((ids[k], k) for k in range(n) if alive[k])[1]
    seen_at: dict[int, int] = {}
    walk: list[int] = []
    k = start
    while k not in seen_at:
        seen_at[k] = len(walk)
        walk.append(k)
        k = next(j for j in dep_idx[k] if alive[j])
    ring = [ids[j] for j in walk[seen_at[k]:]]
    m = ring.index(min(ring))
    cyc = tuple(ring[m:] + ring[:m])
    raise PlanError("cycle", cyc, "cycle: %s -> %s" % (" -> ".join(cyc), cyc[0]))


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
        raise ValueError("limit must be >= 1")
    loop = asyncio.get_running_loop()
    t0 = loop.time()
    n = len(tasks)
    ids = [t.id for t in tasks]
    pos = {tid: k for k, tid in enumerate(ids)}
    dep_idx = [[pos[d] for d in t.deps] for t in tasks]
    users: list[list[int]] = [[] for _ in range(n)]
    for k, row in enumerate(dep_idx):
        for j in row:
            users[j].append(k)
    missing = [len(row) for row in dep_idx]
    out: list[TaskResult | None] = [None] * n
    # per-task run state, by index
    attempts = [0] * n
    first = [None] * n  # type: list[float | None]
    cur_call = [None] * n  # type: list[float | None]
    spans: list[list[Span]] = [[] for _ in range(n)]
    live: dict[int, asyncio.Task] = {}
    heap = [(-tasks[k].priority, ids[k], k) for k in range(n) if missing[k] == 0]
    heapq.heapify(heap)
    left = [n]
    finished = asyncio.Event()
    buckets = rate_limits or {}
    closed = [deadline is not None and deadline <= 0]

    def now() -> float:
        return loop.time() - t0

    async def one_call(k: int) -> tuple[bool, Any]:
        task = tasks[k]
        me = asyncio.current_task()
        fired = [False]
        handle = None
        if task.timeout is not None:
            def on_timeout() -> None:
                fired[0] = True
                me.cancel()  # type: ignore[union-attr]
            handle = loop.call_later(task.timeout, on_timeout)
        try:
            inputs = {ids[j]: out[j].value for j in dep_idx[k]}  # type: ignore[union-attr]
            return True, await tools[task.tool](task, inputs)
        except asyncio.CancelledError:
            if fired[0] and me.uncancel() == 0:  # type: ignore[union-attr]
                return False, "timeout"
            raise
        except Exception as exc:
            return False, f"{type(exc).__name__}: {exc}"
        finally:
            if handle is not None:
                handle.cancel()

    async def run(k: int) -> TaskResult:
        task = tasks[k]
        bucket = buckets.get(task.tool)
        while True:
            if bucket is not None:
                at = bucket.reserve(loop.time())
                if at > loop.time():
                    await asyncio.sleep(at - loop.time())
            if closed[0] or (deadline is not None and now() >= deadline):
                await loop.create_future()
            attempts[k] += 1
            s = cur_call[k] = now()
            if first[k] is None:
                first[k] = s
            ok, val = await one_call(k)
            e = now()
            spans[k].append((s, e))
            cur_call[k] = None
            if ok:
                return TaskResult(ids[k], "succeeded", value=val, attempts=attempts[k], start=first[k], end=e, spans=tuple(spans[k]))
            if attempts[k] - 1 >= task.retries:
                return TaskResult(ids[k], "failed", error=val, attempts=attempts[k], start=first[k], end=e, spans=tuple(spans[k]))
            await asyncio.sleep(retry_delay(backoff, seed, ids[k], attempts[k]))

    def pump() -> None:
        if closed[0] or (deadline is not None and now() >= deadline):
            return
        while heap and len(live) < limit:
            k = heapq.heappop(heap)[2]
            t = loop.create_task(run(k))
            live[k] = t
            t.add_done_callback(lambda f, k=k: landed(k, f))

    def landed(k: int, f: asyncio.Task) -> None:
        live.pop(k, None)
        if f.cancelled():
            return
        res = f.result()
        out[k] = res
        left[0] -= 1
        if res.status == "succeeded":
            for c in users[k]:
                missing[c] -= 1
                if missing[c] == 0:
                    heapq.heappush(heap, (-tasks[c].priority, ids[c], c))
        else:
            todo = [k]
            while todo:
                u = todo.pop()
                for c in users[u]:
                    if out[c] is None:
                        out[c] = TaskResult(ids[c], "skipped", blocked_by=ids[u])
                        left[0] -= 1
                        todo.append(c)
        if left[0] == 0:
            finished.set()
        else:
            pump()

    if n:
        pump()
        try:
            if closed[0]:
                raise TimeoutError
            await asyncio.wait_for(finished.wait(), timeout=deadline)
        except TimeoutError:
            closed[0] = True
            running = dict(live)
            for t in running.values():
                t.cancel()
            await asyncio.gather(*running.values(), return_exceptions=True)
            dl = float(deadline)  # type: ignore[arg-type]
            for k in running:
                if out[k] is None and attempts[k]:
                    sp = list(spans[k])
                    if cur_call[k] is not None:
                        sp.append((cur_call[k], dl))
                    out[k] = TaskResult(ids[k], "cancelled", error="deadline", attempts=attempts[k],
                                        start=first[k], end=dl, spans=tuple(sp))
            for tid in order:
                k = pos[tid]
                if out[k] is None:
                    bad = next((ids[j] for j in reversed(dep_idx[k]) if out[j].status != "succeeded"), None)  # type: ignore[union-attr]
                    out[k] = TaskResult(tid, "skipped", error="not started before the deadline", blocked_by=bad)
        except asyncio.CancelledError:
            closed[0] = True
            running = list(live.values())
            for t in running:
                t.cancel()
            await asyncio.gather(*running, return_exceptions=True)
            raise
    return {tid: out[pos[tid]] for tid in order}  # type: ignore[misc]


# --- Part 3 --------------------------------------------------------------------------------------


def retry_delay(backoff: Backoff, seed: int, task_id: str, attempt: int) -> float:
    """Seconds to wait after attempt number `attempt` (1-based) of `task_id` failed."""
    u = random.Random(f"{seed}:{task_id}:{attempt}").random()
    grown = backoff.base * math.pow(backoff.factor, attempt - 1)
    return float(min(backoff.cap, grown) * (1 + backoff.jitter * u))


# --- Part 4 --------------------------------------------------------------------------------------


def metrics(tasks: Sequence[Task], results: Mapping[str, TaskResult]) -> Metrics:
    """Makespan, critical path, peak concurrency and retries of a finished run (numpy sweeps)."""
    rs = list(results.values())
    ends = np.array([r.end for r in rs if r.end is not None], dtype=float)
    makespan = float(ends.max()) if ends.size else 0.0
    order = plan(tasks)
    pos = {tid: k for k, tid in enumerate(order)}
    w = np.zeros(len(order))
    for r in rs:
        if r.start is not None and r.end is not None:
            w[pos[r.id]] = r.end - r.start
    by_id = {t.id: t for t in tasks}
    best = [0.0] * len(order)
    for k, tid in enumerate(order):
        before = max((best[pos[d]] for d in by_id[tid].deps), default=0.0)
        best[k] = before + float(w[k])
    critical = max(best, default=0.0)
    sp = np.array([x for r in rs for x in r.spans], dtype=float).reshape(-1, 2)
    if sp.shape[0]:
        times = np.concatenate([sp[:, 0], sp[:, 1]])
        deltas = np.concatenate([np.ones(len(sp), dtype=np.int64), -np.ones(len(sp), dtype=np.int64)])
        srt = np.lexsort((deltas, times))  # by time, then ends (-1) before starts (+1)
        peak = int(max(0, np.cumsum(deltas[srt]).max()))
    else:
        peak = 0
    retries = {r.id: int(r.attempts) - 1 for r in rs if r.attempts > 1}
    return Metrics(makespan, float(critical), peak, retries)


# --- Part 5 --------------------------------------------------------------------------------------


class TokenBucket:
    """A rate limit shared by every task of one tool: `burst` tokens, refilled at `rate` per
    second; each attempt takes one token."""

    def __init__(self, rate: float, burst: int) -> None:
        self.rate = rate
        self.burst = burst
        self._full_at = -math.inf  # loop time at which the bucket is (back to) full

    def reserve(self, now: float) -> float:
        step = 1.0 / self.rate
        base = max(self._full_at, now)  # the bucket never gets fuller than full
        self._full_at = base + step
        earliest = self._full_at - self.burst * step  # a token exists once debt <= burst tokens
        return max(now, earliest)
