"""Correct: functional style; reduce for Erlang B, bisect(key=) for capacity, itertools, sorted input.

verdict: accept
how: functional reading; simulate_limiter stably sorts by time first; first-seen tenant order
"""

from __future__ import annotations

import bisect
import itertools
import math
from collections import OrderedDict
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from functools import reduce

# --- Part 1 --------------------------------------------------------------------------------------


def service_time_s(
    prompt_tokens: int, output_tokens: int, prefill_tokens_per_s: float, decode_tokens_per_s: float
) -> float:
    """Seconds one request holds a slot: its prompt's prefill, then its output's decode."""
    return sum(n / r for n, r in ((prompt_tokens, prefill_tokens_per_s), (output_tokens, decode_tokens_per_s)))


def erlang_c(servers: int, offered_load: float) -> float:
    """The probability that a request waits in an M/M/c queue with `servers` servers and
    `offered_load` Erlangs. Raises ValueError unless 0 <= offered_load < servers (the queue would
    grow without bound)."""
    if not 0 <= offered_load < servers:
        raise ValueError("offered_load must be in [0, servers)")
    a = offered_load
    b = reduce(lambda acc, k: a * acc / (k + a * acc), range(1, servers + 1), 1.0)
    rho = a / servers
    return b / (1 - rho + rho * b)


def wait_quantile_s(arrival_rate: float, service_time: float, servers: int, q: float) -> float:
    """The q-quantile of the time a request waits for a slot, in seconds (M/M/c).

    P(wait > t) = C * exp(-(servers / service_time - arrival_rate) * t), so the quantile is
    ln(C / (1 - q)) / (servers / service_time - arrival_rate), or 0.0 when C <= 1 - q.
    """
    c = erlang_c(servers, arrival_rate * service_time)
    return 0.0 if c <= 1 - q else math.log(c / (1 - q)) / (servers / service_time - arrival_rate)


def replicas_needed(
    arrival_rate: float, service_time: float, slots_per_replica: int, p99_wait_s: float
) -> int:
    """The fewest replicas whose slots keep the p99 wait for a slot within `p99_wait_s`."""
    load = arrival_rate * service_time
    stable = (r for r in itertools.count(math.floor(load / slots_per_replica)) if r * slots_per_replica > load)
    return next(
        r
        for r in stable
        if wait_quantile_s(arrival_rate, service_time, r * slots_per_replica, 0.99) <= p99_wait_s
    )


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
        self.rate, self.burst, self.clock = rate, burst, clock
        self.tokens, self.stamp = burst, clock()

    def available(self) -> float:
        """The tokens in the bucket now, after refilling for the time elapsed since the latest
        moment the bucket has seen. A clock that goes backwards adds nothing."""
        now = self.clock()
        if now > self.stamp:
            self.tokens = min(self.burst, self.tokens + self.rate * (now - self.stamp))
            self.stamp = now
        return self.tokens

    def allow(self, cost: float = 1.0) -> bool:
        """Take `cost` tokens and return True if they are there; else take nothing, return False."""
        ok = self.available() >= cost
        if ok:
            self.tokens -= cost
        return ok


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
    clock = FakeClock()
    buckets: dict[str, TokenBucket] = {}
    stats: dict[str, TenantStats] = {}

    def bucket_for(tenant: str) -> TokenBucket:
        if tenant not in buckets:
            lim = limits.get(tenant, default)
            buckets[tenant] = TokenBucket(lim.rate, lim.burst, clock)
        return buckets[tenant]

    for req in sorted(requests, key=lambda r: r.t):  # stable: ties keep their order
        clock.now = req.t
        ok = bucket_for(req.tenant).allow(req.tokens)
        s = stats.get(req.tenant, TenantStats(0, 0, 0))
        stats[req.tenant] = TenantStats(
            s.allowed + ok, s.rejected + (not ok), s.allowed_tokens + (req.tokens if ok else 0)
        )
    return stats


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
    step = base_ms + per_seq_ms * batch
    return BatchPoint(batch, step, 1000.0 * batch / step, step * output_tokens / 1000.0)


def batching_curve(
    max_batch: int, base_ms: float, per_seq_ms: float, output_tokens: int
) -> list[BatchPoint]:
    """batch_point for every batch size from 1 to max_batch."""
    return list(map(lambda b: batch_point(b, base_ms, per_seq_ms, output_tokens), range(1, max_batch + 1)))


def max_batch_for_memory(
    gpu_memory_gb: float, weights_gb: float, kv_bytes_per_token: int, context_tokens: int
) -> int:
    """How many sequences of `context_tokens` fit their KV cache in the memory the weights leave
    (GB = 10**9 bytes); 0 when none does."""
    return max(0, math.floor((gpu_memory_gb - weights_gb) * 1e9 / (kv_bytes_per_token * context_tokens)))


def best_batch(
    max_step_ms: float, memory_limit: int, base_ms: float, per_seq_ms: float, output_tokens: int
) -> BatchPoint | None:
    """The highest-throughput batch whose step stays within `max_step_ms` (the time between two
    streamed tokens) and whose size is within `memory_limit`; None when even a batch of 1 fails."""
    # the step grows with b, so "fits" is True then False over 1..memory_limit: bisect its edge
    sizes = range(1, max(memory_limit, 0) + 1)
    first_too_slow = bisect.bisect_left(sizes, True, key=lambda b: base_ms + per_seq_ms * b > max_step_ms)
    if first_too_slow == 0:
        return None
    return batch_point(sizes[first_too_slow - 1], base_ms, per_seq_ms, output_tokens)


# --- Part 4 --------------------------------------------------------------------------------------


def lru_hit_rate(keys: Iterable[str], capacity: int) -> float:
    """The share of `keys` found in an LRU cache of `capacity` entries as they arrive (a miss
    inserts the key, evicting the least recently used; a hit refreshes it). 0.0 for no keys."""
    cache: OrderedDict[str, bool] = OrderedDict()

    def step(acc: tuple[int, int], key: str) -> tuple[int, int]:
        hits, n = acc
        if key in cache:
            cache.move_to_end(key)
            return hits + 1, n + 1
        cache[key] = True
        while cache and len(cache) > capacity:
            cache.popitem(last=False)
        return hits, n + 1

    hits, n = reduce(step, keys, (0, 0))
    return hits / n if n else 0.0


def capacity_for_hit_rate(keys: Sequence[str], target: float) -> int | None:
    """The smallest LRU capacity whose hit rate on `keys` is at least `target`; None when even a
    cache holding every distinct key falls short."""
    keys = list(keys)
    capacities = range(len(set(keys)) + 1)
    i = bisect.bisect_left(capacities, True, key=lambda c: lru_hit_rate(keys, c) >= target)
    return capacities[i] if i < len(capacities) else None


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
    cached = traffic.prefix_tokens * hit_rate
    uncached = traffic.prompt_tokens - cached
    mtok = traffic.requests_per_day / 1e6
    return mtok * (
        uncached * prices.input_per_mtok
        + cached * prices.cached_input_per_mtok
        + traffic.output_tokens * prices.output_per_mtok
    )
