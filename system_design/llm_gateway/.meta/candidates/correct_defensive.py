"""Correct: very defensive; validates inputs, log-space Erlang C (lgamma), sorted tenant output.

verdict: accept
how: checks every argument (NaN, negatives, non-finite), computes Erlang C in log space
"""

from __future__ import annotations

import math
from collections import OrderedDict
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from numbers import Real

# --- helpers -------------------------------------------------------------------------------------


def _finite(name: str, value: float, *, positive: bool = False, nonneg: bool = False) -> float:
    if isinstance(value, bool) or not isinstance(value, Real):
        raise TypeError(f"{name} must be a real number, got {type(value).__name__}")
    v = float(value)
    if math.isnan(v) or math.isinf(v):
        raise ValueError(f"{name} must be finite, got {value!r}")
    if positive and v <= 0:
        raise ValueError(f"{name} must be > 0, got {value!r}")
    if nonneg and v < 0:
        raise ValueError(f"{name} must be >= 0, got {value!r}")
    return v


def _logsumexp(xs: list[float]) -> float:
    m = max(xs)
    if m == -math.inf:
        return -math.inf
    return m + math.log(math.fsum(math.exp(x - m) for x in xs))


# --- Part 1 --------------------------------------------------------------------------------------


def service_time_s(
    prompt_tokens: int, output_tokens: int, prefill_tokens_per_s: float, decode_tokens_per_s: float
) -> float:
    """Seconds one request holds a slot: its prompt's prefill, then its output's decode."""
    p = _finite("prompt_tokens", prompt_tokens, nonneg=True)
    o = _finite("output_tokens", output_tokens, nonneg=True)
    pf = _finite("prefill_tokens_per_s", prefill_tokens_per_s, positive=True)
    dc = _finite("decode_tokens_per_s", decode_tokens_per_s, positive=True)
    return p / pf + o / dc


def erlang_c(servers: int, offered_load: float) -> float:
    """The probability that a request waits in an M/M/c queue with `servers` servers and
    `offered_load` Erlangs. Raises ValueError unless 0 <= offered_load < servers (the queue would
    grow without bound)."""
    if isinstance(offered_load, bool) or not isinstance(offered_load, Real):
        raise ValueError(f"offered_load must be a number, got {offered_load!r}")
    if isinstance(servers, bool) or int(servers) != servers:
        raise ValueError(f"servers must be a whole number, got {servers!r}")
    c = int(servers)
    a = float(offered_load)
    if math.isnan(a) or not (0.0 <= a < c):
        raise ValueError(f"unstable queue: need 0 <= offered_load < servers, got {a} and {c}")
    if a == 0.0:
        return 0.0
    log_a = math.log(a)
    # log of A^k / k! for k < c, and the waiting term A^c / c! * c / (c - A)
    log_terms = [k * log_a - math.lgamma(k + 1) for k in range(c)]
    log_wait = c * log_a - math.lgamma(c + 1) + math.log(c) - math.log(c - a)
    log_den = _logsumexp(log_terms + [log_wait])
    return min(1.0, max(0.0, math.exp(log_wait - log_den)))


def wait_quantile_s(arrival_rate: float, service_time: float, servers: int, q: float) -> float:
    """The q-quantile of the time a request waits for a slot, in seconds (M/M/c).

    P(wait > t) = C * exp(-(servers / service_time - arrival_rate) * t), so the quantile is
    ln(C / (1 - q)) / (servers / service_time - arrival_rate), or 0.0 when C <= 1 - q.
    """
    lam = _finite("arrival_rate", arrival_rate, nonneg=True)
    s = _finite("service_time", service_time, positive=True)
    qq = _finite("q", q)
    if not (0.0 <= qq < 1.0):
        raise ValueError(f"q must be in [0, 1), got {q!r}")
    c = erlang_c(servers, lam * s)
    tail = 1.0 - qq
    if c <= tail:
        return 0.0
    return math.log(c / tail) / (servers / s - lam)


