"""Part 4 — Mergeable sketches (stretch).

Shards summarize parts of one stream; the merged summary must keep the promise of Part 2 or
Part 3 for the whole stream, whichever shard saw what, and whichever order the merges happen in.
These tests build the shards with your Part 2 and Part 3 classes.
"""

from __future__ import annotations

from types import ModuleType

import pytest
from hypothesis import given
from hypothesis import strategies as st

from .streams import (
    KEYS,
    PERCENTILES,
    PROPERTY,
    brief,
    describe_far,
    far_percentiles,
    fed,
    guarantee_problems,
    sketched,
    values_strategy,
)
from .workloads import events


def keys_of(n: int, seed: int) -> list[str]:
    return [key for _timestamp, key, _value in events(n, seed)]


def values_of(n: int, seed: int) -> list[float]:
    return [value for _timestamp, _key, value in events(n, seed)]


@pytest.mark.part(4)
class TestPart4MergeHeavyHitters:
    @pytest.mark.rule("4.1", "4.2")
    def test_halves_merge_into_a_summary_of_the_whole(self, impl: ModuleType, seed: int) -> None:
        stream = keys_of(4000, seed)
        merged = fed(impl, 16, stream[:2000]).merge(fed(impl, 16, stream[2000:]))
        got = guarantee_problems(merged, stream, 16)
        assert got == [], (
            f"HeavyHitters(16) on each half of 4,000 seeded events (seed {seed}), merged: "
            f"{'; '.join(got)}"
        )

    @pytest.mark.rule("4.2")
    @pytest.mark.parametrize(
        ("left", "right"),
        [
            (["x"] * 5 + ["y"] * 4, ["z"] * 3 + ["w"]),
            (["x"] * 1000 + ["y"] * 3, ["z"] * 3 + ["w"]),
        ],
        ids=["four keys into two counters", "one key far ahead"],
    )
    def test_a_merge_past_capacity_cuts_back_within_the_bound(
        self, impl: ModuleType, left: list[str], right: list[str]
    ) -> None:
        # Each shard holds its two keys exactly; the merge sees four and must cut back to two
        # without holding a third key or moving any estimate beyond n / m.
        merged = fed(impl, 2, left).merge(fed(impl, 2, right))
        got = guarantee_problems(merged, left + right, 2)
        assert got == [], (
            f"HeavyHitters(2) on {brief(left)} merged with one on {brief(right)}: {'; '.join(got)}"
        )

    @pytest.mark.rule("4.2")
    def test_counts_of_a_key_on_both_shards_add_up(self, impl: ModuleType) -> None:
        # "x" has 200 of 240 events: keeping the larger of its two counts (100) would be off by
        # 100, beyond n / m = 60.
        left = ["x"] * 100 + [f"left-{i}" for i in range(20)]
        right = ["x"] * 100 + [f"right-{i}" for i in range(20)]
        merged = fed(impl, 4, left).merge(fed(impl, 4, right))
        got = guarantee_problems(merged, left + right, 4)
        assert got == [], (
            f"HeavyHitters(4) on {brief(left)} merged with one on {brief(right)}: {'; '.join(got)}"
        )

    @pytest.mark.rule("4.3")
    def test_merge_order_does_not_matter_within_the_bound(
        self, impl: ModuleType, seed: int
    ) -> None:
        stream = keys_of(3000, seed)
        a, b, c = (fed(impl, 8, stream[i : i + 1000]) for i in (0, 1000, 2000))
        got = {
            "(a + b) + c": guarantee_problems(a.merge(b).merge(c), stream, 8),
            "a + (b + c)": guarantee_problems(a.merge(b.merge(c)), stream, 8),
            "(c + a) + b": guarantee_problems(c.merge(a).merge(b), stream, 8),
        }
        expected: dict[str, list[str]] = {"(a + b) + c": [], "a + (b + c)": [], "(c + a) + b": []}
        assert got == expected, (
            f"HeavyHitters(8) on three shards of 1,000 seeded events (seed {seed}), merged in "
            "three orders: each must keep the promise of Part 2 for all 3,000 events"
        )

    @pytest.mark.rule("4.1")
    def test_merging_changes_neither_input(self, impl: ModuleType) -> None:
        a, b = fed(impl, 2, ["x", "x", "y"]), fed(impl, 2, ["y", "z", "z", "z"])
        before = (a.heavy_hitters(), b.heavy_hitters())
        a.merge(b)
        got = (a.heavy_hitters(), b.heavy_hitters())
        assert got == before, "a.merge(b) for HeavyHitters(2) on 'x x y' and on 'y z z z'"

    @pytest.mark.rule("4.4")
    @pytest.mark.parametrize(
        ("stream", "capacity"),
        [
            (["x", "y", "x", "z", "x"], 3),
            (["a", "b", "c"], 2),
            (["a", "b", "c", "d", "a", "e", "b"], 2),
            (["k0", "k1", "k2", "k3", "k4"] * 3 + ["k0"], 4),
        ],
        ids=["keys fit, m=3", "one key too many, m=2", "evictions, m=2", "round-robin, m=4"],
    )
    def test_merging_an_empty_summary_changes_nothing(
        self, impl: ModuleType, stream: list[str], capacity: int
    ) -> None:
        # Past capacity too: a summary may hold keys whose estimate rests on its error bound
        # (Space-Saving's floor); merging with nothing must keep them, and their estimates.
        a = fed(impl, capacity, stream)
        expected = a.heavy_hitters()
        got = {
            "a.merge(empty)": a.merge(impl.HeavyHitters(capacity)).heavy_hitters(),
            "empty.merge(a)": impl.HeavyHitters(capacity).merge(a).heavy_hitters(),
        }
        assert got == {"a.merge(empty)": expected, "empty.merge(a)": expected}, (
            f"HeavyHitters({capacity}) a on {brief(stream)} holds {expected}; merged with an "
            f"empty HeavyHitters({capacity}) either way round, heavy_hitters() must be the same "
            "(PROMPT.md: merging with an empty summary changes nothing)"
        )

    @pytest.mark.rule("4.2", "4.3")
    @pytest.mark.parametrize(
        "order",
        ["(a + b) + c", "a + (b + c)", "(c + a) + b", "(b + c) + a"],
    )
    def test_three_shards_cut_back_without_losing_a_heavy_key(
        self, impl: ModuleType, order: str
    ) -> None:
        # n = 5, m = 3: "b" has 2 > 5/3 events, one on each of two shards. Keeping the m largest
        # sums without subtracting the (m+1)-th drops it at the first merge (all counts tie at 1)
        # and never gets it back.
        shards = {"a": ["c", "e", "d"], "b": ["b"], "c": ["b"]}
        a, b, c = (fed(impl, 3, shards[name]) for name in "abc")
        merged = {
            "(a + b) + c": lambda: a.merge(b).merge(c),
            "a + (b + c)": lambda: a.merge(b.merge(c)),
            "(c + a) + b": lambda: c.merge(a).merge(b),
            "(b + c) + a": lambda: b.merge(c).merge(a),
        }[order]()
        got = guarantee_problems(merged, ["c", "e", "d", "b", "b"], 3)
        assert got == [], (
            f"HeavyHitters(3) on shards a = 'c e d', b = 'b', c = 'b', merged as {order}: "
            f"{'; '.join(got)}"
        )

    @pytest.mark.rule("4.5")
    def test_capacities_must_match(self, impl: ModuleType) -> None:
        with pytest.raises(ValueError):
            impl.HeavyHitters(2).merge(impl.HeavyHitters(3))

    @pytest.mark.rule("4.2", "4.3")
    @PROPERTY
    @given(
        stream=st.lists(KEYS, max_size=60),
        cuts=st.lists(st.integers(0, 60), min_size=2, max_size=2),
        capacity=st.integers(1, 5),
    )
    def test_any_split_merges_within_the_bound(
        self, impl: ModuleType, stream: list[str], cuts: list[int], capacity: int
    ) -> None:
        i, j = sorted(min(cut, len(stream)) for cut in cuts)
        shards = [fed(impl, capacity, part) for part in (stream[:i], stream[i:j], stream[j:])]
        merged = shards[0].merge(shards[1]).merge(shards[2])
        got = guarantee_problems(merged, stream, capacity)
        assert got == [], (
            f"HeavyHitters({capacity}) on {brief(stream[:i])}, {brief(stream[i:j])} and "
            f"{brief(stream[j:])}, merged left to right: {'; '.join(got)}"
        )


