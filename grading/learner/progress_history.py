"""Reading the learner's history for `nox -s progress`: results and timed documents (skipping, and
naming, any it cannot read), and one row per exercise and one section per week built from them."""

from __future__ import annotations

import json
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Any

from grading.core import catalog
from grading.core.catalog import Catalog, Exercise
from grading.learner import journal, rotation

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
