"""Mutant: percentile indexes sorted_values[int(p * n / 100)], one rank too high.

Treats p * n / 100 as a 0-based index instead of a 1-based rank: p50 of [10, 20] comes out 20.

Caught by: Part 2
"""

BASE = "../solution.py"
REPLACE = (
    (
        "    rank = max(1, math.ceil(p * len(sorted_values) / 100))\n    return sorted_values[rank - 1]\n",
        "    index = min(int(p * len(sorted_values) / 100), len(sorted_values) - 1)\n    return sorted_values[index]\n",
    ),
)
