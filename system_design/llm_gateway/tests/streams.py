"""Seeded request streams for the rate limiter and key streams for the cache, as plain tuples.

Times are multiples of 1/8 s and costs whole tokens, so every refill the tests compare is exact
in floating point whatever order an implementation adds things in.
"""

from __future__ import annotations

import random

from hypothesis import settings

RequestRow = tuple[float, str, int]  # Request's fields: (t, tenant, tokens)

PROPERTY = settings(max_examples=60)  # on top of the grading profile (derandomized, no explain)


def tenant_requests(
    tenant: str, per_second: float, tokens: int, seconds: float, seed: int
) -> list[RequestRow]:
    """Poisson arrivals of one tenant, each costing `tokens`, times rounded to 1/8 s."""
    rng = random.Random(f"{seed}-{tenant}")
    rows: list[RequestRow] = []
    t = 0.0
    while True:
        t += rng.expovariate(per_second)
        if t >= seconds:
            return rows
        rows.append((round(t * 8) / 8, tenant, tokens))


def steady_requests(tenant: str, every: float, tokens: int, seconds: float) -> list[RequestRow]:
    """One request every `every` seconds from t = every, each costing `tokens`."""
    count = int(seconds / every)
    return [(every * (i + 1), tenant, tokens) for i in range(count)]


def merged(*streams: list[RequestRow]) -> list[RequestRow]:
    """All the streams in time order (ties by tenant)."""
    return sorted((row for stream in streams for row in stream), key=lambda r: (r[0], r[1]))


def zipf_keys(n: int, distinct: int, seed: int, s: float = 1.1) -> list[str]:
    """`n` prompt-prefix keys drawn from `distinct` ones with Zipf(s) popularity: a few agent
    templates are hot, most are rare."""
    rng = random.Random(seed)
    weights = [1 / (rank**s) for rank in range(1, distinct + 1)]
    names = [f"prefix-{rank:05d}" for rank in range(1, distinct + 1)]
    return rng.choices(names, weights=weights, k=n)
