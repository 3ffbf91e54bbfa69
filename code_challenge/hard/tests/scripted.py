"""Scripted tools that record what the executor did to them, and one call that runs a DAG on
virtual time and reports everything a test may want to check.

A task's `args` script its tool:
- `takes`: seconds of loop time each attempt takes (default 1.0);
- `script`: one letter per attempt, the last one repeating: `o` returns, `f` raises after
  `takes` seconds, `h` hangs forever (default "o"; "ffo": fails twice, then returns);
- `error`: the exception class an `f` attempt raises (default ToolError);
- `message`: its message (default "<id> attempt <n> failed");
- `value`: what an `o` attempt returns (default "<id>!").
"""

from __future__ import annotations

import asyncio
import copy
import inspect
from collections.abc import Sequence
from dataclasses import dataclass, field
from types import ModuleType
from typing import Any

from .workloads import START, Deadlock, run_virtual


class ToolError(Exception):
    """What a scripted tool raises by default."""


@dataclass
class Call:
    """One call of a tool, as the tool itself saw it. Times are seconds since the run started."""

    task: str
    attempt: int
    start: float
    inputs: dict[str, Any]
    end: float | None = None
    outcome: str = "running"  # "returned", "raised", "cancelled", or still "running"


@dataclass
class Recorder:
    """The one tool every test task uses, under any name; it keeps a log of its calls."""

    calls: list[Call] = field(default_factory=list)
    attempts: dict[str, int] = field(default_factory=dict)
    in_flight: int = 0
    peak: int = 0

    async def tool(self, task: Any, inputs: dict[str, Any]) -> Any:
        loop = asyncio.get_running_loop()
        args = task.args
        attempt = self.attempts[task.id] = self.attempts.get(task.id, 0) + 1
        script = args.get("script", "o")
        step = script[min(attempt, len(script)) - 1]
        call = Call(task.id, attempt, loop.time() - START, dict(inputs))
        self.calls.append(call)
        self.in_flight += 1
        self.peak = max(self.peak, self.in_flight)
        try:
            if step == "h":
                await loop.create_future()  # nobody will ever complete it
            await asyncio.sleep(args.get("takes", 1.0))
            if step == "f":
                call.outcome = "raised"
                message = args.get("message", f"{task.id} attempt {attempt} failed")
                raise args.get("error", ToolError)(message)
            call.outcome = "returned"
            return args.get("value", f"{task.id}!")
        except asyncio.CancelledError:
            call.outcome = "cancelled"
            raise
        finally:
            call.end = loop.time() - START
            self.in_flight -= 1


@dataclass
class Run:
    """What one `execute` did, snapshotted the moment it returned (or raised)."""

    results: dict[str, Any] | None  # None when execute raised
    calls: list[Call]
    peak: int  # most tool calls in flight at once, as the tools counted them
    returned_at: float  # seconds of loop time from the call of execute to its return
    leftovers: list[str]  # asyncio tasks still alive when execute returned
    raised: str = ""  # the exception execute raised, when it did

    def statuses(self) -> dict[str, str]:
        assert self.results is not None
        return {tid: result.status for tid, result in self.results.items()}

    def starts(self, task: str | None = None) -> list[float]:
        """Start times of every call (of one task), in call order."""
        return [c.start for c in self.calls if task is None or c.task == task]


def task(impl: ModuleType, id: str, *deps: str, tool: str = "tool", **options: Any) -> Any:
    """impl.Task(id, tool, deps, args): `takes`, `script`, `error`, `value` go to args; the rest
    (retries, timeout, priority) to the Task itself."""
    args = {
        k: options.pop(k) for k in ("takes", "script", "error", "message", "value") if k in options
    }
    return impl.Task(id=id, tool=tool, deps=tuple(deps), args=args, **options)


def shape(tasks: Sequence[Any]) -> str:
    """`[a 1s, b 2s <- a, c 1s <- a b]`: the DAG as a test message shows it."""
    parts = []
    for t in tasks:
        text = f"{t.id} {t.args.get('takes', 1.0):g}s"
        script = t.args.get("script", "o")
        if script != "o":
            text += f" script={script}"
        for name in ("retries", "timeout", "priority"):
            if getattr(t, name, None):
                text += f" {name}={getattr(t, name)}"
        if t.deps:
            text += " <- " + " ".join(t.deps)
        parts.append(text)
    return "[" + ", ".join(parts) + "]"


def run(
    impl: ModuleType,
    tasks: Sequence[Any],
    *,
    cancel_at: float | None = None,
    recorder: Recorder | None = None,
    **options: Any,
) -> Run:
    """`await impl.execute(tasks, tools, **options)` on a fresh virtual-time loop, every task's
    tool being the recorder's. With `cancel_at`, the caller cancels execute at that time.
    PlanError and ValueError from execute propagate; a cancellation is reported in `raised`."""
    recorder = recorder or Recorder()
    tools = {t.tool: recorder.tool for t in tasks}

    async def main() -> Run:
        loop = asyncio.get_running_loop()
        coro = impl.execute(tasks, tools, **options)
        assert inspect.isawaitable(coro), (
            f"execute(...) returned {coro!r}; it must be an `async def` the caller awaits"
        )
        caller = asyncio.current_task()
        seen: dict[str, Any] = {}

        async def watched() -> Any:
            # Snapshot in the very step in which execute returns (or raises), before the loop
            # runs anything else: a task execute cancelled but did not wait for is still alive
            # here, even if it would finish unwinding one turn later.
            try:
                return await coro
            finally:
                seen["returned_at"] = loop.time() - START
                seen["leftovers"] = [
                    repr(t)
                    for t in asyncio.all_tasks()
                    if t not in (caller, asyncio.current_task())
                ]
                seen["calls"] = copy.deepcopy(recorder.calls)

        job = asyncio.ensure_future(watched())
        if cancel_at is not None:
            await asyncio.sleep(cancel_at)
            job.cancel()
        results: dict[str, Any] | None = None
        raised = ""
        try:
            results = await job
        except asyncio.CancelledError:
            raised = "CancelledError"
        if not seen:  # cancelled before execute even began
            seen.update(returned_at=loop.time() - START, leftovers=[], calls=[])
        return Run(
            results, seen["calls"], recorder.peak, seen["returned_at"], seen["leftovers"], raised
        )

    try:
        return run_virtual(main())
    except Deadlock as error:
        given = ", ".join([shape(tasks), *(f"{k}={v!r}" for k, v in options.items())])
        raise AssertionError(f"execute({given}) never returned: {error}") from None


def prompt_example(impl: ModuleType, hang: bool = False) -> list[Any]:
    """The plan of PROMPT.md's examples (Part 2; with `hang`, Part 3's fetch_b)."""
    fetch_b: dict[str, Any] = {"takes": 1.0, "value": "page b"}
    if hang:
        fetch_b |= {"script": "ho", "retries": 1, "timeout": 5.0}
    return [
        task(impl, "summarize", "fetch_a", "fetch_b", tool="llm", takes=3.0, value="summary"),
        task(impl, "fetch_b", "search", tool="http_get", **fetch_b),
        task(impl, "search", tool="web_search", takes=1.0, value=["url-a", "url-b"]),
        task(impl, "fetch_a", "search", tool="http_get", takes=2.0, value="page a"),
        task(
            impl,
            "calendar",
            tool="calendar",
            takes=0.5,
            script="f",
            error=RuntimeError,
            message="calendar is down",
        ),
        task(impl, "email", "calendar", tool="send_mail"),
    ]
