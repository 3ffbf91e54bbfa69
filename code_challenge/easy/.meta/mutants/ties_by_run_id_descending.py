"""Mutant: slowest_runs uses nlargest on (duration, run_id), so ties come out run_id descending.

Caught by: Part 3
"""

BASE = "../solution.py"
REPLACE = (
    (
        "    return heapq.nsmallest(k, durations, key=lambda r: (-r.duration_ms, r.run_id))\n",
        "    return heapq.nlargest(k, durations, key=lambda r: (r.duration_ms, r.run_id))\n",
    ),
)
