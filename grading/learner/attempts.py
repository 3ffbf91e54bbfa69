"""`nox -s reset` and `nox -s attempts`: start an exercise afresh without losing the last attempt.

- `reset <exercise> | --all [--yes]`: copies your current starter.py (and design.md,
  PRODUCTIONIZE.md where the exercise has them; with `--all`, every exercise and the journal) into
  `.prep/attempts/<exercise>/<UTC time>/`, checks the copy, and only then puts back each file as
  it was first committed. Committing your work does not change what "pristine" means: it is the
  commit that added the file (`git log --diff-filter=A`), not HEAD.
- `restore <exercise> [<archive>]`: the same in reverse: archives the current files, then brings
  back an archived attempt (default: the newest).
- `list <exercise>` (or just `<exercise>`): the archives, newest first, with dates and sizes.
- `diff <exercise> [<archive>] [--file NAME]`: an archived file against the current one.

An archive is named by number (1 = newest, as `list` shows) or by its folder name.

Usage: python -m grading.learner.attempts reset <exercise> | --all [--yes]
       python -m grading.learner.attempts restore <exercise> [<archive>] [--yes]
       python -m grading.learner.attempts [list] <exercise>
       python -m grading.learner.attempts diff <exercise> [<archive>] [--file starter.py]
"""

from __future__ import annotations

import argparse
import difflib
import subprocess
import sys
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

from rich.console import Console
from rich.table import Table

from grading.core import catalog, results
from grading.core.catalog import Catalog, Exercise

EXERCISE_FILES = ("starter.py", "design.md", "PRODUCTIONIZE.md")
JOURNAL = "journal"
STAMP = "%Y%m%dT%H%M%S%fZ"

Ask = Callable[[str], bool | None]  # a yes/no question -> the answer, None when nobody can answer


class AttemptsError(ValueError):
    """Bad input or a repository reset cannot work with; the message says what to do."""


@dataclass(frozen=True)
class Change:
    """One file to archive (when it exists) and then replace."""

    relative: str  # from the repository root: "code_challenge/easy/starter.py"
    name: str  # inside the archive: "starter.py"
    current: bytes | None  # None: the learner deleted it
    replacement: bytes


@dataclass(frozen=True)
class Group:
    """Files archived together into `.prep/attempts/<folder>/<stamp>/`."""

    folder: str  # "code_challenge-easy", or "journal"
    changes: tuple[Change, ...]


# --- git: the pristine version -----------------------------------------------------------------


def _git(root: Path, *args: str) -> subprocess.CompletedProcess[bytes]:
    try:
        return subprocess.run(["git", "-C", str(root), *args], capture_output=True, check=False)
    except FileNotFoundError:
        raise AttemptsError("git is not installed; reset needs it to find the originals") from None


def pristine(root: Path, relative: str) -> bytes | None:
    """The file as the commit that first added it holds it; None if git never had it."""
    log = _git(root, "log", "--diff-filter=A", "--format=%H", "--", relative)
    if log.returncode != 0:
        why = log.stderr.decode(errors="replace").strip().splitlines()[:1]
        raise AttemptsError(
            f"git log failed in {root} ({' '.join(why)}); reset needs the repository's history"
        )
    commits = log.stdout.decode().split()
    if not commits:
        return None
    # Newest first: the last line is the first commit that added the file.
    shown = _git(root, "show", f"{commits[-1]}:./{relative}")
    return shown.stdout if shown.returncode == 0 else None


def journal_pristine(root: Path, week: int) -> bytes | None:
    """journal/weekN.md as first committed, else its template (committed, else on disk)."""
    mine = f"{JOURNAL}/week{week}.md"
    template = f"{JOURNAL}/templates/week{week}.md"
    found = pristine(root, mine) or pristine(root, template)
    if found is None and (root / template).is_file():
        found = (root / template).read_bytes()
    return found


# --- plans (pure but for reading files) --------------------------------------------------------


def _read(path: Path) -> bytes | None:
    return path.read_bytes() if path.is_file() else None


def plan_reset(root: Path, exercise: Exercise) -> tuple[Group, list[str]]:
    """The exercise's files that differ from their originals, and notes on files left alone."""
    changes, notes = [], []
    for name in EXERCISE_FILES:
        relative = f"{exercise.path}/{name}"
        original = pristine(root, relative)
        current = _read(root / relative)
        if original is None:
            if current is not None and name == "starter.py":
                notes.append(f"{relative} is not in git history; left as it is")
            continue
        if current != original:
            changes.append(Change(relative, name, current, original))
    return Group(exercise.folder_name, tuple(changes)), notes


def plan_journal(root: Path) -> Group:
    """The journal files that differ from their templates as first committed."""
    changes = []
    for week in catalog.WEEKS:
        relative = f"{JOURNAL}/week{week}.md"
        original = journal_pristine(root, week)
        current = _read(root / relative)
        if original is not None and current != original:
            changes.append(Change(relative, f"week{week}.md", current, original))
    return Group(JOURNAL, tuple(changes))


