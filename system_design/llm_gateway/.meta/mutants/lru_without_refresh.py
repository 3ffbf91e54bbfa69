"""Mutant: a cache hit does not refresh the key: the cache is FIFO, not LRU.

The hottest prefix is evicted as soon as it is the oldest insert, however often it is used.

Caught by: Part 4
"""

BASE = "../solution.py"
REPLACE = (
    (
        "            cache.move_to_end(key)\n",
        "",
    ),
)
