"""Import the implementation under test by file path, under a unique module name.

`--impl` (or `PREP_IMPL`) picks it: `starter` (default), `solution`, `naive`, or a path to any
file (an alternative, a candidate, a mutant, a second attempt). `implementation(choice, folder)`
is the one call a run makes: it resolves the choice to a file, imports it (building a mutant's
source from its base, see `Spec`), and remembers the module or the import failure, so every
test that asks again gets the same answer without importing twice. Each file gets its own module
name derived from its absolute path, so two exercises' `starter.py` never collide in
`sys.modules`.
"""

from __future__ import annotations

import ast
import hashlib
import importlib.util
import linecache
import sys
import traceback
from dataclasses import dataclass
from pathlib import Path
from types import ModuleType

NAMED_IMPLS = {
    "starter": "starter.py",
    "solution": ".meta/solution.py",
    "naive": ".meta/naive.py",
}


class ImplNotFound(FileNotFoundError):
    """The chosen implementation file does not exist."""


@dataclass(frozen=True)
class ImportFailure:
    """Why a candidate file could not be imported, in one line."""

    path: Path
    kind: str  # exception class name: "SyntaxError", "ModuleNotFoundError", ...
    line: int | None
    message: str

    def describe(self) -> str:
        """`SyntaxError line 12: invalid syntax (starter.py)`."""
        where = f" line {self.line}" if self.line else ""
        return f"{self.kind}{where}: {self.message} ({self.path.name})"


class ImplImportError(Exception):
    """Raised (once per test) when the implementation under test cannot be imported."""

    def __init__(self, failure: ImportFailure) -> None:
        super().__init__(failure.describe())
        self.failure = failure


def resolve(choice: str, exercise_dir: Path, cwd: Path | None = None) -> Path:
    """The file that `choice` names for the exercise in `exercise_dir`.

    Named choices map into the exercise folder; anything else is a path, relative to `cwd`
    first and then to the exercise folder (so `.meta/mutants/x.py` works from either place).
    """
    if choice in NAMED_IMPLS:
        path = exercise_dir / NAMED_IMPLS[choice]
        if not path.is_file():
            where = f"{exercise_dir.parent.name}/{exercise_dir.name}"
            raise ImplNotFound(f"{where} has no {NAMED_IMPLS[choice]} for --impl {choice}")
        return path
    given = Path(choice).expanduser()
    candidates = (
        [given] if given.is_absolute() else [(cwd or Path.cwd()) / given, exercise_dir / given]
    )
    for candidate in candidates:
        if candidate.is_file():
            return candidate.resolve()
    raise ImplNotFound(
        f"--impl {choice}: no such file; use starter, solution, naive or a path to a .py file"
    )


# path -> the module, or why it could not be imported: a failing import is tried once per run.
_LOADED: dict[Path, ModuleType | ImplImportError] = {}


def implementation(choice: str, exercise_dir: Path, cwd: Path | None = None) -> ModuleType:
    """The module `choice` names for the exercise in `exercise_dir`, imported once per process.

    Raises ImplNotFound for a choice that names no file, and ImplImportError (the same one
    each time) for a file that cannot be imported.
    """
    path = resolve(choice, exercise_dir, cwd)
    found = _LOADED.get(path)
    if found is None:
        try:
            found = load(path)
        except ImplImportError as error:
            found = error
        _LOADED[path] = found
    if isinstance(found, ImplImportError):
        raise found
    return found


def module_name(path: Path) -> str:
    """A module name unique to this absolute path: `prep_impl_starter_1a2b3c4d5e`."""
    digest = hashlib.sha1(str(path.resolve()).encode()).hexdigest()[:10]
    stem = "".join(ch if ch.isalnum() else "_" for ch in path.stem)
    return f"prep_impl_{stem}_{digest}"


def load(path: Path) -> ModuleType:
    """Import `path` as a fresh module; raise ImplImportError describing any failure."""
    name = module_name(path)
    if name in sys.modules:
        return sys.modules[name]
    mutant = _mutant_spec(path)
    spec = importlib.util.spec_from_file_location(name, path)
    if spec is None or spec.loader is None:
        raise ImplImportError(ImportFailure(path, "ImportError", None, "not a Python file"))
    module = importlib.util.module_from_spec(spec)
    # dataclasses and typing look the module up by name while it executes.
    sys.modules[name] = module
    try:
        if mutant is None:
            spec.loader.exec_module(module)
        else:
            _exec_mutant(mutant, path, module)
    except BaseException as error:
        del sys.modules[name]
        if isinstance(error, KeyboardInterrupt):
            raise
        raise ImplImportError(describe_failure(path, error)) from error
    return module


def _mutant_spec(path: Path) -> Spec | None:
    """The mutant spec of `path` (see grading/proof/mutants.py), or None for an ordinary file."""
    try:
        return spec_of(path, path.read_text(encoding="utf-8"))
    except (SyntaxError, ValueError, UnicodeDecodeError):
        return None  # not a mutant spec; importing it reports what is wrong


def _exec_mutant(spec: Spec, path: Path, module: ModuleType) -> None:
    """Execute the mutated base in `module`; tracebacks show the mutated lines."""
    source = apply(spec, path)
    filename = f"{path} (mutant of {spec.base.name})"
    linecache.cache[filename] = (len(source), None, source.splitlines(keepends=True), filename)
    exec(compile(source, filename, "exec"), module.__dict__)


# --- mutants written as edits of a base file (see grading/proof/mutants.py) ------------------


class MutantError(ValueError):
    """A mutant's edit does not apply to its base any more."""


@dataclass(frozen=True)
class Spec:
    base: Path
    replace: tuple[tuple[str, str], ...]


def spec_of(path: Path, text: str) -> Spec | None:
    """The mutant spec declared in `text` (the file at `path`), or None for an ordinary module."""
    values: dict[str, object] = {}
    for node in ast.parse(text).body:
        if (
            isinstance(node, ast.Assign)
            and len(node.targets) == 1
            and isinstance(node.targets[0], ast.Name)
        ) and node.targets[0].id in ("BASE", "REPLACE"):
            values[node.targets[0].id] = ast.literal_eval(node.value)
    base, replace = values.get("BASE"), values.get("REPLACE")
    if not isinstance(base, str) or not isinstance(replace, tuple):
        return None
    pairs = tuple((str(old), str(new)) for old, new in replace)
    return Spec(base=(path.parent / base).resolve(), replace=pairs)


def apply(spec: Spec, mutant: Path) -> str:
    """The base's source with every replacement made; MutantError when one does not apply."""
    source = spec.base.read_text(encoding="utf-8")
    for old, new in spec.replace:
        count = source.count(old)
        if count != 1:
            raise MutantError(
                f"{mutant.name}: {old.strip()[:60]!r} occurs {count} times in {spec.base.name} "
                "(must be once); update the mutant's REPLACE to the current code"
            )
        source = source.replace(old, new)
    return source


def describe_failure(path: Path, error: BaseException) -> ImportFailure:
    """Where in `path` the import went wrong and why."""
    line: int | None = None
    message = str(error) or error.__class__.__name__
    if isinstance(error, SyntaxError):
        line = error.lineno
        message = error.msg
    else:
        for frame in reversed(traceback.extract_tb(error.__traceback__)):
            if Path(frame.filename).resolve() == path.resolve():
                line = frame.lineno
                break
    return ImportFailure(path=path, kind=type(error).__name__, line=line, message=message)
