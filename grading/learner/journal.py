"""Journal checkpoints: `journal/weekN.md`, written by the learner from `journal/templates/`.

A checkpoint counts as written once its file differs from its template; a template left as it
was does not.

Usage: python -m grading.learner.journal <week>   (prints one status line)
"""

from __future__ import annotations

import sys
from pathlib import Path

from grading.core.catalog import ROOT, WEEKS

JOURNAL = ROOT / "journal"


def paths(week: int, root: Path = ROOT) -> tuple[Path, Path]:
    """(the learner's file, its pristine template) for `week`."""
    folder = root / "journal"
    return folder / f"week{week}.md", folder / "templates" / f"week{week}.md"


def is_written(week: int, root: Path = ROOT) -> bool:
    """True when journal/weekN.md exists and differs from its template (whitespace aside)."""
    mine, template = paths(week, root)
    if not mine.is_file():
        return False
    if not template.is_file():
        return True
    return mine.read_text(encoding="utf-8").split() != template.read_text(encoding="utf-8").split()


def status(week: int, root: Path = ROOT) -> str:
    """`Checkpoint journal/week1.md: written` or what to do to write it."""
    mine, _ = paths(week, root)
    name = mine.relative_to(root).as_posix()
    if is_written(week, root):
        return f"Checkpoint {name}: written."
    return f"Checkpoint {name}: not written yet (still the template); see ROADMAP.md, week {week}."


def main(argv: list[str] | None = None) -> int:
    args = sys.argv[1:] if argv is None else argv
    if len(args) != 1 or not args[0].isdigit() or int(args[0]) not in WEEKS:
        print(
            "journal: give a week from 0 to 6, e.g. `python -m grading.learner.journal 1`",
            file=sys.stderr,
        )
        return 2
    print(status(int(args[0])))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
