"""Mutant: at the deadline the executor cancels the running tasks but does not wait for them.

execute returns while the cancelled tool calls are still unwinding: asyncio tasks outlive the
call, the tools have not yet seen their cancellation, and the results miss the attempt that
was cut short.

Caught by: Part 3
"""

BASE = "../solution.py"
REPLACE = (
    (
        "        if running:\n            await asyncio.wait(running)\n",
        "",
    ),
    (
        "            if job.cancelled():\n",
        "            if job.cancelled() or not job.done():\n",
    ),
)
