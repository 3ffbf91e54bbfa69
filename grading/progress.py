"""`nox -s progress`: one table per week (and the rotation) from the learner's history in `.prep/`.

Per exercise: parts passed / total (each part's state from the latest starter run that ran it),
the latest benchmark verdicts, the trend of the worst benchmark ratio across runs, time-to-green
per part from the latest timed session (and the best one), and the last practised date; per week,
whether its journal checkpoint (`journal/weekN.md`) is written. Corrupt or odd history files are
reported in one line and skipped.

Usage: python -m grading.progress
"""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from rich.console import Console
from rich.table import Table
from rich.text import Text

from grading import catalog, journal, results, rotation
from grading.catalog import Catalog, Exercise

Document = dict[str, Any]
Check = Callable[[Any], str | None]  # what is wrong with a loaded document, or None
TREND_RUNS = 5


@dataclass(frozen=True)
class Bench:
    name: str
    ratio: float
    verdict: str
    passed: bool


@dataclass(frozen=True)
class Row:
    exercise: Exercise
    states: Mapping[int, str]  # part number -> state in the latest starter run that ran it
    benches: tuple[Bench, ...]  # from the latest starter run with benchmarks
    trend: tuple[float, ...]  # worst benchmark ratio of each of the last runs, oldest first
    green: Mapping[int, float | None] | None  # latest timed session: part -> seconds; None: none
    best: Mapping[int, float]  # fastest time to green of each part over every timed session
    sessions: int  # timed sessions recorded
    last: datetime | None  # last practised


@dataclass(frozen=True)
class Section:
    title: str
    checkpoint: str | None  # "written", "not written", "no journal yet"; None: no checkpoint
    rows: tuple[Row, ...]


# --- reading .prep/ ----------------------------------------------------------------------------


def results_problem(document: Any) -> str | None:
    """Why `document` is not a usable results document, or None when it is."""
    if not isinstance(document, dict):
        return "not a JSON object"
    if rotation.finished_at(document) is None:
        return "no valid finished_at"
    parts = document.get("parts")
    if not isinstance(parts, list) or not all(
        isinstance(p, dict) and isinstance(p.get("number"), int) and isinstance(p.get("state"), str)
        for p in parts
    ):
        return "parts is not a list of {number, state}"
    benches = document.get("benchmarks", [])
    if not isinstance(benches, list) or not all(
        isinstance(b, dict)
        and isinstance(b.get("name"), str)
        and isinstance(b.get("ratio"), int | float)
        and isinstance(b.get("passed"), bool)
        for b in benches
    ):
        return "benchmarks is not a list of {name, ratio, passed}"
    return None


def timed_problem(document: Any) -> str | None:
    """Why `document` is not a usable timed-session record, or None when it is."""
    if not isinstance(document, dict):
        return "not a JSON object"
    if not isinstance(document.get("started_at"), str):
        return "no started_at"
    parts = document.get("parts")
    if not isinstance(parts, list) or not all(
        isinstance(p, dict)
        and isinstance(p.get("number"), int)
        and isinstance(p.get("seconds_to_green"), int | float | None)
        for p in parts
    ):
        return "parts is not a list of {number, seconds_to_green}"
    return None


def load_folder(folder: Path, check: Check) -> tuple[list[Document], list[tuple[Path, str]]]:
    """The folder's usable JSON documents in file-name (time) order, and the skipped files
    with the reason each was skipped."""
    documents: list[Document] = []
    skipped: list[tuple[Path, str]] = []
    for path in sorted(folder.glob("*.json")):
        try:
            document = json.loads(path.read_text(encoding="utf-8"))
        except (OSError, UnicodeDecodeError, json.JSONDecodeError):
            skipped.append((path, "not JSON"))
            continue
        problem = check(document)
        if problem:
            skipped.append((path, problem))
        else:
            documents.append(document)
    return documents, skipped


# --- pure: documents -> row --------------------------------------------------------------------


def _starter_runs(documents: Sequence[Document]) -> list[Document]:
    return [d for d in documents if d.get("impl", "starter") == "starter"]


def part_states(exercise: Exercise, documents: Sequence[Document]) -> dict[int, str]:
    """Part -> its state in the latest starter run that ran it ("not_run" if none did).

    A `--part 2` run leaves the other parts "not_run"; it must not erase what earlier runs found.
    """
    states = {part.number: "not_run" for part in exercise.parts}
    for document in _starter_runs(documents):
        for part in document["parts"]:
            if part["number"] in states and part["state"] != "not_run":
                states[part["number"]] = part["state"]
    return states


