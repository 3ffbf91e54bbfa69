"""Alternative: Erlang C in log space, replicas by bisection, the token bucket as GCRA (a
"full again at" time instead of a count), best batch by scanning the curve, and LRU hit rates
from stack distances (one pass gives the hit rate of every capacity).
"""

from __future__ import annotations

import math
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
    if not 0 <= offered_load < servers:
        raise ValueError(f"offered_load {offered_load} must be in [0, servers={servers})")
    if offered_load == 0:
        return 0.0
    # The textbook formula, with every term a ** k / k! taken in log space (lgamma), scaled by
    # the largest term so that nothing overflows.
    logs = [k * math.log(offered_load) - math.lgamma(k + 1) for k in range(servers + 1)]
    top_log = logs[servers] - math.log(1 - offered_load / servers)
    scale = max(*logs[:servers], top_log)
    below = sum(math.exp(x - scale) for x in logs[:servers])
    top = math.exp(top_log - scale)
    return top / (below + top)


def wait_quantile_s(arrival_rate: float, service_time: float, servers: int, q: float) -> float:
    """The q-quantile of the time a request waits for a slot, in seconds (M/M/c).

    P(wait > t) = C * exp(-(servers / service_time - arrival_rate) * t), so the quantile is
    ln(C / (1 - q)) / (servers / service_time - arrival_rate), or 0.0 when C <= 1 - q.
    """
    waiting = erlang_c(servers, arrival_rate * service_time)
    if waiting <= 1 - q:
        return 0.0
    return math.log(waiting / (1 - q)) / (servers / service_time - arrival_rate)


def replicas_needed(
    arrival_rate: float, service_time: float, slots_per_replica: int, p99_wait_s: float
) -> int:
    """The fewest replicas whose slots keep the p99 wait for a slot within `p99_wait_s`."""

    def fits(replicas: int) -> bool:
        return wait_quantile_s(arrival_rate, service_time, replicas * slots_per_replica, 0.99) <= (
            p99_wait_s
        )

    low = math.floor(arrival_rate * service_time / slots_per_replica) + 1
    high = low
    while not fits(high):  # gallop, then bisect: the wait only shrinks as replicas are added
        low, high = high + 1, high * 2
    while low < high:
        middle = (low + high) // 2
        if fits(middle):
            high = middle
        else:
            low = middle + 1
    return low


# --- Part 2 --------------------------------------------------------------------------------------


@dataclass
class FakeClock:
    """A clock that only moves when told: set `now` (seconds). Pass it as a bucket's clock."""

    now: float = 0.0

    def __call__(self) -> float:
        return self.now


class TokenBucket:
    """Starts full with `burst` tokens; refills at `rate` tokens per second, never above `burst`."""

    # GCRA: keep the moment the bucket will be full again instead of a token count.
    def __init__(self, rate: float, burst: float, clock: Callable[[], float]) -> None:
        self.rate = rate
        self.burst = burst
        self.clock = clock
        self.latest = clock()
        self.full_at = self.latest

    def _now(self) -> float:
        self.latest = max(self.latest, self.clock())
        return self.latest

    def available(self) -> float:
        """The tokens in the bucket now, after refilling for the time elapsed since the latest
        moment the bucket has seen. A clock that goes backwards adds nothing."""
        now = self._now()
        return (
            max(0.0, self.burst - (self.full_at - now) * self.rate)
            if self.full_at > now
            else self.burst
        )

    def allow(self, cost: float = 1.0) -> bool:
        """Take `cost` tokens and return True if they are there; else take nothing, return False."""
        now = self._now()
        if self.available() < cost:
            return False
        self.full_at = max(self.full_at, now) + cost / self.rate
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
    """Run `requests` (in time order) through one TokenBucket per tenant, driven by a fake clock
    set to each request's time. Tenants missing from `limits` get `default`. Returns the stats of
    every tenant that sent a request."""
    clock = FakeClock()
    buckets: dict[str, TokenBucket] = {}
    counts: dict[str, list[int]] = {}
    for request in requests:
        clock.now = request.t
        bucket = buckets.get(request.tenant)
        if bucket is None:
            limit = limits.get(request.tenant, default)
            bucket = buckets[request.tenant] = TokenBucket(limit.rate, limit.burst, clock)
            counts[request.tenant] = [0, 0, 0]
        count = counts[request.tenant]
        if bucket.allow(request.tokens):
            count[0] += 1
            count[2] += request.tokens
        else:
            count[1] += 1
    return {tenant: TenantStats(*count) for tenant, count in counts.items()}


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
    return BatchPoint(batch, step, batch * 1000 / step, output_tokens * step / 1000)


