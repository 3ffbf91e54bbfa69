"""Mutant: the scheduler runs jobs first come, first served, ignoring their priority.

Interactive jobs queue behind hour-long batch evaluations.

Caught by: Part 1
"""

BASE = "../solution.py"
REPLACE = (
    (
        "            heapq.heappush(waiting[job.tenant], (job.priority, job.arrival, job.job_id, job))\n",
        "            heapq.heappush(waiting[job.tenant], (0, job.arrival, job.job_id, job))\n",
    ),
)
