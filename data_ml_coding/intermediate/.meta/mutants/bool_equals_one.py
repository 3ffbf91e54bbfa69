"""Mutant: normalized values are not tagged with their type.

In Python True == 1 == 1.0 (and they hash alike), so {"urgent": 1} matches {"urgent": true}.

Caught by: Part 5
"""

BASE = "../solution.py"
REPLACE = (
    (
        '        return ("bool", value)\n',
        "        return value\n",
    ),
    (
        '        return ("number", float(value))\n',
        "        return float(value)\n",
    ),
)
