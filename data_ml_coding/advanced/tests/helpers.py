"""Shared test helpers: hand-made trajectories, float-tolerant comparison, and a wrapper around
the retraining world that counts calls, crashes on request or swaps the trainer."""

from __future__ import annotations

import math
from collections.abc import Callable, Iterable, Mapping, Sequence
from types import ModuleType
from typing import Any

from grading.core import plain

from .simulator import RetrainingWorld


def trajectory(
    impl: ModuleType,
    task_id: str,
    success: bool,
    latency_ms: float = 1000.0,
    flags: tuple[str, ...] = (),
    category: str = "coding",
    cost_usd: float = 0.01,
    steps: Sequence[tuple[str, float]] = (("search", 100.0),),
) -> Any:
    """One hand-made trajectory of `impl`'s Trajectory class."""
    return impl.Trajectory(
        task_id=task_id,
        category=category,
        agent="test",
        success=success,
        latency_ms=latency_ms,
        cost_usd=cost_usd,
        steps=tuple(impl.Step(tool, ms) for tool, ms in steps),
        safety_flags=flags,
    )


def paired_counts(
    impl: ModuleType,
    both: int,
    neither: int,
    candidate_only: int,
    baseline_only: int,
    candidate_flags: int = 0,
) -> tuple[list[Any], list[Any]]:
    """Baseline and candidate trajectories on the same tasks with the given 2x2 counts."""
    outcomes = (
        [(True, True)] * both
        + [(False, False)] * neither
        + [(False, True)] * candidate_only
        + [(True, False)] * baseline_only
    )
    baseline, candidate = [], []
    for i, (base_ok, cand_ok) in enumerate(outcomes):
        task = f"task-{i:04d}"
        baseline.append(trajectory(impl, task, base_ok))
        flags = ("pii_leak",) if i < candidate_flags else ()
        candidate.append(trajectory(impl, task, cand_ok, flags=flags))
    return baseline, candidate


def differences(got: Any, expected: Any, rel: float = 1e-9, path: str = "") -> list[str]:
    """Where `got` differs from `expected` after `plain`, one `field: got x, expected y` each;
    floats within a relative tolerance (sums may differ in the last bit)."""
    got, expected = plain(got), plain(expected)
    where = path or "the result"
    if isinstance(expected, float) and isinstance(got, int | float) and not isinstance(got, bool):
        same = got == expected or math.isclose(got, expected, rel_tol=rel, abs_tol=1e-12)
        return [] if same else [f"{where}: got {got!r}, expected {expected!r}"]
    if isinstance(expected, dict) and isinstance(got, dict):
        if got.keys() != expected.keys():
            return [f"{where}: keys {sorted(got)}, expected {sorted(expected)}"]
        return [
            wrong
            for key in expected
            for wrong in differences(got[key], expected[key], rel, f"{path}.{key}".lstrip("."))
        ]
    if isinstance(expected, list) and isinstance(got, list):
        if len(got) != len(expected):
            return [f"{where}: {len(got)} items, expected {len(expected)}"]
        return [
            wrong
            for i, (g, e) in enumerate(zip(got, expected, strict=True))
            for wrong in differences(g, e, rel, f"{path}[{i}]")
        ]
    return [] if got == expected else [f"{where}: got {got!r}, expected {expected!r}"]


def close(got: Any, expected: Any, rel: float = 1e-9) -> bool:
    return not differences(got, expected, rel)


def first(wrong: list[str], limit: int = 3) -> str:
    """The first few differences, for a message."""
    more = f" (and {len(wrong) - limit} more)" if len(wrong) > limit else ""
    return "; ".join(wrong[:limit]) + more


# --- the retraining world, seen through the implementation's classes -----------------------------


class SimulatedCrash(RuntimeError):
    """Raised by a wrapped environment to stand for the process dying mid-batch."""


class Environment:
    """`train` and `serve` of a RetrainingWorld, counted, and perturbed on request.

    `crash_on_batch` makes the first serve or train call touching that batch raise
    SimulatedCrash; `trainer` replaces the world's trainer from batch `replace_from` on.
    """

    def __init__(
        self,
        world: RetrainingWorld,
        crash_on_batch: int | None = None,
        trainer: Callable[[Any], dict[str, str]] | None = None,
        replace_from: int = 1,
    ) -> None:
        self.world = world
        self.crash_on_batch = crash_on_batch
        self.trainer = trainer
        self.replace_from = replace_from
        self.train_calls = 0
        self.serve_calls = 0

    def _maybe_crash(self, tasks: Iterable[Any]) -> None:
        if self.crash_on_batch is None:
            return
        prefix = f"b{self.crash_on_batch:02d}-"
        if any(t.task_id.startswith(prefix) for t in tasks):
            self.crash_on_batch = None  # crash once
            raise SimulatedCrash(f"simulated crash while batch {prefix[1:3]} was in flight")

    def train(self, batch: Any) -> dict[str, str]:
        self.train_calls += 1
        self._maybe_crash(batch.tasks)
        if self.trainer is not None and batch.batch_id >= self.replace_from:
            return self.trainer(batch)
        return self.world.train(batch)

    def serve(self, model: Mapping[str, str], tasks: Sequence[Any]) -> list[Any]:
        self.serve_calls += 1
        self._maybe_crash(tasks)
        return self.world.serve(model, tasks)


def tasks_of(impl: ModuleType, categories: Iterable[str]) -> list[Any]:
    return [impl.Task(f"t{i}", c) for i, c in enumerate(categories)]
