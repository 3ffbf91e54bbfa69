"""The catalogue (`exercises.toml`) as frozen dataclasses.

Everything that needs to know which exercises exist, their weeks, parts and grading settings asks
this module; nothing else parses the TOML. Errors name the entry and the fix in one line.
"""

from __future__ import annotations

import tomllib
from dataclasses import dataclass
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[2]  # grading/core/catalog.py -> the repository
CATALOG_FILE = ROOT / "exercises.toml"
PILLARS = ("code_challenge", "data_ml_coding", "system_design")
WEEKS = range(0, 7)


class CatalogError(ValueError):
    """exercises.toml is missing, malformed, or disagrees with itself."""


@dataclass(frozen=True)
class Part:
    number: int
    title: str
    stretch: bool


@dataclass(frozen=True)
class Exercise:
    path: str  # "code_challenge/easy": the slug, also the folder relative to the root
    title: str
    weeks: tuple[int, ...]
    minutes: int
    parts: tuple[Part, ...]
    timeout_seconds: float
    workloads: str | None = None  # file (relative to the folder) defining benchmark WORKLOADS
    design_parts: tuple[int, ...] = ()  # parts graded from design.md rather than from code

    @property
    def pillar(self) -> str:
        return self.path.split("/", 1)[0]

    @property
    def slug(self) -> str:
        return self.path

    @property
    def folder_name(self) -> str:
        """A file-name-safe form of the slug: `code_challenge-easy`."""
        return self.path.replace("/", "-")

    def directory(self, root: Path = ROOT) -> Path:
        return root / self.path

    def part(self, number: int) -> Part:
        for part in self.parts:
            if part.number == number:
                return part
        raise KeyError(f"{self.path} has no part {number}")


@dataclass(frozen=True)
class Settings:
    timeout_seconds: float
    slower_limit: float
    memory_limit: float
    seed: int


@dataclass(frozen=True)
class Catalog:
    settings: Settings
    exercises: tuple[Exercise, ...]

    def get(self, path: str) -> Exercise:
        """The exercise at `path` ("code_challenge/easy", trailing slash or "./" allowed)."""
        wanted = path.strip().removeprefix("./").rstrip("/")
        for exercise in self.exercises:
            if exercise.path == wanted:
                return exercise
        known = ", ".join(e.path for e in self.exercises)
        raise CatalogError(f"unknown exercise {path!r}; known exercises: {known}")

    def for_week(self, week: int) -> tuple[Exercise, ...]:
        if week not in WEEKS:
            raise CatalogError(f"unknown week {week}; weeks run from 0 to 6")
        return tuple(e for e in self.exercises if week in e.weeks)

    def owning(self, file: Path, root: Path = ROOT) -> Exercise | None:
        """The exercise whose folder contains `file`, or None."""
        try:
            relative = file.resolve().relative_to(root.resolve()).as_posix()
        except ValueError:
            return None
        for exercise in self.exercises:
            if relative == exercise.path or relative.startswith(exercise.path + "/"):
                return exercise
        return None


def load(file: Path = CATALOG_FILE) -> Catalog:
    """Parse and validate the catalogue; raise CatalogError naming the bad entry and the fix."""
    try:
        data = tomllib.loads(file.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise CatalogError(f"{file} not found; run from the repository root") from None
    except tomllib.TOMLDecodeError as error:
        raise CatalogError(f"{file.name} is not valid TOML ({error}); fix the syntax") from None
    return parse(data, source=file.name)


def parse(data: dict[str, Any], source: str = "exercises.toml") -> Catalog:
    """Build a Catalog from already-parsed TOML data (split from `load` for tests)."""
    raw_settings = data.get("settings", {})
    settings = Settings(
        timeout_seconds=float(raw_settings.get("timeout_seconds", 10)),
        slower_limit=float(raw_settings.get("slower_limit", 3.0)),
        memory_limit=float(raw_settings.get("memory_limit", 3.0)),
        seed=int(raw_settings.get("seed", 0)),
    )
    entries = data.get("exercise", [])
    if not isinstance(entries, list) or not entries:
        raise CatalogError(f"{source}: no [[exercise]] entries; add at least one")
    exercises = tuple(
        _exercise(entry, index, settings, source) for index, entry in enumerate(entries)
    )
    seen: set[str] = set()
    for exercise in exercises:
        if exercise.path in seen:
            raise CatalogError(f"{source}: exercise {exercise.path!r} is listed twice; keep one")
        seen.add(exercise.path)
    return Catalog(settings=settings, exercises=exercises)


def _exercise(entry: Any, index: int, settings: Settings, source: str) -> Exercise:
    where = f"{source}: [[exercise]] #{index + 1}"
    if not isinstance(entry, dict):
        raise CatalogError(f"{where} is not a table")
    for key in ("path", "title", "weeks", "parts"):
        if key not in entry:
            raise CatalogError(f"{where} has no '{key}'; add it (see the first entry)")
    path = entry["path"]
    where = f"{source}: exercise {path!r}"
    if not isinstance(path, str) or path.split("/", 1)[0] not in PILLARS or path.count("/") != 1:
        raise CatalogError(f"{where}: path must be '<pillar>/<name>' with pillar in {PILLARS}")
    weeks = entry["weeks"]
    if not isinstance(weeks, list) or any(not isinstance(w, int) or w not in WEEKS for w in weeks):
        raise CatalogError(f"{where}: weeks must be a list of numbers from 0 to 6, got {weeks!r}")
    titles = entry["parts"]
    if not isinstance(titles, list) or not titles or not all(isinstance(t, str) for t in titles):
        raise CatalogError(f"{where}: parts must be a non-empty list of titles")
    stretch = entry.get("stretch", [])
    if any(not isinstance(n, int) or not 1 <= n <= len(titles) for n in stretch):
        raise CatalogError(f"{where}: stretch lists part numbers 1..{len(titles)}, got {stretch!r}")
    minutes = entry.get("minutes", 60)
    if not isinstance(minutes, int) or minutes <= 0:
        raise CatalogError(f"{where}: minutes must be a positive whole number, got {minutes!r}")
    design_parts = entry.get("design_parts", [])
    if any(not isinstance(n, int) or not 1 <= n <= len(titles) for n in design_parts):
        raise CatalogError(
            f"{where}: design_parts lists part numbers 1..{len(titles)}, got {design_parts!r}"
        )
    workloads = entry.get("workloads")
    if workloads is not None and (not isinstance(workloads, str) or not workloads.endswith(".py")):
        raise CatalogError(f"{where}: workloads names a .py file in the folder, got {workloads!r}")
    parts = tuple(
        Part(number=n, title=title, stretch=n in stretch) for n, title in enumerate(titles, start=1)
    )
    return Exercise(
        path=path,
        title=str(entry["title"]),
        weeks=tuple(weeks),
        minutes=minutes,
        parts=parts,
        timeout_seconds=float(entry.get("timeout_seconds", settings.timeout_seconds)),
        workloads=entry.get("workloads"),
        design_parts=tuple(design_parts),
    )
