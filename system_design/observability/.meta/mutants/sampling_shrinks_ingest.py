"""Mutant: peak ingest shrinks with keep_fraction, as if the collectors only saw kept traces.

Head sampling would drop spans before the collector; tail sampling cannot, since it must see a
trace to judge it.

Caught by: Part 1
"""

BASE = "../solution.py"
REPLACE = (
    (
        "    peak = spans_per_second * load.peak_to_average\n",
        "    peak = spans_per_second * load.peak_to_average * keep_fraction\n",
    ),
)
