"""`nox -s hint -- <exercise> [--part N]`: the next hint, one at a time.

The part is the first required part that is not green in your latest run (part 1 before any
run; then the stretch parts); `--part N` picks one. HINTS.md holds each part's hints under
`## Part N`, from a nudge to the key idea; each numbered item, bullet or paragraph is one hint.
The hints already shown are recorded in `.prep/hints.json`, so the next call shows the next one.

Usage: python -m grading.learner.hints <exercise> [--part N]
"""

from __future__ import annotations

import argparse
import json
import re
import sys
from collections.abc import Sequence
from datetime import UTC, datetime
from pathlib import Path

from rich.console import Console
from rich.text import Text

from grading.core import catalog, results
from grading.core.catalog import Exercise
from grading.learner import progress_history

SECTION = re.compile(r"^##\s+Part\s+(\d+)\b")
ITEM = re.compile(r"^(?:\d+[.)]|[-*+])\s+")  # "1. ", "2) ", "- ", "* ", "+ "

Shown = dict[str, dict[str, list[str]]]  # exercise -> part -> when each shown hint was shown


class HintsError(ValueError):
    """HINTS.md is missing or has no hints for the part."""


def parse(text: str) -> dict[int, list[str]]:
    """Part number -> its hints in order. A hint is a list item (with its indented continuation
    lines) or a paragraph; lines inside a hint are joined with single spaces."""
    sections: dict[int, list[str]] = {}
    current: list[str] | None = None  # the hints of the section being read
    lines: list[str] = []  # the hint being read

    def close() -> None:
        if current is not None and lines:
            current.append(" ".join(lines))
        lines.clear()

    for raw in text.splitlines():
        stripped = raw.strip()
        if raw.startswith("#"):
            close()
            match = SECTION.match(raw)
            # Any other heading ends the part's section: its text is not a hint.
            current = sections.setdefault(int(match.group(1)), []) if match else None
        elif not stripped:
            close()
        elif ITEM.match(raw):
            close()
            lines.append(ITEM.sub("", raw, count=1).strip())
        elif raw[0].isspace() and not lines and current:
            # An indented line after a blank line continues the previous list item.
            current[-1] += " " + stripped
        else:
            lines.append(stripped)
    close()
    return sections


def target_part(exercise: Exercise, documents: Sequence[progress_history.Document]) -> int | None:
    """The first required part not yet green, else the first stretch part not yet green;
    part 1 before any run; None once every part is green."""
    states = progress_history.part_states(exercise, documents)
    if all(state == "not_run" for state in states.values()):
        return exercise.parts[0].number
    ordered = sorted(exercise.parts, key=lambda part: (part.stretch, part.number))
    return next((p.number for p in ordered if states[p.number] != "passed"), None)


def load_shown(path: Path) -> tuple[Shown, str]:
    """The record of shown hints and a warning (empty unless the file was unreadable)."""
    if not path.is_file():
        return {}, ""
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, json.JSONDecodeError):
        data = None
    shown = data.get("shown") if isinstance(data, dict) else None
    if not isinstance(shown, dict) or not all(
        isinstance(parts, dict) and all(isinstance(times, list) for times in parts.values())
        for parts in shown.values()
    ):
        return {}, f"{path} was unreadable; it is kept as {path.name}.bad and a new one started"
    return shown, ""


def save_shown(path: Path, shown: Shown) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    temporary = path.with_suffix(".tmp")
    temporary.write_text(json.dumps({"version": 1, "shown": shown}, indent=2) + "\n", "utf-8")
    temporary.replace(path)  # atomic: a Ctrl-C never leaves half a record


def next_hint(
    exercise: Exercise, part: int, hints: Sequence[str], shown: Shown, now: datetime
) -> tuple[str, Shown]:
    """The message to print for the next unseen hint of `part`, and the updated record."""
    title = exercise.part(part).title
    seen = list(shown.get(exercise.path, {}).get(str(part), []))
    if len(seen) >= len(hints):
        message = (
            f"All {len(hints)} hints for Part {part} — {title} are shown (reread them in "
            f"{exercise.path}/HINTS.md). Go back to {exercise.path}/PROMPT.md, "
            f"## Part {part} — {title}: its examples and constraints hold the rest."
        )
        return message, shown
    number = len(seen) + 1
    message = f"hint {number} of {len(hints)} for Part {part} — {title}\n\n{hints[number - 1]}"
    if number == len(hints):
        message += "\n\nThat was the last hint for this part."
    updated = {name: dict(parts) for name, parts in shown.items()}
    updated.setdefault(exercise.path, {})[str(part)] = [*seen, now.isoformat(timespec="seconds")]
    return message, updated


def hints_for(exercise: Exercise, part: int, root: Path) -> list[str]:
    """The hints of one part; HintsError names the missing file or section."""
    path = exercise.directory(root) / "HINTS.md"
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise HintsError(f"{exercise.path} has no HINTS.md") from None
    hints = parse(text).get(part, [])
    if not hints:
        raise HintsError(f"{exercise.path}/HINTS.md has no hints under '## Part {part}'")
    return hints


def main(argv: list[str] | None = None, root: Path = catalog.ROOT, home: Path | None = None) -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("exercise", nargs="?", help="catalogue path, e.g. code_challenge/easy")
    parser.add_argument("--part", type=int, help="this part instead of the first one not green")
    options = parser.parse_args(argv)
    home = home or results.prep_home()
    try:
        cat = catalog.load(root / "exercises.toml")
        if not options.exercise:
            known = ", ".join(e.path for e in cat.exercises)
            raise catalog.CatalogError(f"name an exercise; known exercises: {known}")
        exercise = cat.get(options.exercise)
        if options.part is not None and options.part not in {p.number for p in exercise.parts}:
            raise catalog.CatalogError(
                f"{exercise.path} has parts 1..{len(exercise.parts)}, not {options.part}"
            )
        documents, _skipped = progress_history.load_folder(
            home / "results" / exercise.folder_name, progress_history.results_problem
        )
        part = options.part or target_part(exercise, documents)
        if part is None:
            print(
                f"Every part of {exercise.path} is green in your latest run; "
                f"`--part N` shows a part's hints anyway."
            )
            return 0
        hints = hints_for(exercise, part, root)
    except (catalog.CatalogError, HintsError) as error:
        print(f"hint: {error}", file=sys.stderr)
        return 2
    record = home / "hints.json"
    shown, warning = load_shown(record)
    if warning:
        record.replace(record.with_name(record.name + ".bad"))
        print(f"hint: {warning}", file=sys.stderr)
    message, updated = next_hint(exercise, part, hints, shown, datetime.now(UTC))
    if updated is not shown:
        save_shown(record, updated)
    heading, _, body = message.partition("\n")
    console = Console(highlight=False)
    console.print(Text(heading, style="bold"))
    if body:
        console.print(Text(body))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
