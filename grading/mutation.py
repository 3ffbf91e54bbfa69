"""`python -m grading.mutation`: how many small bugs planted in each reference do its tests catch?

Each exercise's `.meta/solution.py` is copied to a temporary folder; cosmic-ray changes the copy
one small edit at a time (`<` to `<=`, `1` to `2`, `and` to `or`, a loop that never runs, ...)
and runs the exercise's tests against each mutant with `--impl <copy>`. A mutant is killed when a
test fails. With `--grading`, every grading module that has a unit-test module is mutated the
same way inside a copy of the repository. Nothing in the repository is ever modified.

Glossary:
- survivor: a mutant no test caught; it needs a test, or it is equivalent.
- equivalent: a mutant no test could catch, because it computes the same thing; listed with a
  one-line reason in benchmarks/mutation-equivalents.toml and left out of the score.
- score: killed / (killed + survivors that are not equivalent). Target: 90% per target.

cosmic-ray lives in its own environment (`nox -s mutation` installs it): pass --cosmic-ray PATH
or have `cosmic-ray` on PATH. The report goes to benchmarks/mutation.md. Exit code: 0 every
target met, 1 a target missed, 2 bad usage.

Usage: python -m grading.mutation [--exercise PATH ...] [--grading] [--module FILE ...]
                                  [--sample N] [--sample-seed S] [--jobs N] [--sessions DIR]
"""

from __future__ import annotations

import argparse
import ast
import hashlib
import json
import os
import shlex
import shutil
import subprocess
import sys
import tempfile
import time
import tomllib
from collections import Counter
from collections.abc import Iterable, Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, replace
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from grading import catalog
from grading.catalog import ROOT

REPORT = ROOT / "benchmarks" / "mutation.md"
EQUIVALENTS = ROOT / "benchmarks" / "mutation-equivalents.toml"
TARGET_SCORE = 0.90
CAMPAIGN_TOOLS = ("mutation.py", "flakes.py")  # never imported by a test run
# Modules without a unit-test module of their own, and the one that exercises them end to end.
TESTED_THROUGH = {"guards": ("plugin",), "expect": ("plugin",), "shuffle": ("flakes",)}
# Per mutant, on top of pytest-timeout's per-test limit: a mutant that makes a loop endless is
# stopped by pytest-timeout first, so this only catches a wedged process.
MUTANT_TIMEOUT_SECONDS = 120
PROGRESS_SECONDS = 60
# Copies of the repository for --grading leave out what the grading tests never read.
NOT_COPIED = (".git", ".nox", ".prep", "__pycache__", ".mypy_cache", ".ruff_cache", "benchmarks")


class MutationError(ValueError):
    """A bad argument, a broken equivalents file or a cosmic-ray failure, in one line."""


@dataclass(frozen=True)
class Target:
    name: str  # "code_challenge/easy" or "grading/benchmarks.py"
    source: str  # the mutated file, relative to the repository root
    tests: tuple[str, ...]  # pytest arguments that select its tests


@dataclass(frozen=True)
class Mutant:
    target: str
    job: str  # cosmic-ray's job id
    line: int  # in `source`, which the mutated copy mirrors line for line
    column: int  # 0-based, in characters
    function: str  # the enclosing definition ("" at module level)
    operator: str  # "core/NumberReplacer"
    original: str  # the changed source line(s), stripped
    mutated: str
    # "killed", "timeout" (killed by the time limit), "survived", "incompetent", "pending" (not
    # run yet), "skipped" (inside an annotation, see annotation_spans), "unsampled" (left out
    # of a --sample run) or "given" (in code starter.py ships as is, see given_spans)
    outcome: str
    occurrence: int = 0  # cosmic-ray's index of this edit among its operator's in the file


@dataclass(frozen=True)
class Equivalent:
    target: str
    function: str
    operator: str
    original: str
    mutated: str
    reason: str
    # True for a survivor that is not equivalent but cannot be killed within the exercise's
    # contract (`accepted = true`): it stays a survivor in the score, shown with its reason.
    accepted: bool = False

    def matches(self, mutant: Mutant) -> bool:
        """Same target, function, operator and edit: the line number may move, the text may not."""
        mine = (self.target, self.function, self.operator, self.original, self.mutated)
        m = mutant
        return mine == (m.target, m.function, m.operator, m.original, m.mutated)


# --- pure: reading cosmic-ray's dump and the equivalents file ------------------------------------


def changed_lines(diff: str) -> tuple[str, str]:
    """The removed and the added lines of a unified diff, each side stripped and joined by ` ⏎ `
    (blank lines left out: at the end of a file the diff may list one on a side)."""
    removed, added = [], []
    for line in diff.splitlines():
        if line.startswith(("---", "+++", "@@")) or not line[1:].strip():
            continue
        if line.startswith("-"):
            removed.append(line[1:].strip())
        elif line.startswith("+"):
            added.append(line[1:].strip())
    return " ⏎ ".join(removed), " ⏎ ".join(added)


