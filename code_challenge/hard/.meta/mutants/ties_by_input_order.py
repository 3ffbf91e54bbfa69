"""Mutant: plan's available tasks wait in a FIFO queue, not a min-heap.

The order is topological, but ties go by input order and by when a task became available,
not by the smallest id: the plan changes when the caller lists the same tasks differently.

Caught by: Part 1
"""

BASE = "../solution.py"
REPLACE = (
    (
        "import random\n",
        "import random\nfrom collections import deque\n",
    ),
    (
        "    available = [task.id for task in tasks if not task.deps]\n    heapq.heapify(available)\n",
        "    available = deque(task.id for task in tasks if not task.deps)\n",
    ),
    (
        "        placed = heapq.heappop(available)\n",
        "        placed = available.popleft()\n",
    ),
    (
        "                heapq.heappush(available, child)\n",
        "                available.append(child)\n",
    ),
)
