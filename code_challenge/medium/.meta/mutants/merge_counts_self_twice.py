"""Mutant: QuantileSketch.merge starts from a copy of self, then adds both sketches into it.

Every value of self is counted twice, so the merged percentiles lean toward self's values.
Caught by: Part 4
"""

BASE = "../solution.py"
REPLACE = (
    (
        "        # Same buckets on every shard, so adding counts gives exactly the sketch of the union:\n        # merging is associative and loses nothing.\n        buckets = dict(self._buckets)\n        for index, count in other._buckets.items():\n            buckets[index] = buckets.get(index, 0) + count\n        merged._buckets = buckets\n        merged._count = self._count + other._count\n        merged._zeros = self._zeros + other._zeros\n",
        "        merged._buckets = dict(self._buckets)\n        merged._count = self._count\n        merged._zeros = self._zeros\n        for sketch in (self, other):\n            for index, count in sketch._buckets.items():\n                merged._buckets[index] = merged._buckets.get(index, 0) + count\n            merged._count += sketch._count\n            merged._zeros += sketch._zeros\n",
    ),
)
