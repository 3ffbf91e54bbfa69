"""Static checks: prompts, markers, signatures, stubs and mutant docstrings."""

from __future__ import annotations

from pathlib import Path

from grading.core import catalog
from grading.core.catalog import Exercise, Part
from grading.proof import consistency

TOY = Exercise(
    "code_challenge/toy", "Toy", (0,), 30, (Part(1, "Add", False), Part(2, "Total", True)), 10
)
SOLUTION = '''
from dataclasses import dataclass

LIMIT = 3


@dataclass(frozen=True)
class Pair:
    a: int
    b: int


def add(a: int, b: int) -> int:
    """a + b."""
    return _plus(a, b)


def _plus(a: int, b: int) -> int:
    return a + b


def total(values: list[int]) -> int:
    """Sum."""
    return sum(values)
'''
STARTER = '''
from dataclasses import dataclass

LIMIT = 3


@dataclass(frozen=True)
class Pair:
    a: int
    b: int


def add(a: int, b: int) -> int:
    """a + b."""
    # TODO (part 1): add
    raise NotImplementedError


def total(values: list[int]) -> int:
    """Sum."""
    # TODO (part 2): sum
    raise NotImplementedError
'''
PROMPT = "# Toy\n\n## Part 1 — Add\n\ntext\n\n## Part 2 — Total\n"
TESTS = (
    'import pytest\n\n@pytest.mark.part(1)\n@pytest.mark.rule("1.1")\nclass TestPart1:\n'
    "    pass\n\n@pytest.mark.part(2)\ndef test_x(): pass\n"
)
LEDGER = '[[rule]]\nid = "1.1"\ntext = "text"\n'  # Part 1 of PROMPT reads "text"


def make(root: Path, changes: dict[str, str] | None = None) -> None:
    """Write the toy exercise under `root`, with `changes` (relative path -> text) applied."""
    contents = {
        "PROMPT.md": PROMPT,
        "HINTS.md": "",
        "starter.py": STARTER,
        ".meta/solution.py": SOLUTION,
        "tests/test_toy.py": TESTS,
        ".meta/mutants/off.py": '"""Adds one too many.\n\nCaught by: Part 1\n"""\n',
        ".meta/rules.toml": LEDGER,
    }
    contents.update(changes or {})
    for name, text in contents.items():
        path = root / TOY.path / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text)


def problems(root: Path) -> list[str]:
    return consistency.check_all(
        catalog.Catalog(
            catalog.parse(
                {
                    "exercise": [
                        {
                            "path": TOY.path,
                            "title": "Toy",
                            "weeks": [0],
                            "parts": ["Add", "Total"],
                            "stretch": [2],
                        }
                    ]
                }
            ).settings,
            (TOY,),
        ),
        root,
    )


def test_a_consistent_exercise_has_no_problems(tmp_path: Path) -> None:
    make(tmp_path)
    assert problems(tmp_path) == []


def test_missing_file_and_orphan_folder_are_named(tmp_path: Path) -> None:
    make(tmp_path)
    (tmp_path / TOY.path / "HINTS.md").unlink()
    (tmp_path / "code_challenge" / "stray").mkdir()
    got = problems(tmp_path)
    assert (
        "code_challenge/stray/ is not in exercises.toml; add an [[exercise]] entry or remove it"
        in got
    )
    assert "code_challenge/toy/HINTS.md is missing (see DESIGN.md section 2)" in got


def test_prompt_headings_must_match_the_catalogue(tmp_path: Path) -> None:
    make(tmp_path, {"PROMPT.md": "## Part 1 — Add\n## Part 2 — Sum\n"})
    assert any(
        "PROMPT.md part headings" in p and "## Part 2 — Total" in p for p in problems(tmp_path)
    )


def test_every_part_needs_a_marked_test(tmp_path: Path) -> None:
    make(
        tmp_path,
        {
            "tests/test_toy.py": (
                "import pytest\n\n@pytest.mark.part(1)\n@pytest.mark.rule('1.1')\n"
                "def test_a(): pass\n"
            )
        },
    )
    assert problems(tmp_path) == [
        "code_challenge/toy: Part 2 has no test marked @pytest.mark.part(2); add one"
    ]


def test_the_rule_ledger_is_part_of_consistency(tmp_path: Path) -> None:
    make(tmp_path)
    (tmp_path / TOY.path / ".meta" / "rules.toml").unlink()
    assert problems(tmp_path) == [
        "code_challenge/toy/.meta/rules.toml: missing; list every normative sentence of "
        "PROMPT.md as a [[rule]]"
    ]


def test_signature_drift_is_named(tmp_path: Path) -> None:
    make(tmp_path, {"starter.py": STARTER.replace("values: list[int]", "values: list[float]")})
    got = problems(tmp_path)
    assert len(got) == 1 and got[0].startswith("code_challenge/toy: total differs")


def test_dataclass_field_drift_is_named(tmp_path: Path) -> None:
    make(tmp_path, {"starter.py": STARTER.replace("    b: int\n", "    b: str\n")})
    assert any("Pair differs" in p for p in problems(tmp_path))


def test_starter_body_must_raise_not_implemented(tmp_path: Path) -> None:
    unstubbed = STARTER.replace(
        "    # TODO (part 2): sum\n    raise NotImplementedError", "    pass"
    )
    make(tmp_path, {"starter.py": unstubbed})
    assert any("total() must end with `raise NotImplementedError`" in p for p in problems(tmp_path))


def test_mutant_without_caught_by_is_named(tmp_path: Path) -> None:
    make(tmp_path, {".meta/mutants/bad.py": '"""No part named."""\n'})
    assert any(
        "bad.py: docstring needs a line 'Caught by: Part N'" in p for p in problems(tmp_path)
    )


def test_the_repository_is_consistent() -> None:
    assert consistency.check_all(catalog.load()) == []
