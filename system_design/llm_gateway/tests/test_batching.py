"""Part 3 — The batching trade-off."""

from __future__ import annotations

from types import ModuleType

import pytest
from hypothesis import given
from hypothesis import strategies as st

from grading.core import plain, returned

from .streams import PROPERTY

# PROMPT.md's replica: a decode step takes 15 ms + 0.3125 ms per sequence; 250 output tokens.
BASE, PER_SEQ, OUTPUT = 15.0, 0.3125, 250
REL = 1e-9


@pytest.mark.part(3)
class TestPart3Batching:
    @pytest.mark.rule("3.1")
    @pytest.mark.rule("3.2")
    @pytest.mark.rule("3.7")
    @pytest.mark.parametrize(
        ("batch", "expected"),
        [
            (1, (1, 15.3125, 1_000 / 15.3125, 3.828_125)),
            (32, (32, 25.0, 1_280.0, 6.25)),
            (64, (64, 35.0, 64_000 / 35, 8.75)),
        ],
    )
    def test_batch_point(
        self, impl: ModuleType, batch: int, expected: tuple[int, float, float, float]
    ) -> None:
        got = impl.batch_point(batch, BASE, PER_SEQ, OUTPUT)
        returned(got, impl.BatchPoint, f"batch_point({batch}, {BASE}, {PER_SEQ}, {OUTPUT})")
        assert list(plain(got).values()) == pytest.approx(list(expected), rel=REL), (
            f"batch_point({batch}, {BASE}, {PER_SEQ}, {OUTPUT}): (batch, step_ms, tokens_per_s, "
            "latency_s); a step yields one token per sequence"
        )

    @pytest.mark.rule("3.3")
    def test_curve_trades_latency_for_throughput(self, impl: ModuleType) -> None:
        curve = impl.batching_curve(64, BASE, PER_SEQ, OUTPUT)
        throughput = [p.tokens_per_s for p in curve]
        latency = [p.latency_s for p in curve]
        got = (
            [p.batch for p in curve],
            throughput == sorted(throughput),
            latency == sorted(latency),
        )
        expected = (list(range(1, 65)), True, True)
        assert got == expected, (
            f"batching_curve(64, {BASE}, {PER_SEQ}, {OUTPUT}): (batches, throughput rises, "
            "latency rises)"
        )

    @pytest.mark.rule("3.4")
    @pytest.mark.rule("3.5")
    @pytest.mark.rule("3.8")
    def test_max_batch_for_memory_prompt_example(self, impl: ModuleType) -> None:
        got = impl.max_batch_for_memory(80.0, 16.0, 131_072, 1_750)
        expected = 279
        assert got == expected, (
            "max_batch_for_memory(80.0, 16.0, 131_072, 1_750): 64 GB free over 229 MB of KV "
            "cache per sequence"
        )

    @pytest.mark.rule("3.4")
    @pytest.mark.parametrize(
        "args", [(80.0, 16.0, 131_072, 1_750), (80.0, 140.0, 327_680, 1_750), (24.0, 7.5, 4, 10)]
    )
    def test_max_batch_for_memory_is_an_int(
        self, impl: ModuleType, args: tuple[float, float, int, int]
    ) -> None:
        got = impl.max_batch_for_memory(*args)
        assert type(got) is int, (
            f"max_batch_for_memory{args} returned {got!r} ({type(got).__name__}); PROMPT.md: "
            "'how many whole sequences fit, an `int`'"
        )

    @pytest.mark.rule("3.5")
    def test_max_batch_for_memory_when_weights_fill_the_gpu(self, impl: ModuleType) -> None:
        got = impl.max_batch_for_memory(80.0, 140.0, 327_680, 1_750)
        assert got == 0, "max_batch_for_memory(80.0, 140.0, 327_680, 1_750): weights do not fit"

    @pytest.mark.rule("3.6")
    @pytest.mark.rule("3.8")
    @pytest.mark.parametrize(
        ("max_step", "memory", "expected"),
        [(25.0, 279, 32), (25.0, 20, 20), (50.0, 279, 112), (15.0, 279, None), (15.3125, 279, 1)],
        ids=["latency-bound", "memory-bound", "looser latency", "impossible", "exactly one"],
    )
    def test_best_batch(
        self, impl: ModuleType, max_step: float, memory: int, expected: int | None
    ) -> None:
        point = impl.best_batch(max_step, memory, BASE, PER_SEQ, OUTPUT)
        got = None if point is None else point.batch
        assert got == expected, (
            f"best_batch(max_step_ms={max_step}, memory_limit={memory}, {BASE}, {PER_SEQ}, "
            f"{OUTPUT}): the largest batch with 15 + 0.3125 * batch <= {max_step}"
        )

    @pytest.mark.rule("3.6")
    @PROPERTY
    @given(
        max_step=st.integers(0, 400).map(lambda q: q / 4),
        memory=st.integers(0, 300),
        base=st.integers(1, 80).map(lambda q: q / 4),
        per_seq=st.integers(0, 16).map(lambda q: q / 16),
    )
    def test_best_batch_agrees_with_the_reference(
        self,
        impl: ModuleType,
        reference: ModuleType,
        max_step: float,
        memory: int,
        base: float,
        per_seq: float,
    ) -> None:
        got = plain(impl.best_batch(max_step, memory, base, per_seq, OUTPUT))
        expected = plain(reference.best_batch(max_step, memory, base, per_seq, OUTPUT))
        if isinstance(expected, dict) and isinstance(got, dict):
            got, expected = list(got.values()), pytest.approx(list(expected.values()), rel=REL)
        assert got == expected, f"best_batch({max_step}, {memory}, {base}, {per_seq}, {OUTPUT})"
