"""Mutant: the bucket index is int(log(value) / log(gamma)), which rounds toward zero.

For values under 1 the logarithm is negative and int() rounds it up: 0.5 lands in the bucket of
1.0 and is reported about twice too large.
Caught by: Part 3
"""

BASE = "../solution.py"
REPLACE = (
    (
        "        # floor, not int(): int() rounds toward zero, which puts 0.5 in the bucket of 1.0.\n        index = math.floor(math.log(value) / _LOG_GAMMA)\n",
        "        index = int(math.log(value) / _LOG_GAMMA)\n",
    ),
)
