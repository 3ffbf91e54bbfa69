"""Virtual time, seeded DAGs of tool calls, and the benchmark workloads built on them.

Self-contained on purpose: the grading tools (`nox -s compare`, `nox -s profile`) import this file
by path, outside the test package, so it imports nothing from its neighbours.

Virtual time: `VirtualTimeLoop` is an ordinary asyncio event loop whose clock never waits. When
no callback is ready it jumps straight to the next timer (`asyncio.sleep`, `asyncio.timeout`,
`wait_for` all use timers), so a run that takes an hour of loop time takes milliseconds, and every
time it reports is exact and the same on every machine. Durations in these DAGs are multiples of
0.25 s, so sums of them are exact in floating point too.
"""

from __future__ import annotations

import asyncio
import contextlib
import heapq
import random
import selectors
from collections.abc import Awaitable, Coroutine, Mapping
from dataclasses import dataclass, field
from types import MappingProxyType
from typing import Any, TypeVar

from grading.core import Workload

T = TypeVar("T")

START = 1000.0  # the loop's clock at the start: a run reports times relative to its own start
CLEANUP_SECONDS = 3600.0  # virtual time allowed for leftovers to finish after being cancelled


class Deadlock(RuntimeError):
    """Every task waits on something that no timer and no callback will ever complete."""


class _JumpingSelector(selectors.DefaultSelector):
    """Polls without blocking; where the loop would sleep until its next timer, jumps to it."""

    def __init__(self, loop: VirtualTimeLoop) -> None:
        super().__init__()
        self._loop = loop

    def select(self, timeout: float | None = None) -> list[tuple[selectors.SelectorKey, int]]:
        events = super().select(0)
        if events or timeout == 0:
            return events
        if timeout is None:
            raise Deadlock(
                "deadlock: nothing is ready and no timer is set, so no task can ever run again "
                "(something awaits a future, event or task that never completes, with no "
                "timeout or deadline around it)"
            )
        self._loop._jump_to_next_timer()
        return []


class VirtualTimeLoop(asyncio.SelectorEventLoop):
    """An asyncio event loop on virtual time: `loop.time()` starts at START and moves only when
    nothing else can happen, straight to the next timer."""

    def __init__(self, start: float = START) -> None:
        self._now = start
        super().__init__(_JumpingSelector(self))

    def time(self) -> float:
        return self._now

    def call_exception_handler(self, context: dict[str, Any]) -> None:
        # asyncio swallows a BaseException raised inside a callback (it only logs it), so the
        # test's timeout alarm, landing in a candidate's done-callback, would be lost and the
        # run would go on until the next alarm. Let anything that is not an Exception through.
        error = context.get("exception")
        if isinstance(error, BaseException) and not isinstance(error, Exception):
            raise error
        super().call_exception_handler(context)

    def _jump_to_next_timer(self) -> None:
        # _run_once drops cancelled timers from the head of the heap before it selects, so the
        # head is the timer it is waiting for. Jumping to its exact time keeps times exact.
        when = self._scheduled[0].when()  # type: ignore[attr-defined]
        self._now = max(self._now, when)


def run_virtual(main: Coroutine[Any, Any, T], start: float = START) -> T:
    """Run `main` to completion on a fresh VirtualTimeLoop and return its result.

    Tasks still alive afterwards are cancelled and given virtual time to finish, so no test leaks
    into the next; a test that cares about leftovers looks for them inside `main`."""
    loop = VirtualTimeLoop(start)
    try:
        result = loop.run_until_complete(main)
    except Exception:
        _cancel_leftovers(loop)
        loop.close()
        raise
    except BaseException:
        loop.close()  # a timeout or Ctrl-C: do not run anything more
        raise
    _cancel_leftovers(loop)
    loop.close()
    return result


def _cancel_leftovers(loop: VirtualTimeLoop) -> None:
    leftovers = asyncio.all_tasks(loop)
    if not leftovers:
        return
    for task in leftovers:
        task.cancel()
    # A leftover that deadlocks on cancellation is the test's business, not cleanup's.
    with contextlib.suppress(Exception):
        loop.run_until_complete(asyncio.wait(leftovers, timeout=CLEANUP_SECONDS))
    for task in leftovers:
        if task.done() and not task.cancelled():
            task.exception()  # retrieved: no "exception was never retrieved" noise


