"""`nox -s truth`: is a green true for a learner? The blind bank graded, written to benchmarks/truth.md.

Per exercise: the rules of its ledger and how many a test pins; its blind candidates by kind
(correct, buggy, slow) and how many got the verdict they must get; every mismatch with what the
tests said; and the gaps closed so far, from the exercise's `.meta/gaps.toml`:

    [[gap]]
    candidate = "bug_p2_median_interpolates.py"    # the candidate that slipped through
    kind = "wrong statistic agrees on the test data"
    closed_by = "test_summary.py::test_p50_is_a_nearest_rank_element (rule 2.4)"

Exit code: 0 every verdict matched, 1 a mismatch, 2 bad usage.

Usage: python -m grading.proof.truth [--exercise PATH ...] [--jobs N] [--report FILE]
"""

from __future__ import annotations

import argparse
import os
import platform
import sys
import tempfile
import time
import tomllib
from collections import Counter
from collections.abc import Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

from grading.core import catalog
from grading.core.catalog import ROOT, Exercise
from grading.proof import candidates as blind
from grading.proof import rules, verify

REPORT = ROOT / "benchmarks" / "truth.md"
KIND_WORDS: dict[blind.Kind, str] = {
    "accept": "correct accepted",
    "reject": "buggy rejected",
    "slow": "slow flagged",
}


@dataclass(frozen=True)
class Graded:
    exercise: str
    name: str
    verdict: blind.Verdict
    problem: str | None  # None: the tests gave the verdict the candidate must get
    seconds: float


@dataclass(frozen=True)
class Ledger:
    rules: int
    pinned: int
    problems: tuple[str, ...]


def ledger_of(exercise: Exercise, root: Path = ROOT) -> Ledger:
    """How many rules the exercise's ledger lists and how many a test pins."""
    path = exercise.directory(root) / rules.LEDGER
    listed = rules.parse_ledger(path.read_text(encoding="utf-8"))[0] if path.is_file() else []
    problems = tuple(rules.check_ledger(exercise, root))
    unpinned = sum("has no test" in problem for problem in problems)
    return Ledger(len(listed), len(listed) - unpinned, problems)


def gaps_of(exercise: Exercise, root: Path = ROOT) -> list[dict[str, str]]:
    """The gaps closed so far, as `.meta/gaps.toml` lists them (none if it is missing)."""
    path = exercise.directory(root) / ".meta" / "gaps.toml"
    if not path.is_file():
        return []
    return [
        {k: str(v) for k, v in gap.items()}
        for gap in tomllib.loads(path.read_text(encoding="utf-8")).get("gap", [])
    ]


def grade(exercise: Exercise, scratch: Path, jobs: int) -> list[Graded]:
    """Every blind candidate of `exercise` through its tests, `jobs` at a time."""
    found = blind.bank(exercise)
    runs = verify.bank_candidates(found, exercise)
    with ThreadPoolExecutor(max_workers=max(1, jobs)) as pool:
        outcomes = list(pool.map(lambda c: verify.run_candidate(c, scratch), runs))
    return [
        Graded(
            exercise.path,
            o.candidate.label.removeprefix("candidate "),
            verdict,
            o.problem,
            o.seconds,
        )
        for o, (_, verdict) in zip(outcomes, found, strict=True)
    ]


def tally(graded: Sequence[Graded]) -> dict[str, tuple[int, int]]:
    """Kind -> (matched, total)."""
    total = Counter(g.verdict.kind for g in graded)
    matched = Counter(g.verdict.kind for g in graded if g.problem is None)
    return {kind: (matched[kind], total[kind]) for kind in KIND_WORDS}


def _cell(matched: int, total: int) -> str:
    return "—" if total == 0 else f"{matched}/{total}"


def _percent(matched: int, total: int) -> str:
    return "—" if total == 0 else f"{matched}/{total} ({matched / total:.0%})"


