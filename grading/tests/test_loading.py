"""Candidates are imported by path under unique names; failures become one-line descriptions."""

from __future__ import annotations

from pathlib import Path

import pytest

from grading import loading


def write(folder: Path, name: str, source: str) -> Path:
    path = folder / name
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(source)
    return path


def test_two_starters_in_different_folders_never_collide(tmp_path: Path) -> None:
    first = write(tmp_path / "a", "starter.py", "WHO = 'a'\n")
    second = write(tmp_path / "b", "starter.py", "WHO = 'b'\n")
    assert loading.module_name(first) != loading.module_name(second)
    assert (loading.load(first).WHO, loading.load(second).WHO) == ("a", "b")


def test_dataclasses_work_in_a_loaded_module(tmp_path: Path) -> None:
    source = (
        "from __future__ import annotations\n"
        "from dataclasses import dataclass\n"
        "@dataclass(frozen=True)\nclass P:\n    x: int\n"
    )
    module = loading.load(write(tmp_path, "dc.py", source))
    assert module.P(1) == module.P(1)


def test_syntax_error_names_the_line(tmp_path: Path) -> None:
    path = write(tmp_path, "broken.py", "x = 1\ndef f(:\n    pass\n")
    with pytest.raises(loading.ImplImportError) as caught:
        loading.load(path)
    assert caught.value.failure.describe() == "SyntaxError line 2: invalid syntax (broken.py)"


def test_runtime_error_at_import_names_the_line_in_the_candidate(tmp_path: Path) -> None:
    path = write(tmp_path, "raises.py", "import os\n\nraise RuntimeError('boom')\n")
    with pytest.raises(loading.ImplImportError) as caught:
        loading.load(path)
    assert caught.value.failure.describe() == "RuntimeError line 3: boom (raises.py)"


def test_system_exit_at_import_is_caught(tmp_path: Path) -> None:
    path = write(tmp_path, "exits.py", "import sys\nsys.exit(2)\n")
    with pytest.raises(loading.ImplImportError, match="SystemExit line 2"):
        loading.load(path)


def test_resolve_named_choices_and_paths(tmp_path: Path) -> None:
    exercise = tmp_path / "code_challenge" / "easy"
    starter = write(exercise, "starter.py", "")
    solution = write(exercise, ".meta/solution.py", "")
    mutant = write(exercise, ".meta/mutants/m.py", "")
    assert loading.resolve("starter", exercise) == starter
    assert loading.resolve("solution", exercise) == solution
    assert loading.resolve(".meta/mutants/m.py", exercise, cwd=tmp_path) == mutant.resolve()
    assert loading.resolve(str(mutant), exercise) == mutant.resolve()


def test_resolve_missing_file_says_what_is_accepted(tmp_path: Path) -> None:
    with pytest.raises(loading.ImplNotFound, match="use starter, solution, naive or a path"):
        loading.resolve("nope.py", tmp_path, cwd=tmp_path)
    with pytest.raises(loading.ImplNotFound, match=r"has no \.meta/naive\.py"):
        loading.resolve("naive", tmp_path)
