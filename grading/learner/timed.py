"""`nox -s timed -- <exercise> [--minutes N]`: mock-interview mode, under the clock.

A countdown from the exercise's time budget. The exercise's tests run once at the start and again
whenever you save a file of yours in its folder (starter.py, design.md, any other .py outside
tests/ and .meta/); pytest prints the scorecard after each run. When the session ends (every part
green, time up, or Ctrl-C) it is saved to `.prep/timed/<exercise>/<time>.json`: each part's time
to green (the first run in which it passed) and the number of red runs (runs after a save in
which a required part still failed).

Saves are noticed by watchfiles when it is installed, else by polling file times every 0.5 s;
`--poll` forces polling, which also works where file events do not (network or WSL-mounted
drives).

`--rehearsal` is week 6's fatigue rehearsal: code_challenge/hard, then data_ml_coding/intermediate,
back to back, each under its own budget. Ctrl-C ends the current exercise and starts the next.

Usage: python -m grading.learner.timed <exercise> [--minutes N] [--poll] [--max-runs N | --once]
       python -m grading.learner.timed --rehearsal [--poll]
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import time
from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path
from typing import Any, TextIO

from grading.core import catalog, results
from grading.core.catalog import Exercise
from grading.learner import progress_history
from grading.learner.progress_table import clock
from grading.learner.timed_record import (
    States,
    Tally,
    document,
    left_label,
    plural,
    status_line,
    write_record,
)
from grading.learner.watching import TICK_SECONDS, Watcher, make_watcher

REHEARSAL = ("code_challenge/hard", "data_ml_coding/intermediate")


Runner = Callable[[Exercise, Path, Path], States | None]


def run_tests(exercise: Exercise, root: Path, home: Path) -> States | None:
    """Run the exercise's tests on the starter (pytest prints the scorecard); return the part
    states of the results document this run wrote, or None if it wrote none (a usage error)."""
    folder = home / "results" / exercise.folder_name
    before = set(folder.glob("*.json"))
    # The learner's code, whatever PREP_IMPL says; results go where this session reads them.
    env = {k: v for k, v in os.environ.items() if k not in ("PREP_IMPL", "PYTHONDONTWRITEBYTECODE")}
    env["PREP_HOME"] = str(home)
    command = [sys.executable, "-m", "pytest", exercise.path, "-q"]
    # A session of its own: Ctrl-C reaches only this process, which stops pytest quietly
    # (subprocess.run kills the child) instead of letting pytest print a traceback.
    subprocess.run(command, cwd=root, env=env, check=False, start_new_session=True)
    return newest_states(folder, before)


def newest_states(folder: Path, before: set[Path]) -> States | None:
    """Part states from the newest readable results document not in `before`."""
    for path in sorted(set(folder.glob("*.json")) - before, reverse=True):
        try:
            document = json.loads(path.read_text(encoding="utf-8"))
        except (OSError, UnicodeDecodeError, json.JSONDecodeError):
            continue
        if progress_history.results_problem(document) is None:
            return {part["number"]: part["state"] for part in document["parts"]}
    return None


def run_session(
    exercise: Exercise,
    *,
    root: Path,
    home: Path,
    minutes: float,
    watcher: Watcher,
    mode: str = "timed",
    runner: Runner = run_tests,
    max_runs: int | None = None,
    out: TextIO = sys.stdout,
) -> tuple[dict[str, Any], Path] | None:
    """Run tests at the start and after each save until every part is green, time is up,
    `max_runs` runs happened or Ctrl-C; return the saved record and its path (None when
    Ctrl-C came before the first run finished: there is nothing to record)."""
    budget = minutes * 60
    started_at = datetime.now(UTC)
    start = time.monotonic()
    tally = Tally(exercise)
    out_of_time = False

    def left() -> float:
        return budget - (time.monotonic() - start)

    try:
        after_save = False
        announced = False
        while True:
            why = "after a save" if after_save else "start"
            print(
                f"\n[{left_label(left())}] {exercise.path}: run {tally.runs + 1} ({why})", file=out
            )
            out.flush()
            states = runner(exercise, root, home)
            tally.record(time.monotonic() - start, states, after_save)
            print(status_line(tally, left()), file=out)
            if states is None:
                print("this run wrote no results: read pytest's message above", file=out)
            if tally.all_green() or (max_runs is not None and tally.runs >= max_runs):
                break
            if tally.required_green() and not announced:
                announced = True
                print(
                    f"Every required part is green at {clock(time.monotonic() - start)}: the "
                    "interview's bar. Go on with the stretch part, or Ctrl-C to finish.",
                    file=out,
                )
            if not _wait_for_save(watcher, left, out):
                out_of_time = True
                print(f"\nTime is up: {clock(budget)} spent on {exercise.path}.", file=out)
                break
            after_save = True
    except KeyboardInterrupt:
        print("\nStopped (Ctrl-C).", file=out)
    finally:
        watcher.close()
    elapsed = time.monotonic() - start
    if tally.runs == 0:
        print(f"{exercise.path}: stopped before the first run finished; nothing saved.", file=out)
        return None
    record = document(
        tally,
        mode=mode,
        started_at=started_at,
        ended_at=datetime.now(UTC),
        minutes=minutes,
        elapsed=elapsed,
        out_of_time=out_of_time,
    )
    path = write_record(record, home)
    print(
        f"{exercise.path}: {record['outcome']} after {clock(elapsed)} of {clock(budget)}; "
        f"{plural(tally.runs, 'run')}, {tally.red_runs} red; saved {_display(path)}",
        file=out,
    )
    return record, path


def _display(path: Path) -> str:
    try:
        return str(path.relative_to(Path.cwd()))
    except ValueError:
        return str(path)


def _wait_for_save(watcher: Watcher, left: Callable[[], float], out: TextIO) -> bool:
    """Block until a save (True) or the end of the budget (False), redrawing the countdown."""
    live = out.isatty()
    while (remaining := left()) > 0:
        if live:
            # \r and erase-line: one line that counts down instead of a scrolling wall.
            out.write(f"\r\x1b[2K{left_label(remaining)} · save a file to re-run, Ctrl-C to stop")
            out.flush()
        if watcher.wait(min(TICK_SECONDS, remaining)):
            if live:
                out.write("\r\x1b[2K")
            return True
    return False


def parse_minutes(text: str | None, default: int) -> float:
    """The budget in minutes; ValueError with a one-line message when not a positive number."""
    if text is None:
        return float(default)
    try:
        minutes = float(text)
    except ValueError:
        minutes = float("nan")
    if not minutes > 0:  # also rejects NaN
        raise ValueError(f"--minutes must be a positive number of minutes, got {text!r}")
    return minutes


def main(argv: list[str] | None = None, root: Path = catalog.ROOT, home: Path | None = None) -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("exercise", nargs="?", help="catalogue path, e.g. code_challenge/easy")
    parser.add_argument(
        "--minutes", help="time budget (default: the exercise's, from the catalogue)"
    )
    parser.add_argument("--poll", action="store_true", help="poll file times instead of events")
    parser.add_argument("--max-runs", type=int, help="stop after this many test runs")
    parser.add_argument("--once", action="store_true", help="run the tests once and stop")
    parser.add_argument(
        "--rehearsal", action="store_true", help="week 6: " + " then ".join(REHEARSAL)
    )
    options = parser.parse_args(argv)
    home = home or results.prep_home()
    try:
        cat = catalog.load(root / "exercises.toml")
    except catalog.CatalogError as error:
        return _fail(str(error))
    max_runs = 1 if options.once else options.max_runs
    if max_runs is not None and max_runs < 1:
        return _fail(f"--max-runs must be 1 or more, got {max_runs}")
    if options.rehearsal:
        if options.exercise or options.minutes:
            return _fail("--rehearsal runs its own exercises and budgets; drop the other arguments")
        return rehearse(cat, root, home, options.poll, max_runs)
    if not options.exercise:
        known = ", ".join(e.path for e in cat.exercises)
        return _fail(f"name an exercise: nox -s timed -- <exercise>; known exercises: {known}")
    try:
        exercise = cat.get(options.exercise)
        minutes = parse_minutes(options.minutes, exercise.minutes)
    except (catalog.CatalogError, ValueError) as error:
        return _fail(str(error))
    watcher, how = make_watcher(exercise.directory(root), options.poll)
    print(
        f"Mock interview: {exercise.path} — {exercise.title}, {clock(minutes * 60)} on the clock. "
        f"Edit {exercise.path}/starter.py; tests re-run on each save ({how}). Ctrl-C stops."
    )
    run_session(exercise, root=root, home=home, minutes=minutes, watcher=watcher, max_runs=max_runs)
    return 0


def rehearse(
    cat: catalog.Catalog,
    root: Path,
    home: Path,
    poll: bool,
    max_runs: int | None,
    runner: Runner = run_tests,
) -> int:
    """Week 6: the rehearsal exercises back to back; those not in the catalogue are skipped."""
    chosen = []
    for path in REHEARSAL:
        try:
            chosen.append(cat.get(path))
        except catalog.CatalogError:
            print(f"rehearsal: {path} is not in the catalogue yet; skipping it")
    if not chosen:
        return _fail(f"none of {', '.join(REHEARSAL)} is in the catalogue yet; nothing to rehearse")
    total = sum(e.minutes for e in chosen)
    print(
        f"Fatigue rehearsal: {' then '.join(e.path for e in chosen)}, {total} minutes in all, "
        "no break between. Ctrl-C ends the current exercise and starts the next."
    )
    for index, exercise in enumerate(chosen, start=1):
        # Ctrl-C inside a session ends that session only; it is caught there.
        watcher, how = make_watcher(exercise.directory(root), poll)
        print(
            f"\n=== {index}/{len(chosen)}: {exercise.path} — {exercise.title}, "
            f"{exercise.minutes} minutes; edit {exercise.path}/starter.py ({how})"
        )
        run_session(
            exercise,
            root=root,
            home=home,
            minutes=exercise.minutes,
            watcher=watcher,
            mode="rehearsal",
            runner=runner,
            max_runs=max_runs,
        )
    return 0


def _fail(message: str) -> int:
    print(f"timed: {message}", file=sys.stderr)
    return 2


if __name__ == "__main__":
    try:
        raise SystemExit(main())
    except KeyboardInterrupt:  # between sessions: nothing is running, nothing is lost
        raise SystemExit(130) from None
