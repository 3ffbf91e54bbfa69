"""Mutant: compare_paired pairs the i-th baseline trajectory with the i-th candidate trajectory.

Nothing says both lists come in the same order: pairing must go by task_id.

Caught by: Part 2
"""

BASE = "../solution.py"
REPLACE = (
    (
        "    candidate_only = sum(1 for t in base if cand[t].success and not base[t].success)\n    baseline_only = sum(1 for t in base if base[t].success and not cand[t].success)\n",
        "    pairs = list(zip(baseline, candidate, strict=True))\n    candidate_only = sum(1 for b, c in pairs if c.success and not b.success)\n    baseline_only = sum(1 for b, c in pairs if b.success and not c.success)\n",
    ),
)
