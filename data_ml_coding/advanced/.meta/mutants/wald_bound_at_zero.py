"""Mutant: the violation upper bound uses the normal approximation p + z * sqrt(p(1 - p) / n).

At zero violations its width collapses: 0 of 300 "proves" the rate is 0, and the bound misses the
true rate whenever no violation happens to be seen.

Caught by: Part 1
"""

BASE = "../solution.py"
REPLACE = (
    (
        "    alpha = 1 - confidence\n    if violations == n:\n        return 1.0\n    if violations == 0:\n        return 1 - alpha ** (1 / n)\n    # P(X <= k) falls as p grows: bisect for the p where it reaches alpha, rounding upwards so\n    # that the bound never comes out below the true one.\n    low, high = violations / n, 1.0\n    for _ in range(200):\n        middle = (low + high) / 2\n        if _binomial_cdf(violations, n, middle) > alpha:\n            low = middle\n        else:\n            high = middle\n        if high - low < 1e-14:\n            break\n    return high\n",
        "    z = NormalDist().inv_cdf(confidence)\n    p = violations / n\n    return min(1.0, p + z * math.sqrt(p * (1 - p) / n))\n",
    ),
)
