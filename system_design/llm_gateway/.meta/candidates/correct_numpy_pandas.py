"""Correct: numpy/scipy/pandas-heavy; Erlang B from Poisson log-pmf/cdf, pandas groupby limiter.

verdict: accept
how: vectorised reading; Erlang B = pmf(c)/cdf(c) of Poisson(A); per-tenant groups in pandas
"""

from __future__ import annotations

import math
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass

import numpy as np
import pandas as pd
from scipy import stats as sps

# --- Part 1 --------------------------------------------------------------------------------------


def service_time_s(
    prompt_tokens: int, output_tokens: int, prefill_tokens_per_s: float, decode_tokens_per_s: float
) -> float:
    """Seconds one request holds a slot: its prompt's prefill, then its output's decode."""
    tokens = np.array([prompt_tokens, output_tokens], dtype=float)
    speeds = np.array([prefill_tokens_per_s, decode_tokens_per_s], dtype=float)
    return float(np.sum(tokens / speeds))


def erlang_c(servers: int, offered_load: float) -> float:
    """The probability that a request waits in an M/M/c queue with `servers` servers and
    `offered_load` Erlangs. Raises ValueError unless 0 <= offered_load < servers (the queue would
    grow without bound)."""
    if not (0 <= offered_load < servers):
        raise ValueError(f"need 0 <= offered_load < servers, got {offered_load} and {servers}")
    if offered_load == 0:
        return 0.0
    # Erlang B is the Poisson(A) probability of c, conditioned on at most c
    log_b = sps.poisson.logpmf(servers, offered_load) - sps.poisson.logcdf(servers, offered_load)
    b = float(np.exp(log_b))
    rho = offered_load / servers
    return float(b / (1.0 - rho * (1.0 - b)))


def wait_quantile_s(arrival_rate: float, service_time: float, servers: int, q: float) -> float:
    """The q-quantile of the time a request waits for a slot, in seconds (M/M/c).

    P(wait > t) = C * exp(-(servers / service_time - arrival_rate) * t), so the quantile is
    ln(C / (1 - q)) / (servers / service_time - arrival_rate), or 0.0 when C <= 1 - q.
    """
    c = erlang_c(servers, arrival_rate * service_time)
    if c <= 1 - q:
        return 0.0
    return float(np.log(c / (1 - q)) / (servers / service_time - arrival_rate))


def replicas_needed(
    arrival_rate: float, service_time: float, slots_per_replica: int, p99_wait_s: float
) -> int:
    """The fewest replicas whose slots keep the p99 wait for a slot within `p99_wait_s`."""
    load = arrival_rate * service_time
    r = int(np.floor(load / slots_per_replica))
    while r * slots_per_replica <= load:
        r += 1
    while wait_quantile_s(arrival_rate, service_time, r * slots_per_replica, 0.99) > p99_wait_s:
        r += 1
    return int(r)


# --- Part 2 --------------------------------------------------------------------------------------


@dataclass
class FakeClock:
    """A clock that only moves when told: set `now` (seconds). Pass it as a bucket's clock."""

    now: float = 0.0

    def __call__(self) -> float:
        return self.now


class TokenBucket:
    """Starts full with `burst` tokens; refills at `rate` tokens per second, never above `burst`."""

    def __init__(self, rate: float, burst: float, clock: Callable[[], float]) -> None:
        self.rate = rate
        self.burst = burst
        self.clock = clock
        self.level = float(burst)
        self.latest = float(clock())

    def available(self) -> float:
        """The tokens in the bucket now, after refilling for the time elapsed since the latest
        moment the bucket has seen. A clock that goes backwards adds nothing."""
        now = float(self.clock())
        dt = now - self.latest
        if dt > 0:
            self.level = float(np.minimum(self.burst, self.level + dt * self.rate))
            self.latest = now
        return self.level

    def allow(self, cost: float = 1.0) -> bool:
        """Take `cost` tokens and return True if they are there; else take nothing, return False."""
        if self.available() >= cost:
            self.level -= cost
            return True
        return False


@dataclass(frozen=True)
class Request:
    t: float  # arrival, seconds
    tenant: str
    tokens: int  # what the request costs: prompt + max output tokens


@dataclass(frozen=True)
class TenantLimit:
    rate: float  # tokens per second
    burst: float  # tokens


@dataclass(frozen=True)
class TenantStats:
    allowed: int
    rejected: int
    allowed_tokens: int


def simulate_limiter(
    requests: Iterable[Request], limits: dict[str, TenantLimit], default: TenantLimit
) -> dict[str, TenantStats]:
    """Run `requests` (in time order) through one TokenBucket per tenant, driven by a fake clock
    set to each request's time. Tenants missing from `limits` get `default`. Returns the stats of
    every tenant that sent a request."""
    rows = [(r.t, r.tenant, r.tokens) for r in requests]
    if not rows:
        return {}
    df = pd.DataFrame(rows, columns=["t", "tenant", "tokens"])
    out: dict[str, TenantStats] = {}
    # buckets are independent, so each tenant's requests can be replayed on their own, in order
    for tenant, group in df.groupby("tenant", sort=False):
        limit = limits.get(tenant, default)
        clock = FakeClock()
        clock.now = float(group["t"].iloc[0])
        bucket = TokenBucket(limit.rate, limit.burst, clock)
        ok = np.zeros(len(group), dtype=bool)
        for i, (t, tokens) in enumerate(zip(group["t"].to_numpy(), group["tokens"].to_numpy())):
            clock.now = float(t)
            ok[i] = bucket.allow(int(tokens))
        tokens = group["tokens"].to_numpy()
        out[tenant] = TenantStats(
            allowed=int(ok.sum()),
            rejected=int((~ok).sum()),
            allowed_tokens=int(tokens[ok].sum()),
        )
    return out


