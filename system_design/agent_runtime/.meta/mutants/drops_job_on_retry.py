"""Mutant: a job whose attempt crashes is dropped instead of retried.

At-most-once delivery: the job is neither completed nor dead-lettered, and nobody hears of it.

Caught by: Part 3
"""

BASE = "../solution.py"
REPLACE = (
    (
        "            else:\n                queue.append(job)\n",
        "",
    ),
)
