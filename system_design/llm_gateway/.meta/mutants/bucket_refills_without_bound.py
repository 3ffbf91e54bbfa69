"""Mutant: the token bucket refills without bound.

Forgets the min(burst, ...) cap: a tenant idle for an hour banks an hour of tokens and can then
send them all at once.

Caught by: Part 2
"""

BASE = "../solution.py"
REPLACE = (
    (
        "            self.tokens = min(self.burst, self.tokens + (now - self.last) * self.rate)\n",
        "            self.tokens = self.tokens + (now - self.last) * self.rate\n",
    ),
)
