"""Mutant: the scheduler takes the best waiting job overall; if its tenant is at quota, it stops.

Head-of-line blocking: one tenant at its quota holds the best place in the queue, and every
other tenant's jobs wait behind it while workers sit idle.

Caught by: Part 1
"""

BASE = "../solution.py"
REPLACE = (
    (
        "            heads = [\n                queue[0]\n                for tenant, queue in waiting.items()\n                if queue and active[tenant] < quotas.get(tenant, workers)\n            ]\n",
        "            heads = [queue[0] for queue in waiting.values() if queue]\n",
    ),
    (
        "            job = min(heads)[3]\n",
        "            job = min(heads)[3]\n            if active[job.tenant] >= quotas.get(job.tenant, workers):\n                break\n",
    ),
)