def parse_dump(target: str, lines: Iterable[str]) -> list[Mutant]:
    """The mutants of `cosmic-ray dump` output (one JSON `[work_item, result]` per line).

    Mutants cosmic-ray could not apply (`no-test`) are left out; a mutant without a result yet
    is `pending`; one marked skipped is `skipped`; a crashed worker is `incompetent`.
    """
    mutants = []
    for text in lines:
        if not text.strip():
            continue
        item, result = json.loads(text)
        spec = item["mutations"][0]
        result = result or {}
        worker = result.get("worker_outcome")
        if worker == "no-test":
            continue
        original, mutated = changed_lines(result.get("diff") or "")
        mutants.append(
            Mutant(
                target=target,
                job=item["job_id"],
                line=int(spec["start_pos"][0]),
                column=int(spec["start_pos"][1]),
                function=spec.get("definition_name") or "",
                operator=spec["operator_name"],
                original=original,
                mutated=mutated,
                outcome=_outcome(worker, result),
                occurrence=int(spec.get("occurrence", 0)),
            )
        )
    return sorted(mutants, key=lambda m: (m.line, m.operator, m.mutated))


def _outcome(worker: str | None, result: dict[str, Any]) -> str:
    if worker is None:
        return "pending"
    if worker == "skipped":
        return "skipped"
    if worker != "normal":
        return "incompetent"
    if result.get("test_outcome") == "killed" and result.get("output") == "timeout":
        return "timeout"
    return str(result.get("test_outcome"))


Span = tuple[tuple[int, int], tuple[int, int]]  # (line, column) from, to; columns in characters


def annotation_spans(source: str) -> list[Span]:
    """Where the type annotations of `source` are, if it has `from __future__ import annotations`.

    Under that import no annotation is ever evaluated, so a mutant inside one (`str | None` to
    `str & None`) is equivalent by construction: these are skipped instead of run. Without the
    import, annotations run at import time and such a mutant crashes, so nothing is skipped.
    """
    tree = ast.parse(source)
    future = any(
        isinstance(node, ast.ImportFrom)
        and node.module == "__future__"
        and any(alias.name == "annotations" for alias in node.names)
        for node in tree.body
    )
    if not future:
        return []
    lines = source.splitlines()
    spans = []
    for node in ast.walk(tree):
        found: list[ast.expr | None] = []
        if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef):
            arguments = node.args
            every = [*arguments.posonlyargs, *arguments.args, *arguments.kwonlyargs]
            every += [a for a in (arguments.vararg, arguments.kwarg) if a is not None]
            found = [node.returns, *(a.annotation for a in every)]
        elif isinstance(node, ast.AnnAssign):
            found = [node.annotation]
        for e in found:
            if e is not None and e.end_lineno is not None:
                start = (e.lineno, _column(lines, e.lineno, e.col_offset))
                end = (e.end_lineno, _column(lines, e.end_lineno, e.end_col_offset or 0))
                spans.append((start, end))
    return spans


def _column(lines: list[str], line: int, byte_offset: int) -> int:
    """ast counts columns in UTF-8 bytes, cosmic-ray (parso) in characters."""
    return len(lines[line - 1].encode("utf-8")[:byte_offset].decode("utf-8", errors="ignore"))


def given_spans(solution: str, starter: str) -> list[Span]:
    """Where `solution` has code that `starter` ships unchanged: the learner never writes it, so
    no test of the learner's work should grade it (records, constants, the `__main__` block).

    A top-level statement, or a method, is given when the starter has one with the same syntax
    tree (line numbers aside); a class that differs is looked into method by method, and its
    decorators are given when the starter's class of that name has the same ones.
    """
    mine, theirs = ast.parse(solution), ast.parse(starter)
    lines = solution.splitlines()
    found: list[Span] = []

    def span(node: ast.stmt) -> Span:
        decorators = getattr(node, "decorator_list", [])
        first = min([node.lineno, *(d.lineno for d in decorators)])
        last = node.end_lineno or node.lineno
        return (first, 0), (last, len(lines[last - 1]) + 1)

    def walk(body: list[ast.stmt], given: list[ast.stmt]) -> None:
        dumps = {ast.dump(node) for node in given}
        classes = {n.name: n for n in given if isinstance(n, ast.ClassDef)}
        for node in body:
            if ast.dump(node) in dumps:
                found.append(span(node))
            elif isinstance(node, ast.ClassDef) and node.name in classes:
                twin = classes[node.name]
                if [ast.dump(d) for d in node.decorator_list] == [
                    ast.dump(d) for d in twin.decorator_list
                ]:
                    for decorator in node.decorator_list:
                        end = decorator.end_lineno or decorator.lineno
                        found.append(((decorator.lineno, 0), (end, len(lines[end - 1]) + 1)))
                walk(node.body, twin.body)

    walk(mine.body, theirs.body)
    return found


