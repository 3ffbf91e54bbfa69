"""Correct: class-based; inverse Erlang B recursion, LRU class, Mattson stack distances (Fenwick).

verdict: accept
how: object-oriented reading; capacity search in one pass via LRU stack distances; tenants sorted
"""

from __future__ import annotations

import math
from collections import OrderedDict
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field

# --- Part 1 --------------------------------------------------------------------------------------


def service_time_s(
    prompt_tokens: int, output_tokens: int, prefill_tokens_per_s: float, decode_tokens_per_s: float
) -> float:
    """Seconds one request holds a slot: its prompt's prefill, then its output's decode."""
    prefill = prompt_tokens / prefill_tokens_per_s
    decode = output_tokens / decode_tokens_per_s
    return prefill + decode


@dataclass(frozen=True)
class _MMc:
    servers: int
    load: float

    def __post_init__(self) -> None:
        if not (0 <= self.load < self.servers):
            raise ValueError("unstable or invalid queue: need 0 <= offered_load < servers")

    def erlang_b(self) -> float:
        # 1/B(k) = 1 + (k / A) * 1/B(k-1), B(0) = 1; B = 0 when A = 0
        if self.load == 0:
            return 0.0
        inv = 1.0
        for k in range(1, self.servers + 1):
            inv = 1.0 + inv * k / self.load
        return 1.0 / inv

    def erlang_c(self) -> float:
        b = self.erlang_b()
        rho = self.load / self.servers
        return b / (1.0 - rho * (1.0 - b))


def erlang_c(servers: int, offered_load: float) -> float:
    """The probability that a request waits in an M/M/c queue with `servers` servers and
    `offered_load` Erlangs. Raises ValueError unless 0 <= offered_load < servers (the queue would
    grow without bound)."""
    return _MMc(servers, offered_load).erlang_c()


def wait_quantile_s(arrival_rate: float, service_time: float, servers: int, q: float) -> float:
    """The q-quantile of the time a request waits for a slot, in seconds (M/M/c).

    P(wait > t) = C * exp(-(servers / service_time - arrival_rate) * t), so the quantile is
    ln(C / (1 - q)) / (servers / service_time - arrival_rate), or 0.0 when C <= 1 - q.
    """
    c = erlang_c(servers, arrival_rate * service_time)
    tail = 1.0 - q
    if c <= tail:
        return 0.0
    decay = servers / service_time - arrival_rate
    return (math.log(c) - math.log(tail)) / decay


def replicas_needed(
    arrival_rate: float, service_time: float, slots_per_replica: int, p99_wait_s: float
) -> int:
    """The fewest replicas whose slots keep the p99 wait for a slot within `p99_wait_s`."""
    load = arrival_rate * service_time
    n = max(1, math.ceil(load / slots_per_replica))
    while n * slots_per_replica <= load:
        n += 1
    while True:
        if wait_quantile_s(arrival_rate, service_time, n * slots_per_replica, 0.99) <= p99_wait_s:
            return n
        n += 1


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
        self._rate = float(rate)
        self._burst = float(burst)
        self._clock = clock
        self._tokens = float(burst)
        self._seen = clock()

    @property
    def rate(self) -> float:
        return self._rate

    @property
    def burst(self) -> float:
        return self._burst

    def available(self) -> float:
        """The tokens in the bucket now, after refilling for the time elapsed since the latest
        moment the bucket has seen. A clock that goes backwards adds nothing."""
        now = self._clock()
        elapsed = max(0.0, now - self._seen)
        self._seen = max(self._seen, now)
        self._tokens = min(self._burst, self._tokens + elapsed * self._rate)
        return self._tokens

    def allow(self, cost: float = 1.0) -> bool:
        """Take `cost` tokens and return True if they are there; else take nothing, return False."""
        if self.available() < cost:
            return False
        self._tokens -= cost
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


@dataclass
class _Tenant:
    bucket: TokenBucket
    allowed: int = 0
    rejected: int = 0
    allowed_tokens: int = 0

    def offer(self, tokens: int) -> None:
        if self.bucket.allow(tokens):
            self.allowed += 1
            self.allowed_tokens += tokens
        else:
            self.rejected += 1

    def stats(self) -> TenantStats:
        return TenantStats(self.allowed, self.rejected, self.allowed_tokens)


@dataclass
class _Limiter:
    limits: dict[str, TenantLimit]
    default: TenantLimit
    clock: FakeClock = field(default_factory=FakeClock)
    tenants: dict[str, _Tenant] = field(default_factory=dict)

    def handle(self, req: Request) -> None:
        self.clock.now = req.t
        tenant = self.tenants.get(req.tenant)
        if tenant is None:
            limit = self.limits.get(req.tenant, self.default)
            tenant = _Tenant(TokenBucket(limit.rate, limit.burst, self.clock))
            self.tenants[req.tenant] = tenant
        tenant.offer(req.tokens)


