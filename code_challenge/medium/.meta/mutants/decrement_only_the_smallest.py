"""Mutant: when all m counters are taken, only the smallest counter is decremented.

A heavy key that keeps arriving while it holds the smallest counter is evicted again and again
and never counted past 1; the estimate can trail the truth by far more than n / m.
Caught by: Part 2
"""

BASE = "../solution.py"
REPLACE = (
    (
        "            self._counters = {k: c - 1 for k, c in counters.items() if c > 1}\n",
        "            victim = min(counters, key=counters.__getitem__)\n            if counters[victim] > 1:\n                counters[victim] -= 1\n            else:\n                del counters[victim]\n",
    ),
)