def render(
    exercises: Sequence[Exercise],
    graded: Sequence[Graded],
    ledgers: dict[str, Ledger],
    gaps: dict[str, list[dict[str, str]]],
    command: str,
    seconds: float,
) -> str:
    """The markdown report."""
    lines = [
        "# Truth: the blind bank through the tests",
        "",
        f"- Command: `{command}`",
        f"- Date: {datetime.now(UTC):%Y-%m-%d %H:%M} UTC; took {seconds / 60:.1f} min on "
        f"{os.cpu_count()} cores ({platform.python_implementation()} {platform.python_version()}),"
        f" load average {os.getloadavg()[0]:.1f} at the end",
        "- Candidates were written by helpers who read only PROMPT.md, starter.py and the data the "
        "prompt names, never tests/ or .meta/ (see CONTRIBUTING.md, The proofs).",
        "",
        "| exercise | rules pinned | correct accepted | buggy rejected | slow flagged |",
        "| --- | --- | --- | --- | --- |",
    ]
    totals: Counter[str] = Counter()
    for exercise in exercises:
        mine = [g for g in graded if g.exercise == exercise.path]
        counts = tally(mine)
        ledger = ledgers[exercise.path]
        for kind, (matched, total) in counts.items():
            totals[kind + "/m"] += matched
            totals[kind + "/t"] += total
        lines.append(
            f"| {exercise.path} | {_cell(ledger.pinned, ledger.rules)} | "
            + " | ".join(_cell(*counts[kind]) for kind in KIND_WORDS)
            + " |"
        )
    lines.append(
        "| **all** | | "
        + " | ".join(f"**{_percent(totals[k + '/m'], totals[k + '/t'])}**" for k in KIND_WORDS)
        + " |"
    )
    misses = [g for g in graded if g.problem is not None]
    lines += ["", f"## Mismatches ({len(misses)})", ""]
    lines += [f"- `{g.exercise}` `{g.name}` ({g.verdict.describe()}): {g.problem}" for g in misses]
    if not misses:
        lines.append("None: every candidate got the verdict it must get.")
    lines += ["", "## Gaps closed", ""]
    for exercise in exercises:
        closed = gaps[exercise.path]
        if closed:
            lines.append(f"### {exercise.path}")
            lines.append("")
            lines += [
                f"- `{g.get('candidate', '?')}` ({g.get('kind', '?')}): {g.get('closed_by', '?')}"
                for g in closed
            ]
            lines.append("")
    return "\n".join(lines).rstrip() + "\n"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--exercise", action="append", help="only this exercise (repeatable)")
    parser.add_argument("--jobs", type=int, default=os.cpu_count() or 2)
    parser.add_argument("--report", type=Path, default=REPORT)
    options = parser.parse_args(argv)
    try:
        loaded = catalog.load()
        exercises = (
            [loaded.get(p) for p in options.exercise]
            if options.exercise
            else list(loaded.exercises)
        )
        started = time.perf_counter()
        with tempfile.TemporaryDirectory(prefix="prep-truth-") as name:
            graded = [g for e in exercises for g in grade(e, Path(name), options.jobs)]
    except (catalog.CatalogError, blind.VerdictError) as error:
        print(f"truth: {error}", file=sys.stderr)
        return 2
    ledgers = {e.path: ledger_of(e) for e in exercises}
    gaps = {e.path: gaps_of(e) for e in exercises}
    command = " ".join(["python -m grading.proof.truth", *(sys.argv[1:] if argv is None else argv)])
    report = render(exercises, graded, ledgers, gaps, command, time.perf_counter() - started)
    options.report.parent.mkdir(parents=True, exist_ok=True)
    options.report.write_text(report, encoding="utf-8")
    for g in graded:
        if g.problem is not None:
            print(f"✗ {g.exercise} {g.name} ({g.verdict.describe()}): {g.problem}")
    print(
        f"truth: {sum(g.problem is None for g in graded)}/{len(graded)} verdicts matched; report: {options.report}"
    )
    return 0 if all(g.problem is None for g in graded) else 1


if __name__ == "__main__":
    raise SystemExit(main())