def plan_restore(root: Path, exercise: Exercise, archive: Path) -> Group:
    """The archived files that differ from the current ones."""
    changes = []
    for path in sorted(p for p in archive.iterdir() if p.is_file()):
        relative = f"{exercise.path}/{path.name}"
        current = _read(root / relative)
        wanted = path.read_bytes()
        if current != wanted:
            changes.append(Change(relative, path.name, current, wanted))
    return Group(exercise.folder_name, tuple(changes))


def describe(change: Change) -> str:
    """`code_challenge/easy/starter.py  yours is archived, then replaced`."""
    if change.current is None:
        return f"{change.relative}  missing: put back (nothing to archive)"
    return f"{change.relative}  yours is archived, then replaced"


# --- archiving ---------------------------------------------------------------------------------


def unique_dir(parent: Path, now: datetime) -> Path:
    """A new, empty folder named by `now` to the microsecond; `-1`, `-2`, ... if taken.

    mkdir without exist_ok is the claim: two resets in the same instant get two folders.
    """
    parent.mkdir(parents=True, exist_ok=True)
    stamp = now.astimezone(UTC).strftime(STAMP)
    for attempt in range(1000):
        candidate = parent / (stamp if attempt == 0 else f"{stamp}-{attempt}")
        try:
            candidate.mkdir()
        except FileExistsError:
            continue
        return candidate
    raise AttemptsError(f"{parent}: no free archive name for {stamp}")


def archive(home: Path, group: Group, now: datetime) -> Path | None:
    """Copy the group's current files into a new archive folder and check the copies; return
    the folder (None when no file existed to archive)."""
    existing = [c for c in group.changes if c.current is not None]
    if not existing:
        return None
    folder = unique_dir(home / "attempts" / group.folder, now)
    for change in existing:
        (folder / change.name).write_bytes(change.current or b"")
    for change in existing:
        if (folder / change.name).read_bytes() != change.current:
            raise AttemptsError(f"the archive copy of {change.relative} differs; nothing replaced")
    return folder


def apply(root: Path, home: Path, group: Group, now: datetime) -> Path | None:
    """Archive, then replace the group's files; return the archive folder."""
    folder = archive(home, group, now)
    for change in group.changes:
        target = root / change.relative
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_bytes(change.replacement)
    return folder


# --- archives on disk --------------------------------------------------------------------------


def archives(home: Path, exercise: Exercise) -> list[Path]:
    """The exercise's archive folders, newest first."""
    folder = home / "attempts" / exercise.folder_name
    found = [p for p in folder.iterdir() if p.is_dir()] if folder.is_dir() else []
    return sorted(found, key=lambda p: p.name, reverse=True)


def saved_at(folder: Path) -> datetime:
    """When the archive was made, from its name (its folder time if renamed)."""
    try:
        return datetime.strptime(folder.name.split("-")[0], STAMP).replace(tzinfo=UTC)
    except ValueError:
        return datetime.fromtimestamp(folder.stat().st_mtime, UTC)


def pick_archive(home: Path, exercise: Exercise, which: str | None) -> Path:
    """The archive named by number (1 = newest) or folder name; the newest when `which` is None."""
    found = archives(home, exercise)
    if not found:
        raise AttemptsError(f"{exercise.path} has no archived attempts yet (reset makes one)")
    if which is None:
        return found[0]
    if which.isdigit() and 1 <= int(which) <= len(found):
        return found[int(which) - 1]
    for folder in found:
        if folder.name == which:
            return folder
    raise AttemptsError(
        f"no archive {which!r} for {exercise.path}; give 1..{len(found)} or a name from "
        f"`python -m grading.learner.attempts list {exercise.path}`"
    )


def unified(archived: bytes, current: bytes | None, old_label: str, new_label: str) -> str:
    """A unified diff of two versions of a file (empty when they are equal)."""
    old = archived.decode("utf-8", errors="replace").splitlines(keepends=True)
    new = (current or b"").decode("utf-8", errors="replace").splitlines(keepends=True)
    return "".join(difflib.unified_diff(old, new, old_label, new_label))


def _size(size: int) -> str:
    return f"{size} B" if size < 1024 else f"{size / 1024:.1f} KiB"


def listing(home: Path, exercise: Exercise) -> Table:
    """The archives of one exercise as a rich table, newest first."""
    grid = Table(title=f"Archived attempts of {exercise.path}", title_justify="left")
    for column in ("#", "archive", "saved", "files", "size"):
        grid.add_column(column)
    for number, folder in enumerate(archives(home, exercise), start=1):
        files = sorted(p for p in folder.iterdir() if p.is_file())
        grid.add_row(
            str(number),
            folder.name,
            f"{saved_at(folder).astimezone():%Y-%m-%d %H:%M:%S}",
            ", ".join(p.name for p in files),
            _size(sum(p.stat().st_size for p in files)),
        )
    return grid


