"""The rule ledger: rules read from rules.toml, found in their part of the prompt, cited by tests."""

from __future__ import annotations

from pathlib import Path

import pytest

from grading.core.catalog import Exercise, Part
from grading.proof import rules

EXERCISE = Exercise(
    path="code_challenge/toy",
    title="Toy",
    weeks=(1,),
    minutes=10,
    parts=(Part(1, "Add", False), Part(2, "Double", False)),
    timeout_seconds=1.0,
)
PROMPT = """# Toy

## Part 1 — Add

`add(a, b)` returns the sum.
It raises ValueError when either
argument is negative.

## Part 2 — Double

`double(x)` returns `2 * x`.

## Out of scope

Nothing returns the sum here.
"""
LEDGER = """
[[rule]]
id = "1.1"
text = "`add(a, b)` returns the sum."

[[rule]]
id = "1.2"
text = "It raises ValueError when either argument is negative."

[[rule]]
id = "2.1"
text = "`double(x)` returns `2 * x`."
"""
TESTS = """
import pytest

@pytest.mark.part(1)
class TestAdd:
    @pytest.mark.rule("1.1")
    def test_sum(self): ...

    @pytest.mark.parametrize("x", [pytest.param(-1, marks=pytest.mark.rule("1.2"))])
    def test_negative(self, x): ...

@pytest.mark.rule("2.1")
def test_double(): ...
"""


def tree(tmp_path: Path, ledger: str = LEDGER, tests: str = TESTS, prompt: str = PROMPT) -> Path:
    folder = tmp_path / EXERCISE.path
    (folder / ".meta").mkdir(parents=True)
    (folder / "tests").mkdir()
    (folder / "PROMPT.md").write_text(prompt)
    (folder / ".meta" / "rules.toml").write_text(ledger)
    (folder / "tests" / "test_toy.py").write_text(tests)
    return tmp_path


def test_a_ledger_every_test_pins_and_the_prompt_states_has_no_problem(tmp_path: Path) -> None:
    assert rules.check_ledger(EXERCISE, tree(tmp_path)) == []


def test_the_citations_are_read_from_markers_params_and_classes() -> None:
    assert rules.cited(TESTS) == {"1.1", "1.2", "2.1"}


def test_a_rule_without_a_test_names_the_marker_to_add(tmp_path: Path) -> None:
    root = tree(tmp_path, tests=TESTS.replace('@pytest.mark.rule("2.1")\n', ""))
    assert rules.check_ledger(EXERCISE, root) == [
        "code_challenge/toy/.meta/rules.toml: rule 2.1 has no test; mark the test that pins it "
        "@pytest.mark.rule(\"2.1\"): '`double(x)` returns `2 * x`.'"
    ]


def test_a_test_citing_an_unknown_rule_is_named(tmp_path: Path) -> None:
    root = tree(tmp_path, tests=TESTS + '\n@pytest.mark.rule("2.9")\ndef test_more(): ...\n')
    assert rules.check_ledger(EXERCISE, root) == [
        "code_challenge/toy/tests/test_toy.py: cites rule 2.9, which .meta/rules.toml lacks"
    ]


def test_a_rule_whose_words_left_its_part_is_stale(tmp_path: Path) -> None:
    moved = PROMPT.replace("`double(x)` returns `2 * x`.", "`double(x)` returns `x + x`.")
    problems = rules.check_ledger(EXERCISE, tree(tmp_path, prompt=moved))
    assert problems == [
        "code_challenge/toy/.meta/rules.toml: rule 2.1's text is not in PROMPT.md's Part 2 any "
        "more; copy the sentence as it now reads: '`double(x)` returns `2 * x`.'"
    ]


def test_words_found_only_in_another_section_do_not_count(tmp_path: Path) -> None:
    ledger = LEDGER.replace(
        'text = "`double(x)` returns `2 * x`."', 'text = "Nothing returns the sum here."'
    )
    problems = rules.check_ledger(EXERCISE, tree(tmp_path, ledger=ledger))
    assert len(problems) == 1 and "rule 2.1's text is not in PROMPT.md's Part 2" in problems[0]


def test_a_missing_ledger_says_what_to_write(tmp_path: Path) -> None:
    root = tree(tmp_path)
    (root / EXERCISE.path / ".meta" / "rules.toml").unlink()
    assert rules.check_ledger(EXERCISE, root) == [
        "code_challenge/toy/.meta/rules.toml: missing; list every normative sentence of "
        "PROMPT.md as a [[rule]]"
    ]


@pytest.mark.parametrize(
    ("ledger", "problem"),
    [
        ("[[rule]]\nid = 'two'\ntext = 'x'\n", 'rule 1 needs an id like "2.3"'),
        ("[[rule]]\nid = '1.1'\n", "rule 1.1 needs its text"),
        (
            "[[rule]]\nid = '1.1'\ntext = 'a'\n[[rule]]\nid = '1.1'\ntext = 'b'\n",
            "rule 1.1 is listed twice",
        ),
        ("", "lists no rules"),
        ("[[rule]\n", "not valid TOML"),
        ("[[rule]]\nid = '3.1'\ntext = 'x'\n", None),
    ],
    ids=["bad-id", "no-text", "twice", "empty", "broken-toml", "no-such-part"],
)
def test_ledger_problems_are_named(tmp_path: Path, ledger: str, problem: str | None) -> None:
    found = rules.check_ledger(EXERCISE, tree(tmp_path, ledger=ledger, tests=""))
    expected = problem or "rule 3.1 names part 3, which PROMPT.md lacks"
    assert any(expected in p for p in found), found
