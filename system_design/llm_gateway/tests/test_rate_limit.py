"""Part 2 — Per-tenant token buckets."""

from __future__ import annotations

from types import ModuleType
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

from grading.core import plain

from .streams import PROPERTY, RequestRow, merged, steady_requests, tenant_requests


class Clock:
    """The tests' own fake clock: any zero-argument callable returning seconds will do."""

    def __init__(self, now: float = 0.0) -> None:
        self.now = now

    def __call__(self) -> float:
        return self.now


def requests_of(impl: ModuleType, rows: list[RequestRow]) -> list[Any]:
    return [impl.Request(*row) for row in rows]


def run_bucket(
    impl: ModuleType, rate: float, burst: float, calls: list[tuple[float, int]]
) -> list[bool]:
    """allow(cost) at each (time, cost), on one bucket created at time 0."""
    clock = Clock()
    bucket = impl.TokenBucket(rate, burst, clock)
    decisions = []
    for t, cost in calls:
        clock.now = t
        decisions.append(bucket.allow(cost))
    return decisions


calls = st.lists(st.tuples(st.integers(0, 40), st.integers(1, 12)), max_size=30).map(
    lambda steps: _timeline(steps)
)


def _timeline(steps: list[tuple[int, int]]) -> list[tuple[float, int]]:
    """(gap in eighths of a second, cost) steps as (time, cost) calls."""
    t = 0.0
    out = []
    for gap, cost in steps:
        t += gap / 8
        out.append((t, cost))
    return out


