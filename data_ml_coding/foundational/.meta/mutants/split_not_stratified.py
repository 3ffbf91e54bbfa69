"""Mutant: split_data shuffles and splits without stratifying by species.

Seeded and the right size, but the rare Chinstrap share of the hold-out drifts with the
seed, so two seeds evaluate on differently balanced test sets.

Caught by: Part 2
"""

BASE = "../solution.py"
REPLACE = (
    (
        "        stratify=frame[TARGET],\n",
        "",
    ),
)