def latest_benches(documents: Sequence[Document]) -> tuple[Bench, ...]:
    """The benchmark verdicts of the latest starter run that measured any."""
    for document in reversed(_starter_runs(documents)):
        if document.get("benchmarks"):
            return tuple(
                Bench(b["name"], float(b["ratio"]), str(b.get("verdict", "")), b["passed"])
                for b in document["benchmarks"]
            )
    return ()


def ratio_trend(documents: Sequence[Document], runs: int = TREND_RUNS) -> tuple[float, ...]:
    """The worst (largest) benchmark ratio of each of the last `runs` starter runs with
    benchmarks, oldest first: the bottleneck is what the learner is working down."""
    worst = [
        max(float(b["ratio"]) for b in d["benchmarks"])
        for d in _starter_runs(documents)
        if d.get("benchmarks")
    ]
    return tuple(worst[-runs:])


def time_to_green(timed: Sequence[Document]) -> dict[int, float | None] | None:
    """Part -> seconds to green in the latest timed session (None: never green); None: no session."""
    if not timed:
        return None
    return {p["number"]: p["seconds_to_green"] for p in timed[-1]["parts"]}


def best_times(timed: Sequence[Document]) -> dict[int, float]:
    """Part -> its fastest time to green over every timed session (parts never green omitted)."""
    best: dict[int, float] = {}
    for session in timed:
        for part in session["parts"]:
            seconds = part["seconds_to_green"]
            if seconds is not None and seconds < best.get(part["number"], float("inf")):
                best[part["number"]] = float(seconds)
    return best


def build_row(exercise: Exercise, documents: Sequence[Document], timed: Sequence[Document]) -> Row:
    """The progress row of one exercise from its results documents and timed sessions."""
    return Row(
        exercise=exercise,
        states=part_states(exercise, documents),
        benches=latest_benches(documents),
        trend=ratio_trend(documents),
        green=time_to_green(timed),
        best=best_times(timed),
        sessions=len(timed),
        last=rotation.last_practised(documents),
    )


def checkpoint(week: int, root: Path) -> str:
    """`written`, `not written` (the template as it was) or `no journal yet`."""
    mine, _template = journal.paths(week, root)
    if not mine.is_file():
        return "no journal yet"
    return "written" if journal.is_written(week, root) else "not written"


def build_sections(
    cat: Catalog,
    history: Mapping[str, Sequence[Document]],
    timed: Mapping[str, Sequence[Document]],
    checkpoints: Mapping[int, str],
) -> list[Section]:
    """Weeks 0–6 in order, then the rotation's current picks."""

    def row(exercise: Exercise) -> Row:
        return build_row(exercise, history.get(exercise.path, ()), timed.get(exercise.path, ()))

    sections = [
        Section(f"Week {week}", checkpoints.get(week), tuple(row(e) for e in cat.for_week(week)))
        for week in catalog.WEEKS
    ]
    picks = rotation.choose(cat, history)
    low, high = rotation.CADENCE_DAYS
    title = f"Rotation: the next picks, one per pillar, every {low}–{high} days"
    sections.append(Section(title, None, tuple(row(p.exercise) for p in picks)))
    return sections


# --- pure: row -> cells ------------------------------------------------------------------------


def parts_cell(row: Row) -> Text:
    """`2/4 passed`, with `required done` once every required part passes."""
    if all(state == "not_run" for state in row.states.values()):
        return Text("not run yet", style="dim")
    passed = [n for n, state in row.states.items() if state == "passed"]
    required = [p.number for p in row.exercise.parts if not p.stretch]
    text = Text(f"{len(passed)}/{len(row.states)} passed")
    if set(required) <= set(passed):
        text.append(" · required done", style="green")
    return text


def benches_cell(row: Row) -> Text:
    """One line per benchmark: `slowest_runs 2.1x too slow`."""
    text = Text()
    for index, bench in enumerate(row.benches):
        if index:
            text.append("\n")
        text.append(f"{bench.name} {bench.ratio:.1f}x ")
        text.append(bench.verdict, style="green" if bench.passed else "red")
    return text if row.benches else Text("–", style="dim")


def trend_cell(trend: Sequence[float]) -> str:
    """`3.1x → 1.4x → 1.0x`, or `–` before the first benchmarked run."""
    return " → ".join(f"{ratio:.1f}x" for ratio in trend) or "–"


