"""The week-0 environment check: can this machine run the programme, and is the room ready?

Prints one line per check (Python version, packages, terminal colour and unicode, file watching
for timed mode), then the interview-logistics checklist to tick in journal/week0.md.
Exits 1 if a check that blocks the exercises fails.

Usage: python -m grading.learner.doctor
"""

from __future__ import annotations

import importlib.util
import os
import sys
from dataclasses import dataclass

from rich.console import Console
from rich.text import Text

REQUIRED = (
    "pytest",
    "pytest_timeout",
    "pytest_benchmark",
    "hypothesis",
    "numpy",
    "pandas",
    "sklearn",
    "rich",
)
OPTIONAL = {"matplotlib": "charts (nox -s compare)", "watchfiles": "instant re-runs in timed mode"}
LOGISTICS = (
    "Video client (e.g. the Zoom desktop app) installed and updated",
    "Remote-control / screen-sharing permission granted in the OS settings",
    "Camera and microphone tested in the client",
    "Network tested from the room you will use",
)


@dataclass(frozen=True)
class Check:
    name: str
    ok: bool
    detail: str
    blocking: bool = True


def checks(console: Console) -> list[Check]:
    """Every environment check, in the order a newcomer would fix them."""
    version = sys.version_info
    found = [
        Check(
            "Python",
            version >= (3, 11),
            f"{version.major}.{version.minor}.{version.micro} (3.11 or newer needed)",
        )
    ]
    missing = [name for name in REQUIRED if importlib.util.find_spec(name) is None]
    found.append(
        Check(
            "packages",
            not missing,
            "all importable"
            if not missing
            else f"missing: {', '.join(missing)}; run `nox -s deps`",
        )
    )
    for name, purpose in OPTIONAL.items():
        present = importlib.util.find_spec(name) is not None
        found.append(
            Check(
                name,
                present,
                f"{purpose}: {'available' if present else 'not installed, a fallback is used'}",
                blocking=False,
            )
        )
    encoding = (sys.stdout.encoding or "").lower()
    found.append(
        Check(
            "unicode output",
            "utf" in encoding,
            f"stdout encoding {encoding or 'unknown'}",
            blocking=False,
        )
    )
    colour = console.color_system is not None and "NO_COLOR" not in os.environ
    found.append(
        Check(
            "colour",
            colour,
            "the scorecard is coloured"
            if colour
            else "plain text (not a terminal, or NO_COLOR set)",
            blocking=False,
        )
    )
    return found


def main() -> int:
    console = Console(highlight=False)
    console.rule("week 0: environment check")
    results = checks(console)
    for check in results:
        label, style = (
            ("ok", "green")
            if check.ok
            else ("fail", "red")
            if check.blocking
            else ("note", "yellow")
        )
        console.print(Text(f"  {label:<6}", style=style) + Text(f"{check.name}: {check.detail}"))
    console.print("\nInterview logistics, to tick in journal/week0.md:")
    for item in LOGISTICS:
        console.print(f"  [ ] {item}")
    console.print()
    return 1 if any(not c.ok and c.blocking for c in results) else 0


if __name__ == "__main__":
    raise SystemExit(main())
