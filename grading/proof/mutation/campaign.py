"""Running cosmic-ray: one target's mutants, in a kept session resumed where it stopped."""

from __future__ import annotations

import json
import os
import shlex
import shutil
import subprocess
import sys
from collections.abc import Sequence
from dataclasses import replace
from pathlib import Path

from grading.core.catalog import ROOT
from grading.proof.mutation.model import Mutant, MutationError, Target, parse_dump
from grading.proof.mutation.selection import Span, annotation_spans, given_spans, inside, sample
from grading.proof.mutation.staleness import fingerprint

# Per mutant, on top of pytest-timeout's per-test limit: a mutant that makes a loop endless is
# stopped by pytest-timeout first, so this only catches a wedged process.
MUTANT_TIMEOUT_SECONDS = 120


PROGRESS_SECONDS = 60


# Copies of the repository for --grading leave out what the grading tests never read.
NOT_COPIED = (".git", ".nox", ".prep", "__pycache__", ".mypy_cache", ".ruff_cache", "benchmarks")


def mutate(
    target: Target,
    tool: Path,
    root: Path,
    work: Path,
    size: int | None = None,
    seed: int = 0,
    run: bool = True,
) -> list[Mutant]:
    """Run cosmic-ray over a copy of `target.source` (inside `root`, itself a copy for grading
    modules) and return its mutants. The copy is the only file cosmic-ray ever writes. With
    `size`, only a seeded sample of that many runs (see `sample`); the rest are `unsampled`.

    A session left in `work` by an earlier run over the same code and tests is resumed, not
    started again: only its pending mutants run (none, if it finished). With `run` False nothing
    runs: the kept session is read as it is (a warning says when its code or tests changed).
    """
    work.mkdir(parents=True, exist_ok=True)
    if root == ROOT:  # an exercise: mutate a copy beside the session, load it with --impl
        module = work / Path(target.source).name
        # Copied afresh every time: an interrupted run may have left a mutant in the old copy.
        shutil.copyfile(ROOT / target.source, module)
        impl: tuple[str, ...] = ("--impl", str(module))
    else:  # a grading module: the copy of the repository is mutated in place
        module, impl = root / target.source, ()
    command = [
        sys.executable,
        *("-m", "pytest", *target.tests, "-x", "-q", "--no-header"),
        *impl,
    ]
    config = work / "cosmic-ray.toml"
    config.write_text(
        "[cosmic-ray]\n"
        f"module-path = {json.dumps(str(module))}\n"
        f"timeout = {MUTANT_TIMEOUT_SECONDS}.0\n"
        "excluded-modules = []\n"
        f"test-command = {json.dumps(shlex.join(command))}\n"
        "[cosmic-ray.distributor]\n"
        'name = "local"\n',
        encoding="utf-8",
    )
    session, stamp = work / "session.sqlite", work / "fingerprint"
    # Results land in a private PREP_HOME: a mutant's run is not the learner's history.
    env = {k: v for k, v in os.environ.items() if k != "PREP_IMPL"}
    env["PREP_HOME"] = str(work / "home")
    current = fingerprint(root, target, f"{shlex.join(command)} sample={size}:{seed}")
    spans = annotation_spans(module.read_text(encoding="utf-8"))

    def chosen(mutants: list[Mutant]) -> set[Mutant]:
        return sample([m for m in mutants if not inside(m.line, m.column, spans)], size, seed)

    fresh = session.is_file() and stamp.is_file() and stamp.read_text() == current
    if not run:
        if not session.is_file():
            raise MutationError(
                f"no kept session for {target.name} in {work}; run without --no-run"
            )
        if not fresh:
            print(f"  {target.name}: its code or tests changed since this session ran", flush=True)
    elif not fresh:
        session.unlink(missing_ok=True)
        _cosmic_ray(tool, ["init", str(config), str(session)], root, env)
        planned = parse_dump(target.name, _cosmic_ray(tool, ["dump", str(session)], root, env))
        picked = chosen(planned)
        _skip(tool, session, [m.job for m in planned if m not in picked])
        stamp.write_text(current)
    if run:
        _execute(tool, config, session, root, env, target.name)
    found = parse_dump(target.name, _cosmic_ray(tool, ["dump", str(session)], root, env))
    starter = ROOT / Path(target.source).parent.parent / "starter.py"
    given = (
        given_spans(module.read_text(encoding="utf-8"), starter.read_text(encoding="utf-8"))
        if root == ROOT and starter.is_file()
        else []
    )
    return sorted(
        (_relabel(m, spans, given) for m in found), key=lambda m: (m.line, m.operator, m.mutated)
    )


