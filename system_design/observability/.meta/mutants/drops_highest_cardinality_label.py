"""Mutant: drop_labels drops the label with the most distinct values, not the one saving most.

In PROMPT.md's metrics it drops sandbox_id (20,000 values, saving 79,996 series) before the
tenant label of the latency histogram (2,000 values, saving 3,598,200).

Caught by: Part 4
"""

BASE = "../solution.py"
REPLACE = (
    (
        "            before = series_count(metric)\n",
        "",
    ),
    (
        "                after = before // metric.labels[label]\n                saving = before - after\n",
        "                saving = metric.labels[label]  # the cardinality, not the series saved\n",
    ),
)
