"""Mutant: sandboxes still in their cold start cost nothing.

Booting a microVM uses the machine as much as running one; leaving it out understates the
price of a reactive policy, which cold-starts the most.

Caught by: Part 2
"""

BASE = "../solution.py"
REPLACE = (
    (
        "        sandbox_seconds += total\n",
        "        sandbox_seconds += total - len(starting)\n",
    ),
)
