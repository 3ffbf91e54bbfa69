"""Mutant: stored bytes forget the replication factor.

Stores one copy of every kept span: 36 TB becomes 12 TB, and the keep fraction that fits the
budget comes out three times too generous.

Caught by: Part 1
"""

BASE = "../solution.py"
REPLACE = (
    (
        "        spans_per_day\n        * load.bytes_per_span\n        / load.compression_ratio\n        * load.replication\n        * keep_fraction\n        / TB\n",
        "        spans_per_day * load.bytes_per_span / load.compression_ratio * keep_fraction / TB\n",
    ),
)