@pytest.mark.part(2)
class TestPart2RateLimit:
    @pytest.mark.rule("2.1")
    def test_a_new_bucket_is_full(self, impl: ModuleType) -> None:
        got = run_bucket(impl, 2.0, 10.0, [(0.0, 10), (0.0, 1)])
        expected = [True, False]
        assert got == expected, "TokenBucket(rate=2, burst=10): allow(10), then allow(1) at once"

    @pytest.mark.rule("2.2")
    def test_refills_at_the_rate(self, impl: ModuleType) -> None:
        clock = Clock()
        bucket = impl.TokenBucket(4.0, 10.0, clock)
        bucket.allow(10)
        clock.now = 0.5
        got = bucket.available()
        assert got == 2.0, "TokenBucket(rate=4, burst=10): allow(10), then 0.5 s later available()"

    @pytest.mark.rule("2.2")
    @pytest.mark.rule("2.12")
    def test_refill_stops_at_the_burst(self, impl: ModuleType) -> None:
        clock = Clock()
        bucket = impl.TokenBucket(4.0, 10.0, clock)
        bucket.allow(10)
        clock.now = 1_000.0
        got = (bucket.available(), bucket.allow(11))
        expected = (10.0, False)
        assert got == expected, (
            "TokenBucket(rate=4, burst=10): allow(10), idle 1,000 s, then (available(), "
            "allow(11)): an idle tenant may not bank hours of quota"
        )

    @pytest.mark.rule("2.3")
    def test_a_rejected_request_takes_nothing(self, impl: ModuleType) -> None:
        clock = Clock()
        bucket = impl.TokenBucket(1.0, 10.0, clock)
        got = (bucket.allow(8), bucket.allow(5), bucket.available())
        expected = (True, False, 2.0)
        assert got == expected, "TokenBucket(rate=1, burst=10): allow(8), allow(5), available()"

    @pytest.mark.rule("2.3")
    def test_a_cost_above_the_burst_never_passes(self, impl: ModuleType) -> None:
        got = run_bucket(impl, 100.0, 10.0, [(0.0, 11), (60.0, 11), (61.0, 10)])
        expected = [False, False, True]
        assert got == expected, "TokenBucket(rate=100, burst=10): allow(11) twice, then allow(10)"

    @pytest.mark.rule("2.2")
    def test_a_clock_going_backwards_adds_nothing(self, impl: ModuleType) -> None:
        clock = Clock(10.0)
        bucket = impl.TokenBucket(2.0, 10.0, clock)
        bucket.allow(10)
        clock.now = 5.0
        first = bucket.available()
        clock.now = 10.5
        got = (first, bucket.available())
        expected = (0.0, 1.0)
        assert got == expected, (
            "TokenBucket(rate=2, burst=10) made at t=10: allow(10); available() at t=5, then at "
            "t=10.5 (refill only for time after the latest moment seen)"
        )

    @pytest.mark.rule("2.4")
    def test_accepts_a_fake_clock_of_its_own_module(self, impl: ModuleType) -> None:
        clock = impl.FakeClock()
        bucket = impl.TokenBucket(1.0, 2.0, clock)
        bucket.allow(2)
        clock.now = 1.0
        got = bucket.available()
        assert got == 1.0, "TokenBucket(1, 2, FakeClock()): allow(2), one second later available()"

    @pytest.mark.rule("2.4")
    @pytest.mark.rule("2.9")
    @PROPERTY
    @given(
        rate=st.sampled_from((0.5, 1.0, 2.0, 4.0)),
        burst=st.sampled_from((1.0, 4.0, 10.0)),
        timeline=calls,
    )
    def test_never_more_than_burst_plus_rate_times_time(
        self,
        impl: ModuleType,
        reference: ModuleType,
        rate: float,
        burst: float,
        timeline: list[tuple[float, int]],
    ) -> None:
        got = run_bucket(impl, rate, burst, timeline)
        expected = run_bucket(reference, rate, burst, timeline)
        call = f"TokenBucket(rate={rate}, burst={burst}); allow(cost) at (t, cost) {timeline}"
        assert got == expected, call
        allowed = [(t, cost) for (t, cost), ok in zip(timeline, got, strict=True) if ok]
        for i, (start, _) in enumerate(allowed):
            for j in range(i, len(allowed)):
                spent = sum(cost for _, cost in allowed[i : j + 1])
                assert spent <= burst + rate * (allowed[j][0] - start), (
                    f"{call}: {spent} tokens passed between t={start} and t={allowed[j][0]}"
                )

    @pytest.mark.rule("2.10")
    def test_a_flood_does_not_starve_a_quiet_tenant(self, impl: ModuleType, seed: int) -> None:
        limit = (100.0, 1_000.0)  # 100 tokens/s, bursts of 1,000
        quiet = steady_requests("quiet", 1.0, 50, 120.0)  # half its rate
        noisy = tenant_requests("noisy", 10.0, 100, 120.0, seed)  # ten times its rate
        stats = impl.simulate_limiter(
            requests_of(impl, merged(quiet, noisy)),
            {"quiet": impl.TenantLimit(*limit), "noisy": impl.TenantLimit(*limit)},
            impl.TenantLimit(1.0, 1.0),
        )
        got = (plain(stats["quiet"]), stats["noisy"].allowed_tokens <= 1_000 + 100 * 120)
        expected = ({"allowed": 120, "rejected": 0, "allowed_tokens": 6_000}, True)
        assert got == expected, (
            f"simulate_limiter(<120 s: 'quiet' at half its 100 tokens/s, 'noisy' at ten times "
            f"it, seed {seed}>): (quiet's stats, noisy within burst + rate x time)"
        )

    @pytest.mark.rule("2.5")
    def test_unknown_tenants_get_the_default(self, impl: ModuleType) -> None:
        rows = [(0.0, "new", 3), (0.0, "new", 3), (1.0, "new", 3)]
        stats = impl.simulate_limiter(requests_of(impl, rows), {}, impl.TenantLimit(1.0, 5.0))
        got = plain(stats)
        expected = {"new": {"allowed": 2, "rejected": 1, "allowed_tokens": 6}}
        assert got == expected, f"simulate_limiter(<Requests {rows}>, {{}}, TenantLimit(1.0, 5.0))"

    @pytest.mark.rule("2.7")
    @pytest.mark.rule("2.11")
    def test_reads_a_generator_once(self, impl: ModuleType, reference: ModuleType) -> None:
        rows = [(0.0, "a", 6), (0.0, "b", 4), (0.5, "a", 6), (2.0, "a", 6), (2.0, "b", 9)]
        limit = (2.0, 10.0)

        def run(module: ModuleType, as_generator: bool) -> object:
            requests = requests_of(module, rows)
            return plain(
                module.simulate_limiter(
                    (r for r in requests) if as_generator else requests,
                    {},
                    module.TenantLimit(*limit),
                )
            )

        got = run(impl, as_generator=True)
        expected = run(reference, as_generator=False)
        assert got == expected, (
            f"simulate_limiter(<a generator of Requests {rows}>, {{}}, TenantLimit{limit}): "
            "PROMPT.md: '`requests` may be any iterable, a generator too: read it once'"
        )

    @pytest.mark.rule("2.8")
    @pytest.mark.rule("2.11")
    def test_a_tenant_whose_every_request_is_rejected_is_counted(self, impl: ModuleType) -> None:
        rows = [(0.0, "big", 50), (0.0, "small", 3), (1.0, "big", 50)]
        stats = impl.simulate_limiter(requests_of(impl, rows), {}, impl.TenantLimit(1.0, 10.0))
        got = plain(stats)
        expected = {
            "big": {"allowed": 0, "rejected": 2, "allowed_tokens": 0},
            "small": {"allowed": 1, "rejected": 0, "allowed_tokens": 3},
        }
        assert got == expected, (
            f"simulate_limiter(<Requests {rows}>, {{}}, TenantLimit(1.0, 10.0)): 'big' asks for "
            "more than its burst every time; PROMPT.md: 'Every tenant that sent a request has its "
            "stats, even one whose every request was rejected'"
        )

    @pytest.mark.rule("2.5")
    @pytest.mark.rule("2.6")
    @pytest.mark.rule("2.11")
    def test_matches_the_reference_on_many_tenants(
        self, impl: ModuleType, reference: ModuleType, seed: int
    ) -> None:
        streams = [
            tenant_requests(f"tenant-{i}", 0.5 + i % 7, 200 + 50 * (i % 5), 60.0, seed)
            for i in range(30)
        ]
        rows = merged(*streams)
        limits = {f"tenant-{i}": (400.0 + 100 * (i % 4), 2_000.0) for i in range(0, 30, 2)}

        def run(module: ModuleType) -> object:
            return plain(
                module.simulate_limiter(
                    requests_of(module, rows),
                    {k: module.TenantLimit(*v) for k, v in limits.items()},
                    module.TenantLimit(300.0, 1_000.0),
                )
            )

        got = run(impl)
        expected = run(reference)
        assert got == expected, (
            f"simulate_limiter(<{len(rows):,} requests of 30 tenants over 60 s, seed {seed}>)"
        )
        sent = {f"tenant-{i}": len(s) for i, s in enumerate(streams) if s}
        counted = {t: s["allowed"] + s["rejected"] for t, s in got.items()}  # type: ignore[attr-defined]
        assert counted == sent, "simulate_limiter(...): allowed + rejected must count every request"