def inside(line: int, column: int, spans: Sequence[Span]) -> bool:
    """True when (line, column) lies within one of `spans`."""
    return any(start <= (line, column) < end for start, end in spans)


def sample(mutants: Sequence[Mutant], size: int | None, seed: int) -> set[Mutant]:
    """A seeded uniform sample of at most `size` of `mutants` (all of them when size is None).

    Chosen by a hash of each mutant's identity (operator, occurrence, place), not by cosmic-ray's
    random job ids, so the same code, size and seed always give the same sample.
    """
    if size is None or size >= len(mutants):
        return set(mutants)

    def key(m: Mutant) -> str:
        identity = f"{seed}:{m.operator}:{m.occurrence}:{m.line}:{m.column}"
        return hashlib.sha256(identity.encode()).hexdigest()

    return set(sorted(mutants, key=key)[:size])


def wilson_interval(killed: int, judged: int, z: float = 1.96) -> tuple[float, float]:
    """The 95% Wilson score interval of a sampled score killed/judged."""
    if judged == 0:
        return 0.0, 1.0
    share = killed / judged
    centre = (share + z * z / (2 * judged)) / (1 + z * z / judged)
    half = z * ((share * (1 - share) / judged + z * z / (4 * judged * judged)) ** 0.5)
    half /= 1 + z * z / judged
    return max(0.0, centre - half), min(1.0, centre + half)


EQUIVALENT_KEYS = ("target", "function", "operator", "original", "mutated", "reason")


def parse_equivalents(text: str, source: str = "mutation-equivalents.toml") -> list[Equivalent]:
    """The `[[equivalent]]` entries of the equivalents file; MutationError names a bad entry."""
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as error:
        raise MutationError(f"{source} is not valid TOML ({error}); fix the syntax") from None
    entries = data.get("equivalent", [])
    if not isinstance(entries, list):
        raise MutationError(f"{source}: `equivalent` must be an array of tables ([[equivalent]])")
    found = []
    for index, entry in enumerate(entries, start=1):
        missing = [
            key
            for key in EQUIVALENT_KEYS
            if not isinstance(entry.get(key), str) or (key == "reason" and not entry[key].strip())
        ]
        if missing:
            raise MutationError(
                f"{source}: [[equivalent]] #{index} needs text for {', '.join(missing)}"
            )
        accepted = entry.get("accepted", False)
        if not isinstance(accepted, bool):
            raise MutationError(
                f"{source}: [[equivalent]] #{index}: accepted must be true or false"
            )
        target, function, operator, original, mutated, reason = (entry[k] for k in EQUIVALENT_KEYS)
        found.append(Equivalent(target, function, operator, original, mutated, reason, accepted))
    return found


# --- pure: the tally and the report -------------------------------------------------------------


@dataclass(frozen=True)
class Tally:
    target: str
    killed: int  # timeouts included
    timeouts: int
    survived: tuple[Mutant, ...]  # not listed as equivalent (nor accepted)
    equivalent: tuple[tuple[Mutant, Equivalent], ...]
    incompetent: int
    pending: int
    skipped: int = 0  # inside annotations, never run
    unsampled: int = 0  # left out of a --sample run
    given: int = 0  # in code starter.py ships unchanged, left out of the score
    # survivors listed with `accepted = true`: explained, but still counted against the score
    accepted: tuple[tuple[Mutant, Equivalent], ...] = ()

    @property
    def sampled(self) -> bool:
        return self.unsampled > 0

    @property
    def total(self) -> int:
        return (
            self.killed
            + len(self.survived)
            + len(self.accepted)
            + len(self.equivalent)
            + self.incompetent
            + self.pending
            + self.skipped
            + self.unsampled
            + self.given
        )

    @property
    def score(self) -> float | None:
        """Killed / non-equivalent mutants that ran; None when none ran."""
        judged = self.killed + len(self.survived) + len(self.accepted)
        return self.killed / judged if judged else None

    @property
    def met(self) -> bool:
        return self.score is not None and self.score >= TARGET_SCORE and not self.pending


