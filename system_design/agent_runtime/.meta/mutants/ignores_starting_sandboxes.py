"""Mutant: scale-up ignores the sandboxes already starting.

Every second of a cold start orders another batch of sandboxes for the same queued jobs: a
thundering herd of cold starts, paid for and then left idle.

Caught by: Part 2
"""

BASE = "../solution.py"
REPLACE = (
    (
        "        wanted = len(queue) + policy.target_idle - len(idle) - len(starting)\n",
        "        wanted = len(queue) + policy.target_idle - len(idle)\n",
    ),
)