# --- seeded DAGs ---------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Node:
    """A stand-in Task: every implementation reads these attributes and nothing else."""

    id: str
    tool: str
    deps: tuple[str, ...] = ()
    args: Mapping[str, Any] = field(default_factory=dict)
    retries: int = 0
    timeout: float | None = None
    priority: int = 0


DURATIONS = (0.25, 0.5, 1.0, 1.5, 2.0, 4.0)
# One read-only args mapping per duration, shared by the tasks that take it: big DAGs stay small
# in memory, so a benchmark measures the executor rather than cache misses.
_ARGS = {takes: MappingProxyType({"takes": takes}) for takes in DURATIONS}


async def sleeper(task: Any, inputs: dict[str, Any]) -> int:
    """Takes `args["takes"]` seconds of loop time; returns its depth: 1 + the deepest input."""
    await asyncio.sleep(task.args["takes"])
    return 1 + max(inputs.values(), default=0)


async def instant(task: Any, inputs: dict[str, Any]) -> int:
    """Returns its depth at once: with it, a run's wall time is the executor's own work."""
    return 1 + max(inputs.values(), default=0)


TOOLS = {"search": sleeper, "fetch": sleeper, "python": sleeper}
INSTANT_TOOLS = {name: instant for name in TOOLS}


def layered_dag(n: int, seed: int, width: int = 100) -> list[Node]:
    """`n` tasks in levels of `width`; each task after the first level needs 1 to 3 tasks of the
    two levels before it. Ids `t00000`...; listed in a shuffled order."""
    rng = random.Random(seed)
    nodes = []
    for index in range(n):
        level = index // width
        low = max(0, (level - 2) * width)
        high = level * width
        picks = rng.sample(range(low, high), k=min(rng.randint(1, 3), high - low)) if level else []
        nodes.append(
            Node(
                id=f"t{index:05d}",
                tool=rng.choice(tuple(TOOLS)),
                deps=tuple(f"t{p:05d}" for p in sorted(picks)),
                args=_ARGS[rng.choice(DURATIONS)],
            )
        )
    rng.shuffle(nodes)
    return nodes


def wide_dag(chains: int, length: int, seed: int) -> list[Node]:
    """`chains` chains of `length` tasks; in chain c the task at step c % length takes 8 s and the
    others 1 s, and now and then a task also needs the previous step of another chain. Run level
    by level, every step waits for its slowest task: about `length` x 8 s instead of ~8 + length."""
    rng = random.Random(seed)
    nodes = []
    for chain in range(chains):
        for step in range(length):
            deps = [f"c{chain:03d}-{step - 1:02d}"] if step else []
            if step and rng.random() < 0.1:
                deps.append(f"c{rng.randrange(chains):03d}-{step - 1:02d}")
            nodes.append(
                Node(
                    id=f"c{chain:03d}-{step:02d}",
                    tool="search",
                    deps=tuple(sorted(set(deps))),
                    args={"takes": 8.0 if step == chain % length else 1.0},
                )
            )
    return nodes


def critical_path(nodes: list[Node]) -> float:
    """The longest chain of `takes` through the DAG (an independent check, Kahn's order)."""
    by_id = {node.id: node for node in nodes}
    children: dict[str, list[str]] = {node.id: [] for node in nodes}
    missing = {node.id: len(node.deps) for node in nodes}
    for node in nodes:
        for dep in node.deps:
            children[dep].append(node.id)
    heap = [node.id for node in nodes if not node.deps]
    finish: dict[str, float] = {}
    while heap:
        tid = heapq.heappop(heap)
        node = by_id[tid]
        finish[tid] = max((finish[d] for d in node.deps), default=0.0) + node.args["takes"]
        for child in children[tid]:
            missing[child] -= 1
            if missing[child] == 0:
                heapq.heappush(heap, child)
    return max(finish.values(), default=0.0)


