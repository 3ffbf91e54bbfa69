"""`nox -s rotate`: after the roadmap, one exercise per pillar, least recently practised first.

Every 7–10 days the learner redoes one exercise of each pillar from a clean starter. The pick is
the exercise practised longest ago (never practised counts as oldest; ties go by catalogue
order), judged from the `finished_at` of the learner's runs in `.prep/results/`.

Usage: python -m grading.learner.rotation
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from grading.core import catalog, results
from grading.core.catalog import Catalog, Exercise

CADENCE_DAYS = (7, 10)
# Runs of these implementations are the maintainers' or the curious learner's look at the
# reference: they prove nothing about practice.
REFERENCE_IMPLS = frozenset({"solution", "naive"})

History = Mapping[str, Sequence[Mapping[str, Any]]]  # exercise path -> results documents


@dataclass(frozen=True)
class Pick:
    pillar: str
    exercise: Exercise
    last: datetime | None  # when it was last practised; None: never


def is_practice(document: Mapping[str, Any]) -> bool:
    """True for a run of the learner's own code (starter or a file of theirs, not .meta/)."""
    impl = str(document.get("impl", "starter"))
    return impl not in REFERENCE_IMPLS and ".meta" not in Path(impl).parts


def finished_at(document: Mapping[str, Any]) -> datetime | None:
    """The document's `finished_at` as an aware datetime, or None when missing or malformed."""
    value = document.get("finished_at")
    if not isinstance(value, str):
        return None
    try:
        moment = datetime.fromisoformat(value)
    except ValueError:
        return None
    return moment if moment.tzinfo else moment.replace(tzinfo=UTC)


def last_practised(documents: Sequence[Mapping[str, Any]]) -> datetime | None:
    """The latest `finished_at` among the learner's own runs, or None if there is none."""
    moments = [finished_at(d) for d in documents if is_practice(d)]
    return max((m for m in moments if m is not None), default=None)


def choose(cat: Catalog, history: History) -> list[Pick]:
    """One pick per pillar that has exercises, the stalest pick first."""
    oldest = datetime.min.replace(tzinfo=UTC)
    picks = []
    for pillar in catalog.PILLARS:
        candidates = [e for e in cat.exercises if e.pillar == pillar]
        if not candidates:
            continue
        dated = [(last_practised(history.get(e.path, ())), e) for e in candidates]
        # min() returns the first of equals, so ties go by catalogue order.
        last, exercise = min(dated, key=lambda pair: pair[0] or oldest)
        picks.append(Pick(pillar, exercise, last))
    return sorted(picks, key=lambda pick: pick.last or oldest)


def days_ago(moment: datetime | None, now: datetime) -> str:
    """`never`, `today`, `1 day ago`, `12 days ago`."""
    if moment is None:
        return "never"
    days = (now.date() - moment.astimezone(now.tzinfo).date()).days
    if days <= 0:
        return "today"
    return "1 day ago" if days == 1 else f"{days} days ago"


def report(cat: Catalog, picks: Sequence[Pick], history: History, now: datetime) -> list[str]:
    """The lines `rotate` prints: the cadence, each pick with its commands, missing pillars."""
    low, high = CADENCE_DAYS
    lines = [
        f"Maintenance rotation: every {low}–{high} days, one exercise per pillar, "
        "the one practised least recently, redone from a clean starter.",
    ]
    latest = max(
        (m for docs in history.values() if (m := last_practised(docs)) is not None), default=None
    )
    if latest is not None:
        gap = (now - latest).days
        if gap < low:
            lines.append(
                f"Your last practice was {days_ago(latest, now)}; the next rotation is due in "
                f"{low - gap}–{high - gap} days (doing it early does no harm)."
            )
        elif gap > high:
            lines.append(f"Your last practice was {gap} days ago: this rotation is overdue.")
    lines.append("")
    for number, pick in enumerate(picks, start=1):
        exercise = pick.exercise
        lines += [
            f"{number}. {pick.pillar}: {exercise.path} — {exercise.title} "
            f"(last practised {days_ago(pick.last, now)}, budget {exercise.minutes} min)",
            f"     nox -s reset -- {exercise.path}     archive your last attempt, restore the starter",
            f"     nox -s timed -- {exercise.path}     under the clock (or: nox -s exercise -- {exercise.path})",
        ]
    present = {pick.pillar for pick in picks}
    missing = [p for p in catalog.PILLARS if p not in present]
    if missing:
        lines.append(f"No exercises in the catalogue yet for: {', '.join(missing)}.")
    return lines


def main(argv: list[str] | None = None, root: Path = catalog.ROOT, home: Path | None = None) -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.parse_args(argv)
    try:
        cat = catalog.load(root / "exercises.toml")
    except catalog.CatalogError as error:
        print(f"rotate: {error}", file=sys.stderr)
        return 2
    history = {e.path: results.read_history(e.path, home) for e in cat.exercises}
    now = datetime.now(UTC).astimezone()
    print("\n".join(report(cat, choose(cat, history), history, now)))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