def simulate_limiter(
    requests: Iterable[Request], limits: dict[str, TenantLimit], default: TenantLimit
) -> dict[str, TenantStats]:
    """Run `requests` (in time order) through one TokenBucket per tenant, driven by a fake clock
    set to each request's time. Tenants missing from `limits` get `default`. Returns the stats of
    every tenant that sent a request."""
    limiter = _Limiter(limits, default)
    for req in requests:
        limiter.handle(req)
    return {name: limiter.tenants[name].stats() for name in sorted(limiter.tenants)}


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
    step_ms = base_ms + per_seq_ms * batch
    step_s = step_ms / 1000.0
    return BatchPoint(batch, step_ms, batch / step_s, output_tokens * step_s)


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
    free = gpu_memory_gb * 10**9 - weights_gb * 10**9
    one = kv_bytes_per_token * context_tokens
    return max(0, int(free // one))


def best_batch(
    max_step_ms: float, memory_limit: int, base_ms: float, per_seq_ms: float, output_tokens: int
) -> BatchPoint | None:
    """The highest-throughput batch whose step stays within `max_step_ms` (the time between two
    streamed tokens) and whose size is within `memory_limit`; None when even a batch of 1 fails."""
    b = memory_limit
    if per_seq_ms > 0:
        b = min(b, int((max_step_ms - base_ms) / per_seq_ms) + 1) if max_step_ms >= base_ms else 0
    while b >= 1 and base_ms + per_seq_ms * b > max_step_ms:
        b -= 1
    return batch_point(b, base_ms, per_seq_ms, output_tokens) if b >= 1 else None


# --- Part 4 --------------------------------------------------------------------------------------


class _LRU:
    def __init__(self, capacity: int) -> None:
        self.capacity = capacity
        self.entries: OrderedDict[str, None] = OrderedDict()

    def access(self, key: str) -> bool:
        if key in self.entries:
            self.entries.move_to_end(key)
            return True
        if self.capacity <= 0:
            return False
        if len(self.entries) >= self.capacity:
            self.entries.popitem(last=False)
        self.entries[key] = None
        return False


def lru_hit_rate(keys: Iterable[str], capacity: int) -> float:
    """The share of `keys` found in an LRU cache of `capacity` entries as they arrive (a miss
    inserts the key, evicting the least recently used; a hit refreshes it). 0.0 for no keys."""
    cache = _LRU(capacity)
    n = hits = 0
    for key in keys:
        n += 1
        hits += cache.access(key)
    return hits / n if n else 0.0


class _Fenwick:
    def __init__(self, n: int) -> None:
        self.tree = [0] * (n + 1)

    def add(self, i: int, v: int) -> None:
        i += 1
        while i < len(self.tree):
            self.tree[i] += v
            i += i & -i

    def prefix(self, i: int) -> int:  # sum of [0, i)
        s = 0
        while i > 0:
            s += self.tree[i]
            i -= i & -i
        return s


def capacity_for_hit_rate(keys: Sequence[str], target: float) -> int | None:
    """The smallest LRU capacity whose hit rate on `keys` is at least `target`; None when even a
    cache holding every distinct key falls short."""
    keys = list(keys)
    n = len(keys)
    last: dict[str, int] = {}
    fw = _Fenwick(n)
    hist: dict[int, int] = {}  # stack distance -> count; a hit in capacity C iff distance < C
    for i, key in enumerate(keys):
        p = last.get(key)
        if p is not None:
            d = fw.prefix(i) - fw.prefix(p + 1)  # distinct keys touched strictly between
            hist[d] = hist.get(d, 0) + 1
            fw.add(p, -1)
        fw.add(i, 1)
        last[key] = i
    distinct = len(last)
    hits = 0
    for capacity in range(0, distinct + 1):
        if capacity > 0:
            hits += hist.get(capacity - 1, 0)
        rate = hits / n if n else 0.0
        if rate >= target:
            return capacity
    return None


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
    miss_cost = traffic.prompt_tokens * prices.input_per_mtok
    hit_cost = (
        traffic.prefix_tokens * prices.cached_input_per_mtok
        + (traffic.prompt_tokens - traffic.prefix_tokens) * prices.input_per_mtok
    )
    output_cost = traffic.output_tokens * prices.output_per_mtok
    per_request = hit_rate * hit_cost + (1 - hit_rate) * miss_cost + output_cost
    return traffic.requests_per_day * per_request / 1e6
