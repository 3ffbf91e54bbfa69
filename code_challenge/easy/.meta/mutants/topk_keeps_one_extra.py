"""Mutant: slowest_runs' bounded heap keeps k + 1 runs (`<= k` where `< k` was meant).

Caught by: Part 3
"""

BASE = "../solution.py"
REPLACE = (
    (
        "    durations = (RunDuration(run, float(ends[run] - starts[run])) for run in starts)\n    # A heap of size k instead of a full sort: O(n log k). The smallest key is the longest run,\n    # and the run_id in the key makes ties come out in one order, whatever the input order.\n    return heapq.nsmallest(k, durations, key=lambda r: (-r.duration_ms, r.run_id))\n",
        "    # A min-heap of the longest runs so far; its root is the first to drop: the shortest,\n    # and among equal durations the largest run_id (the two run_ids swap places in the key).\n    heap: list[tuple[float, _Reversed, str]] = []\n    for run in starts:\n        entry = (float(ends[run] - starts[run]), _Reversed(run), run)\n        if len(heap) <= k:\n            heapq.heappush(heap, entry)\n        else:\n            heapq.heappushpop(heap, entry)\n    heap.sort(key=lambda e: (-e[0], e[2]))\n    return [RunDuration(run, duration) for duration, _, run in heap]\n\n\n@dataclass(frozen=True)\nclass _Reversed:\n    text: str\n\n    def __lt__(self, other: _Reversed) -> bool:\n        return self.text > other.text\n",
    ),
)