def tally(target: str, mutants: Sequence[Mutant], equivalents: Sequence[Equivalent]) -> Tally:
    """Count one target's mutants; survivors matching an equivalents entry are set aside."""
    counts = Counter(m.outcome for m in mutants)
    survived: list[Mutant] = []
    equivalent: list[tuple[Mutant, Equivalent]] = []
    accepted: list[tuple[Mutant, Equivalent]] = []
    for mutant in mutants:
        if mutant.outcome != "survived":
            continue
        entry = next((e for e in equivalents if e.matches(mutant)), None)
        if entry is None:
            survived.append(mutant)
        else:
            (accepted if entry.accepted else equivalent).append((mutant, entry))
    return Tally(
        target=target,
        killed=counts["killed"] + counts["timeout"],
        timeouts=counts["timeout"],
        survived=tuple(survived),
        equivalent=tuple(equivalent),
        incompetent=counts["incompetent"],
        pending=counts["pending"],
        skipped=counts["skipped"],
        unsampled=counts["unsampled"],
        given=counts["given"],
        accepted=tuple(accepted),
    )


def stale(
    equivalents: Sequence[Equivalent], mutants: Sequence[Mutant], targets: Iterable[str]
) -> list[tuple[Equivalent, str]]:
    """Entries for the targets that ran that match no survivor: (entry, why) — the line changed,
    or a test now kills that mutant (then the entry was wrong, or the code changed). In a sampled
    target an entry matching nothing may be a mutant the sample left out (cosmic-ray has no text
    for a mutant it never applied), so only entries matching a mutant that ran are judged there."""
    ran = set(targets)
    sampled = {m.target for m in mutants if m.outcome == "unsampled"}
    found = []
    for entry in equivalents:
        if entry.target not in ran:
            continue
        matching = [m for m in mutants if entry.matches(m)]
        if not matching:
            if entry.target not in sampled:
                found.append((entry, "no such mutant any more"))
        elif all(m.outcome != "survived" for m in matching):
            found.append((entry, f"now {matching[0].outcome}"))
    return found


@dataclass(frozen=True)
class Run:
    command: str
    started: datetime
    seconds: float
    cores: int
    tool: str  # "cosmic-ray 8.7.0"
    sources: dict[str, str]  # target -> mutated file
    untested: tuple[str, ...] = ()  # grading modules without a unit-test module
    kept_sessions: bool = False  # --sessions: complete targets were read, not run again
    sample: int | None = None  # at most this many mutants run per exercise
    grading_sample: int | None = None  # ... and per grading module
    seed: int = 0


def render(
    run: Run, tallies: Sequence[Tally], stale_entries: Sequence[tuple[Equivalent, str]]
) -> str:
    """The markdown report: a score table, then survivors, equivalents and stale entries."""
    lines = [
        "# Mutation score",
        "",
        f"- Command: `{run.command}`",
        f"- Date: {run.started:%Y-%m-%d %H:%M} UTC; took {run.seconds / 60:.1f} min on "
        f"{run.cores} cores"
        + (
            " (this invocation only: a target whose kept session was complete and current is "
            "read, not run again)"
            if run.kept_sessions
            else ""
        )
        + f"; {run.tool}, every core operator",
        *_sampling(run),
        "- Score = killed / (killed + survivors not listed in "
        f"`benchmarks/mutation-equivalents.toml`); target ≥ {TARGET_SCORE:.0%} per target.",
        "- Mutants inside type annotations are skipped, not run: under `from __future__ import "
        "annotations` no annotation is ever evaluated, so they are equivalent by construction.",
        "- Mutants in given code (records, constants and helpers `starter.py` ships exactly as "
        "the reference has them) are left out of the score: the learner never writes that code, "
        "so the tests of the learner's work do not grade it.",
        "",
        "| target | mutants | skipped: in annotations | in given code | not sampled | killed "
        "| of which by timeout | survived | equivalent | incompetent | score | target met |",
        "|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---|",
    ]
    for t in tallies:
        score = "–" if t.score is None else f"{t.score:.1%}"
        if t.score is not None and t.sampled:
            low, high = wilson_interval(t.killed, t.killed + len(t.survived) + len(t.accepted))
            score += f" ({low:.0%}–{high:.0%})"
        met = "yes" if t.met else ("pending" if t.pending else "**no**")
        lines.append(
            f"| {t.target} | {t.total} | {t.skipped} | {t.given} | {t.unsampled} | {t.killed} "
            f"| {t.timeouts} "
            f"| {len(t.survived)} | {len(t.equivalent)} | {t.incompetent} | {score} | {met} |"
        )
    survivors = [t for t in tallies if t.survived]
    lines += ["", "## Survivors: each needs a test, or an equivalents entry with its reason", ""]
    if not survivors:
        lines.append("None.")
    for t in survivors:
        lines += [
            f"### {t.target}",
            "",
            "| where | function | operator | original | mutated |",
            "|---|---|---|---|---|",
        ]
        lines += [
            f"| {run.sources[t.target]}:{m.line} | {m.function or '–'} | {_short(m.operator)} "
            f"| {_code(m.original)} | {_code(m.mutated)} |"
            for m in t.survived
        ]
        lines.append("")
    accepted = [(t, m, e) for t in tallies for m, e in t.accepted]
    if accepted:
        lines += ["", "## Accepted survivors (not equivalent; counted against the score)", ""]
        lines += ["| where | mutation | why no test kills it |", "|---|---|---|"]
        lines += [
            f"| {run.sources[t.target]}:{m.line} | {_code(m.original)} → {_code(m.mutated)} "
            f"| {_cell(e.reason)} |"
            for t, m, e in accepted
        ]
    equivalent = [(t, m, e) for t in tallies for m, e in t.equivalent]
    lines += ["", "## Equivalent mutants (left out of the score)", ""]
    lines += (
        ["| where | mutation | reason |", "|---|---|---|"]
        + [
            f"| {run.sources[t.target]}:{m.line} | {_code(m.original)} → {_code(m.mutated)} "
            f"| {_cell(e.reason)} |"
            for t, m, e in equivalent
        ]
        if equivalent
        else ["None listed."]
    )
    if stale_entries:
        lines += ["", "## Stale equivalents entries (remove or update them)", ""]
        lines += [
            f"- {e.target} `{e.function}`: {_code(e.original)} → {_code(e.mutated)}: {why}"
            for e, why in stale_entries
        ]
    if run.untested:
        lines += ["", "## Not mutated: grading modules without a unit-test module", ""]
        lines.append(", ".join(f"`{name}`" for name in run.untested))
    return "\n".join(lines) + "\n"


