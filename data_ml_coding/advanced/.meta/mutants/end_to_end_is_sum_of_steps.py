"""Mutant: end-to-end latency is taken as the sum of the tool calls' latencies.

That leaves out the model's time between calls, which the trajectory's latency_ms includes.

Caught by: Part 1
"""

BASE = "../solution.py"
REPLACE = (
    (
        "        latency_ms=_latency(t.latency_ms for t in trajectories),\n",
        "        latency_ms=_latency(sum(s.latency_ms for s in t.steps) for t in trajectories),\n",
    ),
)
