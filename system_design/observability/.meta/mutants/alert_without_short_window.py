"""Mutant: a rule fires on its long window alone; the short window is never checked.

Detects as fast, but keeps paging for most of an hour after the errors have stopped.

Caught by: Part 3
"""

BASE = "../solution.py"
REPLACE = (
    (
        "            firing = (\n                t >= rule.long_minutes - 1\n                and rate(t, rule.long_minutes) >= rule.threshold\n                and rate(t, rule.short_minutes) >= rule.threshold\n            )\n",
        "            firing = t >= rule.long_minutes - 1 and rate(t, rule.long_minutes) >= rule.threshold\n",
    ),
)
