"""Mutant: summarize_stream reports a bucket's lower edge, up to 2% below the true latency.

Caught by: Part 4
"""

BASE = "../solution.py"
REPLACE = (
    (
        "                return 2 * _GAMMA ** (index + 1) / (_GAMMA + 1)\n",
        "                return _GAMMA**index\n",
    ),
)