def replicas_needed(
    arrival_rate: float, service_time: float, slots_per_replica: int, p99_wait_s: float
) -> int:
    """The fewest replicas whose slots keep the p99 wait for a slot within `p99_wait_s`."""
    lam = _finite("arrival_rate", arrival_rate, nonneg=True)
    s = _finite("service_time", service_time, positive=True)
    target = _finite("p99_wait_s", p99_wait_s, nonneg=True)
    if isinstance(slots_per_replica, bool) or int(slots_per_replica) != slots_per_replica or slots_per_replica < 1:
        raise ValueError(f"slots_per_replica must be a positive whole number, got {slots_per_replica!r}")
    slots = int(slots_per_replica)
    load = lam * s
    replicas = math.floor(load / slots)
    while replicas * slots <= load:  # the fewest replicas with load < servers
        replicas += 1
    while wait_quantile_s(lam, s, replicas * slots, 0.99) > target:
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
        self.rate = _finite("rate", rate, nonneg=True)
        self.burst = _finite("burst", burst, nonneg=True)
        if not callable(clock):
            raise TypeError("clock must be callable")
        self._clock = clock
        self._tokens = self.burst
        self._latest = float(clock())

    def _now(self) -> float:
        now = float(self._clock())
        if math.isnan(now):
            raise ValueError("clock returned NaN")
        return now

    def available(self) -> float:
        """The tokens in the bucket now, after refilling for the time elapsed since the latest
        moment the bucket has seen. A clock that goes backwards adds nothing."""
        now = self._now()
        if now > self._latest:
            self._tokens = min(self.burst, self._tokens + (now - self._latest) * self.rate)
            self._latest = now
        return self._tokens

    def allow(self, cost: float = 1.0) -> bool:
        """Take `cost` tokens and return True if they are there; else take nothing, return False."""
        c = _finite("cost", cost, nonneg=True)
        tokens = self.available()
        if tokens < c:
            return False
        self._tokens = tokens - c
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
    if default is None:
        raise ValueError("a default limit is required")
    clock = FakeClock()
    buckets: dict[str, TokenBucket] = {}
    allowed: dict[str, int] = {}
    rejected: dict[str, int] = {}
    allowed_tokens: dict[str, int] = {}
    for req in requests:
        _finite("request time", req.t)
        clock.now = req.t  # a request earlier than the last one simply refills nothing
        if req.tenant not in buckets:
            limit = limits[req.tenant] if req.tenant in limits else default
            buckets[req.tenant] = TokenBucket(limit.rate, limit.burst, clock)
            allowed[req.tenant] = rejected[req.tenant] = allowed_tokens[req.tenant] = 0
        if buckets[req.tenant].allow(req.tokens):
            allowed[req.tenant] += 1
            allowed_tokens[req.tenant] += req.tokens
        else:
            rejected[req.tenant] += 1
    return {
        tenant: TenantStats(allowed[tenant], rejected[tenant], allowed_tokens[tenant])
        for tenant in sorted(buckets, key=str)
    }


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
    if isinstance(batch, bool) or int(batch) != batch or batch < 1:
        raise ValueError(f"batch must be a positive whole number, got {batch!r}")
    base = _finite("base_ms", base_ms, nonneg=True)
    per = _finite("per_seq_ms", per_seq_ms, nonneg=True)
    out = _finite("output_tokens", output_tokens, nonneg=True)
    step_ms = base + per * batch
    if step_ms <= 0:
        raise ValueError("a decode step must take some time")
    step_s = step_ms / 1000.0
    return BatchPoint(batch=int(batch), step_ms=step_ms, tokens_per_s=batch / step_s, latency_s=out * step_s)


def batching_curve(
    max_batch: int, base_ms: float, per_seq_ms: float, output_tokens: int
) -> list[BatchPoint]:
    """batch_point for every batch size from 1 to max_batch."""
    if isinstance(max_batch, bool) or int(max_batch) != max_batch:
        raise ValueError(f"max_batch must be a whole number, got {max_batch!r}")
    return [batch_point(b, base_ms, per_seq_ms, output_tokens) for b in range(1, int(max_batch) + 1)]


