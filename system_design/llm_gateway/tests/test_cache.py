"""Part 4 — The prefix cache and the bill."""

from __future__ import annotations

import random
from types import ModuleType

import pytest
from hypothesis import given
from hypothesis import strategies as st

from .streams import PROPERTY, zipf_keys
from .timing import growth_exponent, per_call_seconds

# PROMPT.md's traffic: 12.96M requests a day (150/s on average), 1,500 prompt tokens of which
# 1,000 are a shared prefix, 250 output tokens; $3 / $0.30 cached / $15 per million tokens.
TRAFFIC = (12_960_000, 1_500, 1_000, 250)
PRICES = (3.0, 0.3, 15.0)
KEYS, DISTINCT = 50_000, 5_000


def uniform_keys(n: int, distinct: int, seed: int) -> list[str]:
    """`n` keys drawn uniformly from `distinct` ones: a capacity c hits about c / distinct."""
    rng = random.Random(f"uniform-{seed}-{distinct}")
    return [f"key-{rng.randrange(distinct)}" for _ in range(n)]


@pytest.fixture(scope="module")
def stream(seed: int) -> list[str]:
    return zipf_keys(KEYS, DISTINCT, seed)


@pytest.mark.part(4)
class TestPart4Cache:
    @pytest.mark.rule("4.1")
    @pytest.mark.rule("4.6")
    @pytest.mark.parametrize(
        ("keys", "capacity", "expected"),
        [
            ("a b a c b a", 2, 1 / 6),
            ("a b a c b a", 3, 3 / 6),
            ("a a a a", 1, 3 / 4),
            ("a b a b", 0, 0.0),
            ("", 4, 0.0),
        ],
        ids=["a hit refreshes a", "all fit", "one hot key", "no cache", "no requests"],
    )
    def test_lru_hit_rate(
        self, impl: ModuleType, keys: str, capacity: int, expected: float
    ) -> None:
        got = impl.lru_hit_rate(keys.split(), capacity)
        assert got == pytest.approx(expected, rel=1e-12), (
            f"lru_hit_rate({keys.split()}, {capacity}): a hit moves the key to the most recently "
            "used end; a miss inserts it and evicts the least recently used"
        )

    @pytest.mark.rule("4.1")
    @pytest.mark.rule("4.5")
    def test_lru_hit_rate_on_a_zipf_stream(
        self, impl: ModuleType, reference: ModuleType, stream: list[str], seed: int
    ) -> None:
        got = [impl.lru_hit_rate(stream, c) for c in (10, 100, 1_000)]
        expected = [reference.lru_hit_rate(stream, c) for c in (10, 100, 1_000)]
        assert got == pytest.approx(expected, rel=1e-12), (
            f"lru_hit_rate(<{KEYS:,} Zipf keys over {DISTINCT:,} prefixes, seed {seed}>, "
            "capacity 10 / 100 / 1,000)"
        )

    @pytest.mark.rule("4.1")
    def test_lru_reads_a_one_shot_iterator(self, impl: ModuleType) -> None:
        got = impl.lru_hit_rate(iter(["a", "b", "a", "c", "b", "a"]), 2)
        assert got == pytest.approx(1 / 6, rel=1e-12), "lru_hit_rate(iter([...]), 2)"

    @pytest.mark.rule("4.2")
    @pytest.mark.rule("4.5")
    @pytest.mark.parametrize("target", [0.3, 0.6, 0.75])
    def test_capacity_for_hit_rate_is_the_smallest(
        self,
        impl: ModuleType,
        reference: ModuleType,
        stream: list[str],
        seed: int,
        target: float,
    ) -> None:
        got = impl.capacity_for_hit_rate(stream, target)
        call = f"capacity_for_hit_rate(<{KEYS:,} Zipf keys, seed {seed}>, {target})"
        assert got is not None, f"{call} returned None, yet a big enough cache reaches it"
        reaches = (
            reference.lru_hit_rate(stream, got) >= target,
            reference.lru_hit_rate(stream, got - 1) >= target,
        )
        assert reaches == (True, False), (
            f"{call} = {got}: (capacity {got} reaches {target}, capacity {got - 1} does too); "
            "want the smallest capacity that reaches it"
        )

    @pytest.mark.rule("4.2")
    def test_a_hit_rate_equal_to_the_target_reaches_it(self, impl: ModuleType) -> None:
        keys = ["a", "a", "a", "a"]
        got = impl.capacity_for_hit_rate(keys, 0.75)
        assert got == 1, (
            f"capacity_for_hit_rate({keys}, 0.75): capacity 1 hits 3 of 4 = 0.75 exactly; "
            "PROMPT.md: 'a hit rate equal to `target` reaches it'"
        )

    @pytest.mark.rule("4.2")
    @pytest.mark.rule("4.5")
    @pytest.mark.parametrize("capacity", [40, 135])
    def test_capacity_for_a_target_met_exactly_on_a_zipf_stream(
        self,
        impl: ModuleType,
        reference: ModuleType,
        stream: list[str],
        seed: int,
        capacity: int,
    ) -> None:
        target = reference.lru_hit_rate(stream, capacity)  # exactly what some capacity reaches
        expected = reference.capacity_for_hit_rate(stream, target)
        got = impl.capacity_for_hit_rate(stream, target)
        assert got == expected, (
            f"capacity_for_hit_rate(<{KEYS:,} Zipf keys, seed {seed}>, {target!r}), the hit rate "
            f"of capacity {capacity} exactly: the smallest capacity whose hit rate is >= target "
            f"is {expected}"
        )

    @pytest.mark.bound
    @pytest.mark.rule("4.8")
    def test_lru_time_does_not_grow_with_capacity(
        self, impl: ModuleType, reference: ModuleType, seed: int
    ) -> None:
        keys = uniform_keys(4_000, 2_000, seed)
        capacities = (125, 250, 500, 1_000)

        def exponent(module: ModuleType) -> float:
            times = [per_call_seconds(lambda c=c: module.lru_hit_rate(keys, c)) for c in capacities]
            return growth_exponent(capacities, times)

        yours, theirs = exponent(impl), exponent(reference)
        assert yours <= theirs + 0.5, (
            f"lru_hit_rate(<4,000 keys over 2,000>, capacity 125 ... 1,000): its time grows like "
            f"capacity^{yours:.2f} (the reference's like capacity^{theirs:.2f}); PROMPT.md: "
            "'`lru_hit_rate` must take time that does not grow with `capacity`'"
        )

    @pytest.mark.bound
    @pytest.mark.rule("4.8")
    def test_capacity_search_is_not_one_simulation_per_capacity(
        self, impl: ModuleType, reference: ModuleType, seed: int
    ) -> None:
        distincts = (64, 128, 256, 512)
        streams = {d: uniform_keys(8 * d, d, seed) for d in distincts}

        def exponent(module: ModuleType) -> float:
            times = [
                per_call_seconds(lambda d=d: module.capacity_for_hit_rate(streams[d], 0.5))
                for d in distincts
            ]
            return growth_exponent(distincts, times)

        yours, theirs = exponent(impl), exponent(reference)
        assert yours <= theirs + 0.5, (
            "capacity_for_hit_rate(<8 x d uniform keys over d>, 0.5) for d = 64 ... 512: its "
            f"time grows like d^{yours:.2f} (the reference's like d^{theirs:.2f}); PROMPT.md: "
            "'about n·log(distinct keys) ..., not one simulation per capacity'"
        )

    @pytest.mark.rule("4.3")
    def test_capacity_for_an_unreachable_hit_rate_is_none(self, impl: ModuleType) -> None:
        keys = ["a", "b", "c", "a"]
        got = impl.capacity_for_hit_rate(keys, 0.5)
        assert got is None, f"capacity_for_hit_rate({keys}, 0.5): 3 distinct keys in 4 requests"

    @pytest.mark.rule("4.4")
    @pytest.mark.rule("4.7")
    @pytest.mark.parametrize(
        ("hit_rate", "expected"), [(0.0, 106_920.0), (0.6, 85_924.8), (1.0, 71_928.0)]
    )
    def test_cost_per_day(self, impl: ModuleType, hit_rate: float, expected: float) -> None:
        got = impl.cost_per_day(impl.Traffic(*TRAFFIC), impl.Prices(*PRICES), hit_rate)
        assert got == pytest.approx(expected, rel=1e-9), (
            f"cost_per_day(Traffic{TRAFFIC}, Prices{PRICES}, {hit_rate}): on a hit only the "
            "1,000 prefix tokens are billed at the cached price"
        )

    @pytest.mark.rule("4.1")
    @PROPERTY
    @given(
        keys=st.lists(st.sampled_from("abcdefgh"), max_size=40),
        capacity=st.integers(0, 9),
    )
    def test_lru_agrees_with_the_reference(
        self, impl: ModuleType, reference: ModuleType, keys: list[str], capacity: int
    ) -> None:
        got = impl.lru_hit_rate(keys, capacity)
        expected = reference.lru_hit_rate(keys, capacity)
        assert got == pytest.approx(expected, rel=1e-12), f"lru_hit_rate({keys}, {capacity})"