def _sampling(run: Run) -> list[str]:
    """The report's line on sampling, if the run sampled."""
    if run.sample is None and run.grading_sample is None:
        return []
    per = f"{_cap(run.sample)} mutants per exercise"
    if run.grading_sample != run.sample:
        per += f", {_cap(run.grading_sample)} per grading module"
    return [
        f"- Sampled: {per}, a uniform sample chosen by seed {run.seed}; a sampled score is "
        "the sample's, with its 95% Wilson interval."
    ]


def _cap(size: int | None) -> str:
    return "all" if size is None else f"at most {size}"


def _short(operator: str) -> str:
    return operator.removeprefix("core/")


def _code(text: str) -> str:
    return f"`{_cell(text)}`" if text else "(removed)"


def _cell(text: str) -> str:
    return text.replace("|", "\\|")


# --- targets ------------------------------------------------------------------------------------


def exercise_target(exercise: catalog.Exercise) -> Target | None:
    """The reference of `exercise` against its tests; None if it has no `.meta/solution.py`."""
    solution = exercise.directory() / ".meta" / "solution.py"
    if not solution.is_file():
        return None
    return Target(exercise.path, f"{exercise.path}/.meta/solution.py", (exercise.path,))


def grading_targets(
    modules: Sequence[str], test_files: Sequence[str]
) -> tuple[list[Target], list[str]]:
    """Grading modules (`grading/x.py`) paired with the unit-test modules whose name contains
    theirs (`test_x.py`, `test_roadmap_and_journal.py`) or that TESTED_THROUGH names for them;
    returns (targets, modules with none)."""
    targets, untested = [], []
    for module in sorted(modules):
        stem = Path(module).stem
        words = {stem, *TESTED_THROUGH.get(stem, ())}
        tests = tuple(t for t in sorted(test_files) if words & set(Path(t).stem.split("_")))
        if tests:
            targets.append(Target(module, module, tests))
        else:
            untested.append(module)
    return targets, untested


# --- running cosmic-ray -------------------------------------------------------------------------


