"""Mutant: violation rows are the frame's index labels, not positions.

Right on a fresh RangeIndex; wrong as soon as a batch was filtered, concatenated or indexed by
date.

Caught by: Part 1
"""

BASE = "../solution.py"
REPLACE = (
    (
        "    return tuple(int(i) for i in np.flatnonzero(mask.to_numpy(dtype=bool)))\n",
        "    return tuple(int(i) for i in mask[mask.to_numpy(dtype=bool)].index)\n",
    ),
)
