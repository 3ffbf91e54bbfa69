"""Mutant: erlang_c evaluates the textbook formula with factorials and powers.

Right for a handful of servers; with the 2,624 slots of PROMPT.md, a ** c overflows a float
(OverflowError) long before the division.

Caught by: Part 1
"""

BASE = "../solution.py"
REPLACE = (
    (
        "    # Erlang B by its recursion, then C from B: factorials of thousands overflow a float.\n    blocking = 1.0\n    for k in range(1, servers + 1):\n        blocking = offered_load * blocking / (k + offered_load * blocking)\n",
        "",
    ),
    (
        "    return blocking / (1 - utilization * (1 - blocking))\n",
        "    top = offered_load**servers / math.factorial(servers) / (1 - utilization)\n    below = sum(offered_load**k / math.factorial(k) for k in range(servers))\n    return top / (below + top)\n",
    ),
)