def mutate(
    target: Target,
    tool: Path,
    root: Path,
    work: Path,
    size: int | None = None,
    seed: int = 0,
    run: bool = True,
) -> list[Mutant]:
    """Run cosmic-ray over a copy of `target.source` (inside `root`, itself a copy for grading
    modules) and return its mutants. The copy is the only file cosmic-ray ever writes. With
    `size`, only a seeded sample of that many runs (see `sample`); the rest are `unsampled`.

    A session left in `work` by an earlier run over the same code and tests is resumed, not
    started again: only its pending mutants run (none, if it finished). With `run` False nothing
    runs: the kept session is read as it is (a warning says when its code or tests changed).
    """
    work.mkdir(parents=True, exist_ok=True)
    if root == ROOT:  # an exercise: mutate a copy beside the session, load it with --impl
        module = work / Path(target.source).name
        # Copied afresh every time: an interrupted run may have left a mutant in the old copy.
        shutil.copyfile(ROOT / target.source, module)
        impl: tuple[str, ...] = ("--impl", str(module))
    else:  # a grading module: the copy of the repository is mutated in place
        module, impl = root / target.source, ()
    command = [
        sys.executable,
        *("-m", "pytest", *target.tests, "-x", "-q", "--no-header", "-p", "no:randomly"),
        *impl,
    ]
    config = work / "cosmic-ray.toml"
    config.write_text(
        "[cosmic-ray]\n"
        f"module-path = {json.dumps(str(module))}\n"
        f"timeout = {MUTANT_TIMEOUT_SECONDS}.0\n"
        "excluded-modules = []\n"
        f"test-command = {json.dumps(shlex.join(command))}\n"
        "[cosmic-ray.distributor]\n"
        'name = "local"\n',
        encoding="utf-8",
    )
    session, stamp = work / "session.sqlite", work / "fingerprint"
    # Results land in a private PREP_HOME: a mutant's run is not the learner's history.
    env = {k: v for k, v in os.environ.items() if k != "PREP_IMPL"}
    env["PREP_HOME"] = str(work / "home")
    current = fingerprint(root, target, f"{shlex.join(command)} sample={size}:{seed}")
    spans = annotation_spans(module.read_text(encoding="utf-8"))

    def chosen(mutants: list[Mutant]) -> set[Mutant]:
        return sample([m for m in mutants if not inside(m.line, m.column, spans)], size, seed)

    fresh = session.is_file() and stamp.is_file() and stamp.read_text() == current
    if not run:
        if not session.is_file():
            raise MutationError(
                f"no kept session for {target.name} in {work}; run without --no-run"
            )
        if not fresh:
            print(f"  {target.name}: its code or tests changed since this session ran", flush=True)
    elif not fresh:
        session.unlink(missing_ok=True)
        _cosmic_ray(tool, ["init", str(config), str(session)], root, env)
        planned = parse_dump(target.name, _cosmic_ray(tool, ["dump", str(session)], root, env))
        picked = chosen(planned)
        _skip(tool, session, [m.job for m in planned if m not in picked])
        stamp.write_text(current)
    if run:
        _execute(tool, config, session, root, env, target.name)
    found = parse_dump(target.name, _cosmic_ray(tool, ["dump", str(session)], root, env))
    starter = ROOT / Path(target.source).parent.parent / "starter.py"
    given = (
        given_spans(module.read_text(encoding="utf-8"), starter.read_text(encoding="utf-8"))
        if root == ROOT and starter.is_file()
        else []
    )
    return sorted(
        (_relabel(m, spans, given) for m in found), key=lambda m: (m.line, m.operator, m.mutated)
    )


def _relabel(mutant: Mutant, annotations: Sequence[Span], given: Sequence[Span]) -> Mutant:
    """Skipped mutants outside annotations are the ones the sample left out; any mutant in given
    code is `given`, run or not (the sample is drawn over all, so it stays reproducible)."""
    if inside(mutant.line, mutant.column, annotations):
        return mutant
    if inside(mutant.line, mutant.column, given):
        return replace(mutant, outcome="given")
    if mutant.outcome == "skipped":
        return replace(mutant, outcome="unsampled")
    return mutant


def fingerprint(root: Path, target: Target, command: str) -> str:
    """A digest of everything a mutant's verdict depends on: the test command, the mutated file,
    its tests, the grading layer and the repository's configuration."""
    files = [root / target.source, root / "conftest.py", root / "pyproject.toml"]
    # Every grading module a test run may import; the campaign tools themselves are not.
    layer = sorted(p for p in (root / "grading").glob("*.py") if p.name not in CAMPAIGN_TOOLS)
    files += [root / "exercises.toml", *layer]
    for test in target.tests:
        path = root / test
        # .meta/ holds the reference (hashed above) and candidates these tests never load.
        skip = {"__pycache__", ".meta"}
        files += (
            sorted(p for p in path.rglob("*.py") if not skip & set(p.parts))
            if path.is_dir()
            else [path]
        )
    digest = hashlib.sha256(command.encode())
    for file in files:
        digest.update(file.read_bytes() if file.is_file() else b"")
    return digest.hexdigest()


# Marks jobs done-without-running through cosmic-ray's own API, as its cr-filter-* tools do; it
# runs in cosmic-ray's environment, the only one where cosmic_ray is importable.
SKIP_SCRIPT = """
import sys
from cosmic_ray.work_db import use_db, WorkDB
from cosmic_ray.work_item import WorkResult, WorkerOutcome
with use_db(sys.argv[1], WorkDB.Mode.open) as db:
    for job in sys.stdin.read().split():
        db.set_result(job, WorkResult(worker_outcome=WorkerOutcome.SKIPPED))
"""


