"""Mutant: the concurrency sweep handles starts before ends at the same instant.

An attempt that starts exactly when another ends is counted as overlapping it, so back-to-back
calls under limit 1 report a concurrency of 2.

Caught by: Part 4
"""

BASE = "../solution.py"
REPLACE = (
    (
        "        (time, step)\n",
        "        (time, kind)\n",
    ),
    (
        "        for time, step in ((start, 1), (end, -1))\n",
        '        for time, kind in ((start, "start"), (end, "stop"))\n',
    ),
    (
        "    for _, step in edges:\n        in_flight += step\n",
        '    for _, kind in edges:\n        in_flight += 1 if kind == "start" else -1\n',
    ),
)
