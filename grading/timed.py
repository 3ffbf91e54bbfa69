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

Usage: python -m grading.timed <exercise> [--minutes N] [--poll] [--max-runs N | --once]
       python -m grading.timed --rehearsal [--poll]
"""

from __future__ import annotations

import argparse
import importlib
import importlib.util
import json
import os
import subprocess
import sys
import time
from collections.abc import Callable, Generator, Mapping
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any, Literal, Protocol, TextIO

from grading import catalog, progress, results
from grading.catalog import Exercise
from grading.progress import clock

POLL_SECONDS = 0.5
TICK_SECONDS = 1.0  # how often the countdown redraws
REHEARSAL = ("code_challenge/hard", "data_ml_coding/intermediate")
# Folders whose files the learner does not edit: saving a test must not look like an attempt.
UNWATCHED_DIRS = frozenset({"tests", ".meta", "__pycache__"})

States = Mapping[int, str]  # part number -> scorecard state ("passed", "failing", ...)
Runner = Callable[[Exercise, Path, Path], States | None]
Outcome = Literal["finished", "out_of_time", "abandoned"]


# --- noticing saves ----------------------------------------------------------------------------


def is_watched(folder: Path, path: Path) -> bool:
    """True for a file the learner edits: design.md or a .py file outside tests/ and .meta/."""
    try:
        relative = path.relative_to(folder)
    except ValueError:
        return False
    if any(part in UNWATCHED_DIRS or part.startswith(".") for part in relative.parts[:-1]):
        return False
    return relative.name == "design.md" or relative.suffix == ".py"


def snapshot(folder: Path) -> dict[Path, tuple[int, int]]:
    """Watched file -> (mtime in ns, size): two snapshots differ when a file was saved."""
    seen = {}
    for path in folder.rglob("*"):
        if not is_watched(folder, path):
            continue
        try:
            stat = path.stat()
        except OSError:  # deleted between listing and stat: an editor's rename dance
            continue
        if path.is_file():
            seen[path] = (stat.st_mtime_ns, stat.st_size)
    return seen


class Watcher(Protocol):
    def wait(self, seconds: float) -> bool:
        """True as soon as a watched file changes; False when `seconds` pass without one."""
        ...

    def close(self) -> None: ...


class PollingWatcher:
    """Compares snapshots every POLL_SECONDS; works on any file system."""

    def __init__(self, folder: Path, interval: float = POLL_SECONDS) -> None:
        self._folder = folder
        self._interval = interval
        self._last = snapshot(folder)

    def wait(self, seconds: float) -> bool:
        deadline = time.monotonic() + seconds
        while True:
            # Compare first: a save made while the tests ran is noticed at once.
            current = snapshot(self._folder)
            if current != self._last:
                self._last = current
                return True
            remaining = deadline - time.monotonic()
            if remaining <= 0:
                return False
            time.sleep(min(self._interval, remaining))

    def close(self) -> None:
        return None


class WatchfilesWatcher:
    """File events through watchfiles (Rust `notify`): no polling cost, sub-second reaction."""

    def __init__(self, folder: Path) -> None:
        # Imported by name so that the module type-checks whether or not watchfiles is installed.
        watchfiles = importlib.import_module("watchfiles")
        root = folder.resolve()
        self._changes: Generator[set[tuple[Any, str]], None, None] = watchfiles.watch(
            root,
            watch_filter=lambda _change, path: is_watched(root, Path(path)),
            rust_timeout=int(TICK_SECONDS * 1000),
            yield_on_timeout=True,  # an empty set each tick keeps the countdown moving
        )

    def wait(self, seconds: float) -> bool:
        deadline = time.monotonic() + seconds
        while True:
            if next(self._changes):
                return True
            if time.monotonic() >= deadline:
                return False

    def close(self) -> None:
        self._changes.close()


def make_watcher(folder: Path, poll: bool) -> tuple[Watcher, str]:
    """The watcher to use and a few words on how it notices saves."""
    if not poll and importlib.util.find_spec("watchfiles") is not None:
        return WatchfilesWatcher(folder), "file events (watchfiles)"
    why = "--poll" if poll else "watchfiles is not installed"
    return PollingWatcher(folder), f"polling every {POLL_SECONDS:g} s ({why})"


# --- running the tests -------------------------------------------------------------------------


def run_tests(exercise: Exercise, root: Path, home: Path) -> States | None:
    """Run the exercise's tests on the starter (pytest prints the scorecard); return the part
    states of the results document this run wrote, or None if it wrote none (a usage error)."""
    folder = home / "results" / exercise.folder_name
    before = set(folder.glob("*.json"))
    # The learner's code, whatever PREP_IMPL says; results go where this session reads them.
    env = {k: v for k, v in os.environ.items() if k not in ("PREP_IMPL", "PYTHONDONTWRITEBYTECODE")}
    env["PREP_HOME"] = str(home)
    command = [sys.executable, "-m", "pytest", exercise.path, "-q", "-p", "no:randomly"]
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
        if progress.results_problem(document) is None:
            return {part["number"]: part["state"] for part in document["parts"]}
    return None


# --- the tally of one session (pure) -----------------------------------------------------------


@dataclass
class Tally:
    """What a session has seen so far."""

    exercise: Exercise
    green: dict[int, float] = field(default_factory=dict)  # part -> seconds at its first green
    runs: int = 0
    red_runs: int = 0
    latest: dict[int, str] = field(default_factory=dict)

    def record(self, elapsed: float, states: States | None, after_save: bool) -> None:
        """Add one run; `states` None means the run produced no results (counted as red)."""
        self.runs += 1
        self.latest = dict(states or {})
        for number, state in self.latest.items():
            if state == "passed":
                self.green.setdefault(number, elapsed)
        if after_save and not self.required_green():
            self.red_runs += 1

    def required_green(self) -> bool:
        return all(
            self.latest.get(p.number) == "passed" for p in self.exercise.parts if not p.stretch
        )

    def all_green(self) -> bool:
        return all(self.latest.get(p.number) == "passed" for p in self.exercise.parts)


def outcome(tally: Tally, out_of_time: bool) -> Outcome:
    """`finished` when every required part ended green, else why the session stopped."""
    if tally.required_green():
        return "finished"
    return "out_of_time" if out_of_time else "abandoned"


def status_line(tally: Tally, left: float) -> str:
    """`[41:50 left] run 2 · P1 green at 03:10 · P2 failing · 1 red run`."""
    pieces = [f"[{_left(left)}] run {tally.runs}"]
    for part in tally.exercise.parts:
        if part.number in tally.green:
            pieces.append(f"P{part.number} green at {clock(tally.green[part.number])}")
        else:
            state = tally.latest.get(part.number, "not_run").replace("_", " ")
            pieces.append(f"P{part.number} {state}")
    pieces.append(_plural(tally.red_runs, "red run"))
    return " · ".join(pieces)


def _left(seconds: float) -> str:
    return f"{clock(seconds)} left" if seconds >= 0 else f"{clock(-seconds)} over"


def document(
    tally: Tally,
    *,
    mode: str,
    started_at: datetime,
    ended_at: datetime,
    minutes: float,
    elapsed: float,
    out_of_time: bool,
) -> dict[str, Any]:
    """The JSON record of one session, as `.prep/timed/` keeps it."""
    return {
        "version": 1,
        "exercise": tally.exercise.path,
        "mode": mode,
        "started_at": started_at.isoformat(timespec="seconds"),
        "ended_at": ended_at.isoformat(timespec="seconds"),
        "budget_minutes": minutes,
        "elapsed_seconds": round(elapsed, 1),
        "outcome": outcome(tally, out_of_time),
        "runs": tally.runs,
        "red_runs": tally.red_runs,
        "parts": [
            {
                "number": part.number,
                "title": part.title,
                "stretch": part.stretch,
                "state": tally.latest.get(part.number, "not_run"),
                "seconds_to_green": (
                    round(tally.green[part.number], 1) if part.number in tally.green else None
                ),
            }
            for part in tally.exercise.parts
        ],
    }


def write_record(record: Mapping[str, Any], home: Path) -> Path:
    """Save `record` under `<home>/timed/<exercise>/`, in a file no other session can claim."""
    folder = home / "timed" / str(record["exercise"]).replace("/", "-")
    folder.mkdir(parents=True, exist_ok=True)
    stamp = datetime.now(UTC).strftime("%Y%m%dT%H%M%S%fZ")
    for attempt in range(1000):
        path = folder / (f"{stamp}.json" if attempt == 0 else f"{stamp}-{attempt}.json")
        try:
            with path.open("x", encoding="utf-8") as handle:
                handle.write(json.dumps(record, indent=2) + "\n")
        except FileExistsError:
            continue
        return path
    raise FileExistsError(f"{folder}: no free file name for {stamp}")


# --- the session -------------------------------------------------------------------------------


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
            print(f"\n[{_left(left())}] {exercise.path}: run {tally.runs + 1} ({why})", file=out)
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
        f"{_plural(tally.runs, 'run')}, {tally.red_runs} red; saved {_display(path)}",
        file=out,
    )
    return record, path


def _plural(count: int, noun: str) -> str:
    return f"{count} {noun}" if count == 1 else f"{count} {noun}s"


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
            out.write(f"\r\x1b[2K{_left(remaining)} · save a file to re-run, Ctrl-C to stop")
            out.flush()
        if watcher.wait(min(TICK_SECONDS, remaining)):
            if live:
                out.write("\r\x1b[2K")
            return True
    return False


# --- command line ------------------------------------------------------------------------------


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