def clock(seconds: float) -> str:
    """`04:10`, `1:02:03` past an hour."""
    whole = max(int(seconds), 0)
    hours, rest = divmod(whole, 3600)
    minutes, secs = divmod(rest, 60)
    return f"{hours}:{minutes:02}:{secs:02}" if hours else f"{minutes:02}:{secs:02}"


def green_cell(row: Row) -> str:
    """`last: P1 04:10 · P2 –`, then `best: ...` when an earlier session was faster, then how
    many timed sessions there were; `–` before the first."""
    if row.green is None:
        return "–"

    def times(green: Mapping[int, float | None]) -> str:
        return " · ".join(
            f"P{number} {clock(seconds) if seconds is not None else '–'}"
            for number, seconds in sorted(green.items())
        )

    lines = [f"last: {times(row.green)}"]
    best: dict[int, float | None] = {number: row.best.get(number) for number in row.green}
    if best != dict(row.green):
        lines.append(f"best: {times(best)}")
    lines.append("1 session" if row.sessions == 1 else f"{row.sessions} sessions")
    return "\n".join(lines)


def last_cell(moment: datetime | None, now: datetime) -> str:
    """`2026-11-26` over `3 days ago`, in the learner's time zone; `never` if never."""
    if moment is None:
        return "never"
    local = moment.astimezone(now.tzinfo)
    return f"{local:%Y-%m-%d}\n{rotation.days_ago(moment, now)}"


def skipped_line(skipped: Sequence[tuple[Path, str]], home: Path) -> str:
    """One line naming every skipped file and why (empty when none was skipped)."""
    if not skipped:
        return ""

    def name(path: Path) -> str:
        try:
            return path.relative_to(home).as_posix()
        except ValueError:
            return str(path)

    listed = ", ".join(f"{name(path)} ({why})" for path, why in skipped)
    files = "file" if len(skipped) == 1 else "files"
    return f"skipped {len(skipped)} unreadable history {files}: {listed}"


# --- rendering ---------------------------------------------------------------------------------


def table(section: Section, now: datetime) -> Table:
    """The rich table of one section (one row per exercise)."""
    title = section.title
    if section.checkpoint is not None:
        title += f" · checkpoint: {section.checkpoint}"
    grid = Table(title=title, title_justify="left", title_style="bold", expand=False)
    grid.add_column("exercise", no_wrap=True)
    grid.add_column("parts")
    grid.add_column("benchmarks")
    grid.add_column("trend")
    grid.add_column("time to green")
    grid.add_column("last practised")
    for row in section.rows:
        grid.add_row(
            row.exercise.path,
            parts_cell(row),
            benches_cell(row),
            trend_cell(row.trend),
            green_cell(row),
            last_cell(row.last, now),
        )
    return grid


def render(sections: Sequence[Section], skipped_note: str, console: Console, now: datetime) -> None:
    """Print each section's table; a week without exercises gets one line instead."""
    for section in sections:
        if section.rows:
            console.print(table(section, now))
        else:
            checkpoint = f" · checkpoint: {section.checkpoint}" if section.checkpoint else ""
            console.print(
                Text(f"{section.title}{checkpoint}", style="bold")
                + Text(" — no exercises in the catalogue yet", style="dim")
            )
        console.print()
    if skipped_note:
        console.print(Text(skipped_note, style="yellow"), soft_wrap=True)


def main(argv: list[str] | None = None, root: Path = catalog.ROOT, home: Path | None = None) -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.parse_args(argv)
    home = home or results.prep_home()
    try:
        cat = catalog.load(root / "exercises.toml")
    except catalog.CatalogError as error:
        print(f"progress: {error}", file=sys.stderr)
        return 2
    history: dict[str, list[Document]] = {}
    timed: dict[str, list[Document]] = {}
    skipped: list[tuple[Path, str]] = []
    for exercise in cat.exercises:
        history[exercise.path], bad = load_folder(
            home / "results" / exercise.folder_name, results_problem
        )
        skipped += bad
        timed[exercise.path], bad = load_folder(
            home / "timed" / exercise.folder_name, timed_problem
        )
        skipped += bad
    checkpoints = {week: checkpoint(week, root) for week in catalog.WEEKS}
    sections = build_sections(cat, history, timed, checkpoints)
    now = datetime.now(UTC).astimezone()
    render(sections, skipped_line(skipped, home), Console(highlight=False), now)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
