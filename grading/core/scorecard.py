"""The scorecard printed after every run: one line per part, the benchmark table, one next step.

It sums pytest's report (records from `grading.core.results`), it never replaces it. Building the
card is pure; `render` turns it into text with rich.
"""

from __future__ import annotations

import io
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Literal

from rich.console import Console
from rich.text import Text

from grading.core.catalog import Exercise
from grading.core.results import BenchRecord, TestRecord

State = Literal["passed", "failing", "not_started", "timed_out", "import_error", "not_run"]

TIMED_OUT = "timed out (probable infinite loop or wrong complexity)"
STYLE: dict[str, str] = {
    "passed": "green",
    "failing": "red",
    "not_started": "yellow",
    "timed_out": "red",
    "import_error": "red",
    "not_run": "dim",
}


@dataclass(frozen=True)
class PartLine:
    exercise: Exercise
    number: int
    title: str
    stretch: bool
    state: State
    passed: int
    total: int
    detail: str  # the first failure's one-line message, or the import error

    @property
    def summary(self) -> str:
        """`3/3 passed`, `not started`, `timed out (...)`, `crashed on import: ...`."""
        if self.state == "import_error":
            return f"crashed on import: {self.detail}"
        if self.state == "timed_out":
            return TIMED_OUT
        if self.state == "not_started":
            return "not started (optional)" if self.stretch else "not started"
        if self.state == "not_run":
            return "not run"
        if self.number in self.exercise.design_parts:
            # The tests check the document's shape and its numbers, not the design's judgement.
            return (
                f"{self.passed}/{self.total} checks: shape complete, now review it with RUBRIC.md"
            )
        return f"{self.passed}/{self.total} passed"


@dataclass(frozen=True)
class Card:
    parts: tuple[PartLine, ...]
    benches: tuple[BenchRecord, ...]
    next_step: str


def part_lines(exercise: Exercise, tests: Sequence[TestRecord]) -> list[PartLine]:
    """One line per catalogue part of `exercise`, from the correctness tests (benchmarks aside)."""
    lines = []
    for part in exercise.parts:
        mine = [
            t
            for t in tests
            if t.exercise == exercise.path and t.part == part.number and not t.bench
        ]
        lines.append(_line(exercise, part.number, part.title, part.stretch, mine))
    return lines


def _line(
    exercise: Exercise, number: int, title: str, stretch: bool, tests: list[TestRecord]
) -> PartLine:
    outcomes = [t.outcome for t in tests]
    passed = outcomes.count("passed")
    first_problem = next((t for t in tests if t.outcome not in ("passed", "skipped")), None)
    state: State
    if all(o == "skipped" for o in outcomes):  # none collected, or every one skipped
        state = "not_run"
    elif "import_error" in outcomes:
        state = "import_error"
    elif "timed_out" in outcomes:
        state = "timed_out"
        first_problem = next(t for t in tests if t.outcome == "timed_out")
    elif all(o in ("not_started", "skipped") for o in outcomes) and "not_started" in outcomes:
        state = "not_started"
    elif passed == len([o for o in outcomes if o != "skipped"]):
        state = "passed"
    else:
        state = "failing"
    detail = first_problem.message if first_problem else ""
    return PartLine(exercise, number, title, stretch, state, passed, len(tests), detail)


def next_step(parts: Sequence[PartLine], benches: Sequence[BenchRecord]) -> str:
    """The one thing to do next, for the first exercise (in catalogue order) not yet done."""
    for line in parts:
        if line.state == "import_error":
            return f"Fix the import error first ({line.detail}), then run {_command(line, whole=True)}."
    for line in parts:
        if line.stretch or line.state in ("passed", "not_run"):
            continue
        where = f"{line.exercise.path}/PROMPT.md ## Part {line.number} — {line.title}"
        if line.state == "not_started":
            return f"Part {line.number} is next: read {where}, then run {_command(line)}."
        if line.state == "timed_out":
            return (
                f"Part {line.number} timed out: look for a loop that never ends, or work that grows "
                f"faster than {where} allows; then run {_command(line)}."
            )
        failing = line.total - line.passed
        return f"Part {line.number}: {failing} of {line.total} tests fail; run {_command(line)} and read the first."
    for bench in benches:
        if not bench.passed:
            return (
                f"Every required part passes, but {bench.name} is {bench.ratio:.1f}x the reference — "
                f"{bench.verdict}. Read {bench.exercise}/HINTS.md, then run `nox -s compare -- {bench.exercise}`."
            )
    for line in parts:
        if line.stretch and line.state != "passed" and line.state != "not_run":
            return (
                f"Every required part passes. Stretch: Part {line.number} — {line.title} "
                f"in {line.exercise.path}/PROMPT.md ({line.summary})."
            )
    if any(line.state == "not_run" for line in parts):
        return "Everything that ran passes; run the whole exercise to see the rest."
    return "Everything passes. ROADMAP.md says what comes next."


def _command(line: PartLine, whole: bool = False) -> str:
    part = "" if whole else f" --part {line.number}"
    return f"`nox -s exercise -- {line.exercise.path}{part}`"


def build(
    exercises: Sequence[Exercise], tests: Sequence[TestRecord], benches: Sequence[BenchRecord]
) -> Card:
    parts = [line for exercise in exercises for line in part_lines(exercise, tests)]
    return Card(parts=tuple(parts), benches=tuple(benches), next_step=next_step(parts, benches))


def render(card: Card, width: int = 100, color: bool = False) -> str:
    """The card as terminal text, grouped by exercise (ANSI colours only when `color`)."""
    buffer = io.StringIO()
    console = Console(
        file=buffer,
        width=width,
        force_terminal=color,
        color_system="standard" if color else None,
        no_color=not color,
        highlight=False,
        emoji=False,
    )
    title_width = max((len(_title(line)) for line in card.parts), default=0)
    exercise = None
    for line in card.parts:
        if line.exercise != exercise:
            exercise = line.exercise
            console.print(Text(f"{exercise.path} — {exercise.title}", style="bold"))
        row = Text(f"  {_title(line):<{title_width}}  ")
        row.append(line.summary, style=STYLE[line.state])
        console.print(row)
        if line.detail and line.state in ("failing", "timed_out"):
            console.print(Text(f"      first problem: {line.detail}", style="dim"))
    if card.benches:
        console.print()
        console.print(
            Text(
                "Benchmarks: yours vs the reference, measured side by side in this run",
                style="bold",
            )
        )
        for bench in card.benches:
            console.print(_bench_line(bench))
    console.print()
    console.print(Text("Next: ", style="bold") + Text(card.next_step))
    return buffer.getvalue()


def _title(line: PartLine) -> str:
    return f"Part {line.number}  {line.title}" + (" (stretch)" if line.stretch else "")


def _bench_line(bench: BenchRecord) -> Text:
    """`  Part 3  slowest_runs, speed at n=16,000: 1.0x — ok · naive 25.3x · looks O(n) ...`."""
    measure = {"time": "speed", "memory": "peak memory"}.get(bench.measure, bench.measure)
    text = Text(f"  Part {bench.part}  {bench.name}, {measure} at n={bench.size:,}: ")
    text.append(f"{bench.ratio:.1f}x — {bench.verdict}", style="green" if bench.passed else "red")
    if bench.naive_ratio is not None:
        text.append(f" · naive {bench.naive_ratio:.1f}x")
    if bench.growth:
        text.append(f" · {bench.growth}")
    return text
