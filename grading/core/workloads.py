"""Benchmark workloads an exercise declares once, for its bench tests and the learner tools.

An exercise that has workloads names their file in the catalogue (`workloads =
"tests/workloads.py"`); that file defines `WORKLOADS`, a tuple of `Workload`. The `compare`
fixture runs one by name in a bench test; `nox -s compare` and `nox -s profile` run them for any
files the learner names.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from types import ModuleType
from typing import Any, Literal

from grading.core import loading
from grading.core.catalog import Exercise

MakeInput = Callable[[int, int], Any]  # (n, seed) -> the input of one call
Call = Callable[[ModuleType, Any], object]  # (implementation module, input) -> anything


@dataclass(frozen=True)
class Workload:
    name: str  # "slowest_runs"
    part: int
    measure: Literal["time", "memory"]
    make_input: MakeInput  # must build a fresh input each call (generators are consumed)
    call: Call
    sizes: tuple[int, ...]  # n, 2n, 4n, 8n: the growth exponent is fitted over them
    target: str = ""  # the complexity the prompt asks for: "O(n log k)"


class WorkloadError(LookupError):
    """An exercise has no workloads, or none of that name."""


def load(exercise: Exercise) -> tuple[Workload, ...]:
    """The workloads `exercise` declares; raise WorkloadError naming the fix when it has none."""
    if not exercise.workloads:
        raise WorkloadError(
            f'{exercise.path} declares no benchmark workloads; add `workloads = "tests/workloads.py"` '
            "to its entry in exercises.toml"
        )
    path: Path = exercise.directory() / exercise.workloads
    try:
        module = loading.load(path)
    except loading.ImplImportError as error:
        raise WorkloadError(
            f"{exercise.path}: cannot import {exercise.workloads}: {error}"
        ) from None
    found = getattr(module, "WORKLOADS", None)
    if not isinstance(found, tuple) or not all(isinstance(w, Workload) for w in found):
        raise WorkloadError(
            f"{path} must define WORKLOADS, a tuple of grading.core.workloads.Workload"
        )
    return found


def find(exercise: Exercise, name: str) -> Workload:
    workloads = load(exercise)
    for workload in workloads:
        if workload.name == name:
            return workload
    known = ", ".join(w.name for w in workloads)
    raise WorkloadError(f"{exercise.path} has no workload {name!r}; it has: {known}")
