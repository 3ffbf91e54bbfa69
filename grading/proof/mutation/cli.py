"""`main`: the command line of `python -m grading.proof.mutation`."""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
import tempfile
import time
from concurrent.futures import ThreadPoolExecutor
from datetime import UTC, datetime
from pathlib import Path

from grading.core import catalog
from grading.core.catalog import ROOT
from grading.proof.mutation.campaign import copy_repository, find_tool, mutate
from grading.proof.mutation.model import (
    EQUIVALENTS,
    Mutant,
    MutationError,
    Target,
    parse_equivalents,
)
from grading.proof.mutation.report import REPORT, Run, render, tally
from grading.proof.mutation.staleness import stale
from grading.proof.mutation.targets import ROOMS, exercise_target, grading_targets


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--exercise", action="append", help="only this exercise (repeatable)")
    parser.add_argument("--grading", action="store_true", help="also mutate the grading modules")
    parser.add_argument(
        "--module",
        action="append",
        help="only this grading module, e.g. grading/core/benchmarks.py (repeatable; implies "
        "--grading, and skips the exercises unless --exercise is given)",
    )
    parser.add_argument("--cosmic-ray", dest="tool", help="the cosmic-ray executable to use")
    parser.add_argument("--equivalents", type=Path, default=EQUIVALENTS)
    parser.add_argument("--report", type=Path, default=REPORT)
    parser.add_argument(
        "--sessions",
        type=Path,
        help="keep cosmic-ray's sessions in this folder: a rerun over unchanged code only "
        "re-renders the report (after editing the equivalents file) or resumes where it stopped",
    )
    parser.add_argument(
        "--sample",
        type=int,
        help="run at most this many mutants per target, a seeded uniform sample (default: all)",
    )
    parser.add_argument(
        "--grading-sample",
        type=int,
        help="the same, for each grading module (default: --sample); there are two dozen of them",
    )
    parser.add_argument(
        "--sample-seed", type=int, default=0, help="which sample --sample takes (default 0)"
    )
    parser.add_argument("--jobs", type=int, default=1, help="targets mutated at once (default 1)")
    parser.add_argument(
        "--no-run",
        action="store_true",
        help="run nothing: re-render the report from the sessions kept in --sessions (after "
        "editing the equivalents file, say)",
    )
    options = parser.parse_args(argv)
    try:
        if options.no_run and not options.sessions:
            raise MutationError("--no-run reads kept sessions: give --sessions DIR")
        for name in ("sample", "grading_sample"):
            value = getattr(options, name)
            if value is not None and value < 1:
                raise MutationError(f"--{name.replace('_', '-')} must be at least 1, not {value}")
        if options.grading_sample is None:
            options.grading_sample = options.sample
        tool = find_tool(options.tool)
        equivalents = (
            parse_equivalents(
                options.equivalents.read_text(encoding="utf-8"), options.equivalents.name
            )
            if options.equivalents.is_file()
            else []
        )
        exercises, graded, untested = _targets(options)
        started, clock = datetime.now(UTC), time.perf_counter()
        mutants = _run_all(tool, exercises, graded, options)
    except (MutationError, catalog.CatalogError) as error:
        print(f"mutation: {error}", file=sys.stderr)
        return 2
    targets = [*exercises, *graded]
    tallies = [
        tally(t.name, [m for m in mutants if m.target == t.name], equivalents) for t in targets
    ]
    run = Run(
        command=" ".join(
            ["python -m grading.proof.mutation", *(sys.argv[1:] if argv is None else argv)]
        ),
        started=started,
        seconds=time.perf_counter() - clock,
        cores=os.cpu_count() or 1,
        tool=_version(tool),
        sources={t.name: t.source for t in targets},
        untested=tuple(untested),
        kept_sessions=options.sessions is not None,
        sample=options.sample,
        grading_sample=options.grading_sample if graded else options.sample,
        seed=options.sample_seed,
    )
    report = render(run, tallies, stale(equivalents, mutants, run.sources))
    options.report.parent.mkdir(parents=True, exist_ok=True)
    options.report.write_text(report, encoding="utf-8")
    for t in tallies:
        score = "–" if t.score is None else f"{t.score:.1%}"
        print(
            f"{t.target}: {t.killed}/{t.killed + len(t.survived) + len(t.accepted)} killed ({score}), "
            f"{len(t.equivalent)} equivalent"
        )
    print(f"report: {options.report}")
    return 0 if all(t.met for t in tallies) else 1


def _targets(options: argparse.Namespace) -> tuple[list[Target], list[Target], list[str]]:
    loaded = catalog.load()
    names = options.exercise or ([] if options.module else [e.path for e in loaded.exercises])
    exercises = [t for t in (exercise_target(loaded.get(n)) for n in names) if t is not None]
    if not (options.grading or options.module):
        return exercises, [], []
    rooms = [ROOT / "grading" / room for room in ROOMS]
    modules = [p.relative_to(ROOT).as_posix() for room in rooms for p in room.rglob("*.py")]
    modules = [m for m in modules if not m.endswith(("__init__.py", "__main__.py"))]
    tests = [p.relative_to(ROOT).as_posix() for p in (ROOT / "grading/tests").rglob("test_*.py")]
    graded, untested = grading_targets(modules, tests)
    if options.module:
        wanted = {m.removeprefix("./") for m in options.module}
        unknown = wanted - {t.name for t in graded}
        if unknown:
            raise MutationError(
                f"no unit-tested grading module {sorted(unknown)[0]}; known: "
                + ", ".join(t.name for t in graded)
            )
        graded, untested = [t for t in graded if t.name in wanted], []
    return exercises, graded, untested


def _run_all(
    tool: Path, exercises: list[Target], graded: list[Target], options: argparse.Namespace
) -> list[Mutant]:
    with tempfile.TemporaryDirectory(prefix="prep-mutation-") as name:
        scratch = options.sessions or Path(name)
        repository = ROOT
        if graded:  # --no-run reads the kept copy: no mutant runs, so none can be left in it
            kept = scratch / "repository"
            repository = kept if options.no_run else copy_repository(kept)

        def one(target: Target) -> list[Mutant]:
            root = ROOT if target in exercises else repository
            clock = time.perf_counter()
            print(f"mutating {target.source} against {' '.join(target.tests)} …", flush=True)
            work = scratch / target.name.replace("/", "-")
            size = options.sample if target in exercises else options.grading_sample
            found = mutate(target, tool, root, work, size, options.sample_seed, not options.no_run)
            ran = sum(m.outcome not in ("skipped", "unsampled") for m in found)
            seconds = time.perf_counter() - clock
            print(
                f"  {target.name}: {ran} of {len(found)} mutants run in {seconds:.0f} s", flush=True
            )
            return found

        # Grading modules share one copy of the repository, and cosmic-ray writes each mutant
        # into it: only exercises (each mutating its own copy of a reference) run side by side.
        with ThreadPoolExecutor(max_workers=max(1, options.jobs)) as pool:
            found = list(pool.map(one, exercises))
        found += [one(target) for target in graded]
    return [m for mutants in found for m in mutants]


def _version(tool: Path) -> str:
    done = subprocess.run([str(tool), "--version"], capture_output=True, text=True, check=False)
    return done.stdout.strip().replace(", version", "") or "cosmic-ray"
