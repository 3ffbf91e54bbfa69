"""Part 3 — Streaming quantiles.

Every answer must be within 1% of the exact nearest-rank percentile, which numpy computes as
`numpy.percentile(values, p, method="inverted_cdf")`; exactly 0 when that is 0. Each test lists
the percentiles that are further off, as (p, yours, exact), and expects none.
"""

from __future__ import annotations

import math
from types import ModuleType

import pytest
from hypothesis import given

from grading.core import returned

from .streams import (
    ADVERSARIAL,
    PROPERTY,
    describe_far,
    far_percentiles,
    sketched,
    values_strategy,
    within,
)
from .workloads import events

PROMPT_VALUES = [120.5, 80.0, 3000.0, 95.0, 0.0, 300.0, 450.0, 95.0]


@pytest.mark.part(3)
class TestPart3Quantiles:
    def test_prompt_example(self, impl: ModuleType) -> None:
        got = far_percentiles(sketched(impl, PROMPT_VALUES), PROMPT_VALUES)
        assert got == [], f"QuantileSketch() after adding {PROMPT_VALUES}: {describe_far(got)}"

    def test_percentile_returns_a_float(self, impl: ModuleType) -> None:
        got = sketched(impl, [5.0, 7.0]).percentile(50)
        returned(got, float, "QuantileSketch() after adding [5.0, 7.0]: percentile(50)")

    @pytest.mark.parametrize(("name", "values"), ADVERSARIAL.items(), ids=ADVERSARIAL.keys())
    def test_adversarial_distributions_match_numpy(
        self, impl: ModuleType, name: str, values: list[float]
    ) -> None:
        got = far_percentiles(sketched(impl, values), values)
        assert got == [], f"QuantileSketch() on {name}: {describe_far(got)}"

    def test_every_magnitude_is_reported_within_one_percent(self, impl: ModuleType) -> None:
        # One value per sketch, so each percentile is that value. Steps of 1.95% from 1 µs to
        # ~1e9 land in every part of any bucketing of about 1%, edges included.
        sweep = [1e-6 * 1.0195**i for i in range(1800)]
        far = []
        for value in sweep:
            reported = sketched(impl, [value]).percentile(50)
            if not within(reported, value):
                far.append((value, reported))
        got = far[:3]
        assert got == [], (
            f"QuantileSketch() after adding one value, then percentile(50): {len(far)} of the "
            f"values from 1e-6 to 1e9 come back more than 1% off; (value, yours): {got}"
        )

    def test_zeros_come_back_exactly(self, impl: ModuleType) -> None:
        sketch = sketched(impl, [0.0, 0.0, 0.0, 5.0])
        got = [sketch.percentile(p) for p in (0, 50, 75)]
        expected = [0.0, 0.0, 0.0]
        assert got == expected, "QuantileSketch() after adding [0.0, 0.0, 0.0, 5.0]: p0, p50, p75"

    def test_percentile_of_nothing_raises(self, impl: ModuleType) -> None:
        sketch = impl.QuantileSketch()
        with pytest.raises(ValueError):
            sketch.percentile(50)

    @pytest.mark.parametrize(
        "value",
        # float("inf") is a new object, not math.inf itself: `is not math.inf` would let it in.
        [-1.0, -0.5, math.nan, math.inf, float("inf")],
        ids=["negative", "just below zero", "nan", "infinity", "infinity parsed from text"],
    )
    def test_add_rejects_values_that_are_not_finite_and_non_negative(
        self, impl: ModuleType, value: float
    ) -> None:
        sketch = impl.QuantileSketch()
        with pytest.raises(ValueError):
            sketch.add(value)

    def test_a_refused_value_leaves_the_sketch_as_it_was(self, impl: ModuleType) -> None:
        sketch = impl.QuantileSketch()
        sketch.add(10.0)
        for refused in (-0.5, -1.0, math.nan, math.inf):
            with pytest.raises(ValueError):
                sketch.add(refused)
        got = [sketch.percentile(p) for p in (0, 50, 100)]
        expected = [True, True, True]
        assert [abs(g - 10.0) <= 0.1 for g in got] == expected, (
            "QuantileSketch(): add(10.0), then add(-0.5), add(-1.0), add(nan) and add(inf) each "
            f"raise ValueError; percentile(0), (50), (100) then returned {got}, expected 10.0 "
            "within 1% each: a refused value must not be counted"
        )

    def test_a_telemetry_stream_matches_numpy(self, impl: ModuleType, seed: int) -> None:
        values = [value for _timestamp, _key, value in events(4000, seed)]
        got = far_percentiles(sketched(impl, values), values)
        assert got == [], (
            f"QuantileSketch() on 4,000 seeded latencies (seed {seed}): {describe_far(got)}"
        )

    @PROPERTY
    @given(values=values_strategy)
    def test_matches_numpy_percentile(self, impl: ModuleType, values: list[float]) -> None:
        got = far_percentiles(sketched(impl, values), values)
        assert got == [], f"QuantileSketch() after adding {values}: {describe_far(got)}"
