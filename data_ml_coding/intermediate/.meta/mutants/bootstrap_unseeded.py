"""Mutant: the bootstrap ignores its seed.

np.random.default_rng() draws fresh entropy: the same evaluation gives a different interval on
every run, and a gate decision near the line flips between runs.

Caught by: Part 4
"""

BASE = "../solution.py"
REPLACE = (
    (
        "    rng = np.random.default_rng(seed)\n",
        "    rng = np.random.default_rng()\n",
    ),
)
