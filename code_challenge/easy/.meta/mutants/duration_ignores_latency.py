"""Mutant: a run's duration is max(ts_ms) - min(ts_ms), forgetting the last call's latency.

Caught by: Part 3
"""

BASE = "../solution.py"
REPLACE = (
    (
        "        end = event.ts_ms + event.latency_ms\n",
        "        end = event.ts_ms\n",
    ),
)
