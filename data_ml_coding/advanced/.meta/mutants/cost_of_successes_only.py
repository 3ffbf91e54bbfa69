"""Mutant: cost per success averages the cost of the successful runs only.

The failed runs were paid for too: the real price of one solved task is all the money spent
divided by the tasks solved.

Caught by: Part 1
"""

BASE = "../solution.py"
REPLACE = (
    (
        "    spent = math.fsum(t.cost_usd for t in trajectories)  # failed runs cost money too\n",
        "    spent = math.fsum(t.cost_usd for t in trajectories if t.success)\n",
    ),
)
