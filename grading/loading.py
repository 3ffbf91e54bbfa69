"""Import the implementation under test by file path, under a unique module name.

`--impl` (or `PREP_IMPL`) picks it: `starter` (default), `solution`, `naive`, or a path to any
file (an alternative, a mutant, a second attempt). Each file gets its own module name derived from
its absolute path, so two exercises' `starter.py` never collide in `sys.modules`.
"""

from __future__ import annotations

import hashlib
import importlib.util
import linecache
import sys
import traceback
from dataclasses import dataclass
from pathlib import Path
from types import ModuleType

from grading import mutants

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


def _mutant_spec(path: Path) -> mutants.Spec | None:
    """The mutant spec of `path` (see grading/mutants.py), or None for an ordinary file."""
    try:
        return mutants.spec_of(path, path.read_text(encoding="utf-8"))
    except (SyntaxError, ValueError, UnicodeDecodeError):
        return None  # not a mutant spec; importing it reports what is wrong


def _exec_mutant(spec: mutants.Spec, path: Path, module: ModuleType) -> None:
    """Execute the mutated base in `module`; tracebacks show the mutated lines."""
    source = mutants.apply(spec, path)
    filename = f"{path} (mutant of {spec.base.name})"
    linecache.cache[filename] = (len(source), None, source.splitlines(keepends=True), filename)
    exec(compile(source, filename, "exec"), module.__dict__)


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