@pytest.mark.part(4)
class TestPart4MergeQuantiles:
    @pytest.mark.rule("4.1", "4.2")
    def test_halves_of_a_sorted_stream_merge_into_the_whole(
        self, impl: ModuleType, seed: int
    ) -> None:
        # Sorted, so the shards have nothing in common: a merge that weighs one twice shows.
        values = sorted(values_of(2000, seed))
        merged = sketched(impl, values[:1000]).merge(sketched(impl, values[1000:]))
        got = far_percentiles(merged, values)
        assert got == [], (
            f"QuantileSketch() on the lower and the upper half of 2,000 sorted seeded latencies "
            f"(seed {seed}), merged: {describe_far(got)}"
        )

    @pytest.mark.rule("4.3")
    def test_merge_order_does_not_matter_within_the_bound(
        self, impl: ModuleType, seed: int
    ) -> None:
        values = values_of(3000, seed)
        a, b, c = (sketched(impl, values[i : i + 1000]) for i in (0, 1000, 2000))
        got = {
            "(a + b) + c": far_percentiles(a.merge(b).merge(c), values),
            "a + (b + c)": far_percentiles(a.merge(b.merge(c)), values),
            "(c + a) + b": far_percentiles(c.merge(a).merge(b), values),
        }
        expected: dict[str, list[object]] = {
            "(a + b) + c": [],
            "a + (b + c)": [],
            "(c + a) + b": [],
        }
        assert got == expected, (
            f"QuantileSketch() on three shards of 1,000 seeded latencies (seed {seed}), merged in "
            "three orders: (p, yours, exact) for the percentiles more than 1% off, per order"
        )

    @pytest.mark.rule("4.1")
    def test_merging_changes_neither_input(self, impl: ModuleType) -> None:
        a, b = sketched(impl, [1.0, 2.0, 3.0]), sketched(impl, [100.0, 200.0])
        before = ([a.percentile(p) for p in PERCENTILES], [b.percentile(p) for p in PERCENTILES])
        a.merge(b)
        got = ([a.percentile(p) for p in PERCENTILES], [b.percentile(p) for p in PERCENTILES])
        assert got == before, (
            "a.merge(b) for QuantileSketch() on [1.0, 2.0, 3.0] and on [100.0, 200.0]: "
            "percentiles of a and b before and after"
        )

    @pytest.mark.rule("4.4")
    def test_merging_an_empty_sketch_changes_nothing(self, impl: ModuleType) -> None:
        values = [0.0, 3.5, 120.0, 9000.0]
        a = sketched(impl, values)
        expected = [a.percentile(p) for p in PERCENTILES]
        got = {
            "a.merge(empty)": [a.merge(impl.QuantileSketch()).percentile(p) for p in PERCENTILES],
            "empty.merge(a)": [impl.QuantileSketch().merge(a).percentile(p) for p in PERCENTILES],
        }
        assert got == {"a.merge(empty)": expected, "empty.merge(a)": expected}, (
            f"QuantileSketch() on {values}, merged with an empty one either way round: the "
            f"percentiles at {list(PERCENTILES)} must stay {expected}"
        )

    @pytest.mark.rule("4.2")
    @PROPERTY
    @given(left=values_strategy, right=values_strategy)
    def test_any_two_shards_merge_within_the_bound(
        self, impl: ModuleType, left: list[float], right: list[float]
    ) -> None:
        merged = sketched(impl, left).merge(sketched(impl, right))
        got = far_percentiles(merged, left + right)
        assert got == [], (
            f"QuantileSketch() on {left} merged with one on {right}: {describe_far(got)}"
        )
