"""The loader builds a mutant from its base: parsing BASE/REPLACE and applying the edits."""

from __future__ import annotations

from pathlib import Path

import pytest

from grading.core import loading

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


def test_an_edit_form_mutant_loads_as_the_mutated_solution(tmp_path: Path) -> None:
    module = loading.load(tree(tmp_path, EDIT_FORM))
    assert (module.add(2, 3), module.total([1, 2])) == (6, 3)


def test_an_ordinary_module_has_no_spec(tmp_path: Path) -> None:
    path = tree(tmp_path, SOLUTION)
    assert loading.spec_of(path, SOLUTION) is None


def test_an_edit_that_no_longer_applies_names_the_mutant_and_the_fix(tmp_path: Path) -> None:
    path = tree(tmp_path, EDIT_FORM.replace("return a + b\\n", "return a - b\\n", 1))
    spec = loading.spec_of(path, path.read_text())
    assert spec is not None
    with pytest.raises(loading.MutantError, match=r"occurs 0 times in solution\.py"):
        loading.apply(spec, path)
    with pytest.raises(loading.ImplImportError, match="MutantError"):
        loading.load(path)
