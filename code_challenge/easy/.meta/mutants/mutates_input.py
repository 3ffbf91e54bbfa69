"""Mutant: summarize sorts the caller's list in place to group it by tool.

Every summary is right, but the caller's events come back reordered.

Caught by: Part 2
"""

BASE = "../solution.py"
REPLACE = (
    (
        "    failures: Counter[str] = Counter()\n",
        "    failures: Counter[str] = Counter()\n    events.sort(key=lambda e: e.tool)  # type: ignore[attr-defined]\n",
    ),
)
