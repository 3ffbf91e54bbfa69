"""Mutant: validate resets the caller's index in place to get row positions.

The violations are right, but the caller's frame comes back with a new index.

Caught by: Part 1
"""

BASE = "../solution.py"
REPLACE = (
    (
        '    only when both `as_of` and `contract.max_age_days` are given. Never modifies `frame`.\n    """\n',
        '    only when both `as_of` and `contract.max_age_days` are given. Never modifies `frame`.\n    """\n    frame.reset_index(drop=True, inplace=True)\n',
    ),
)