# --- Part 3 --------------------------------------------------------------------------------------


@dataclass(frozen=True)
class BatchPoint:
    batch: int
    step_ms: float  # one decode step of the whole batch
    tokens_per_s: float  # output tokens per second, the whole replica
    latency_s: float  # decode time of one request's output


def batch_point(batch: int, base_ms: float, per_seq_ms: float, output_tokens: int) -> BatchPoint:
    """Throughput and latency at one batch size: a step takes base_ms + per_seq_ms * batch and
    yields one token for each sequence of the batch."""
    return batching_curve_at(np.array([batch]), base_ms, per_seq_ms, output_tokens)[0]


def batching_curve_at(
    batches: np.ndarray, base_ms: float, per_seq_ms: float, output_tokens: int
) -> list[BatchPoint]:
    steps = base_ms + per_seq_ms * batches.astype(float)
    tps = batches * 1000.0 / steps
    lat = output_tokens * steps / 1000.0
    return [
        BatchPoint(int(b), float(s), float(t), float(l))
        for b, s, t, l in zip(batches, steps, tps, lat)
    ]


def batching_curve(
    max_batch: int, base_ms: float, per_seq_ms: float, output_tokens: int
) -> list[BatchPoint]:
    """batch_point for every batch size from 1 to max_batch."""
    if max_batch < 1:
        return []
    return batching_curve_at(np.arange(1, max_batch + 1), base_ms, per_seq_ms, output_tokens)


def max_batch_for_memory(
    gpu_memory_gb: float, weights_gb: float, kv_bytes_per_token: int, context_tokens: int
) -> int:
    """How many sequences of `context_tokens` fit their KV cache in the memory the weights leave
    (GB = 10**9 bytes); 0 when none does."""
    free = np.float64(gpu_memory_gb - weights_gb) * 1e9
    n = np.floor(free / np.float64(kv_bytes_per_token * context_tokens))
    return int(max(n, 0))


def best_batch(
    max_step_ms: float, memory_limit: int, base_ms: float, per_seq_ms: float, output_tokens: int
) -> BatchPoint | None:
    """The highest-throughput batch whose step stays within `max_step_ms` (the time between two
    streamed tokens) and whose size is within `memory_limit`; None when even a batch of 1 fails."""
    if memory_limit < 1:
        return None
    if per_seq_ms > 0:
        guess = math.floor((max_step_ms - base_ms) / per_seq_ms) + 1
        top = int(min(memory_limit, max(guess, 1)))
    else:
        top = int(memory_limit)
    lo = max(1, top - 2)
    sizes = np.arange(lo, top + 1)
    fits = sizes[base_ms + per_seq_ms * sizes.astype(float) <= max_step_ms]
    if fits.size == 0:
        if lo == 1:
            return None
        # the guess was too high by more than 2 (only with odd float inputs): scan down
        b = lo - 1
        while b >= 1 and base_ms + per_seq_ms * b > max_step_ms:
            b -= 1
        return batch_point(b, base_ms, per_seq_ms, output_tokens) if b >= 1 else None
    return batch_point(int(fits.max()), base_ms, per_seq_ms, output_tokens)


# --- Part 4 --------------------------------------------------------------------------------------


def lru_hit_rate(keys: Iterable[str], capacity: int) -> float:
    """The share of `keys` found in an LRU cache of `capacity` entries as they arrive (a miss
    inserts the key, evicting the least recently used; a hit refreshes it). 0.0 for no keys."""
    cache: dict[str, None] = {}  # dicts keep insertion order: the first key is the LRU one
    hits = n = 0
    for key in keys:
        n += 1
        if key in cache:
            hits += 1
            del cache[key]
            cache[key] = None
        elif capacity > 0:
            if len(cache) >= capacity:
                del cache[next(iter(cache))]
            cache[key] = None
    return hits / n if n else 0.0


def capacity_for_hit_rate(keys: Sequence[str], target: float) -> int | None:
    """The smallest LRU capacity whose hit rate on `keys` is at least `target`; None when even a
    cache holding every distinct key falls short."""
    keys = list(keys)
    top = int(pd.Series(keys, dtype=object).nunique()) if keys else 0
    if lru_hit_rate(keys, top) < target:
        return None
    lo, hi = 0, top
    while lo < hi:
        mid = (lo + hi) // 2
        if lru_hit_rate(keys, mid) >= target:
            hi = mid
        else:
            lo = mid + 1
    return int(lo)


@dataclass(frozen=True)
class Traffic:
    requests_per_day: float
    prompt_tokens: int  # per request, including the prefix
    prefix_tokens: int  # the shared, cacheable start of the prompt
    output_tokens: int


@dataclass(frozen=True)
class Prices:
    input_per_mtok: float  # dollars per million input tokens
    cached_input_per_mtok: float  # for input tokens served from the prefix cache
    output_per_mtok: float


def cost_per_day(traffic: Traffic, prices: Prices, hit_rate: float) -> float:
    """Dollars a day when `hit_rate` of requests find their prefix cached: on a hit the prefix
    tokens are billed at the cached price, the rest of the prompt at the input price."""
    tokens = np.array(
        [
            traffic.prompt_tokens - traffic.prefix_tokens,
            traffic.prefix_tokens * (1 - hit_rate),
            traffic.prefix_tokens * hit_rate,
            traffic.output_tokens,
        ],
        dtype=float,
    )
    price = np.array(
        [prices.input_per_mtok, prices.input_per_mtok, prices.cached_input_per_mtok, prices.output_per_mtok]
    )
    return float(traffic.requests_per_day * np.dot(tokens, price) / 1e6)
