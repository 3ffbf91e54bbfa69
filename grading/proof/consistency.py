"""Static checks that the catalogue, the folders, the prompts, the tests and the starters agree.

Each check returns a list of problems, one line each, naming the file and the fix; an empty list
means all is well. Nothing here imports an exercise: it reads files and parses them with `ast`.
"""

from __future__ import annotations

import ast
import re
from pathlib import Path

from grading.core import loading
from grading.core.catalog import PILLARS, ROOT, Catalog, Exercise
from grading.proof import candidates as blind
from grading.proof import rules

# Files every exercise folder has, by pillar (DESIGN.md section 2).
REQUIRED_FILES: dict[str, tuple[str, ...]] = {
    "code_challenge": ("PROMPT.md", "HINTS.md", "starter.py", "tests", ".meta/solution.py"),
    "data_ml_coding": ("PROMPT.md", "HINTS.md", "starter.py", "tests", ".meta/solution.py"),
    "system_design": (
        "PROMPT.md",
        "design.md",
        "RUBRIC.md",
        "starter.py",
        "tests",
        ".meta/solution.py",
        ".meta/reference_design.md",
    ),
}
PART_HEADING = re.compile(r"^## Part (\d+) — (.+?)\s*$", re.MULTILINE)
CAUGHT_BY = re.compile(r"^Caught by: Part (\d+)\s*$", re.MULTILINE)


def check_all(catalog: Catalog, root: Path = ROOT, only: Exercise | None = None) -> list[str]:
    """Every problem found in the repository (or in the exercise `only`), in catalogue order."""
    problems = check_orphans(catalog, root) if only is None else []
    for exercise in catalog.exercises if only is None else (only,):
        missing = check_files(exercise, root)
        problems += missing
        if missing:
            continue
        problems += check_prompt_parts(exercise, root)
        problems += check_test_parts(exercise, root)
        problems += check_signatures(exercise, root)
        problems += check_starter_stubs(exercise, root)
        problems += check_mutant_docstrings(exercise, root)
        problems += blind.check_bank(exercise, root)
        problems += rules.check_ledger(exercise, root)
    return problems


def check_orphans(catalog: Catalog, root: Path = ROOT) -> list[str]:
    """Exercise-looking folders under a pillar that the catalogue does not list."""
    listed = {e.path for e in catalog.exercises}
    problems = []
    for pillar in PILLARS:
        folder = root / pillar
        if not folder.is_dir():
            continue
        for child in sorted(folder.iterdir()):
            if child.is_dir() and not child.name.startswith((".", "_")):
                path = f"{pillar}/{child.name}"
                if path not in listed:
                    problems.append(
                        f"{path}/ is not in exercises.toml; add an [[exercise]] entry or remove it"
                    )
    return problems


def check_files(exercise: Exercise, root: Path = ROOT) -> list[str]:
    folder = exercise.directory(root)
    if not folder.is_dir():
        return [
            f"exercises.toml lists {exercise.path}, but the folder does not exist; create it or drop the entry"
        ]
    return [
        f"{exercise.path}/{name} is missing (see DESIGN.md section 2)"
        for name in REQUIRED_FILES[exercise.pillar]
        if not (folder / name).exists()
    ]


def prompt_parts(text: str) -> list[tuple[int, str]]:
    """The `## Part N — Title` headings of a prompt, in order."""
    return [(int(number), title) for number, title in PART_HEADING.findall(text)]


def check_prompt_parts(exercise: Exercise, root: Path = ROOT) -> list[str]:
    prompt = exercise.directory(root) / "PROMPT.md"
    found = prompt_parts(prompt.read_text(encoding="utf-8"))
    expected = [(p.number, p.title) for p in exercise.parts]
    if found == expected:
        return []
    want = "; ".join(f"## Part {n} — {t}" for n, t in expected)
    return [
        f"{exercise.path}/PROMPT.md part headings {found} differ from exercises.toml; expected: {want}"
    ]


def marked_parts(source: str) -> set[int]:
    """Every N in `pytest.mark.part(N)` / `mark.part(N)` found in a test module."""
    parts = set()
    for node in ast.walk(ast.parse(source)):
        if (
            isinstance(node, ast.Call)
            and isinstance(node.func, ast.Attribute)
            and node.func.attr == "part"
            and isinstance(node.func.value, ast.Attribute)
            and node.func.value.attr == "mark"
            and node.args
            and isinstance(node.args[0], ast.Constant)
            and isinstance(node.args[0].value, int)
        ):
            parts.add(node.args[0].value)
    return parts


def check_test_parts(exercise: Exercise, root: Path = ROOT) -> list[str]:
    """Every catalogue part has tests; no test claims a part the catalogue lacks."""
    found: set[int] = set()
    for module in sorted((exercise.directory(root) / "tests").glob("test_*.py")):
        found |= marked_parts(module.read_text(encoding="utf-8"))
    numbers = {p.number for p in exercise.parts}
    problems = [
        f"{exercise.path}: Part {n} has no test marked @pytest.mark.part({n}); add one"
        for n in sorted(numbers - found)
    ]
    problems += [
        f"{exercise.path}: tests are marked part({n}), which exercises.toml does not list"
        for n in sorted(found - numbers)
    ]
    return problems