def batching_curve(
    max_batch: int, base_ms: float, per_seq_ms: float, output_tokens: int
) -> list[BatchPoint]:
    """batch_point for every batch size from 1 to max_batch."""
    return [batch_point(b, base_ms, per_seq_ms, output_tokens) for b in range(1, max_batch + 1)]


def max_batch_for_memory(
    gpu_memory_gb: float, weights_gb: float, kv_bytes_per_token: int, context_tokens: int
) -> int:
    """How many sequences of `context_tokens` fit their KV cache in the memory the weights leave
    (GB = 10**9 bytes); 0 when none does."""
    free = (gpu_memory_gb - weights_gb) * 10**9
    return max(0, math.floor(free / (kv_bytes_per_token * context_tokens)))


def best_batch(
    max_step_ms: float, memory_limit: int, base_ms: float, per_seq_ms: float, output_tokens: int
) -> BatchPoint | None:
    """The highest-throughput batch whose step stays within `max_step_ms` (the time between two
    streamed tokens) and whose size is within `memory_limit`; None when even a batch of 1 fails."""
    allowed = [
        point
        for point in batching_curve(memory_limit, base_ms, per_seq_ms, output_tokens)
        if point.step_ms <= max_step_ms
    ]
    return max(allowed, key=lambda p: p.tokens_per_s, default=None)


# --- Part 4 --------------------------------------------------------------------------------------


def lru_hit_rate(keys: Iterable[str], capacity: int) -> float:
    """The share of `keys` found in an LRU cache of `capacity` entries as they arrive (a miss
    inserts the key, evicting the least recently used; a hit refreshes it). 0.0 for no keys."""
    distances = _stack_distances(keys)
    if not distances:
        return 0.0
    return sum(d is not None and d < capacity for d in distances) / len(distances)


def capacity_for_hit_rate(keys: Sequence[str], target: float) -> int | None:
    """The smallest LRU capacity whose hit rate on `keys` is at least `target`; None when even a
    cache holding every distinct key falls short."""
    distances = _stack_distances(keys)
    n = len(distances)
    found = sorted(d for d in distances if d is not None)
    hits_needed = next((h for h in range(n + 1) if (h / n if n else 0.0) >= target), None)
    if hits_needed is None or hits_needed > len(found):
        return None
    return 0 if hits_needed == 0 else found[hits_needed - 1] + 1


def _stack_distances(keys: Iterable[str]) -> list[int | None]:
    """For each access, how many distinct other keys were used since the key's previous access
    (None for a first access). An LRU cache of capacity c hits exactly when that is below c.
    A Fenwick tree over access times counts the keys whose latest access falls in between."""
    keys = list(keys)
    tree = [0] * (len(keys) + 1)

    def add(i: int, delta: int) -> None:
        i += 1
        while i < len(tree):
            tree[i] += delta
            i += i & -i

    def prefix(i: int) -> int:  # sum over positions 0..i-1
        total = 0
        while i > 0:
            total += tree[i]
            i -= i & -i
        return total

    last: dict[str, int] = {}
    out: list[int | None] = []
    for i, key in enumerate(keys):
        previous = last.get(key)
        if previous is None:
            out.append(None)
        else:
            out.append(prefix(i) - prefix(previous + 1))
            add(previous, -1)
        add(i, 1)
        last[key] = i
    return out


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
    cached = hit_rate * traffic.prefix_tokens
    per_request = (
        (traffic.prompt_tokens - cached) * prices.input_per_mtok
        + cached * prices.cached_input_per_mtok
        + traffic.output_tokens * prices.output_per_mtok
    ) / 10**6
    return traffic.requests_per_day * per_request
