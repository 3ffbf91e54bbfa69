"""Mutant: a histogram counts one series per finite bucket, forgetting +Inf, _sum and _count.

12 buckets give 12 series per label combination instead of 15: a 20% underestimate.

Caught by: Part 4
"""

BASE = "../solution.py"
REPLACE = (
    (
        '    return combinations * (metric.buckets + 3 if metric.kind == "histogram" else 1)\n',
        '    return combinations * (metric.buckets if metric.kind == "histogram" else 1)\n',
    ),
)
