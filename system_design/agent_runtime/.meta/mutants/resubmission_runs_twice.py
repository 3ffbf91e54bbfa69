"""Mutant: a job submitted twice with the same job_id is queued and run twice.

The client's retried submission becomes a second job; its effects are deduplicated by key, but
the report counts it twice and the queue pays for both.

Caught by: Part 3
"""

BASE = "../solution.py"
REPLACE = (
    (
        "        if job.job_id not in attempts:\n            attempts[job.job_id] = 0\n            queue.append(job)\n",
        "        attempts[job.job_id] = 0\n        queue.append(job)\n",
    ),
)
