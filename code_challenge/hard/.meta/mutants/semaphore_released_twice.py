"""Mutant: a failed task gives its slot back early, and then again in `finally`.

Built on the worker-per-task alternative: every failure adds one slot to the pool for good, so
after a few failures more than `limit` tool calls run at once.

Caught by: Part 2
"""

BASE = "../alternatives/dfs_workers_gcra.py"
REPLACE = (
    (
        "            return await _attempts(\n",
        "            result = await _attempts(\n",
    ),
    (
        "                buckets.get(task.tool),\n            )\n",
        '                buckets.get(task.tool),\n            )\n            if result.status == "failed":\n                slots.release()  # a failed task frees its slot for the next one right away\n            return result\n',
    ),
)
