"""Pytest runs forked from a warm server: the fast path verify and truth grade candidates with.

Each candidate needs a pytest process of its own (a fresh session, its own imports of the
exercise and the grading plugin, its own memory guard and signals), but most of a short run is
spent importing pytest, Hypothesis, numpy, pandas and scikit-learn. multiprocessing's
`forkserver` imports those once in a server process and forks a child per run, so each run
starts with them already imported and everything else fresh. Nothing of the repository is
preloaded: the plugin, the exercise's tests and the candidate are imported in the child, so
pytest rewrites their asserts as in any run.

The flakes campaign keeps fresh interpreters (`subprocess`), as a learner's run has.
"""

from __future__ import annotations

import multiprocessing
import os
import sys
from collections.abc import Mapping, Sequence
from multiprocessing.context import ForkServerContext
from pathlib import Path

# Third-party modules only: importing them is the cost; none holds state a run could see.
PRELOAD = (
    "pytest",
    "_pytest.python",
    "hypothesis",
    "numpy",
    "pandas",
    "scipy.stats",
    "sklearn.base",
    "sklearn.linear_model",
    "sklearn.model_selection",
    "rich.console",
    "pytest_benchmark.plugin",
    "pytest_timeout",
)
_CONTEXT: ForkServerContext | None = None


def _context() -> ForkServerContext:
    global _CONTEXT
    if _CONTEXT is None:
        context = multiprocessing.get_context("forkserver")
        context.set_forkserver_preload(list(PRELOAD))
        _CONTEXT = context
    return _CONTEXT


def _child(args: Sequence[str], env: Mapping[str, str], cwd: str, log: str) -> None:
    """In the forked child: become a pytest run in `cwd` with `env`, its output in `log`."""
    os.chdir(cwd)
    os.environ.clear()
    os.environ.update(env)
    out = os.open(log, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o644)
    os.dup2(out, 1)
    os.dup2(out, 2)
    sys.stdout = open(1, "w", encoding="utf-8", errors="replace", closefd=False)  # noqa: SIM115
    sys.stderr = sys.stdout
    if cwd not in sys.path:
        sys.path.insert(0, cwd)
    import pytest

    code = pytest.main(list(args))
    sys.stdout.flush()
    os._exit(int(code))


def run_pytest(
    args: Sequence[str], env: Mapping[str, str], cwd: Path, log: Path, limit: float | None = None
) -> tuple[int, str]:
    """Run `pytest *args` in a child forked from the warm server; return (exit code, output).

    A child killed by a signal returns 128 + the signal's number, as a shell reports it. A child
    still running after `limit` seconds (stuck in C code, where no per-test alarm reaches) is
    killed, and its output ends with a line saying so."""
    process = _context().Process(target=_child, args=(list(args), dict(env), str(cwd), str(log)))
    process.start()
    process.join(limit)
    stuck = process.is_alive()
    if stuck:
        process.kill()
        process.join()
    code = process.exitcode if process.exitcode is not None else 1
    output = log.read_text(encoding="utf-8", errors="replace") if log.is_file() else ""
    if stuck:
        output += f"\nkilled after {limit:g} s: the run was still going (a hang in C code?)\n"
    return (128 - code if code < 0 else code), output
