"""Guards that keep one hostile candidate from taking the run, or other tests, down with it.

A learner's file may loop, allocate without bound, exit the process, flood stdout, raise
KeyboardInterrupt, or change global state (cwd, environment, random seeds, the graders' own
helpers). The plugin wraps each test with these guards; each misbehaviour becomes one specific
failure message, and the state is put back so the next test starts clean.
"""

from __future__ import annotations

import os
import random
import sys
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass
from types import ModuleType
from typing import Any, NoReturn

# Captured output beyond this is cut in the middle of failure reports: a candidate that prints
# megabytes must not bury the scorecard.
OUTPUT_LIMIT = 8_000
DEFAULT_MEMORY_LIMIT_MB = 6_144
# pytest sets PYTEST_CURRENT_TEST for every phase, and numerical libraries set these on first
# import (scikit-learn sets KMP_* for OpenMP): neither is the candidate's doing.
LIBRARY_ENV_PREFIXES = ("PYTEST_", "KMP_", "OMP_", "MKL_", "OPENBLAS_", "NUMEXPR_", "MPL")


class CandidateError(Exception):
    """The candidate did something no test asked for (exit, interrupt, global change)."""


@dataclass(frozen=True)
class Snapshot:
    cwd: str
    environ: dict[str, str]
    random_state: tuple[Any, ...]
    numpy_state: object | None
    attributes: dict[str, dict[str, object]]  # module name -> its namespace, shallow-copied


def watched_modules() -> dict[str, ModuleType]:
    """The graders' own modules, whose helpers a candidate must not replace."""
    return {
        name: module
        for name, module in sys.modules.items()
        if name == "grading" or name.startswith("grading.")
    }


def take(modules: Mapping[str, ModuleType]) -> Snapshot:
    numpy = sys.modules.get("numpy")
    return Snapshot(
        cwd=os.getcwd(),
        environ=dict(os.environ),
        random_state=random.getstate(),
        numpy_state=numpy.random.get_state() if numpy is not None else None,
        attributes={name: dict(vars(module)) for name, module in modules.items()},
    )


def changes(before: Snapshot, modules: Mapping[str, ModuleType]) -> list[str]:
    """What changed since `before`, one phrase each (empty when nothing did)."""
    found = []
    if os.getcwd() != before.cwd:
        found.append(f"changed the working directory to {os.getcwd()}")
    changed_env = sorted(
        k
        for k in before.environ.keys() | os.environ.keys()
        if before.environ.get(k) != os.environ.get(k) and not k.startswith(LIBRARY_ENV_PREFIXES)
    )
    if changed_env:
        found.append(f"changed environment variables {', '.join(changed_env[:5])}")
    if random.getstate() != before.random_state:
        found.append("reseeded or drew from the global `random` generator")
    numpy = sys.modules.get("numpy")
    if (
        numpy is not None
        and before.numpy_state is not None
        and not _same_numpy_state(numpy.random.get_state(), before.numpy_state)
    ):
        found.append("reseeded or drew from numpy's global random generator")
    for name, namespace in before.attributes.items():
        module = modules.get(name)
        if module is None:
            continue
        replaced = sorted(k for k, v in namespace.items() if vars(module).get(k, _MISSING) is not v)
        if replaced:
            found.append(f"replaced {name}.{replaced[0]}, a helper of the tests")
    return found


_MISSING = object()


def _same_numpy_state(now: Any, before: Any) -> bool:
    return bool(now[0] == before[0] and (now[1] == before[1]).all() and now[2:] == before[2:])


def restore(snapshot: Snapshot, modules: Mapping[str, ModuleType]) -> None:
    """Put back everything `take` recorded."""
    if os.getcwd() != snapshot.cwd:
        os.chdir(snapshot.cwd)
    if dict(os.environ) != snapshot.environ:
        os.environ.clear()
        os.environ.update(snapshot.environ)
    random.setstate(snapshot.random_state)
    numpy = sys.modules.get("numpy")
    if numpy is not None and snapshot.numpy_state is not None:
        numpy.random.set_state(snapshot.numpy_state)
    for name, namespace in snapshot.attributes.items():
        module = modules.get(name)
        if module is not None:
            vars(module).update(namespace)


@contextmanager
def no_hard_exit() -> Iterator[None]:
    """Turn os._exit, which would kill the test process with no scorecard, into an exception."""
    original = os._exit

    def refuse(status: int) -> NoReturn:
        raise CandidateError(f"called os._exit({status}), which would end the whole test run")

    os._exit = refuse
    try:
        yield
    finally:
        os._exit = original


def truncate(text: str, limit: int = OUTPUT_LIMIT) -> str:
    """`text` with its middle cut when longer than `limit` characters, saying how much was cut."""
    if len(text) <= limit:
        return text
    keep = limit // 2
    return f"{text[:keep]}\n[... {len(text) - 2 * keep:,} characters of output cut ...]\n{text[-keep:]}"


def set_memory_limit(megabytes: int) -> bool:
    """Cap this process's data segment, so an unbounded allocation raises MemoryError here
    instead of exhausting the machine. Returns False where the platform has no such limit."""
    try:
        import resource
    except ImportError:  # Windows
        return False
    if megabytes <= 0 or not hasattr(resource, "RLIMIT_DATA"):
        return False
    wanted = megabytes * 1024 * 1024
    _soft, hard = resource.getrlimit(resource.RLIMIT_DATA)
    if hard != resource.RLIM_INFINITY:
        wanted = min(wanted, hard)
    resource.setrlimit(resource.RLIMIT_DATA, (wanted, hard))
    return True


def memory_limit_mb() -> int:
    """The guard's size: `$PREP_MEMORY_LIMIT_MB` (0 turns it off), default 6 GiB."""
    value = os.environ.get("PREP_MEMORY_LIMIT_MB", "")
    return int(value) if value.strip().lstrip("-").isdigit() else DEFAULT_MEMORY_LIMIT_MB
