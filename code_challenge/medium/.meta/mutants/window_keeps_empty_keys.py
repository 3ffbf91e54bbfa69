"""Mutant: keys whose count falls to 0 stay in the dict, so memory grows with every key ever seen.

Every count is right; only the bounded-memory test of Part 1 sees the difference.
Caught by: Part 1
"""

BASE = "../solution.py"
REPLACE = (
    (
        "            left = counts[key] - 1\n            if left:\n                counts[key] = left\n            else:\n                del counts[key]  # a key with no event in the window costs nothing\n",
        "            counts[key] -= 1\n",
    ),
)
