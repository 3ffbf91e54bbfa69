"""Mutant: compare_paired tests the two success rates with an unpaired two-proportion z-test.

Both versions ran the same tasks; treating them as independent samples ignores that an easy
task is easy for both, and gives far larger p-values than McNemar's test on the same data.

Caught by: Part 2
"""

BASE = "../solution.py"
REPLACE = (
    (
        "        p_value=_mcnemar_exact(candidate_only, baseline_only),\n    )\n",
        "        p_value=_two_proportion_p(baseline_rate, candidate_rate, n),\n    )\n\n\ndef _two_proportion_p(p1: float, p2: float, n: int) -> float:\n    pooled = (p1 + p2) / 2\n    if pooled in (0.0, 1.0):\n        return 1.0\n    z = (p2 - p1) / math.sqrt(pooled * (1 - pooled) * 2 / n)\n    return 2 * (1 - NormalDist().cdf(abs(z)))\n",
    ),
)
