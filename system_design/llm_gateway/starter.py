"""A multi-tenant LLM inference gateway: capacity, rate limits, batching and caching, in numbers.

Glossary:
- slot: one sequence a model replica decodes at a time; a replica has `slots_per_replica` of
  them. The queueing model treats every slot as one server of an M/M/c queue.
- offered load: arrival rate × mean service time, in Erlangs: how many slots would be busy on
  average.
- Erlang C: the probability that an arriving request finds every slot busy and has to wait.
- token bucket: `burst` tokens at most, refilled at `rate` tokens per second; a request costing
  n tokens passes when n are there, and takes them.
- prefix cache: the shared beginning of prompts (system prompt, tool definitions) kept on the
  replica; a hit bills those tokens at the cached price and skips their prefill.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass

# --- Part 1 --------------------------------------------------------------------------------------


def service_time_s(
    prompt_tokens: int, output_tokens: int, prefill_tokens_per_s: float, decode_tokens_per_s: float
) -> float:
    """Seconds one request holds a slot: its prompt's prefill, then its output's decode."""
    # TODO (part 1): prefill time plus decode time
    raise NotImplementedError


def erlang_c(servers: int, offered_load: float) -> float:
    """The probability that a request waits in an M/M/c queue with `servers` servers and
    `offered_load` Erlangs. Raises ValueError unless 0 <= offered_load < servers (the queue would
    grow without bound)."""
    # TODO (part 1): check stability; compute Erlang B by its recursion, then C from B
    raise NotImplementedError


def wait_quantile_s(arrival_rate: float, service_time: float, servers: int, q: float) -> float:
    """The q-quantile of the time a request waits for a slot, in seconds (M/M/c).

    P(wait > t) = C * exp(-(servers / service_time - arrival_rate) * t), so the quantile is
    ln(C / (1 - q)) / (servers / service_time - arrival_rate), or 0.0 when C <= 1 - q.
    """
    # TODO (part 1): invert P(wait > t) = C * exp(-(c / S - lambda) * t) at 1 - q
    raise NotImplementedError


def replicas_needed(
    arrival_rate: float, service_time: float, slots_per_replica: int, p99_wait_s: float
) -> int:
    """The fewest replicas whose slots keep the p99 wait for a slot within `p99_wait_s`."""
    # TODO (part 1): start at the fewest stable replicas and add one until the p99 fits
    raise NotImplementedError


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
        # TODO (part 2): remember rate, burst and clock; a new bucket is full
        raise NotImplementedError

    def available(self) -> float:
        """The tokens in the bucket now, after refilling for the time elapsed since the latest
        moment the bucket has seen. A clock that goes backwards adds nothing."""
        # TODO (part 2): refill for the time since the latest moment seen, never above burst
        raise NotImplementedError

    def allow(self, cost: float = 1.0) -> bool:
        """Take `cost` tokens and return True if they are there; else take nothing, return False."""
        # TODO (part 2): take cost tokens if they are there
        raise NotImplementedError


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
    # TODO (part 2): one bucket per tenant on a FakeClock set to each request's time
    raise NotImplementedError


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
    # TODO (part 3): step time, then tokens per second and one request's decode time
    raise NotImplementedError


def batching_curve(
    max_batch: int, base_ms: float, per_seq_ms: float, output_tokens: int
) -> list[BatchPoint]:
    """batch_point for every batch size from 1 to max_batch."""
    # TODO (part 3): batch_point for 1..max_batch
    raise NotImplementedError


def max_batch_for_memory(
    gpu_memory_gb: float, weights_gb: float, kv_bytes_per_token: int, context_tokens: int
) -> int:
    """How many sequences of `context_tokens` fit their KV cache in the memory the weights leave
    (GB = 10**9 bytes); 0 when none does."""
    # TODO (part 3): free memory over the KV cache of one sequence
    raise NotImplementedError


def best_batch(
    max_step_ms: float, memory_limit: int, base_ms: float, per_seq_ms: float, output_tokens: int
) -> BatchPoint | None:
    """The highest-throughput batch whose step stays within `max_step_ms` (the time between two
    streamed tokens) and whose size is within `memory_limit`; None when even a batch of 1 fails."""
    # TODO (part 3): the largest batch within both the step time and the memory limit
    raise NotImplementedError


# --- Part 4 --------------------------------------------------------------------------------------


def lru_hit_rate(keys: Iterable[str], capacity: int) -> float:
    """The share of `keys` found in an LRU cache of `capacity` entries as they arrive (a miss
    inserts the key, evicting the least recently used; a hit refreshes it). 0.0 for no keys."""
    # TODO (part 4): an OrderedDict: move hits to the end, evict from the front
    raise NotImplementedError


def capacity_for_hit_rate(keys: Sequence[str], target: float) -> int | None:
    """The smallest LRU capacity whose hit rate on `keys` is at least `target`; None when even a
    cache holding every distinct key falls short."""
    # TODO (part 4): the hit rate never falls as capacity grows: search for the smallest
    raise NotImplementedError


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
    # TODO (part 4): per-request cost with hit_rate of the prefix at the cached price
    raise NotImplementedError
