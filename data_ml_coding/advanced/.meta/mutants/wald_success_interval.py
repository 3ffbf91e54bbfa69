"""Mutant: the success interval is Wald's p ± z * sqrt(p(1 - p) / n), clipped to [0, 1].

It is [0, 0] at zero successes and too narrow for small n.

Caught by: Part 1
"""

BASE = "../solution.py"
REPLACE = (
    (
        "    denominator = 1 + z * z / n\n    center = (p + z * z / (2 * n)) / denominator\n    half = z * math.sqrt(p * (1 - p) / n + z * z / (4 * n * n)) / denominator\n    return Interval(max(0.0, center - half), min(1.0, center + half))\n",
        "    half = z * math.sqrt(p * (1 - p) / n)\n    return Interval(max(0.0, p - half), min(1.0, p + half))\n",
    ),
)
