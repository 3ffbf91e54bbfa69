"""Mutant: at the deadline the executor stops starting tasks but lets the running ones finish.

A "graceful drain": execute returns long after its deadline, and never if a tool hangs.

Caught by: Part 3
"""

BASE = "../solution.py"
REPLACE = (
    (
        "        pass  # the deadline: what is still running is cancelled below\n",
        "        if running:  # the deadline: start nothing more, let the running ones finish\n            await asyncio.wait(running)\n",
    ),
)
