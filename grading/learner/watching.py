"""Noticing the learner's saves in an exercise folder: file events from watchfiles, or polling file
times where events do not arrive (network or WSL-mounted drives)."""

from __future__ import annotations

import importlib
import importlib.util
import time
from collections.abc import Generator
from pathlib import Path
from typing import Any, Protocol

POLL_SECONDS = 0.5
TICK_SECONDS = 1.0  # a watcher returns at least this often, so a countdown can redraw


# Folders whose files the learner does not edit: saving a test must not look like an attempt.
UNWATCHED_DIRS = frozenset({"tests", ".meta", "__pycache__"})


def is_watched(folder: Path, path: Path) -> bool:
    """True for a file the learner edits: design.md or a .py file outside tests/ and .meta/."""
    try:
        relative = path.relative_to(folder)
    except ValueError:
        return False
    if any(part in UNWATCHED_DIRS or part.startswith(".") for part in relative.parts[:-1]):
        return False
    return relative.name == "design.md" or relative.suffix == ".py"


def snapshot(folder: Path) -> dict[Path, tuple[int, int]]:
    """Watched file -> (mtime in ns, size): two snapshots differ when a file was saved."""
    seen = {}
    for path in folder.rglob("*"):
        if not is_watched(folder, path):
            continue
        try:
            stat = path.stat()
        except OSError:  # deleted between listing and stat: an editor's rename dance
            continue
        if path.is_file():
            seen[path] = (stat.st_mtime_ns, stat.st_size)
    return seen


class Watcher(Protocol):
    def wait(self, seconds: float) -> bool:
        """True as soon as a watched file changes; False when `seconds` pass without one."""
        ...

    def close(self) -> None: ...


class PollingWatcher:
    """Compares snapshots every POLL_SECONDS; works on any file system."""

    def __init__(self, folder: Path, interval: float = POLL_SECONDS) -> None:
        self._folder = folder
        self._interval = interval
        self._last = snapshot(folder)

    def wait(self, seconds: float) -> bool:
        deadline = time.monotonic() + seconds
        while True:
            # Compare first: a save made while the tests ran is noticed at once.
            current = snapshot(self._folder)
            if current != self._last:
                self._last = current
                return True
            remaining = deadline - time.monotonic()
            if remaining <= 0:
                return False
            time.sleep(min(self._interval, remaining))

    def close(self) -> None:
        return None


class WatchfilesWatcher:
    """File events through watchfiles (Rust `notify`): no polling cost, sub-second reaction."""

    def __init__(self, folder: Path) -> None:
        # Imported by name so that the module type-checks whether or not watchfiles is installed.
        watchfiles = importlib.import_module("watchfiles")
        root = folder.resolve()
        self._changes: Generator[set[tuple[Any, str]], None, None] = watchfiles.watch(
            root,
            watch_filter=lambda _change, path: is_watched(root, Path(path)),
            rust_timeout=int(TICK_SECONDS * 1000),
            yield_on_timeout=True,  # an empty set each tick keeps the countdown moving
        )

    def wait(self, seconds: float) -> bool:
        deadline = time.monotonic() + seconds
        while True:
            if next(self._changes):
                return True
            if time.monotonic() >= deadline:
                return False

    def close(self) -> None:
        self._changes.close()


def make_watcher(folder: Path, poll: bool) -> tuple[Watcher, str]:
    """The watcher to use and a few words on how it notices saves."""
    if not poll and importlib.util.find_spec("watchfiles") is not None:
        return WatchfilesWatcher(folder), "file events (watchfiles)"
    why = "--poll" if poll else "watchfiles is not installed"
    return PollingWatcher(folder), f"polling every {POLL_SECONDS:g} s ({why})"
