"""Bug: wait_quantile_s divides by (c - A) instead of the rate c/S - lambda (forgets the 1/S).

verdict: reject part 1
rule: "`wait_quantile_s(arrival_rate, service_time, servers, q)`: from P(wait > t) = C·e^−(c/S − λ)t, 0.0 when C ≤ 1 − q."
how: used servers - offered_load as the decay rate, in Erlangs rather than per second
differs on: wait_quantile_s(400, 6.375, 2624, 0.99) -> 0.030176 instead of 0.192373
"""

from __future__ import annotations

import math
from collections import OrderedDict
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass

# --- Part 1 --------------------------------------------------------------------------------------


def service_time_s(
    prompt_tokens: int, output_tokens: int, prefill_tokens_per_s: float, decode_tokens_per_s: float
) -> float:
    """Seconds one request holds a slot: its prompt's prefill, then its output's decode."""
    return prompt_tokens / prefill_tokens_per_s + output_tokens / decode_tokens_per_s


def erlang_c(servers: int, offered_load: float) -> float:
    """The probability that a request waits in an M/M/c queue with `servers` servers and
    `offered_load` Erlangs. Raises ValueError unless 0 <= offered_load < servers (the queue would
    grow without bound)."""
    if not (0 <= offered_load < servers):
        raise ValueError(
            f"offered load {offered_load!r} must satisfy 0 <= load < servers ({servers!r})"
        )
    a = float(offered_load)
    b = 1.0
    for k in range(1, servers + 1):
        b = a * b / (k + a * b)
    return servers * b / (servers - a * (1.0 - b))


def wait_quantile_s(arrival_rate: float, service_time: float, servers: int, q: float) -> float:
    """The q-quantile of the time a request waits for a slot, in seconds (M/M/c).

    P(wait > t) = C * exp(-(servers / service_time - arrival_rate) * t), so the quantile is
    ln(C / (1 - q)) / (servers / service_time - arrival_rate), or 0.0 when C <= 1 - q.
    """
    c = erlang_c(servers, arrival_rate * service_time)
    if c <= 1.0 - q:
        return 0.0
    return math.log(c / (1.0 - q)) / (servers - arrival_rate * service_time)


def replicas_needed(
    arrival_rate: float, service_time: float, slots_per_replica: int, p99_wait_s: float
) -> int:
    """The fewest replicas whose slots keep the p99 wait for a slot within `p99_wait_s`."""
    load = arrival_rate * service_time
    replicas = int(load // slots_per_replica) + 1
    while replicas * slots_per_replica <= load:
        replicas += 1
    while wait_quantile_s(arrival_rate, service_time, replicas * slots_per_replica, 0.99) > p99_wait_s:
        replicas += 1
    return replicas


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
        self.tokens = burst
        self.last = clock()

    def _refill(self) -> None:
        now = self.clock()
        if now > self.last:
            self.tokens = min(self.burst, self.tokens + (now - self.last) * self.rate)
            self.last = now

    def available(self) -> float:
        """The tokens in the bucket now, after refilling for the time elapsed since the latest
        moment the bucket has seen. A clock that goes backwards adds nothing."""
        self._refill()
        return self.tokens

    def allow(self, cost: float = 1.0) -> bool:
        """Take `cost` tokens and return True if they are there; else take nothing, return False."""
        self._refill()
        if self.tokens >= cost:
            self.tokens -= cost
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
    clock = FakeClock()
    buckets: dict[str, TokenBucket] = {}
    counts: dict[str, list[int]] = {}
    for req in requests:
        clock.now = req.t
        bucket = buckets.get(req.tenant)
        if bucket is None:
            limit = limits.get(req.tenant, default)
            bucket = TokenBucket(limit.rate, limit.burst, clock)
            buckets[req.tenant] = bucket
            counts[req.tenant] = [0, 0, 0]
        c = counts[req.tenant]
        if bucket.allow(req.tokens):
            c[0] += 1
            c[2] += req.tokens
        else:
            c[1] += 1
    return {tenant: TenantStats(a, r, tok) for tenant, (a, r, tok) in counts.items()}


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
    return BatchPoint(
        batch=batch,
        step_ms=step,
        tokens_per_s=batch * 1000.0 / step,
        latency_s=output_tokens * step / 1000.0,
    )


def batching_curve(
    max_batch: int, base_ms: float, per_seq_ms: float, output_tokens: int
) -> list[BatchPoint]:
    """batch_point for every batch size from 1 to max_batch."""
    curve = []
    for b in range(1, max_batch + 1):
        curve.append(batch_point(b, base_ms, per_seq_ms, output_tokens))
    return curve


def max_batch_for_memory(
    gpu_memory_gb: float, weights_gb: float, kv_bytes_per_token: int, context_tokens: int
) -> int:
    """How many sequences of `context_tokens` fit their KV cache in the memory the weights leave
    (GB = 10**9 bytes); 0 when none does."""
    free_bytes = (gpu_memory_gb - weights_gb) * 10**9
    per_seq = kv_bytes_per_token * context_tokens
    if free_bytes <= 0:
        return 0
    return int(math.floor(free_bytes / per_seq))


def best_batch(
    max_step_ms: float, memory_limit: int, base_ms: float, per_seq_ms: float, output_tokens: int
) -> BatchPoint | None:
    """The highest-throughput batch whose step stays within `max_step_ms` (the time between two
    streamed tokens) and whose size is within `memory_limit`; None when even a batch of 1 fails."""
    def fits(b: int) -> bool:
        return base_ms + per_seq_ms * b <= max_step_ms

    if memory_limit < 1 or not fits(1):
        return None
    if per_seq_ms <= 0:
        best = memory_limit
    else:
        best = min(memory_limit, max(1, int(math.floor((max_step_ms - base_ms) / per_seq_ms))))
        while best < memory_limit and fits(best + 1):
            best += 1
        while best > 1 and not fits(best):
            best -= 1
    return batch_point(best, base_ms, per_seq_ms, output_tokens)


# --- Part 4 --------------------------------------------------------------------------------------


def lru_hit_rate(keys: Iterable[str], capacity: int) -> float:
    """The share of `keys` found in an LRU cache of `capacity` entries as they arrive (a miss
    inserts the key, evicting the least recently used; a hit refreshes it). 0.0 for no keys."""
    cache: OrderedDict[str, None] = OrderedDict()
    hits = 0
    total = 0
    for key in keys:
        total += 1
        if key in cache:
            hits += 1
            cache.move_to_end(key)
        elif capacity > 0:
            cache[key] = None
            if len(cache) > capacity:
                cache.popitem(last=False)
    if total == 0:
        return 0.0
    return hits / total


def capacity_for_hit_rate(keys: Sequence[str], target: float) -> int | None:
    """The smallest LRU capacity whose hit rate on `keys` is at least `target`; None when even a
    cache holding every distinct key falls short."""
    keys = list(keys)
    distinct = len(set(keys))
    if lru_hit_rate(keys, distinct) < target:
        return None
    lo, hi = 0, distinct  # hi always reaches the target
    while lo < hi:
        mid = (lo + hi) // 2
        if lru_hit_rate(keys, mid) >= target:
            hi = mid
        else:
            lo = mid + 1
    return lo


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
    rest = traffic.prompt_tokens - traffic.prefix_tokens
    prefix_price = hit_rate * prices.cached_input_per_mtok + (1.0 - hit_rate) * prices.input_per_mtok
    per_request = (
        rest * prices.input_per_mtok
        + traffic.prefix_tokens * prefix_price
        + traffic.output_tokens * prices.output_per_mtok
    ) / 1_000_000
    return per_request * traffic.requests_per_day
