"""The rule ledger: every normative sentence of an exercise's PROMPT.md, with an id its tests cite.

`<exercise>/.meta/rules.toml` lists the rules, each the exact words of the prompt (whitespace
aside) inside the part its id names:

    [[rule]]
    id = "2.3"                # part 2, third rule
    text = "p is a percentage from 0 to 100, and the rank counts from 1."

and a test pins a rule with `@pytest.mark.rule("2.3")` (on a test, a class or a `pytest.param`).
verify fails when a rule has no test, a test cites a rule the ledger lacks, or a rule's words are
no longer in its part of the prompt (the prompt changed: the ledger and the tests must follow).
"""

from __future__ import annotations

import ast
import re
import tomllib
from dataclasses import dataclass
from pathlib import Path

from grading.core.catalog import ROOT, Exercise

LEDGER = ".meta/rules.toml"
RULE_ID = re.compile(r"^(\d+)\.(\d+)$")
PART_HEADING = re.compile(r"^## Part (\d+)\b", re.M)


@dataclass(frozen=True)
class Rule:
    id: str
    text: str

    @property
    def part(self) -> int:
        return int(self.id.split(".")[0])


def _words(text: str) -> str:
    return " ".join(text.split())


def parse_ledger(text: str, source: str = LEDGER) -> tuple[list[Rule], list[str]]:
    """(the rules, problems) of a rules.toml text."""
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as error:
        return [], [f"{source}: not valid TOML ({error})"]
    rules, problems, seen = [], [], set()
    for number, entry in enumerate(data.get("rule", []), start=1):
        rule_id, words = entry.get("id"), entry.get("text")
        if not isinstance(rule_id, str) or not RULE_ID.match(rule_id):
            problems.append(f'{source}: rule {number} needs an id like "2.3" (part.number)')
            continue
        if not isinstance(words, str) or not words.strip():
            problems.append(f"{source}: rule {rule_id} needs its text, the prompt's own words")
            continue
        if rule_id in seen:
            problems.append(f"{source}: rule {rule_id} is listed twice")
        seen.add(rule_id)
        rules.append(Rule(rule_id, words))
    if not rules and not problems:
        problems.append(f"{source}: lists no rules; add one [[rule]] per normative sentence")
    return rules, problems


def part_sections(prompt: str) -> dict[int, str]:
    """Part number -> the text of its `## Part N` section, up to the next `## ` heading."""
    sections: dict[int, str] = {}
    for match in PART_HEADING.finditer(prompt):
        rest = prompt[match.end() :]
        end = re.search(r"^## ", rest, re.M)
        sections[int(match.group(1))] = rest[: end.start()] if end else rest
    return sections


def cited(source: str) -> set[str]:
    """Every rule id a test module cites with `pytest.mark.rule(...)`."""
    found: set[str] = set()
    for node in ast.walk(ast.parse(source)):
        if (
            isinstance(node, ast.Call)
            and isinstance(node.func, ast.Attribute)
            and node.func.attr == "rule"
            and isinstance(node.func.value, ast.Attribute)
            and node.func.value.attr == "mark"
        ):
            found |= {str(a.value) for a in node.args if isinstance(a, ast.Constant)}
    return found


def check_ledger(exercise: Exercise, root: Path = ROOT) -> list[str]:
    """Problems of the exercise's ledger against its prompt and its tests, each naming the fix."""
    folder = exercise.directory(root)
    where = f"{exercise.path}/{LEDGER}"
    ledger = folder / LEDGER
    if not ledger.is_file():
        return [f"{where}: missing; list every normative sentence of PROMPT.md as a [[rule]]"]
    rules, problems = parse_ledger(ledger.read_text(encoding="utf-8"), where)
    sections = {
        n: _words(s)
        for n, s in part_sections((folder / "PROMPT.md").read_text(encoding="utf-8")).items()
    }
    for rule in rules:
        if rule.part not in sections:
            problems.append(
                f"{where}: rule {rule.id} names part {rule.part}, which PROMPT.md lacks"
            )
        elif _words(rule.text) not in sections[rule.part]:
            problems.append(
                f"{where}: rule {rule.id}'s text is not in PROMPT.md's Part {rule.part} any more; "
                f"copy the sentence as it now reads: {rule.text[:60]!r}"
            )
    tests = sorted((folder / "tests").glob("*.py"))
    citations = {path.name: cited(path.read_text(encoding="utf-8")) for path in tests}
    known = {rule.id for rule in rules}
    for name, ids in citations.items():
        for unknown in sorted(ids - known):
            problems.append(
                f"{exercise.path}/tests/{name}: cites rule {unknown}, which {LEDGER} lacks"
            )
    pinned = set().union(*citations.values()) if citations else set()
    for rule in rules:
        if rule.id not in pinned:
            problems.append(
                f"{where}: rule {rule.id} has no test; mark the test that pins it "
                f'@pytest.mark.rule("{rule.id}"): {rule.text[:60]!r}'
            )
    return problems
