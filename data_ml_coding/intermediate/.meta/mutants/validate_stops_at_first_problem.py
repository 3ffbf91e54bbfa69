"""Mutant: validate returns as soon as it finds the first violation.

A fail-fast validator: the producer fixes one problem per round trip instead of all at once.

Caught by: Part 1
"""

BASE = "../solution.py"
REPLACE = (
    (
        "        violations += _value_checks(values, spec)\n",
        "        violations += _value_checks(values, spec)[:1]\n        if violations:\n            return violations\n",
    ),
)