def _skip(tool: Path, session: Path, jobs: list[str]) -> None:
    if not jobs:
        return
    python = tool.parent / "python"
    done = subprocess.run(
        [str(python), "-c", SKIP_SCRIPT, str(session)],
        input="\n".join(jobs),
        capture_output=True,
        text=True,
        check=False,
    )
    if done.returncode != 0:
        tail = " | ".join(done.stderr.strip().splitlines()[-2:])
        raise MutationError(f"could not mark {len(jobs)} annotation mutants skipped: {tail}")


def _execute(
    tool: Path, config: Path, session: Path, cwd: Path, env: dict[str, str], label: str = ""
) -> None:
    """`cosmic-ray exec`, printing how far it got every PROGRESS_SECONDS (it prints nothing)."""
    process = subprocess.Popen(
        [str(tool), "exec", str(config), str(session)],
        cwd=cwd,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        text=True,
    )
    try:
        while True:
            try:
                _, errors = process.communicate(timeout=PROGRESS_SECONDS)
                break
            except subprocess.TimeoutExpired:
                rows = _cosmic_ray(tool, ["dump", str(session)], cwd, env)
                done = sum(not row.rstrip().endswith("null]") for row in rows)
                print(f"  {label}: {done}/{len(rows)} mutants done", flush=True)
    finally:
        if process.poll() is None:  # interrupted: stop cosmic-ray, the copy goes with scratch
            process.terminate()
            process.wait()
    if process.returncode != 0:
        tail = " | ".join(errors.strip().splitlines()[-3:])
        raise MutationError(f"cosmic-ray exec failed (exit {process.returncode}): {tail}")


def _cosmic_ray(tool: Path, args: list[str], cwd: Path, env: dict[str, str]) -> list[str]:
    done = subprocess.run(
        [str(tool), *args], cwd=cwd, env=env, capture_output=True, text=True, check=False
    )
    if done.returncode != 0:
        tail = " | ".join(done.stderr.strip().splitlines()[-3:])
        raise MutationError(f"cosmic-ray {args[0]} failed (exit {done.returncode}): {tail}")
    return done.stdout.splitlines()


def copy_repository(destination: Path) -> Path:
    """A fresh copy of the repository to mutate grading modules in; returns its root."""
    if destination.exists():  # left by an earlier run, perhaps with a mutant still in it
        shutil.rmtree(destination)
    shutil.copytree(ROOT, destination, ignore=shutil.ignore_patterns(*NOT_COPIED))
    return destination


def find_tool(given: str | None) -> Path:
    """The cosmic-ray executable: --cosmic-ray, else the one on PATH."""
    found = given or shutil.which("cosmic-ray")
    if not found or not Path(found).is_file():
        raise MutationError(
            f"cosmic-ray not found{f' at {given}' if given else ' on PATH'}; run `nox -s mutation` "
            "or install it in its own venv and pass --cosmic-ray <venv>/bin/cosmic-ray"
        )
    return Path(found)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--exercise", action="append", help="only this exercise (repeatable)")
    parser.add_argument("--grading", action="store_true", help="also mutate the grading modules")
    parser.add_argument(
        "--module",
        action="append",
        help="only this grading module, e.g. grading/benchmarks.py (repeatable; implies "
        "--grading, and skips the exercises unless --exercise is given)",
    )
    parser.add_argument("--cosmic-ray", dest="tool", help="the cosmic-ray executable to use")
    parser.add_argument("--equivalents", type=Path, default=EQUIVALENTS)
    parser.add_argument("--report", type=Path, default=REPORT)
    parser.add_argument(
        "--sessions",
        type=Path,
        help="keep cosmic-ray's sessions in this folder: a rerun over unchanged code only "
        "re-renders the report (after editing the equivalents file) or resumes where it stopped",
    )
    parser.add_argument(
        "--sample",
        type=int,
        help="run at most this many mutants per target, a seeded uniform sample (default: all)",
    )
    parser.add_argument(
        "--grading-sample",
        type=int,
        help="the same, for each grading module (default: --sample); there are two dozen of them",
    )
    parser.add_argument(
        "--sample-seed", type=int, default=0, help="which sample --sample takes (default 0)"
    )
    parser.add_argument("--jobs", type=int, default=1, help="targets mutated at once (default 1)")
    parser.add_argument(
        "--no-run",
        action="store_true",
        help="run nothing: re-render the report from the sessions kept in --sessions (after "
        "editing the equivalents file, say)",
    )
    options = parser.parse_args(argv)
    try:
        if options.no_run and not options.sessions:
            raise MutationError("--no-run reads kept sessions: give --sessions DIR")
        for name in ("sample", "grading_sample"):
            value = getattr(options, name)
            if value is not None and value < 1:
                raise MutationError(f"--{name.replace('_', '-')} must be at least 1, not {value}")
        if options.grading_sample is None:
            options.grading_sample = options.sample
        tool = find_tool(options.tool)
        equivalents = (
            parse_equivalents(
                options.equivalents.read_text(encoding="utf-8"), options.equivalents.name
            )
            if options.equivalents.is_file()
            else []
        )
        exercises, graded, untested = _targets(options)
        started, clock = datetime.now(UTC), time.perf_counter()
        mutants = _run_all(tool, exercises, graded, options)
    except (MutationError, catalog.CatalogError) as error:
        print(f"mutation: {error}", file=sys.stderr)
        return 2
    targets = [*exercises, *graded]
    tallies = [
        tally(t.name, [m for m in mutants if m.target == t.name], equivalents) for t in targets
    ]
    run = Run(
        command=" ".join(["python -m grading.mutation", *(sys.argv[1:] if argv is None else argv)]),
        started=started,
        seconds=time.perf_counter() - clock,
        cores=os.cpu_count() or 1,
        tool=_version(tool),
        sources={t.name: t.source for t in targets},
        untested=tuple(untested),
        kept_sessions=options.sessions is not None,
        sample=options.sample,
        grading_sample=options.grading_sample if graded else options.sample,
        seed=options.sample_seed,
    )
    report = render(run, tallies, stale(equivalents, mutants, run.sources))
    options.report.parent.mkdir(parents=True, exist_ok=True)
    options.report.write_text(report, encoding="utf-8")
    for t in tallies:
        score = "–" if t.score is None else f"{t.score:.1%}"
        print(
            f"{t.target}: {t.killed}/{t.killed + len(t.survived) + len(t.accepted)} killed ({score}), "
            f"{len(t.equivalent)} equivalent"
        )
    print(f"report: {options.report}")
    return 0 if all(t.met for t in tallies) else 1


