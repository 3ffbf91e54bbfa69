"""The campaign's records: targets, mutants read from cosmic-ray's dump, equivalents entries."""

from __future__ import annotations

import json
import tomllib
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from grading.core.catalog import ROOT

EQUIVALENTS = ROOT / "benchmarks" / "mutation-equivalents.toml"


class MutationError(ValueError):
    """A bad argument, a broken equivalents file or a cosmic-ray failure, in one line."""


@dataclass(frozen=True)
class Target:
    name: str  # "code_challenge/easy" or "grading/core/benchmarks.py"
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
