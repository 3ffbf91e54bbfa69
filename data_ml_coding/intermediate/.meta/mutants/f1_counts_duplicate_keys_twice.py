"""Mutant: argument F1 counts a name that appears twice (after normalization) twice.

Pairs are kept in lists, not a dict: {"City": "Lima", "city": "Lima"} scores two matches against
one expected argument, and F1 can exceed 1.

Caught by: Part 5
"""

BASE = "../solution.py"
REPLACE = (
    (
        "    want = set(_normalized(expected).items())\n    got = set(_normalized(predicted).items())\n",
        "    want = [(str(k).strip().lower(), _value(v)) for k, v in expected.items()]\n    got = [(str(k).strip().lower(), _value(v)) for k, v in predicted.items()]\n",
    ),
    (
        "    return 2 * len(want & got) / (len(want) + len(got))\n",
        "    matched = sum(1 for pair in got if pair in want)\n    return 2 * matched / (len(want) + len(got))\n",
    ),
)
