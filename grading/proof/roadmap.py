"""The exercise tables of ROADMAP.md, generated from the catalogue and checked by `verify`.

ROADMAP.md is prose written by hand with one generated block per week, between
`<!-- exercises: week N -->` and `<!-- end exercises -->`. `--write` regenerates the blocks;
`--check` exits 1 naming the command to run when they drift from exercises.toml.

Usage: python -m grading.proof.roadmap --write | --check
"""

from __future__ import annotations

import argparse
import re
import sys
from pathlib import Path

from grading.core import catalog
from grading.core.catalog import ROOT, Catalog

ROADMAP = ROOT / "ROADMAP.md"
BLOCK = re.compile(r"(<!-- exercises: week (\d) -->\n)(.*?)(<!-- end exercises -->)", re.DOTALL)
FIX = "run `nox -s roadmap` to regenerate them"


def week_table(loaded: Catalog, week: int) -> str:
    """A markdown table of the week's exercises, or a line saying there are none yet."""
    exercises = loaded.for_week(week)
    if not exercises:
        return "_No exercises in this week yet._\n"
    rows = ["| exercise | what | parts | budget | run |", "| --- | --- | --- | --- | --- |"]
    for exercise in exercises:
        parts = ", ".join(
            f"{p.number}. {p.title}" + (" (stretch)" if p.stretch else "") for p in exercise.parts
        )
        rows.append(
            f"| [`{exercise.path}`]({exercise.path}/PROMPT.md) | {exercise.title} | {parts} "
            f"| {exercise.minutes} min | `nox -s exercise -- {exercise.path}` |"
        )
    return "\n".join(rows) + "\n"


def render(text: str, loaded: Catalog) -> str:
    """`text` with every generated block replaced by the catalogue's current table."""
    return BLOCK.sub(lambda m: m.group(1) + week_table(loaded, int(m.group(2))) + m.group(4), text)


def check(loaded: Catalog, path: Path = ROADMAP) -> list[str]:
    """Problems with ROADMAP.md's generated blocks, one line each (empty when in sync)."""
    text = path.read_text(encoding="utf-8")
    weeks = {int(m.group(2)) for m in BLOCK.finditer(text)}
    missing = [w for w in catalog.WEEKS if w not in weeks]
    if missing:
        return [
            f"ROADMAP.md has no generated block for week(s) {missing}; add `<!-- exercises: week N -->`"
        ]
    if render(text, loaded) != text:
        return [f"ROADMAP.md exercise tables differ from exercises.toml; {FIX}"]
    return []


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    mode = parser.add_mutually_exclusive_group(required=True)
    mode.add_argument("--write", action="store_true", help="regenerate the tables in place")
    mode.add_argument("--check", action="store_true", help="exit 1 if the tables have drifted")
    options = parser.parse_args(argv)
    try:
        loaded = catalog.load()
    except catalog.CatalogError as error:
        print(f"roadmap: {error}", file=sys.stderr)
        return 2
    if options.write:
        ROADMAP.write_text(render(ROADMAP.read_text(encoding="utf-8"), loaded), encoding="utf-8")
        print("ROADMAP.md: exercise tables regenerated from exercises.toml")
        return 0
    problems = check(loaded)
    for problem in problems:
        print(problem, file=sys.stderr)
    return 1 if problems else 0


if __name__ == "__main__":
    raise SystemExit(main())