def _targets(options: argparse.Namespace) -> tuple[list[Target], list[Target], list[str]]:
    loaded = catalog.load()
    names = options.exercise or ([] if options.module else [e.path for e in loaded.exercises])
    exercises = [t for t in (exercise_target(loaded.get(n)) for n in names) if t is not None]
    if not (options.grading or options.module):
        return exercises, [], []
    modules = [p.relative_to(ROOT).as_posix() for p in (ROOT / "grading").glob("*.py")]
    modules = [m for m in modules if not m.endswith("__init__.py")]
    tests = [p.relative_to(ROOT).as_posix() for p in (ROOT / "grading" / "tests").glob("test_*.py")]
    graded, untested = grading_targets(modules, tests)
    if options.module:
        wanted = {m.removeprefix("./") for m in options.module}
        unknown = wanted - {t.name for t in graded}
        if unknown:
            raise MutationError(
                f"no unit-tested grading module {sorted(unknown)[0]}; known: "
                + ", ".join(t.name for t in graded)
            )
        graded, untested = [t for t in graded if t.name in wanted], []
    return exercises, graded, untested


def _run_all(
    tool: Path, exercises: list[Target], graded: list[Target], options: argparse.Namespace
) -> list[Mutant]:
    with tempfile.TemporaryDirectory(prefix="prep-mutation-") as name:
        scratch = options.sessions or Path(name)
        repository = ROOT
        if graded:  # --no-run reads the kept copy: no mutant runs, so none can be left in it
            kept = scratch / "repository"
            repository = kept if options.no_run else copy_repository(kept)

        def one(target: Target) -> list[Mutant]:
            root = ROOT if target in exercises else repository
            clock = time.perf_counter()
            print(f"mutating {target.source} against {' '.join(target.tests)} …", flush=True)
            work = scratch / target.name.replace("/", "-")
            size = options.sample if target in exercises else options.grading_sample
            found = mutate(target, tool, root, work, size, options.sample_seed, not options.no_run)
            ran = sum(m.outcome not in ("skipped", "unsampled") for m in found)
            seconds = time.perf_counter() - clock
            print(
                f"  {target.name}: {ran} of {len(found)} mutants run in {seconds:.0f} s", flush=True
            )
            return found

        # Grading modules share one copy of the repository, and cosmic-ray writes each mutant
        # into it: only exercises (each mutating its own copy of a reference) run side by side.
        with ThreadPoolExecutor(max_workers=max(1, options.jobs)) as pool:
            found = list(pool.map(one, exercises))
        found += [one(target) for target in graded]
    return [m for mutants in found for m in mutants]


def _version(tool: Path) -> str:
    done = subprocess.run([str(tool), "--version"], capture_output=True, text=True, check=False)
    return done.stdout.strip().replace(", version", "") or "cosmic-ray"


if __name__ == "__main__":
    raise SystemExit(main())
