"""Mutant: ts_ms and latency_ms accept true/false, because bool is a subclass of int.

Caught by: Part 1
"""

BASE = "../solution.py"
REPLACE = (
    (
        "            ok = isinstance(value, int) and not isinstance(value, bool)  # True is an int in Python\n",
        "            ok = isinstance(value, int)\n",
    ),
    (
        "    if isinstance(value, bool) or not isinstance(value, int | float):\n",
        "    if not isinstance(value, int | float):\n",
    ),
)