# --- command line ------------------------------------------------------------------------------


def ask_terminal(question: str) -> bool | None:
    """The answer of the person at the terminal; None when stdin is not a terminal."""
    if not sys.stdin.isatty():
        return None
    try:
        return input(question).strip().lower() in ("y", "yes")
    except EOFError:
        return False


def _replace(
    root: Path, home: Path, groups: Sequence[Group], yes: bool, ask: Ask, verb: str
) -> int:
    changes = [c for g in groups for c in g.changes]
    if not changes:
        print(f"{verb}: nothing to do; every file is already as it would be put back")
        return 0
    print(f"{verb}:")
    for change in changes:
        print(f"  {describe(change)}")
    if not yes:
        answer = ask(f"Archive and replace {len(changes)} file(s)? [y/N] ")
        if answer is None:
            raise AttemptsError("stdin is not a terminal, so nobody can confirm; add --yes")
        if not answer:
            print(f"{verb}: nothing changed")
            return 1
    now = datetime.now(UTC)
    for group in groups:
        if not group.changes:
            continue
        folder = apply(root, home, group, now)
        where = f"archived in {folder}" if folder else "nothing existed to archive"
        print(f"{group.folder}: {where}; {len(group.changes)} file(s) replaced")
    return 0


def main(
    argv: list[str] | None = None,
    root: Path = catalog.ROOT,
    home: Path | None = None,
    ask: Ask = ask_terminal,
) -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    commands = parser.add_subparsers(dest="command", required=True)
    reset = commands.add_parser("reset", help="archive your files, put back the originals")
    reset.add_argument("exercise", nargs="?")
    reset.add_argument("--all", action="store_true", help="every exercise and the journal")
    reset.add_argument("--yes", action="store_true", help="do not ask for confirmation")
    restore = commands.add_parser("restore", help="archive your files, bring back an archive")
    restore.add_argument("exercise")
    restore.add_argument("archive", nargs="?")
    restore.add_argument("--yes", action="store_true", help="do not ask for confirmation")
    listed = commands.add_parser("list", help="the archived attempts of an exercise")
    listed.add_argument("exercise")
    diff = commands.add_parser("diff", help="an archived file against the current one")
    diff.add_argument("exercise")
    diff.add_argument("archive", nargs="?")
    diff.add_argument("--file", default="starter.py")
    args = sys.argv[1:] if argv is None else argv
    if args and not args[0].startswith("-") and args[0] not in commands.choices:
        args = ["list", *args]  # `nox -s attempts -- <exercise>` lists, as the issue promises
    options = parser.parse_args(args)
    home = home or results.prep_home()
    try:
        cat = catalog.load(root / "exercises.toml")
        return _run(options, cat, root, home, ask)
    except (catalog.CatalogError, AttemptsError) as error:
        print(f"{options.command}: {error}", file=sys.stderr)
        return 2


def _run(options: argparse.Namespace, cat: Catalog, root: Path, home: Path, ask: Ask) -> int:
    if options.command == "reset":
        if bool(options.all) == bool(options.exercise):
            known = ", ".join(e.path for e in cat.exercises)
            raise AttemptsError(f"name one exercise or --all; known exercises: {known}")
        chosen = cat.exercises if options.all else (cat.get(options.exercise),)
        groups = []
        for exercise in chosen:
            group, notes = plan_reset(root, exercise)
            groups.append(group)
            for note in notes:
                print(f"reset: {note}")
        if options.all:
            groups.append(plan_journal(root))
        return _replace(root, home, groups, options.yes, ask, "reset")
    exercise = cat.get(options.exercise)
    if options.command == "restore":
        chosen_archive = pick_archive(home, exercise, options.archive)
        group = plan_restore(root, exercise, chosen_archive)
        return _replace(root, home, [group], options.yes, ask, f"restore {chosen_archive.name}")
    if options.command == "list":
        if not archives(home, exercise):
            print(f"{exercise.path} has no archived attempts yet (reset makes one)")
        else:
            Console(highlight=False).print(listing(home, exercise))
        return 0
    chosen_archive = pick_archive(home, exercise, options.archive)
    archived = chosen_archive / options.file
    if not archived.is_file():
        raise AttemptsError(f"archive {chosen_archive.name} has no {options.file}")
    current = root / exercise.path / options.file
    text = unified(
        archived.read_bytes(),
        _read(current),
        f"{chosen_archive.name}/{options.file} (archived)",
        f"{exercise.path}/{options.file} (current)",
    )
    print(text or f"no differences between archive {chosen_archive.name} and the current file")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
