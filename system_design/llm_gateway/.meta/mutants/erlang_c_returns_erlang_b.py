"""Mutant: erlang_c returns the Erlang B blocking probability, not the probability of waiting.

Erlang B is for systems that turn callers away when every server is busy; a gateway queues them.
B is always smaller than C, so every wait comes out too short and too few replicas are bought.

Caught by: Part 1
"""

BASE = "../solution.py"
REPLACE = (
    (
        "    utilization = offered_load / servers\n    return blocking / (1 - utilization * (1 - blocking))\n",
        "    return blocking\n",
    ),
)
