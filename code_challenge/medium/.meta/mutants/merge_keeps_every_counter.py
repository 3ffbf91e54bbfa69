"""Mutant: HeavyHitters.merge adds the counters up but never cuts them back to m.

The merged summary can hold up to 2m keys, more than the m counters it promises.
Caught by: Part 4
"""

BASE = "../solution.py"
REPLACE = (
    (
        "        if len(summed) > self._capacity:\n            # Subtracting the (m+1)-th largest count from all removes at least (m+1) times what it\n            # adds to any one key's error: the Misra–Gries bound survives (Agarwal et al., 2012).\n            cut = sorted(summed.values(), reverse=True)[self._capacity]\n            summed = {k: c - cut for k, c in summed.items() if c > cut}\n",
        "",
    ),
)
