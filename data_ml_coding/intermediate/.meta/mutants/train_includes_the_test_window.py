"""Mutant: each fold's train range runs to the end of its test window.

The model is scored on rows it was fitted on: leakage that no shuffling is needed for.

Caught by: Part 2
"""

BASE = "../solution.py"
REPLACE = (
    (
        "        folds.append(Fold(train=range(start, cutoff), test=range(cutoff, cutoff + horizon)))\n",
        "        folds.append(\n            Fold(train=range(start, cutoff + horizon), test=range(cutoff, cutoff + horizon))\n        )\n",
    ),
)
