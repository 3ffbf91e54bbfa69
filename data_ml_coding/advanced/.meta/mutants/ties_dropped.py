"""Mutant: Bradley–Terry drops tied comparisons instead of counting half a win each.

Caught by: Part 3
"""

BASE = "../solution.py"
REPLACE = (
    (
        "    rows = list(comparisons)\n",
        "    rows = [row for row in comparisons if row[2] != 0.5]\n",
    ),
)
