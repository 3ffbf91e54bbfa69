"""Mutant: a cache hit bills the whole prompt at the cached price, not just its prefix.

Only the shared prefix (1,000 of 1,500 tokens) is in the cache; the rest of the prompt is new
and still pays the input price. Overstates the saving by half.

Caught by: Part 4
"""

BASE = "../solution.py"
REPLACE = (
    (
        "    cached = hit_rate * traffic.prefix_tokens\n",
        "    cached = hit_rate * traffic.prompt_tokens\n",
    ),
)
