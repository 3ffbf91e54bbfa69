"""Candidates are imported by path under unique names; failures become one-line descriptions."""

from __future__ import annotations

import hashlib
import inspect
from pathlib import Path

import pytest

from grading.core import loading


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


def test_module_name_is_the_stem_and_ten_hex_digits_of_the_path(tmp_path: Path) -> None:
    path = tmp_path / "my-starter.py"
    name = loading.module_name(path)
    digest = hashlib.sha1(str(path.resolve()).encode()).hexdigest()
    assert name == f"prep_impl_my_starter_{digest[:10]}", (
        f"expected prep_impl_<stem>_<first 10 hex digits of sha1(path)>, got {name}"
    )


def test_a_loaded_mutant_shows_its_mutated_source_line_by_line(tmp_path: Path) -> None:
    write(tmp_path, "solution.py", "def f(x):\n    return x + 1\n")
    path = write(tmp_path, "mutant.py", 'BASE = "solution.py"\nREPLACE = (("x + 1", "x + 2"),)\n')
    module = loading.load(path)
    assert module.f(1) == 3
    assert inspect.getsource(module.f) == "def f(x):\n    return x + 2\n", (
        "the mutated source is registered with its line endings, so tracebacks and "
        "inspect show it line by line"
    )


def test_an_error_raised_in_another_file_names_the_line_in_the_candidate(
    tmp_path: Path,
) -> None:
    # The helper sorts before the candidate and raises from its own line 3: the reported line
    # is still the candidate's (2), where it called into the helper.
    write(tmp_path, "a_helper.py", "import os\n\nraise LookupError('helper broke')\n")
    path = write(
        tmp_path,
        "z_candidate.py",
        "import runpy, pathlib\n"
        "runpy.run_path(str(pathlib.Path(__file__).with_name('a_helper.py')))\n",
    )
    with pytest.raises(loading.ImplImportError) as caught:
        loading.load(path)
    assert caught.value.failure.describe() == "LookupError line 2: helper broke (z_candidate.py)"
