"""Mutant: simulate_limiter keeps one bucket for everyone, the first tenant's.

A global limit instead of per-tenant ones: one noisy tenant spends the whole quota and starves
every other tenant.

Caught by: Part 2
"""

BASE = "../solution.py"
REPLACE = (
    (
        "        bucket = buckets.get(request.tenant)\n",
        "        bucket = next(iter(buckets.values()), None)\n",
    ),
)
