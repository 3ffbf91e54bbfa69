"""Mutant: summarize builds the sorted summaries but forgets to return them.

Caught by: Part 2
"""

BASE = "../solution.py"
REPLACE = (
    (
        "    # Sort the few summaries, not the many events: one sort per tool, then one tiny sort.\n    return sorted(summaries, key=lambda s: (-s.calls, s.tool))\n",
        "    # Sort the few summaries, not the many events: one sort per tool, then one tiny sort.\n    summaries.sort(key=lambda s: (-s.calls, s.tool))\n",
    ),
)
