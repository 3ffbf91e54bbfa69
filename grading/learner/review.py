"""`nox -s review -- system_design/<prompt> [--reveal] [--yes]`: a mock design review.

Runs the prompt's checks on your starter.py and design.md, prints RUBRIC.md as a checklist for
self or peer review, and shows the reference design only once your checks pass, so you compare
after trying. `--reveal` shows it earlier, after a confirmation (or `--yes`).

Usage: python -m grading.learner.review <exercise> [--reveal] [--yes]
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
from pathlib import Path

from rich.console import Console
from rich.markdown import Markdown

from grading.core import catalog
from grading.core.catalog import ROOT, Exercise

REFERENCE = ".meta/reference_design.md"


def run_checks(exercise: Exercise) -> dict[str, object]:
    """Run the exercise's tests on the learner's files; return the results document."""
    with tempfile.TemporaryDirectory(prefix="prep-review-") as home:
        env = {**os.environ, "PREP_HOME": home, "PREP_IMPL": "starter"}
        subprocess.run(
            [sys.executable, "-m", "pytest", exercise.path, "-q"],
            cwd=ROOT,
            env=env,
            check=False,
        )
        documents = sorted(Path(home).glob("results/*/*.json"))
        return json.loads(documents[-1].read_text(encoding="utf-8")) if documents else {}


def passed(document: dict[str, object]) -> bool:
    """True when every required part of the run passed."""
    parts = document.get("parts", [])
    assert isinstance(parts, list)
    required = [p for p in parts if not p["stretch"]]
    return bool(required) and all(p["state"] == "passed" for p in required)


def confirm(question: str) -> bool:
    if not sys.stdin.isatty():
        return False
    return input(f"{question} [y/N] ").strip().lower() in ("y", "yes")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("exercise", help="catalogue path, e.g. system_design/observability")
    parser.add_argument(
        "--reveal", action="store_true", help="show the reference design even if checks fail"
    )
    parser.add_argument("--yes", action="store_true", help="do not ask before revealing")
    options = parser.parse_args(argv)
    try:
        exercise = catalog.load().get(options.exercise)
    except catalog.CatalogError as error:
        print(f"review: {error}", file=sys.stderr)
        return 2
    folder = exercise.directory()
    rubric, reference = folder / "RUBRIC.md", folder / REFERENCE
    if not rubric.is_file() or not reference.is_file():
        print(
            f"review: {exercise.path} has no RUBRIC.md and reference design; review is for system_design prompts",
            file=sys.stderr,
        )
        return 2
    console = Console(highlight=False)
    green = passed(run_checks(exercise))
    console.rule("Rubric: tick each line you can defend out loud (self or peer review)")
    console.print(Markdown(rubric.read_text(encoding="utf-8")))
    if green:
        console.rule("Your checks pass: the reference design, to compare with yours")
    elif options.reveal and (
        options.yes or confirm("Your checks do not pass yet. Reveal the reference design anyway?")
    ):
        console.rule("Reference design (revealed before your checks pass)")
    else:
        console.print(
            "\nThe reference design stays hidden until your checks pass (see the scorecard above); "
            f"`nox -s review -- {exercise.path} --reveal` shows it after a confirmation."
        )
        return 1
    console.print(Markdown(reference.read_text(encoding="utf-8")))
    console.print(f"\n(file: {reference.relative_to(ROOT)})")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
