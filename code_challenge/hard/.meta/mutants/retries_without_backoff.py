"""Mutant: a failed attempt is retried at once, without waiting retry_delay(...).

Hammering a struggling tool is what backoff exists to prevent; retries land at the same instant
the previous attempt failed.

Caught by: Part 3
"""

BASE = "../solution.py"
REPLACE = (
    (
        "    for attempt in range(1, task.retries + 2):\n",
        "    for _attempt in range(1, task.retries + 2):\n",
    ),
    (
        "        if attempt <= task.retries:\n            await asyncio.sleep(retry_delay(backoff, seed, task.id, attempt))\n",
        "",
    ),
)