def _relabel(mutant: Mutant, annotations: Sequence[Span], given: Sequence[Span]) -> Mutant:
    """Skipped mutants outside annotations are the ones the sample left out; any mutant in given
    code is `given`, run or not (the sample is drawn over all, so it stays reproducible)."""
    if inside(mutant.line, mutant.column, annotations):
        return mutant
    if inside(mutant.line, mutant.column, given):
        return replace(mutant, outcome="given")
    if mutant.outcome == "skipped":
        return replace(mutant, outcome="unsampled")
    return mutant


# Marks jobs done-without-running through cosmic-ray's own API, as its cr-filter-* tools do; it
# runs in cosmic-ray's environment, the only one where cosmic_ray is importable.
SKIP_SCRIPT = """
import sys
from cosmic_ray.work_db import use_db, WorkDB
from cosmic_ray.work_item import WorkResult, WorkerOutcome
with use_db(sys.argv[1], WorkDB.Mode.open) as db:
    for job in sys.stdin.read().split():
        db.set_result(job, WorkResult(worker_outcome=WorkerOutcome.SKIPPED))
"""


def _skip(tool: Path, session: Path, jobs: list[str]) -> None:
    if not jobs:
        return
    python = tool.parent / "python"
    done = subprocess.run(
        [str(python), "-c", SKIP_SCRIPT, str(session)],
        input="\n".join(jobs),
        capture_output=True,
        text=True,
        check=False,
    )
    if done.returncode != 0:
        tail = " | ".join(done.stderr.strip().splitlines()[-2:])
        raise MutationError(f"could not mark {len(jobs)} annotation mutants skipped: {tail}")


def _execute(
    tool: Path, config: Path, session: Path, cwd: Path, env: dict[str, str], label: str = ""
) -> None:
    """`cosmic-ray exec`, printing how far it got every PROGRESS_SECONDS (it prints nothing)."""
    process = subprocess.Popen(
        [str(tool), "exec", str(config), str(session)],
        cwd=cwd,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        text=True,
    )
    try:
        while True:
            try:
                _, errors = process.communicate(timeout=PROGRESS_SECONDS)
                break
            except subprocess.TimeoutExpired:
                rows = _cosmic_ray(tool, ["dump", str(session)], cwd, env)
                done = sum(not row.rstrip().endswith("null]") for row in rows)
                print(f"  {label}: {done}/{len(rows)} mutants done", flush=True)
    finally:
        if process.poll() is None:  # interrupted: stop cosmic-ray, the copy goes with scratch
            process.terminate()
            process.wait()
    if process.returncode != 0:
        tail = " | ".join(errors.strip().splitlines()[-3:])
        raise MutationError(f"cosmic-ray exec failed (exit {process.returncode}): {tail}")


def _cosmic_ray(tool: Path, args: list[str], cwd: Path, env: dict[str, str]) -> list[str]:
    done = subprocess.run(
        [str(tool), *args], cwd=cwd, env=env, capture_output=True, text=True, check=False
    )
    if done.returncode != 0:
        tail = " | ".join(done.stderr.strip().splitlines()[-3:])
        raise MutationError(f"cosmic-ray {args[0]} failed (exit {done.returncode}): {tail}")
    return done.stdout.splitlines()


def copy_repository(destination: Path) -> Path:
    """A fresh copy of the repository to mutate grading modules in; returns its root."""
    if destination.exists():  # left by an earlier run, perhaps with a mutant still in it
        shutil.rmtree(destination)
    shutil.copytree(ROOT, destination, ignore=shutil.ignore_patterns(*NOT_COPIED))
    return destination


def find_tool(given: str | None) -> Path:
    """The cosmic-ray executable: --cosmic-ray, else the one on PATH."""
    found = given or shutil.which("cosmic-ray")
    if not found or not Path(found).is_file():
        raise MutationError(
            f"cosmic-ray not found{f' at {given}' if given else ' on PATH'}; run `nox -s mutation` "
            "or install it in its own venv and pass --cosmic-ray <venv>/bin/cosmic-ray"
        )
    return Path(found)
