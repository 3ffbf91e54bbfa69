"""Mutant: the tail sampler stops at the first trace that does not fit.

One large error trace ends the whole pass: smaller error, slow and baseline traces that still
fit the budget are dropped.

Caught by: Part 2
"""

BASE = "../solution.py"
REPLACE = (
    (
        "            left -= trace.size_bytes\n",
        "            left -= trace.size_bytes\n        else:\n            break\n",
    ),
)
