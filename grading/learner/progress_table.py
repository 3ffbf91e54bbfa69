"""How `nox -s progress` shows the history: one rich table per week, a cell per column, and the one
line naming files it skipped."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import datetime
from pathlib import Path

from rich.console import Console
from rich.table import Table
from rich.text import Text

from grading.learner import rotation
from grading.learner.progress_history import Row, Section


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
