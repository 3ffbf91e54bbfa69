"""Mutant: the gate promotes on the point estimate of the gain.

Any challenger a hair better on this sample is shipped, though its gain is inside the noise.

Caught by: Part 4
"""

BASE = "../solution.py"
REPLACE = (
    (
        "    if gain.low > min_gain:\n",
        "    if gain.estimate > min_gain:\n",
    ),
)
