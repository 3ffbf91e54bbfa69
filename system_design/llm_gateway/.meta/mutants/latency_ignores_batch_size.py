"""Mutant: batch_point reports the latency of a batch of one at every batch size.

Makes batching look free: throughput rises with the batch while latency seems flat, so the
"best" batch is always the memory limit and streamed tokens arrive slower than promised.

Caught by: Part 3
"""

BASE = "../solution.py"
REPLACE = (
    (
        "    return BatchPoint(batch, step, batch * 1000 / step, output_tokens * step / 1000)\n",
        "    return BatchPoint(\n        batch, step, batch * 1000 / step, output_tokens * (base_ms + per_seq_ms) / 1000\n    )\n",
    ),
)
