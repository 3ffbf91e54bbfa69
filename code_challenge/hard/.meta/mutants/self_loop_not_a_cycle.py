"""Mutant: plan drops a task's dependency on itself ("a task does not wait for itself").

A task that lists its own id in `deps` is planned like any other instead of being reported as
the one-node cycle it is; at run time it would wait for its own result forever.

Caught by: Part 1
"""

BASE = "../solution.py"
REPLACE = (
    (
        "        missing[task.id] = len(task.deps)\n        for dep in task.deps:\n",
        "        deps = [d for d in task.deps if d != task.id]  # a task does not wait for itself\n        missing[task.id] = len(deps)\n        for dep in deps:\n",
    ),
)
