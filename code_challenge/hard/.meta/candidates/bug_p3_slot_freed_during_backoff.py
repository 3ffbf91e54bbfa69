"""Bug: a task gives its slot back while it waits to retry.

verdict: reject part 3
rule: "The task keeps its slot while it waits."
how: released the slot around the backoff sleep and re-acquired it afterwards
differs on: limit=1, a fails once (retry after 2 s), b independent: b runs 1.0-2.0 during a's wait (correct: b runs 4.0-5.0)
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


# --- Part 1 --------------------------------------------------------------------------------------


def plan(tasks: Sequence[Task]) -> list[str]:
    """Validate the tasks and return their ids in execution order (smallest ready id first)."""
    index: dict[str, Task] = {}
    for t in tasks:
        if t.id in index:
            raise PlanError("duplicate_id", (t.id,), f"duplicate_id: {t.id} appears twice")
        index[t.id] = t
    for t in tasks:
        missing = [d for d in t.deps if d not in index]
        if missing:
            raise PlanError("unknown_dependency", (t.id, missing[0]),
                            f"unknown_dependency: {t.id} needs {missing[0]}, which is not a task")
    pending = {tid: len(t.deps) for tid, t in index.items()}
    users: dict[str, list[str]] = {tid: [] for tid in index}
    for t in tasks:
        for d in t.deps:
            users[d].append(t.id)
    frontier = [tid for tid, k in pending.items() if k == 0]
    heapq.heapify(frontier)
    out: list[str] = []
    while frontier:
        tid = heapq.heappop(frontier)
        out.append(tid)
        for u in users[tid]:
            pending[u] -= 1
            if not pending[u]:
                heapq.heappush(frontier, u)
    if len(out) != len(index):
        # Every unplaced task has an unplaced dep: walk along them until a node repeats.
        left = {tid for tid, k in pending.items() if k > 0}
        node = min(left)
        where: dict[str, int] = {}
        walk: list[str] = []
        while node not in where:
            where[node] = len(walk)
            walk.append(node)
            node = next(d for d in index[node].deps if d in left)
        loop_ = walk[where[node]:]
        i = loop_.index(min(loop_))
        cyc = tuple(loop_[i:] + loop_[:i])
        raise PlanError("cycle", cyc, "cycle: " + " -> ".join([*cyc, cyc[0]]))
    return out


# --- Part 2 (Part 3's retries, timeouts and deadline, Part 5's rate limits and priorities) --------


class _Slots:
    """`limit` slots handed out by (-priority, id); grants are made once per loop tick, so every
    task that became ready in the same tick competes."""

    def __init__(self, n: int, loop: asyncio.AbstractEventLoop) -> None:
        self.free = n
        self.heap: list[tuple[tuple[int, str], asyncio.Future]] = []
        self.loop = loop
        self.kicked = False

    def _kick(self) -> None:
        if not self.kicked:
            self.kicked = True
            self.loop.call_soon(self._dispatch)

    def _dispatch(self) -> None:
        self.kicked = False
        while self.free > 0 and self.heap:
            _, fut = heapq.heappop(self.heap)
            if fut.done():
                continue
            self.free -= 1
            fut.set_result(None)

    async def acquire(self, key: tuple[int, str]) -> None:
        fut = self.loop.create_future()
        heapq.heappush(self.heap, (key, fut))
        self._kick()
        try:
            await fut
        except asyncio.CancelledError:
            if fut.done() and not fut.cancelled():
                self.release()
            raise

    def release(self) -> None:
        self.free += 1
        self._kick()


class _Rec:
    def __init__(self) -> None:
        self.status: str | None = None
        self.value: Any = None
        self.error = ""
        self.blocked_by: str | None = None
        self.attempts = 0
        self.start: float | None = None
        self.end: float | None = None
        self.call_start: float | None = None
        self.spans: list[Span] = []

    def result(self, tid: str) -> TaskResult:
        return TaskResult(tid, self.status, value=self.value, error=self.error,  # type: ignore[arg-type]
                          blocked_by=self.blocked_by, attempts=self.attempts, start=self.start,
                          end=self.end, spans=tuple(self.spans))


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
    by_id = {t.id: t for t in tasks}
    recs = {tid: _Rec() for tid in order}
    remaining = [len(order)]
    slots = _Slots(limit, loop)
    buckets = dict(rate_limits or {})
    stop_at = None if deadline is None else t0 + deadline

    def now() -> float:
        return loop.time() - t0

    async def not_after_deadline() -> None:
        if stop_at is not None and loop.time() >= stop_at:
            await loop.create_future()  # never starts: the deadline cancels us

    async def call_once(task: Task, inputs: dict[str, Any]) -> tuple[bool, Any]:
        if task.timeout is None:
            try:
                return True, await tools[task.tool](task, dict(inputs))
            except Exception as exc:
                return False, f"{type(exc).__name__}: {exc}"
        call = asyncio.ensure_future(tools[task.tool](task, dict(inputs)))
        try:
            done, _ = await asyncio.wait({call}, timeout=task.timeout)
        except asyncio.CancelledError:
            call.cancel()
            await asyncio.wait({call})
            raise
        if not done:
            call.cancel()
            await asyncio.wait({call})
            return False, "timeout"
        exc = call.exception()
        if exc is not None:
            return False, f"{type(exc).__name__}: {exc}"
        return True, call.result()

    workers: dict[str, asyncio.Task] = {}
    need = {t.id: len(t.deps) for t in tasks}
    users: dict[str, list[str]] = {tid: [] for tid in order}
    for t in tasks:
        for d in t.deps:
            users[d].append(t.id)

    def spawn(tid: str) -> None:
        workers[tid] = loop.create_task(run_one(by_id[tid]))

    def release_users(tid: str) -> None:
        """A task settled: its dependents either become ready (spawned) or are skipped in turn."""
        todo = [tid]
        while todo:
            u = todo.pop()
            ok = recs[u].status == "succeeded"
            for c in users[u]:
                if ok:
                    need[c] -= 1
                    if need[c] == 0 and recs[c].status is None:
                        spawn(c)
                elif recs[c].status is None:
                    rec = recs[c]
                    rec.status, rec.blocked_by, rec.error = "skipped", u, f"{u} did not succeed"
                    remaining[0] -= 1
                    todo.append(c)

    async def run_one(task: Task) -> None:
        rec = recs[task.id]
        await slots.acquire((-task.priority, task.id))
        try:
            inputs = {d: recs[d].value for d in task.deps}
            bucket = buckets.get(task.tool)
            while True:
                if bucket is not None:
                    wake = bucket.reserve(loop.time())
                    if wake > loop.time():
                        await asyncio.sleep(wake - loop.time())
                await not_after_deadline()
                rec.attempts += 1
                rec.call_start = now()
                if rec.start is None:
                    rec.start = rec.call_start
                ok, out = await call_once(task, inputs)
                end = now()
                rec.spans.append((rec.call_start, end))
                rec.call_start = None
                if ok:
                    rec.status, rec.value, rec.end = "succeeded", out, end
                    break
                if rec.attempts > task.retries:
                    rec.status, rec.error, rec.end = "failed", out, end
                    break
                slots.release()
                try:
                    await asyncio.sleep(retry_delay(backoff, seed, task.id, rec.attempts))
                finally:
                    await slots.acquire((-task.priority, task.id))
        finally:
            slots.release()
        remaining[0] -= 1
        release_users(task.id)
        if remaining[0] == 0:
            everything.set()

    everything = asyncio.Event()
    if not (stop_at is not None and deadline <= 0) and order:
        for tid in order:
            if need[tid] == 0:
                spawn(tid)
        try:
            await asyncio.wait_for(everything.wait(), deadline)
        except TimeoutError:
            pass
        except asyncio.CancelledError:
            live = [w for w in workers.values() if not w.done()]
            for w in live:
                w.cancel()
            await asyncio.gather(*live, return_exceptions=True)
            raise
    pending = [w for w in workers.values() if not w.done()]
    if pending:
        for w in pending:
            w.cancel()
        await asyncio.wait(pending)
    if deadline is not None:
        dl = float(deadline)
        for tid in order:
            rec = recs[tid]
            if rec.status is not None:
                continue
            if rec.attempts > 0:
                if rec.call_start is not None:
                    rec.spans.append((rec.call_start, dl))
                    rec.call_start = None
                rec.status, rec.error, rec.end = "cancelled", "deadline", dl
            else:
                rec.status, rec.error = "skipped", "not started before the deadline"
                bad = [d for d in by_id[tid].deps if recs[d].status != "succeeded"]
                rec.blocked_by = bad[-1] if bad else None
    return {tid: recs[tid].result(tid) for tid in order}


# --- Part 3 --------------------------------------------------------------------------------------


def retry_delay(backoff: Backoff, seed: int, task_id: str, attempt: int) -> float:
    """Seconds to wait after attempt number `attempt` (1-based) of `task_id` failed."""
    rng = random.Random(f"{seed}:{task_id}:{attempt}")
    raw = backoff.base * backoff.factor ** (attempt - 1)
    return min(backoff.cap, raw) * (1 + backoff.jitter * rng.random())


# --- Part 4 --------------------------------------------------------------------------------------


def metrics(tasks: Sequence[Task], results: Mapping[str, TaskResult]) -> Metrics:
    """Makespan, critical path, peak concurrency and retries of a finished run."""
    ends = [r.end for r in results.values() if r.end is not None]
    makespan = max(ends) if ends else 0.0
    # Critical path: Kahn's order with a plain FIFO (O(V + E)), heaviest chain ending at each task.
    deps = {t.id: t.deps for t in tasks}
    kids: dict[str, list[str]] = {t.id: [] for t in tasks}
    need = {t.id: len(t.deps) for t in tasks}
    for t in tasks:
        for d in t.deps:
            kids[d].append(t.id)
    best_to: dict[str, float] = {}
    q = deque(tid for tid, k in need.items() if k == 0)
    while q:
        tid = q.popleft()
        r = results[tid]
        weight = 0.0 if r.start is None or r.end is None else r.end - r.start
        best_to[tid] = weight + max((best_to[d] for d in deps[tid]), default=0.0)
        for k in kids[tid]:
            need[k] -= 1
            if need[k] == 0:
                q.append(k)
    critical = max(best_to.values(), default=0.0)
    starts = sorted(s for r in results.values() for s, _ in r.spans)
    stops = sorted(e for r in results.values() for _, e in r.spans)
    cur = peak = 0
    i = j = 0
    while i < len(starts):
        if j >= len(stops) or starts[i] < stops[j]:
            cur += 1
            peak = max(peak, cur)
            i += 1
        else:
            cur -= 1
            j += 1
    retried = {t.id: results[t.id].attempts - 1 for t in tasks if results[t.id].attempts > 1}
    return Metrics(float(makespan), float(critical), peak, retried)


# --- Part 5 --------------------------------------------------------------------------------------


class TokenBucket:
    """GCRA form of the token bucket: track the theoretical arrival time of the next token."""

    def __init__(self, rate: float, burst: int) -> None:
        self.rate = rate
        self.burst = burst
        self._tat: float | None = None  # None: full

    def reserve(self, now: float) -> float:
        interval = 1.0 / self.rate
        tolerance = (self.burst - 1) * interval
        tat = now if self._tat is None else max(self._tat, now)
        start = max(now, tat - tolerance)
        self._tat = tat + interval
        return start