def public_api(source: str) -> dict[str, str]:
    """Public top-level names mapped to their signature (functions, classes, constants)."""
    api: dict[str, str] = {}
    for node in ast.parse(source).body:
        if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef) and not node.name.startswith(
            "_"
        ):
            api[node.name] = _signature(node)
        elif isinstance(node, ast.ClassDef) and not node.name.startswith("_"):
            api[node.name] = _class_signature(node)
        elif isinstance(node, ast.Assign | ast.AnnAssign):
            targets = node.targets if isinstance(node, ast.Assign) else [node.target]
            for target in targets:
                if isinstance(target, ast.Name) and not target.id.startswith("_"):
                    api[target.id] = "constant"
    return api


def _signature(node: ast.FunctionDef | ast.AsyncFunctionDef) -> str:
    prefix = "async def" if isinstance(node, ast.AsyncFunctionDef) else "def"
    returns = f" -> {ast.unparse(node.returns)}" if node.returns else ""
    decorators = "".join(f"@{ast.unparse(d)} " for d in node.decorator_list)
    return f"{decorators}{prefix} {node.name}({ast.unparse(node.args)}){returns}"


def _class_signature(node: ast.ClassDef) -> str:
    decorators = "".join(f"@{ast.unparse(d)} " for d in node.decorator_list)
    bases = ", ".join(ast.unparse(b) for b in [*node.bases, *node.keywords])
    members = []
    for item in node.body:
        if isinstance(item, ast.AnnAssign):
            members.append(ast.unparse(item.target) + ": " + ast.unparse(item.annotation))
        elif isinstance(item, ast.FunctionDef | ast.AsyncFunctionDef) and (
            not item.name.startswith("_") or item.name.startswith("__")
        ):
            members.append(_signature(item))
    return f"{decorators}class {node.name}({bases}): " + "; ".join(members)


def check_signatures(exercise: Exercise, root: Path = ROOT) -> list[str]:
    """Starter and solution expose the same public names with identical signatures."""
    folder = exercise.directory(root)
    starter = public_api((folder / "starter.py").read_text(encoding="utf-8"))
    solution = public_api((folder / ".meta/solution.py").read_text(encoding="utf-8"))
    problems = []
    for name in sorted(starter.keys() | solution.keys()):
        if name not in starter:
            problems.append(f"{exercise.path}: starter.py lacks {name}, which the solution defines")
        elif name not in solution:
            problems.append(f"{exercise.path}: starter.py defines {name}, which the solution lacks")
        elif starter[name] != solution[name]:
            problems.append(
                f"{exercise.path}: {name} differs: starter `{starter[name]}` vs solution `{solution[name]}`"
            )
    return problems


def check_starter_stubs(exercise: Exercise, root: Path = ROOT) -> list[str]:
    """Every public function of the starter ends in `raise NotImplementedError` (STYLE.md rule 5)."""
    tree = ast.parse((exercise.directory(root) / "starter.py").read_text(encoding="utf-8"))
    problems = []
    for node in ast.walk(tree):
        if not isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef) or node.name.startswith(
            "_"
        ):
            continue
        last = node.body[-1]
        raises = (
            isinstance(last, ast.Raise)
            and last.exc is not None
            and ast.unparse(last.exc).startswith("NotImplementedError")
        )
        if not raises:
            problems.append(
                f"{exercise.path}/starter.py: {node.name}() must end with `raise NotImplementedError` "
                "so an untouched part reads as 'not started'"
            )
    return problems


def mutant_part(source: str) -> int | None:
    """The part a mutant's docstring says must catch it (`Caught by: Part N`), or None."""
    docstring = ast.get_docstring(ast.parse(source)) or ""
    match = CAUGHT_BY.search(docstring)
    return int(match.group(1)) if match else None


def check_mutant_docstrings(exercise: Exercise, root: Path = ROOT) -> list[str]:
    problems = []
    numbers = {p.number for p in exercise.parts}
    for mutant in sorted((exercise.directory(root) / ".meta/mutants").glob("*.py")):
        text = mutant.read_text(encoding="utf-8")
        spec = loading.spec_of(mutant, text)
        if spec is not None:
            try:
                loading.apply(spec, mutant)
            except (loading.MutantError, OSError) as error:
                problems.append(f"{exercise.path}/.meta/mutants/{mutant.name}: {error}")
        part = mutant_part(text)
        if part not in numbers:
            problems.append(
                f"{exercise.path}/.meta/mutants/{mutant.name}: docstring needs a line "
                f"'Caught by: Part N' with N in {sorted(numbers)}"
            )
    return problems
