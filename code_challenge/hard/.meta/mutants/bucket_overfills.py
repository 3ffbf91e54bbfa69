"""Mutant: the token bucket refills without a ceiling.

After a long quiet spell it holds far more than `burst` tokens, and lets a flood of calls
through at once: exactly what the rate limit is for.

Caught by: Part 5
"""

BASE = "../solution.py"
REPLACE = (
    (
        "            self._tokens = min(self.burst, self._tokens + (now - self._updated) * self.rate)\n",
        "            self._tokens += (now - self._updated) * self.rate\n",
    ),
)
