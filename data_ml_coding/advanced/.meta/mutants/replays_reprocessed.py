"""Mutant: the loop processes every batch it is given, replays included.

A batch delivered twice is monitored, retrained and audited twice.

Caught by: Part 4
"""

BASE = "../solution.py"
REPLACE = (
    (
        "        if state is not None and batch.batch_id <= state.last_batch_id:\n            continue  # already decided: replaying it must not decide again\n",
        "",
    ),
)
