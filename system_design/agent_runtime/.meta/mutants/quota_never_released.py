"""Mutant: a finished job never gives its slot back to its tenant's quota.

After its first `quota` jobs a tenant never runs again: its later jobs are never placed.

Caught by: Part 1
"""

BASE = "../solution.py"
REPLACE = (
    (
        "            _, worker, tenant = heapq.heappop(running)\n",
        "            _, worker, _tenant = heapq.heappop(running)\n",
    ),
    (
        "            active[tenant] -= 1\n",
        "",
    ),
)
