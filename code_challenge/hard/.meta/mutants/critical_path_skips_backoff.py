"""Mutant: a task's weight on the critical path is the sum of its attempts, not end - start.

The waits between retries vanish from the critical path, so a run whose slowest chain went
through a retried task looks shorter than it was.

Caught by: Part 4
"""

BASE = "../solution.py"
REPLACE = (
    (
        "        took = 0.0 if result.start is None or result.end is None else result.end - result.start\n",
        "        took = sum(end - start for start, end in result.spans)\n",
    ),
)