def depths(nodes: list[Node]) -> dict[str, int]:
    """What `sleeper` returns for each task: 1 + the deepest of its deps."""
    by_id = {node.id: node for node in nodes}
    memo: dict[str, int] = {}
    for node in sorted(nodes, key=lambda n: n.id):  # ids grow level by level: deps come first
        memo[node.id] = 1 + max((memo[d] for d in by_id[node.id].deps), default=0)
    return memo


def two_level_dag(n: int, seed: int) -> list[Node]:
    """A wide plan: `n` tasks in two levels of n / 2, each of the second needing 1 to 3 of the
    first. Half the plan is available at once, so picking the smallest available id must be a
    heap's O(log V), not a scan of every available task (O(V) per step, O(V^2) in all)."""
    return layered_dag(n, seed, width=max(1, n // 2))


@dataclass(frozen=True, slots=True)
class Outcome:
    """A stand-in TaskResult: every implementation's `metrics` reads these attributes."""

    id: str
    status: str
    value: Any = None
    error: str = ""
    blocked_by: str | None = None
    attempts: int = 0
    start: float | None = None
    end: float | None = None
    spans: tuple[tuple[float, float], ...] = ()


def finished_run(n: int, seed: int) -> tuple[list[Node], dict[str, Outcome]]:
    """A layered DAG of `n` tasks and the results of a run of it with a slot for every task: each
    task starts when its last dep ends; one in four failed its first attempt and was retried
    after a 0.25 s wait; in the last level (no dependents) one in ten failed for good."""
    rng = random.Random(seed)
    width = 100
    nodes = layered_dag(n, seed, width=width)
    by_id = {node.id: node for node in nodes}
    last_level = (n - 1) // width * width
    results: dict[str, Outcome] = {}
    for index, tid in enumerate(sorted(by_id)):  # ids grow level by level: deps come first
        node = by_id[tid]
        start = max((results[d].end or 0.0 for d in node.deps), default=0.0)
        takes = node.args["takes"]
        spans = [(start, start + takes)]
        if rng.random() < 0.25:
            again = start + takes + 0.25
            spans.append((again, again + takes))
        status = "failed" if index >= last_level and rng.random() < 0.1 else "succeeded"
        results[tid] = Outcome(
            tid, status, attempts=len(spans), start=start, end=spans[-1][1], spans=tuple(spans)
        )
    return nodes, {node.id: results[node.id] for node in nodes}


async def timed(run: Awaitable[T]) -> tuple[T, float]:
    """`run`'s result and how much loop time it took."""
    loop = asyncio.get_running_loop()
    started = loop.time()
    result = await run
    return result, loop.time() - started


# --- benchmark workloads -------------------------------------------------------------------------

OVERHEAD_LIMIT = 256

WORKLOADS = (
    Workload(
        name="plan",
        part=1,
        measure="time",
        make_input=layered_dag,
        call=lambda mod, nodes: mod.plan(nodes),
        sizes=(1_250, 2_500, 5_000, 10_000),
        target="O((V + E) log V)",
    ),
    Workload(
        name="plan_wide",
        part=1,
        measure="time",
        make_input=two_level_dag,
        call=lambda mod, nodes: mod.plan(nodes),
        sizes=(1_250, 2_500, 5_000, 10_000),
        target="O((V + E) log V)",
    ),
    # Tools that return at once, on virtual time: the wall time is the executor's own work. Two
    # sizes only, so that the 10,000-task measurement fits the per-test time limit on a busy
    # machine (every contender runs it four times).
    Workload(
        name="scheduler_overhead",
        part=2,
        measure="time",
        make_input=layered_dag,
        call=lambda mod, nodes: run_virtual(
            mod.execute(nodes, INSTANT_TOOLS, limit=OVERHEAD_LIMIT)
        ),
        sizes=(1_000, 10_000),
        target="O((V + E) log V)",
    ),
    Workload(
        name="metrics",
        part=4,
        measure="time",
        make_input=finished_run,
        call=lambda mod, run: mod.metrics(*run),
        sizes=(400, 800, 1_600, 3_200),
        target="O((V + E) log V)",
    ),
)
