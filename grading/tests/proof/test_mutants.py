"""Converting full-copy mutants into edits of their base (python -m grading.proof.mutants)."""

from __future__ import annotations

from pathlib import Path

import pytest

from grading.core import loading
from grading.proof import mutants

SOLUTION = '''"""The reference."""


def add(a: int, b: int) -> int:
    return a + b


def total(values: list[int]) -> int:
    return sum(values)
'''


def tree(tmp_path: Path, mutant: str) -> Path:
    meta = tmp_path / ".meta"
    (meta / "mutants").mkdir(parents=True)
    (meta / "solution.py").write_text(SOLUTION)
    path = meta / "mutants" / "off_by_one.py"
    path.write_text(mutant)
    return path


EDIT_FORM = '''"""Adds one too many.

Caught by: Part 1
"""

BASE = "../solution.py"
REPLACE = (("    return a + b\\n", "    return a + b + 1\\n"),)
'''


def test_edits_reproduce_the_mutated_text_with_unique_contexts() -> None:
    mutated = SOLUTION.replace("a + b", "a - b").replace("sum(values)", "max(values)")
    pairs = mutants.edits(SOLUTION, mutated)
    got = SOLUTION
    for old, new in pairs:
        assert SOLUTION.count(old) == 1
        got = got.replace(old, new)
    assert (got, len(pairs)) == (mutated, 2)


def test_convert_turns_a_full_copy_into_edits_that_reproduce_it(tmp_path: Path) -> None:
    full_copy = '"""Adds one too many.\n\nCaught by: Part 1\n"""\n' + SOLUTION.split('"""', 2)[
        2
    ].replace("a + b", "a + b + 1")
    path = tree(tmp_path, full_copy)
    converted = mutants.convert(path, [tmp_path / ".meta" / "solution.py"])
    assert 'BASE = "../solution.py"' in converted and "Caught by: Part 1" in converted
    path.write_text(converted)
    assert loading.load(path).add(1, 1) == 3


class TestEditContexts:
    def test_an_insertion_at_the_top_grows_its_context_downward(self) -> None:
        got = mutants.edits("a\nb\n", "x\na\nb\n")
        assert got == [("a\n", "x\na\n")], (
            f"expected the inserted line with the next one, got {got}"
        )


class TestOneBlock:
    def test_a_change_on_the_first_line_keeps_the_shared_tail_out(self) -> None:
        got = mutants._one_block("a\nb\nc\nd\n", "x\nb\nc\nd\n")
        assert got == [("a\n", "x\n")], f"expected only the first line replaced, got {got}"

    def test_a_repeated_line_inserted_is_not_swallowed_by_the_matching_tail(self) -> None:
        got = mutants._one_block("a\nb\nc\n", "a\nb\nb\nc\n")
        assert got == [("", "b\n")], f"expected the extra line as the whole edit, got {got}"

    def test_a_change_on_the_last_line_is_the_block(self) -> None:
        got = mutants._one_block("a\nb\n", "a\nc\n")
        assert got == [("b\n", "c\n")], f"expected only the last line replaced, got {got}"


def test_convert_falls_back_to_one_block_when_edits_overlap(tmp_path: Path) -> None:
    meta = tmp_path / ".meta"
    (meta / "mutants").mkdir(parents=True)
    (meta / "solution.py").write_text('"""S."""\nA = 1\nB = 2\n')
    path = meta / "mutants" / "swapped.py"
    path.write_text('"""Swapped."""\nB = 2\nA = 1\n')
    converted = mutants.convert(path, [meta / "solution.py"])
    spec = loading.spec_of(path, converted)
    assert spec is not None and spec.replace == (("A = 1\nB = 2\n", "B = 2\nA = 1\n"),), converted
    assert loading.apply(spec, path) == '"""S."""\nB = 2\nA = 1\n'


def test_convert_picks_the_base_with_the_fewest_changed_lines(tmp_path: Path) -> None:
    meta = tmp_path / ".meta"
    (meta / "mutants").mkdir(parents=True)
    (meta / "alternatives").mkdir()
    lines = [f"V{i} = {i}\n" for i in range(12)]
    mutant_lines = [*lines[:10], "V10 = -10\n", lines[11]]
    # solution.py differs from the mutant in three early lines, late.py in one late line.
    early = [lines[0], "V1 = 100\n", "V2 = 200\n", "V3 = 300\n", *mutant_lines[4:]]
    (meta / "solution.py").write_text('"""S."""\n' + "".join(early))
    (meta / "alternatives" / "late.py").write_text('"""L."""\n' + "".join(lines))
    path = meta / "mutants" / "negated.py"
    path.write_text('"""Negated."""\n' + "".join(mutant_lines))
    converted = mutants.convert(path, [meta / "solution.py", meta / "alternatives" / "late.py"])
    assert 'BASE = "../alternatives/late.py"' in converted, converted
    spec = loading.spec_of(path, converted)
    assert spec is not None and len(spec.replace) == 1, converted


def test_main_converts_a_full_copy_in_place(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    full_copy = '"""Adds one too many.\n\nCaught by: Part 1\n"""\n' + SOLUTION.split('"""', 2)[
        2
    ].replace("a + b", "a + b + 1")
    path = tree(tmp_path, full_copy)
    assert mutants.main(["--convert", str(path)]) == 0
    text = path.read_text()
    spec = loading.spec_of(path, text)
    assert spec is not None and 'BASE = "../solution.py"' in text, text
    assert capsys.readouterr().out == f"{path}: {len(spec.replace)} edit(s)\n"
    assert loading.load(path).add(1, 1) == 3
