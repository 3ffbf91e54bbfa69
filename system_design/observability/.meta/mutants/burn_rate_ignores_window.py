"""Mutant: the burn rate in evaluate_alerts ignores the window and counts from minute 0.

Every window becomes "since the series began": an outage after a quiet week barely moves it, so
pages come hours late or never, and once fired they do not clear.

Caught by: Part 3
"""

BASE = "../solution.py"
REPLACE = (
    (
        "        start = max(0, end - minutes + 1)\n",
        "        start = 0\n",
    ),
)
