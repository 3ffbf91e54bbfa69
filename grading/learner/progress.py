"""`nox -s progress`: one table per week (and the rotation) from the learner's history in `.prep/`.

Per exercise: parts passed / total (each part's state from the latest starter run that ran it),
the latest benchmark verdicts, the trend of the worst benchmark ratio across runs, time-to-green
per part from the latest timed session (and the best one), and the last practised date; per week,
whether its journal checkpoint (`journal/weekN.md`) is written. Corrupt or odd history files are
reported in one line and skipped.

Usage: python -m grading.learner.progress
"""

from __future__ import annotations

import argparse
import sys
from datetime import UTC, datetime
from pathlib import Path

from rich.console import Console

from grading.core import catalog, results
from grading.learner.progress_history import (
    Document,
    build_sections,
    checkpoint,
    load_folder,
    results_problem,
    timed_problem,
)
from grading.learner.progress_table import render, skipped_line


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
