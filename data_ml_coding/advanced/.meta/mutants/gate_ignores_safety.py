"""Mutant: the gate reports the safety check but ships on success and latency alone.

Caught by: Part 2
"""

BASE = "../solution.py"
REPLACE = (
    (
        "    return GateDecision(all(c.passed for c in checks), checks, comparison)\n",
        "    return GateDecision(success.passed and latency.passed, checks, comparison)\n",
    ),
)
