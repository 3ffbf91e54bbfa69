"""Mutant: PSI without the epsilon floor.

An empty bin gives ln(0): the index comes out infinite (or NaN) exactly when a feature has moved
the most.

Caught by: Part 3
"""

BASE = "../solution.py"
REPLACE = (
    (
        "    # Without the floor, one empty bin makes ln(0) and the whole index infinite.\n    ref_share = np.maximum(ref_share, epsilon)\n    cur_share = np.maximum(cur_share, epsilon)\n    return float(np.sum((cur_share - ref_share) * np.log(cur_share / ref_share)))\n",
        '    with np.errstate(divide="ignore", invalid="ignore"):\n        return float(np.sum((cur_share - ref_share) * np.log(cur_share / ref_share)))\n',
    ),
)