def max_batch_for_memory(
    gpu_memory_gb: float, weights_gb: float, kv_bytes_per_token: int, context_tokens: int
) -> int:
    """How many sequences of `context_tokens` fit their KV cache in the memory the weights leave
    (GB = 10**9 bytes); 0 when none does."""
    gpu = _finite("gpu_memory_gb", gpu_memory_gb, nonneg=True)
    weights = _finite("weights_gb", weights_gb, nonneg=True)
    kv = _finite("kv_bytes_per_token", kv_bytes_per_token, positive=True)
    ctx = _finite("context_tokens", context_tokens, positive=True)
    free = (gpu - weights) * 1e9
    if free <= 0:
        return 0
    return int(free // (kv * ctx))


def best_batch(
    max_step_ms: float, memory_limit: int, base_ms: float, per_seq_ms: float, output_tokens: int
) -> BatchPoint | None:
    """The highest-throughput batch whose step stays within `max_step_ms` (the time between two
    streamed tokens) and whose size is within `memory_limit`; None when even a batch of 1 fails."""
    limit = _finite("max_step_ms", max_step_ms)
    base = _finite("base_ms", base_ms, nonneg=True)
    per = _finite("per_seq_ms", per_seq_ms, nonneg=True)
    mem = int(memory_limit)
    if mem < 1 or base + per * 1 > limit:
        return None
    if per == 0:
        b = mem
    else:
        b = max(1, min(mem, int(math.floor((limit - base) / per))))
        # correct any floating-point slip against the exact rule base + per * b <= limit
        while b + 1 <= mem and base + per * (b + 1) <= limit:
            b += 1
        while b > 1 and base + per * b > limit:
            b -= 1
    return batch_point(b, base, per, output_tokens)


# --- Part 4 --------------------------------------------------------------------------------------


def lru_hit_rate(keys: Iterable[str], capacity: int) -> float:
    """The share of `keys` found in an LRU cache of `capacity` entries as they arrive (a miss
    inserts the key, evicting the least recently used; a hit refreshes it). 0.0 for no keys."""
    if isinstance(capacity, bool) or int(capacity) != capacity:
        raise ValueError(f"capacity must be a whole number, got {capacity!r}")
    if capacity < 0:
        raise ValueError(f"capacity must be >= 0, got {capacity!r}")
    cache: OrderedDict[str, None] = OrderedDict()
    hits = total = 0
    for key in keys:
        total += 1
        if key in cache:
            hits += 1
            cache.move_to_end(key)
            continue
        if capacity == 0:
            continue
        if len(cache) == capacity:
            cache.popitem(last=False)
        cache[key] = None
    return hits / total if total else 0.0


def capacity_for_hit_rate(keys: Sequence[str], target: float) -> int | None:
    """The smallest LRU capacity whose hit rate on `keys` is at least `target`; None when even a
    cache holding every distinct key falls short."""
    tgt = _finite("target", target)
    seq = list(keys)
    distinct = len(set(seq))
    if lru_hit_rate(seq, distinct) < tgt:
        return None
    lo, hi = -1, distinct  # invariant: lo fails (or is below 0), hi reaches the target
    while hi - lo > 1:
        mid = (lo + hi) // 2
        if lru_hit_rate(seq, mid) >= tgt:
            hi = mid
        else:
            lo = mid
    return hi


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
    h = _finite("hit_rate", hit_rate)
    if not (0.0 <= h <= 1.0):
        raise ValueError(f"hit_rate must be in [0, 1], got {hit_rate!r}")
    if traffic.prefix_tokens > traffic.prompt_tokens:
        raise ValueError("the prefix cannot be longer than the prompt")
    prefix = traffic.prefix_tokens
    suffix = traffic.prompt_tokens - prefix
    dollars_per_request = (
        suffix * prices.input_per_mtok
        + prefix * (h * prices.cached_input_per_mtok + (1.0 - h) * prices.input_per_mtok)
        + traffic.output_tokens * prices.output_per_mtok
    ) / 1e6
    return traffic.requests_per_day * dollars_per_request
