"""The house: grading/ matches the layout CONTRIBUTING.md describes, no module is long enough to
scroll, exercise tests use only the core's public names, and the docs link only what a clone has.
(The import direction between the rooms is import-linter's job, in `nox -s lint`.)"""

from __future__ import annotations

import ast
import re

import pytest

import grading.core
from grading.core.catalog import ROOT

MAX_LINES = 400
GUIDE = ROOT / "CONTRIBUTING.md"


def grading_modules() -> set[str]:
    """Every module of the grading layer, as a path from the root (`grading/core/plugin.py`)."""
    return {
        path.relative_to(ROOT).as_posix()
        for path in (ROOT / "grading").rglob("*.py")
        if "tests" not in path.relative_to(ROOT / "grading").parts
    }


def layout_modules(text: str) -> set[str]:
    """The .py files the `grading/` tree of the guide's Layout block names, as paths."""
    block = text.split("## Layout", 1)[1].split("```", 2)[1]
    found: set[str] = set()
    folders: list[tuple[int, str]] = []  # (indent, name) of the folders above this line
    for line in block.splitlines():
        name = line.strip().split(" ", 1)[0] if line.strip() else ""
        indent = len(line) - len(line.lstrip())
        while folders and folders[-1][0] >= indent:
            folders.pop()
        if name.endswith("/"):
            folders.append((indent, name.rstrip("/")))
        elif name.endswith(".py") and folders and folders[0][1] == "grading":
            found.add("/".join([*(folder for _, folder in folders), name]))
    return found


def test_the_guide_lists_every_grading_module_and_only_those() -> None:
    listed, present = layout_modules(GUIDE.read_text(encoding="utf-8")), grading_modules()
    assert sorted(present - listed) == [], "modules CONTRIBUTING.md's Layout does not list"
    assert sorted(listed - present) == [], "modules CONTRIBUTING.md's Layout lists, not on disk"


def test_the_layout_reader_follows_nesting() -> None:
    text = "## Layout\n\n```\ngrading/\n  a.py   x\n  core/\n    b.py  y\n  c.py\ntop.py\n```\n"
    assert layout_modules(text) == {"grading/a.py", "grading/core/b.py", "grading/c.py"}


@pytest.mark.parametrize("module", sorted(grading_modules()))
def test_no_module_is_long_enough_to_scroll(module: str) -> None:
    lines = len((ROOT / module).read_text(encoding="utf-8").splitlines())
    assert lines <= MAX_LINES, f"{module} has {lines} lines; split it along a seam (≤ {MAX_LINES})"


def grading_imports(source: str) -> list[str]:
    """Each import of the grading layer in `source`, written `module:name` or `module`."""
    found = []
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.ImportFrom) and (node.module or "").startswith("grading"):
            found += [f"{node.module}:{alias.name}" for alias in node.names]
        elif isinstance(node, ast.Import):
            found += [a.name for a in node.names if a.name.split(".")[0] == "grading"]
    return found


EXERCISE_TESTS = sorted(
    path.relative_to(ROOT).as_posix()
    for pillar in ("code_challenge", "data_ml_coding", "system_design")
    for path in (ROOT / pillar).glob("*/tests/*.py")
)


@pytest.mark.parametrize("test_file", EXERCISE_TESTS)
def test_exercise_tests_import_only_the_core_s_public_names(test_file: str) -> None:
    allowed = {f"grading.core:{name}" for name in grading.core.__all__}
    imports = grading_imports((ROOT / test_file).read_text(encoding="utf-8"))
    assert [i for i in imports if i not in allowed] == [], (
        f"{test_file}: import these from grading.core ({', '.join(grading.core.__all__)})"
    )


def test_the_public_names_all_resolve() -> None:
    for name in grading.core.__all__:
        assert getattr(grading.core, name).__name__ == name
    with pytest.raises(AttributeError, match="no public name 'plugin_state'"):
        _ = grading.core.plugin_state


def test_the_import_reader_sees_every_form() -> None:
    source = "import grading.core.loading\nfrom grading.core import returned, Compare\nimport os\n"
    assert grading_imports(source) == [
        "grading.core.loading",
        "grading.core:returned",
        "grading.core:Compare",
    ]


LINK = re.compile(r"\]\(([^)#\s]+)(?:#[^)]*)?\)")


@pytest.mark.parametrize("doc", ["README.md", "CONTRIBUTING.md", "ROADMAP.md", "resources.md"])
def test_docs_link_only_files_a_clone_has(doc: str) -> None:
    text = (ROOT / doc).read_text(encoding="utf-8")
    local = [t for t in LINK.findall(text) if not re.match(r"[a-z]+:", t)]
    outside = [t for t in local if not (ROOT / t).resolve().is_relative_to(ROOT)]
    missing = [t for t in local if t not in outside and not (ROOT / t).exists()]
    assert (outside, missing) == ([], []), f"{doc}: links outside the clone or to nothing"
    assert "../shared" not in text, f"{doc} names ../shared/, which a clone does not have"
