"""`nox -s verify`: prove every exercise's contract by running candidates through its tests.

For each exercise in the catalogue, each candidate below runs in its own pytest process (two at
a time), writing its results JSON to a private folder; the expectation is then checked on it:

    reference          every part passes, every benchmark verdict passes
    untouched starter  every part 'not started'
    each mutant        the part its docstring names fails
    each alternative   every part passes
    each candidate     the verdict its docstring names: accept, reject part N, slow part N
                       (the bank written from the prompt alone, see candidates.py)
    naive baseline     every part passes, and it loses a benchmark verdict the reference wins
    infinite loop      every part reported 'timed out'
    syntax error       every part reported 'crashed on import: SyntaxError line N'

Usage: python -m grading.proof.verify [--exercise PATH] [--jobs N]
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from rich.console import Console
from rich.table import Table

from grading.core import catalog
from grading.core.catalog import ROOT, Exercise
from grading.proof import candidates as blind
from grading.proof import consistency, forked, roadmap

# Generated hostile candidates. Module-level __getattr__ (PEP 562) makes every public name of
# any exercise resolve to a function that never returns, so one file serves all exercises.
LOOP_FOREVER = '''"""Every function loops forever."""
def __getattr__(name):
    def forever(*args, **kwargs):
        while True:
            pass
    return forever
'''
SYNTAX_ERROR = '"""A candidate that does not parse."""\n\ndef broken(:\n    pass\n'
LOOP_TIMEOUT_SECONDS = "1"
# A candidate run still going after this is stuck where no per-test alarm reaches (in C code);
# its runs take seconds, a minute on a loaded machine.
RUN_LIMIT_SECONDS = 300.0

Check = Callable[[dict[str, Any]], str | None]  # results document -> problem, or None if fine


@dataclass(frozen=True)
class Candidate:
    exercise: Exercise
    label: str  # "reference", "mutant wrong_rank.py", ...
    impl: str  # what --impl receives
    bench: bool
    expect: str  # the expectation, in words
    check: Check
    extra_args: tuple[str, ...] = ()


@dataclass(frozen=True)
class Outcome:
    candidate: Candidate
    problem: str | None
    seconds: float


def _parts(document: dict[str, Any]) -> list[dict[str, Any]]:
    return list(document.get("parts", []))


def all_parts(state: str) -> Check:
    def check(document: dict[str, Any]) -> str | None:
        wrong = [
            f"part {p['number']}: {p['summary']}" for p in _parts(document) if p["state"] != state
        ]
        return "; ".join(wrong) or None

    return check


def code_parts(state: str, exercise: Exercise) -> Check:
    """Like all_parts, for the parts graded from code (design-document parts aside)."""

    def check(document: dict[str, Any]) -> str | None:
        wrong = [
            f"part {p['number']}: {p['summary']}"
            for p in _parts(document)
            if p["state"] != state and p["number"] not in exercise.design_parts
        ]
        return "; ".join(wrong) or None

    return check


def benches_pass(document: dict[str, Any]) -> str | None:
    lost = [
        f"{b['name']} {b['ratio']:.1f}x ({b['verdict']})"
        for b in document["benchmarks"]
        if not b["passed"]
    ]
    return ("benchmark verdicts lost: " + ", ".join(lost)) if lost else None


def crashed_benches(document: dict[str, Any]) -> str | None:
    """Bench tests that failed without recording a verdict: a broken workload, not a slow one."""
    judged = {b["name"] for b in document["benchmarks"]}
    broken = [
        t["name"]
        for t in document["tests"]
        if t["bench"]
        and t["status"] != "pass"
        and not any(name in (t["message"] or "") for name in judged)
    ]
    return ("bench tests crashed: " + ", ".join(broken)) if broken else None


def reference_check(document: dict[str, Any]) -> str | None:
    failing = [t["name"] for t in document["tests"] if t["status"] not in ("pass", "skip")]
    if failing:
        return f"{len(failing)} test(s) fail on the reference, first: {failing[0]}"
    return all_parts("passed")(document) or benches_pass(document)


def naive_check(document: dict[str, Any]) -> str | None:
    """Correct everywhere, except the resource bounds it breaks by design (`bound` tests and
    benchmark verdicts), and it must break at least one of those."""
    tests = document["tests"]
    wrong = [
        t["name"]
        for t in tests
        if not t["bench"] and not t.get("bound") and t["status"] not in ("pass", "skip")
    ]
    if wrong:
        return f"{len(wrong)} correctness test(s) fail on the naive baseline, first: {wrong[0]}"
    problem = crashed_benches(document)
    if problem:
        return problem
    lost_bound = any(t.get("bound") and t["status"] == "fail" for t in tests)
    lost_bench = any(not b["passed"] for b in document["benchmarks"])
    if (document["benchmarks"] or any(t.get("bound") for t in tests)) and not (
        lost_bound or lost_bench
    ):
        return "the naive baseline kept every bound and won every benchmark verdict; widen the workload or the margin"
    return None


def mutant_check(part: int) -> Check:
    def check(document: dict[str, Any]) -> str | None:
        states = {p["number"]: p for p in _parts(document)}
        line = states.get(part)
        if line is None:
            return f"no part {part} in the results"
        if line["state"] in ("failing", "timed_out"):
            return None
        return f"not caught: part {part} says {line['summary']}"

    return check


def import_error_check(document: dict[str, Any]) -> str | None:
    wrong = [
        f"part {p['number']}: {p['summary']}"
        for p in _parts(document)
        if p["state"] != "import_error" or "SyntaxError line" not in p["summary"]
    ]
    return "; ".join(wrong) or None


def candidates(exercise: Exercise, scratch: Path) -> list[Candidate]:
    """Every candidate to run for `exercise`, hostile ones written into `scratch`."""
    folder = exercise.directory()
    runs = [
        Candidate(
            exercise,
            "reference",
            "solution",
            True,
            "all parts pass, benchmarks pass",
            reference_check,
        ),
        Candidate(
            exercise,
            "untouched starter",
            "starter",
            False,
            "every part 'not started'",
            all_parts("not_started"),
        ),
    ]
    for mutant in sorted((folder / ".meta/mutants").glob("*.py")):
        part = consistency.mutant_part(mutant.read_text(encoding="utf-8"))
        if part is not None:
            runs.append(
                Candidate(
                    exercise,
                    f"mutant {mutant.name}",
                    str(mutant),
                    False,
                    f"part {part} fails",
                    mutant_check(part),
                )
            )
    for alternative in sorted((folder / ".meta/alternatives").glob("*.py")):
        runs.append(
            Candidate(
                exercise,
                f"alternative {alternative.name}",
                str(alternative),
                False,
                "all parts pass",
                all_parts("passed"),
            )
        )
    runs += bank_candidates(_bank(exercise), exercise)
    if (folder / ".meta/naive.py").is_file():
        runs.append(
            Candidate(
                exercise,
                "naive baseline",
                "naive",
                True,
                "parts pass, loses a verdict",
                naive_check,
            )
        )
    loop = scratch / f"{exercise.folder_name}-loop_forever.py"
    loop.write_text(LOOP_FOREVER, encoding="utf-8")
    runs.append(
        Candidate(
            exercise,
            "infinite loop",
            str(loop),
            False,
            "every part 'timed out'",
            code_parts("timed_out", exercise),
            extra_args=("--timeout", LOOP_TIMEOUT_SECONDS),
        )
    )
    broken = scratch / f"{exercise.folder_name}-syntax_error.py"
    broken.write_text(SYNTAX_ERROR, encoding="utf-8")
    runs.append(
        Candidate(
            exercise,
            "syntax error",
            str(broken),
            False,
            "'crashed on import: SyntaxError line 3'",
            import_error_check,
        )
    )
    return runs


def bank_candidates(bank: list[tuple[Path, blind.Verdict]], exercise: Exercise) -> list[Candidate]:
    """A Candidate for each blind candidate of `bank`, run and checked as its verdict says."""
    runs = []
    for path, verdict in bank:
        bench, extra = blind.run_args(verdict)
        runs.append(
            Candidate(
                exercise,
                f"candidate {path.name}",
                str(path),
                bench,
                verdict.describe(),
                blind.check(verdict, exercise),
                extra_args=extra,
            )
        )
    return runs


def _bank(exercise: Exercise) -> list[tuple[Path, blind.Verdict]]:
    """The exercise's blind candidates; an unreadable verdict is consistency's to report."""
    try:
        return blind.bank(exercise)
    except blind.VerdictError:
        return []


def run_candidate(candidate: Candidate, scratch: Path, fresh: bool = False) -> Outcome:
    """Run the exercise's tests against one candidate and check its results document: in a
    child of the warm fork server (see forked.py), or with `fresh` in a new interpreter."""
    home = Path(tempfile.mkdtemp(prefix="home-", dir=scratch))
    args = [
        candidate.exercise.path,
        "-q",
        "--no-header",
        "--impl",
        candidate.impl,
        "--benchmark-disable",
        *(["--bench"] if candidate.bench else []),
        *candidate.extra_args,
    ]
    env = {**os.environ, "PREP_HOME": str(home), "PREP_IMPL": ""}
    env.pop("PYTHONDONTWRITEBYTECODE", None)  # cached bytecode halves each run's start-up
    started = time.perf_counter()
    if fresh:
        completed = subprocess.run(
            [sys.executable, "-m", "pytest", *args],
            cwd=ROOT,
            env=env,
            capture_output=True,
            text=True,
            check=False,
        )
        code, output = completed.returncode, completed.stdout + completed.stderr
    else:
        code, output = forked.run_pytest(args, env, ROOT, home / "pytest.log", RUN_LIMIT_SECONDS)
    seconds = time.perf_counter() - started
    documents = sorted((home / "results").glob("*/*.json"))
    if code not in (0, 1) or not documents:
        tail = output.strip().splitlines()[-5:]
        problem = f"pytest exited {code} without results: " + " | ".join(tail)
        return Outcome(candidate, problem, seconds)
    document = json.loads(documents[-1].read_text(encoding="utf-8"))
    return Outcome(candidate, candidate.check(document), seconds)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--exercise", help="verify only this exercise (catalogue path)")
    parser.add_argument(
        "--jobs", type=int, default=os.cpu_count() or 2, help="candidates run at once"
    )
    options = parser.parse_args(argv)
    # CI logs are not terminals; a fixed width keeps the table readable there.
    console = Console(highlight=False, width=None if sys.stdout.isatty() else 150)
    try:
        loaded = catalog.load()
        exercises = [loaded.get(options.exercise)] if options.exercise else list(loaded.exercises)
    except catalog.CatalogError as error:
        console.print(f"verify: {error}")
        return 2

    problems = consistency.check_all(loaded, only=exercises[0] if options.exercise else None)
    if not options.exercise:
        problems += roadmap.check(loaded)
    for problem in problems:
        console.print(f"[red]✗[/red] {problem}")
    console.print(
        f"consistency: {len(problems)} problem(s) in catalogue, folders, prompts, tests, starters"
    )

    with tempfile.TemporaryDirectory(prefix="prep-verify-") as scratch_name:
        scratch = Path(scratch_name)
        runs = [c for exercise in exercises for c in candidates(exercise, scratch)]
        with ThreadPoolExecutor(max_workers=max(1, options.jobs)) as pool:
            outcomes = list(pool.map(lambda c: run_candidate(c, scratch), runs))

    table = Table(title="Candidates", title_justify="left", show_edge=False, pad_edge=False)
    for column in ("exercise", "candidate", "expected", "result", "s"):
        table.add_column(column, overflow="fold")
    for outcome in outcomes:
        c = outcome.candidate
        verdict = (
            "[green]ok[/green]" if outcome.problem is None else f"[red]✗ {outcome.problem}[/red]"
        )
        table.add_row(c.exercise.path, c.label, c.expect, verdict, f"{outcome.seconds:.1f}")
    console.print(table)

    failed = len(problems) + sum(o.problem is not None for o in outcomes)
    passed = len(outcomes) - sum(o.problem is not None for o in outcomes)
    console.print(f"verify: {passed} passed, {failed} failed")
    return 1 if failed else 0


if __name__ == "__main__":
    raise SystemExit(main())
