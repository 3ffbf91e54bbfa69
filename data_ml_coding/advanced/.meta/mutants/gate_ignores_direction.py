"""Mutant: the success check passes on a significant p-value whichever way the change goes.

A candidate that is significantly worse ships.

Caught by: Part 2
"""

BASE = "../solution.py"
REPLACE = (
    (
        "    improved = comparison.difference > 0 and comparison.p_value < guardrails.alpha\n",
        "    improved = comparison.p_value < guardrails.alpha\n",
    ),
)
