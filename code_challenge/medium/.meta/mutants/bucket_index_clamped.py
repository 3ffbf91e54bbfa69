"""Mutant: a fixed list of buckets sized for 1 ms to 1 hour; indexes beyond it overflow.

Values above an hour pile into the last bucket, and values under 1 ms get a negative index,
which Python quietly wraps around to the end of the list.
Caught by: Part 3
"""

BASE = "../solution.py"
REPLACE = (
    (
        "_LOG_GAMMA = math.log(_GAMMA)\n",
        "_LOG_GAMMA = math.log(_GAMMA)\n_BUCKETS = math.ceil(math.log(3_600_000) / _LOG_GAMMA)  # 1 ms to 1 hour: 763 buckets\n",
    ),
    (
        "        self._buckets: dict[int, int] = {}\n",
        "        self._buckets = [0] * _BUCKETS\n",
    ),
    (
        "        buckets = self._buckets\n        buckets[index] = buckets.get(index, 0) + 1\n",
        "        self._buckets[min(index, _BUCKETS - 1)] += 1\n",
    ),
    (
        "        buckets = self._buckets\n        for index in sorted(buckets):\n            seen += buckets[index]\n",
        "        for index, count in enumerate(self._buckets):\n            seen += count\n",
    ),
    (
        "        buckets = dict(self._buckets)\n        for index, count in other._buckets.items():\n            buckets[index] = buckets.get(index, 0) + count\n        merged._buckets = buckets\n",
        "        merged._buckets = [a + b for a, b in zip(self._buckets, other._buckets, strict=True)]\n",
    ),
)
