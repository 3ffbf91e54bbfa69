"""Mutant: within a tier, the tail sampler keeps the smallest traces first.

Fits more traces in the budget, but the baseline is no longer a fair sample: it keeps the short
runs and drops the long ones.

Caught by: Part 2
"""

BASE = "../solution.py"
REPLACE = (
    (
        "    def order(trace: Trace) -> tuple[int, float, str]:\n",
        "    def order(trace: Trace) -> tuple[int, int, str]:\n",
    ),
    (
        "        return tier, trace_score(trace.trace_id), trace.trace_id\n",
        "        return tier, trace.size_bytes, trace.trace_id\n",
    ),
)
