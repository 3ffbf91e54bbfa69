"""Mutant: latency_ms NaN and Infinity pass the type check (json.loads accepts them).

NaN is not negative either, so the line becomes an event with latency nan.

Caught by: Part 1
"""

BASE = "../solution.py"
REPLACE = (
    (
        "    if isinstance(value, bool) or not isinstance(value, int | float):\n        return False\n    try:\n        return math.isfinite(value)  # json.loads accepts NaN and Infinity\n    except OverflowError:  # an integer too large for a float\n        return False\n",
        "    return isinstance(value, int | float) and not isinstance(value, bool)\n",
    ),
)
