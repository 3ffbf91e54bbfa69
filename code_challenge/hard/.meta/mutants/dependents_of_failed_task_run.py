"""Mutant: a task counts as done for its dependents whether it succeeded or failed.

The dependents of a failed task still run, with None in place of the missing result, instead of
being skipped with `blocked_by` naming the failed dependency.

Caught by: Part 2
"""

BASE = "../solution.py"
REPLACE = (
    (
        '        if result.status == "succeeded":\n            for child in children[result.id]:\n                missing[child] -= 1\n                if missing[child] == 0:\n                    heapq.heappush(ready, (-by_id[child].priority, child))\n            return\n        stack = [result.id]  # skip everything downstream, each naming the dep that blocked it\n        while stack:\n            parent = stack.pop()\n            for child in children[parent]:\n                if child not in results:\n                    reason = f"dependency {parent!r} {results[parent].status}"\n                    results[child] = TaskResult(child, "skipped", error=reason, blocked_by=parent)\n                    stack.append(child)\n',
        "        for child in children[result.id]:  # it is finished, one way or another\n            missing[child] -= 1\n            if missing[child] == 0:\n                heapq.heappush(ready, (-by_id[child].priority, child))\n",
    ),
)
