"""Mutant: the monitor retrains on drift of the category mix only, never on a drop in success.

A change in the world that leaves the mix alone (batch 8 of the stream) goes unnoticed.

Caught by: Part 4
"""

BASE = "../solution.py"
REPLACE = (
    (
        '    reasons = tuple(\n        reason\n        for reason, fired in (\n            ("drift", drift > triggers.max_drift),\n            ("performance", success_rate < state.reference_success - triggers.max_drop),\n        )\n        if fired\n    )\n',
        '    reasons = tuple(reason for reason, fired in (("drift", drift > triggers.max_drift),) if fired)\n',
    ),
)
