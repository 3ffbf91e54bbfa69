"""Correct: minimal and terse; exact-rule loops, dict-as-LRU, linear-then-bisect capacity search.

verdict: accept
how: shortest faithful code; exact integer arithmetic for memory, loop down for the best batch
"""

from __future__ import annotations

import math
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass

# --- Part 1 --------------------------------------------------------------------------------------


def service_time_s(
    prompt_tokens: int, output_tokens: int, prefill_tokens_per_s: float, decode_tokens_per_s: float
) -> float:
    return prompt_tokens / prefill_tokens_per_s + output_tokens / decode_tokens_per_s


def erlang_c(servers: int, offered_load: float) -> float:
    if not 0 <= offered_load < servers:
        raise ValueError("need 0 <= load < servers")
    b = 1.0
    for k in range(1, servers + 1):
        b = offered_load * b / (k + offered_load * b)
    return b / (1 - offered_load / servers * (1 - b))


def wait_quantile_s(arrival_rate: float, service_time: float, servers: int, q: float) -> float:
    c = erlang_c(servers, arrival_rate * service_time)
    return 0.0 if c <= 1 - q else math.log(c / (1 - q)) / (servers / service_time - arrival_rate)


def replicas_needed(
    arrival_rate: float, service_time: float, slots_per_replica: int, p99_wait_s: float
) -> int:
    n = 1
    while n * slots_per_replica <= arrival_rate * service_time:
        n += 1
    while wait_quantile_s(arrival_rate, service_time, n * slots_per_replica, 0.99) > p99_wait_s:
        n += 1
    return n


# --- Part 2 --------------------------------------------------------------------------------------


@dataclass
class FakeClock:
    """A clock that only moves when told: set `now` (seconds). Pass it as a bucket's clock."""

    now: float = 0.0

    def __call__(self) -> float:
        return self.now


class TokenBucket:
    def __init__(self, rate: float, burst: float, clock: Callable[[], float]) -> None:
        self.rate, self.burst, self.clock = rate, burst, clock
        self.tokens, self.t = burst, clock()

    def available(self) -> float:
        now = self.clock()
        if now > self.t:
            self.tokens, self.t = min(self.burst, self.tokens + (now - self.t) * self.rate), now
        return self.tokens

    def allow(self, cost: float = 1.0) -> bool:
        if self.available() < cost:
            return False
        self.tokens -= cost
        return True


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
    clock, buckets, out = FakeClock(), {}, {}
    for r in requests:
        clock.now = r.t
        if r.tenant not in buckets:
            lim = limits.get(r.tenant, default)
            buckets[r.tenant] = TokenBucket(lim.rate, lim.burst, clock)
            out[r.tenant] = TenantStats(0, 0, 0)
        s = out[r.tenant]
        if buckets[r.tenant].allow(r.tokens):
            out[r.tenant] = TenantStats(s.allowed + 1, s.rejected, s.allowed_tokens + r.tokens)
        else:
            out[r.tenant] = TenantStats(s.allowed, s.rejected + 1, s.allowed_tokens)
    return out


# --- Part 3 --------------------------------------------------------------------------------------


@dataclass(frozen=True)
class BatchPoint:
    batch: int
    step_ms: float  # one decode step of the whole batch
    tokens_per_s: float  # output tokens per second, the whole replica
    latency_s: float  # decode time of one request's output


def batch_point(batch: int, base_ms: float, per_seq_ms: float, output_tokens: int) -> BatchPoint:
    step = base_ms + per_seq_ms * batch
    return BatchPoint(batch, step, batch / (step / 1000), output_tokens * step / 1000)


def batching_curve(
    max_batch: int, base_ms: float, per_seq_ms: float, output_tokens: int
) -> list[BatchPoint]:
    return [batch_point(b, base_ms, per_seq_ms, output_tokens) for b in range(1, max_batch + 1)]


def max_batch_for_memory(
    gpu_memory_gb: float, weights_gb: float, kv_bytes_per_token: int, context_tokens: int
) -> int:
    free = round((gpu_memory_gb - weights_gb) * 10**9)  # whole bytes
    return max(0, free // (kv_bytes_per_token * context_tokens))


def best_batch(
    max_step_ms: float, memory_limit: int, base_ms: float, per_seq_ms: float, output_tokens: int
) -> BatchPoint | None:
    b = memory_limit
    if per_seq_ms > 0 and max_step_ms >= base_ms:
        b = min(b, math.floor((max_step_ms - base_ms) / per_seq_ms) + 1)
    while b >= 1 and base_ms + per_seq_ms * b > max_step_ms:
        b -= 1
    return batch_point(b, base_ms, per_seq_ms, output_tokens) if b >= 1 else None


# --- Part 4 --------------------------------------------------------------------------------------


def lru_hit_rate(keys: Iterable[str], capacity: int) -> float:
    cache: dict[str, None] = {}
    hits = n = 0
    for k in keys:
        n += 1
        if k in cache:
            hits += 1
            cache.pop(k)
        elif len(cache) >= capacity:
            if not cache:
                continue
            cache.pop(next(iter(cache)))
        cache[k] = None
    return hits / n if n else 0.0


def capacity_for_hit_rate(keys: Sequence[str], target: float) -> int | None:
    keys = list(keys)
    lo, hi = 0, len(set(keys))
    if lru_hit_rate(keys, hi) < target:
        return None
    while lo < hi:
        mid = (lo + hi) // 2
        lo, hi = (lo, mid) if lru_hit_rate(keys, mid) >= target else (mid + 1, hi)
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
    p, x, o = traffic.prompt_tokens, traffic.prefix_tokens, traffic.output_tokens
    per = (p - x) * prices.input_per_mtok + x * (
        hit_rate * prices.cached_input_per_mtok + (1 - hit_rate) * prices.input_per_mtok
    ) + o * prices.output_per_mtok
    return traffic.requests_per_day * per / 1e6
