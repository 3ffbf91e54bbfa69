"""Mutant: parse_log reports blank lines as bad_json instead of skipping them.

Caught by: Part 1
"""

BASE = "../solution.py"
REPLACE = (
    (
        "    for number, line in enumerate(lines, start=1):\n        if not line.strip():\n            continue\n",
        "    for number, line in enumerate(lines, start=1):\n",
    ),
)
