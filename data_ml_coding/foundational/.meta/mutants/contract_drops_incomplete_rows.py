"""Mutant: validate drops every row with a missing value.

"Cleaning" at the door: 11 penguins vanish before anyone decided how to impute them, and
the model never learns to handle a missing sex.

Caught by: Part 1
"""

BASE = "../solution.py"
REPLACE = (
    (
        "    return pd.DataFrame(typed, index=frame.index)\n",
        "    return pd.DataFrame(typed, index=frame.index).dropna()\n",
    ),
)
