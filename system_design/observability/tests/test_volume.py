"""Part 1 — Span volume and storage."""

from __future__ import annotations

from types import ModuleType

import pytest
from hypothesis import given
from hypothesis import strategies as st

from grading.core import plain, returned

from .traces import PROPERTY

# PROMPT.md's platform: 10M runs a day, 120 spans of 2,000 bytes each, peak 3x the average,
# 6x compression, 3 replicas, 30 days.
PLATFORM = (10_000_000, 120, 2_000, 3.0, 6.0, 3, 30)
PLATFORM_TEXT = "TraceLoad(10_000_000, 120, 2_000, 3.0, 6.0, 3, 30)"
REL = 1e-6  # PROMPT.md: numbers within 0.0001% of the reference


def numbers(value: object) -> list[float]:
    """Every number in a result, flattened: estimates, tuples of them, plain floats."""
    value = plain(value)
    if isinstance(value, dict):
        return [x for v in value.values() for x in numbers(v)]
    if isinstance(value, list):
        return [x for v in value for x in numbers(v)]
    return [value]  # type: ignore[list-item]


def close(got: object, expected: object) -> bool:
    return numbers(got) == pytest.approx(numbers(expected), rel=REL, abs=1e-12)


loads = st.builds(
    lambda *args: args,
    st.integers(1_000, 10**9),
    st.integers(1, 2_000),
    st.integers(100, 20_000),
    st.sampled_from((1.0, 1.5, 2.0, 3.0, 5.0)),
    st.sampled_from((1.0, 4.0, 6.0, 10.0)),
    st.integers(1, 3),
    st.sampled_from((1, 7, 15, 30, 90, 400)),
)


@pytest.mark.part(1)
class TestPart1Volume:
    @pytest.mark.rule("1.1")
    def test_returns_a_trace_estimate(self, impl: ModuleType) -> None:
        got = impl.estimate_traces(impl.TraceLoad(*PLATFORM))
        returned(got, impl.TraceEstimate, f"estimate_traces({PLATFORM_TEXT})")

    @pytest.mark.rule("1.1", "1.6")
    def test_prompt_example(self, impl: ModuleType) -> None:
        got = impl.estimate_traces(impl.TraceLoad(*PLATFORM))
        expected = impl.TraceEstimate(
            spans_per_second=13_888.888_888_9,
            peak_spans_per_second=41_666.666_666_7,
            peak_ingest_mb_per_s=83.333_333_333,
            stored_tb_per_day=1.2,
            stored_tb=36.0,
        )
        assert close(got, expected), f"estimate_traces({PLATFORM_TEXT}) — got {got}"

    @pytest.mark.rule("1.1")
    def test_keeping_a_sixth_stores_a_sixth(self, impl: ModuleType) -> None:
        got = impl.estimate_traces(impl.TraceLoad(*PLATFORM), 1 / 6)
        expected = (1.2 / 6, 6.0)
        assert (got.stored_tb_per_day, got.stored_tb) == pytest.approx(expected, rel=REL), (
            f"estimate_traces({PLATFORM_TEXT}, 1 / 6): (stored_tb_per_day, stored_tb)"
        )

    @pytest.mark.rule("1.2")
    def test_sampling_does_not_reduce_collector_ingest(self, impl: ModuleType) -> None:
        got = impl.estimate_traces(impl.TraceLoad(*PLATFORM), 0.1)
        expected = (41_666.666_666_7, 83.333_333_333)
        assert (got.peak_spans_per_second, got.peak_ingest_mb_per_s) == pytest.approx(
            expected, rel=REL
        ), (
            f"estimate_traces({PLATFORM_TEXT}, 0.1): a tail sampler must see every span to "
            "judge a trace, so peak spans and ingest do not shrink with keep_fraction"
        )

    @pytest.mark.rule("1.3")
    @pytest.mark.parametrize("keep_fraction", [-0.1, 1.5])
    def test_keep_fraction_outside_0_1_raises(self, impl: ModuleType, keep_fraction: float) -> None:
        # PROMPT.md names the exception, not its message.
        with pytest.raises(ValueError):
            impl.estimate_traces(impl.TraceLoad(*PLATFORM), keep_fraction)

    @pytest.mark.rule("1.3")
    @pytest.mark.parametrize(("keep_fraction", "stored_tb"), [(0.0, 0.0), (1.0, 36.0)])
    def test_keep_fraction_0_and_1_are_inside(
        self, impl: ModuleType, keep_fraction: float, stored_tb: float
    ) -> None:
        got = impl.estimate_traces(impl.TraceLoad(*PLATFORM), keep_fraction).stored_tb
        assert got == pytest.approx(stored_tb, rel=REL, abs=1e-12), (
            f"estimate_traces({PLATFORM_TEXT}, {keep_fraction}).stored_tb: [0, 1] includes both "
            "ends, so this must not raise"
        )

    @pytest.mark.rule("1.4", "1.6")
    def test_max_keep_fraction_fits_the_budget(self, impl: ModuleType) -> None:
        got = impl.max_keep_fraction(impl.TraceLoad(*PLATFORM), 6.0)
        expected = 1 / 6
        assert got == pytest.approx(expected, rel=REL), (
            f"max_keep_fraction({PLATFORM_TEXT}, budget_tb=6.0): 36 TB at full volume"
        )

    @pytest.mark.rule("1.4")
    def test_max_keep_fraction_is_at_most_one(self, impl: ModuleType) -> None:
        got = impl.max_keep_fraction(impl.TraceLoad(*PLATFORM), 100.0)
        expected = 1.0
        assert got == expected, f"max_keep_fraction({PLATFORM_TEXT}, budget_tb=100.0)"

    @pytest.mark.rule("1.5", "1.6")
    def test_tail_buffer_holds_the_decision_wait_at_peak(self, impl: ModuleType) -> None:
        got = impl.tail_buffer_gb(impl.TraceLoad(*PLATFORM), 30.0)
        expected = 2.5
        assert got == pytest.approx(expected, rel=REL), (
            f"tail_buffer_gb({PLATFORM_TEXT}, decision_wait_s=30.0): "
            "peak spans/s x bytes per span x seconds waited, in GB (10**9 bytes)"
        )

    @pytest.mark.rule("1.1", "1.4", "1.5")
    @PROPERTY
    @given(
        load=loads,
        keep=st.sampled_from((0.0, 0.01, 0.25, 1.0)),
        budget=st.sampled_from((0.5, 6.0, 1e4)),
    )
    def test_agrees_with_the_reference(
        self,
        impl: ModuleType,
        reference: ModuleType,
        load: tuple[float, ...],
        keep: float,
        budget: float,
    ) -> None:
        got = (
            impl.estimate_traces(impl.TraceLoad(*load), keep),
            impl.max_keep_fraction(impl.TraceLoad(*load), budget),
            impl.tail_buffer_gb(impl.TraceLoad(*load), 10.0),
        )
        expected = (
            reference.estimate_traces(reference.TraceLoad(*load), keep),
            reference.max_keep_fraction(reference.TraceLoad(*load), budget),
            reference.tail_buffer_gb(reference.TraceLoad(*load), 10.0),
        )
        assert close(got, expected), (
            f"TraceLoad{load}: estimate_traces(load, {keep}), max_keep_fraction(load, {budget}), "
            f"tail_buffer_gb(load, 10.0) gave {got}; the reference: {expected}"
        )
