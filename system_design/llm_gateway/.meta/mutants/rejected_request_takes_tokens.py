"""Mutant: a rejected request still takes its tokens (the bucket goes negative).

A tenant that is over its limit and retries digs itself deeper with every rejection and stays
locked out long after its rate would allow it back.

Caught by: Part 2
"""

BASE = "../solution.py"
REPLACE = (
    (
        "        if self.available() >= cost:\n            self.tokens -= cost\n            return True\n        return False\n",
        "        ok = self.available() >= cost\n        self.tokens -= cost\n        return ok\n",
    ),
)
