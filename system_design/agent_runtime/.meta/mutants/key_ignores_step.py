"""Mutant: the idempotency key is the job id alone.

Every step after the first reuses the first step's key, so the world treats it as done: the
email is never sent, the code never committed.

Caught by: Part 3
"""

BASE = "../solution.py"
REPLACE = (
    (
        '    return f"{job_id}/{step}"\n',
        '    return f"{job_id}"\n',
    ),
)
