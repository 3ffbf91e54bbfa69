"""Mutant: percentile interpolates linearly between neighbours (numpy's default).

A fine percentile, but not nearest rank: p50 of [10, 20] comes out 15, a value never observed.

Caught by: Part 2
"""

BASE = "../solution.py"
REPLACE = (
    (
        "    rank = max(1, math.ceil(p * len(sorted_values) / 100))\n    return sorted_values[rank - 1]\n",
        "    position = (len(sorted_values) - 1) * p / 100\n    below = math.floor(position)\n    above = min(below + 1, len(sorted_values) - 1)\n    return sorted_values[below] + (position - below) * (sorted_values[above] - sorted_values[below])\n",
    ),
)
