"""The bank of blind candidates: whole solutions in `.meta/candidates/*.py`, written from PROMPT.md
and starter.py alone by someone who never read tests/ or .meta/, and the verdict each must get.

Mutants show the tests know the reference; candidates show they know the prompt, which is what a
learner reads. Each candidate's docstring names its verdict on a line of its own:

    verdict: accept            every part passes and every benchmark verdict holds
    verdict: reject part 2     part 2 fails: a rule of part 2 is broken
    verdict: slow part 3       part 3 is correct but flagged: a benchmark verdict or a resource
                               bound of part 3 fails, or its tests time out

and, for a bug or a slow one, the sentence of PROMPT.md it breaks (`rule: "..."`). verify runs
each candidate through the exercise's tests (a rejected one through its part only) and fails on
any verdict the tests do not give.
"""

from __future__ import annotations

import ast
import re
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Literal

from grading.core.catalog import ROOT, Exercise

Check = Callable[[dict[str, Any]], str | None]  # results document -> problem, or None if fine
Kind = Literal["accept", "reject", "slow"]
VERDICT = re.compile(r"^verdict:\s*(accept|reject part (\d+)|slow part (\d+))\s*(?:#.*)?$", re.M)


class VerdictError(ValueError):
    """A candidate without a readable verdict line, or naming a part the exercise lacks."""


@dataclass(frozen=True)
class Verdict:
    kind: Kind
    part: int | None = None  # the part a reject or slow verdict names

    def describe(self) -> str:
        """`accept`, `reject part 2`, `slow part 3`: as the docstring writes it."""
        return self.kind if self.part is None else f"{self.kind} part {self.part}"


def parse_verdict(source: str, exercise: Exercise, name: str = "candidate") -> Verdict:
    """The verdict the docstring of `source` states; VerdictError naming the fix otherwise."""
    try:
        docstring = ast.get_docstring(ast.parse(source)) or ""
    except SyntaxError as error:
        raise VerdictError(f"{name}: does not parse (line {error.lineno})") from None
    found = VERDICT.findall(docstring)
    if len(found) != 1:
        raise VerdictError(
            f"{name}: its docstring needs one line `verdict: accept`, `verdict: reject part N` "
            f"or `verdict: slow part N` (found {len(found)})"
        )
    word, rejected, slow = found[0]
    if word == "accept":
        return Verdict("accept")
    part = int(rejected or slow)
    if part not in {p.number for p in exercise.parts}:
        raise VerdictError(
            f"{name}: names part {part}; {exercise.path} has parts 1..{len(exercise.parts)}"
        )
    return Verdict("reject" if rejected else "slow", part)


def bank(exercise: Exercise, root: Path = ROOT) -> list[tuple[Path, Verdict]]:
    """Every candidate file of `exercise` with its verdict, in name order."""
    folder = exercise.directory(root) / ".meta" / "candidates"
    return [
        (path, parse_verdict(path.read_text(encoding="utf-8"), exercise, path.name))
        for path in sorted(folder.glob("*.py"))
    ]


def run_args(verdict: Verdict) -> tuple[bool, tuple[str, ...]]:
    """(benchmarks on?, extra pytest arguments) for grading a candidate with `verdict`: a rejected
    candidate is graded on its part alone, which is all its verdict speaks of."""
    if verdict.kind == "accept":
        return True, ()
    part = ("--part", str(verdict.part))
    return verdict.kind == "slow", part


def check(verdict: Verdict, exercise: Exercise) -> Check:
    """The check a candidate's results document must pass for `verdict`."""
    if verdict.kind == "accept":
        return _accepted(exercise)
    assert verdict.part is not None
    if verdict.kind == "reject":
        return _rejected(verdict.part)
    return _flagged_slow(verdict.part)


def _parts(document: dict[str, Any]) -> dict[int, dict[str, Any]]:
    return {p["number"]: p for p in document.get("parts", [])}


def _accepted(exercise: Exercise) -> Check:
    def check(document: dict[str, Any]) -> str | None:
        wrong = [
            f"part {number}: {line['summary']}"
            for number, line in _parts(document).items()
            if line["state"] != "passed" and number not in exercise.design_parts
        ]
        failing = [t["name"] for t in document["tests"] if t["status"] not in ("pass", "skip")]
        lost = [
            f"{b['name']} {b['ratio']:.1f}x ({b['verdict']})"
            for b in document["benchmarks"]
            if not b["passed"]
        ]
        if wrong:
            first = f", first: {failing[0]}" if failing else ""
            return "rejected a correct solution: " + "; ".join(wrong) + first
        if lost:
            return "flagged a correct solution as slow: " + ", ".join(lost)
        stopped = [t["name"] for t in document["tests"] if t["bench"] and t["status"] != "pass"]
        if stopped:  # a benchmark that timed out or crashed records no verdict, but still fails
            return f"a benchmark failed on a correct solution: {stopped[0]}"
        return None

    return check


def _rejected(part: int) -> Check:
    def check(document: dict[str, Any]) -> str | None:
        line = _parts(document).get(part)
        if line is None:
            return f"no part {part} in the results"
        if line["state"] in ("failing", "timed_out"):
            return None
        return f"accepted a bug: part {part} says {line['summary']}"

    return check


def _flagged_slow(part: int) -> Check:
    def check(document: dict[str, Any]) -> str | None:
        line = _parts(document).get(part)
        if line is None:
            return f"no part {part} in the results"
        tests = [t for t in document["tests"] if t["task_id"] == part]
        wrong = [
            t["name"]
            for t in tests
            if not t["bench"]
            and not t.get("bound")
            and t["status"] not in ("pass", "skip")
            and t.get("outcome") != "timed_out"
        ]
        if wrong:
            return f"rejected as wrong, not as slow: {len(wrong)} test(s) of part {part}, first: {wrong[0]}"
        slow_bench = [b for b in document["benchmarks"] if b["part"] == part and not b["passed"]]
        broken_bound = [t for t in tests if t.get("bound") and t["status"] == "fail"]
        bench_timed_out = [t for t in tests if t["bench"] and t.get("outcome") == "timed_out"]
        if slow_bench or broken_bound or bench_timed_out or line["state"] == "timed_out":
            return None
        return f"not flagged: part {part} says {line['summary']} and keeps every benchmark verdict"

    return check


def check_bank(exercise: Exercise, root: Path = ROOT) -> list[str]:
    """Consistency problems of the bank: a candidate whose verdict line is missing or unreadable."""
    folder = exercise.directory(root) / ".meta" / "candidates"
    problems = []
    for path in sorted(folder.glob("*.py")):
        try:
            parse_verdict(path.read_text(encoding="utf-8"), exercise, path.name)
        except VerdictError as error:
            problems.append(f"{exercise.path}/.meta/candidates/{error}")
    return problems
