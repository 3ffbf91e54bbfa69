"""Part 2 — Head vs tail sampling."""

from __future__ import annotations

from types import ModuleType

import pytest
from hypothesis import given
from hypothesis import strategies as st

from grading.core import returned

from .traces import (
    PROMPT_BUDGET,
    PROMPT_HEAD_KEPT,
    PROMPT_SLOW_MS,
    PROMPT_TAIL_KEPT,
    PROMPT_TRACES,
    PROPERTY,
    SLOW_MS,
    TraceRow,
    total_bytes,
    trace_stream,
)

# First 8 bytes of SHA-256, big-endian, over 2**64 (PROMPT.md).
SCORES = {"t1": 0.384_9, "t2": 0.766_7, "a": 0.791_4, "r-1": 0.648_4}
STREAM = 20_000


def traces_of(impl: ModuleType, rows: list[TraceRow] | tuple[TraceRow, ...]) -> list[object]:
    return [impl.Trace(*row) for row in rows]


def kept_bytes(rows: list[TraceRow] | tuple[TraceRow, ...], kept: list[str]) -> int:
    chosen = set(kept)
    return sum(row[2] for row in rows if row[0] in chosen)


small_traces = st.lists(
    st.tuples(
        st.integers(0, 40).map(lambda i: f"t{i}"),
        st.integers(1, 50),
        st.integers(0, 100),
        st.sampled_from((10.0, 50.0, 99.0, 100.0, 400.0)),
        st.booleans(),
    ),
    max_size=25,
    unique_by=lambda row: row[0],
)


@pytest.mark.part(2)
class TestPart2Sampling:
    @pytest.mark.rule("2.1")
    @pytest.mark.parametrize(("trace_id", "score"), SCORES.items(), ids=SCORES.keys())
    def test_trace_score_hashes_the_id(self, impl: ModuleType, trace_id: str, score: float) -> None:
        got = impl.trace_score(trace_id)
        assert got == pytest.approx(score, abs=5e-5), (
            f"trace_score({trace_id!r}): int.from_bytes(sha256(id).digest()[:8], 'big') / 2**64"
        )

    @pytest.mark.rule("2.1")
    def test_trace_score_is_in_0_1(self, impl: ModuleType, seed: int) -> None:
        ids = [row[0] for row in trace_stream(2_000, seed)]
        got = [i for i in ids if not 0 <= impl.trace_score(i) < 1]
        assert got == [], f"trace_score(id) must lie in [0, 1); out of range for {got[:3]}"

    @pytest.mark.rule("2.2", "2.6")
    def test_head_sample_prompt_example(self, impl: ModuleType) -> None:
        got = impl.head_sample(traces_of(impl, PROMPT_TRACES), 0.5)
        returned(got, list, "head_sample(<PROMPT.md's 8 traces>, 0.5)")
        assert got == PROMPT_HEAD_KEPT, "head_sample(<PROMPT.md's 8 traces>, 0.5)"

    @pytest.mark.rule("2.2")
    @pytest.mark.parametrize(
        ("rate", "expected"), [(0.0, []), (1.0, [f"t{i}" for i in range(1, 9)])]
    )
    def test_head_sample_rate_0_keeps_none_and_1_keeps_all(
        self, impl: ModuleType, rate: float, expected: list[str]
    ) -> None:
        got = impl.head_sample(traces_of(impl, PROMPT_TRACES), rate)
        assert got == expected, f"head_sample(<PROMPT.md's 8 traces>, {rate})"

    @pytest.mark.rule("2.2")
    def test_head_sample_keeps_scores_strictly_below_the_rate(
        self, impl: ModuleType, reference: ModuleType
    ) -> None:
        # A rate equal to a trace's own score: that trace is not kept (score < rate, not <=).
        rate = reference.trace_score("t1")
        got = impl.head_sample(traces_of(impl, PROMPT_TRACES), rate)
        expected = reference.head_sample(traces_of(reference, PROMPT_TRACES), rate)
        assert got == expected, (
            f"head_sample(<PROMPT.md's 8 traces>, trace_score('t1') = {rate!r}): PROMPT.md keeps "
            "ids with score < rate, so t1, whose score equals the rate, is not kept"
        )

    @pytest.mark.rule("2.1")
    def test_head_sample_decides_by_id_alone(self, impl: ModuleType, seed: int) -> None:
        # Two services see different subsets of the runs, in different orders; a run kept by one
        # must be kept by the other, or its trace arrives with holes.
        rows = trace_stream(400, seed)
        first = set(impl.head_sample(traces_of(impl, rows[:300]), 0.3))
        second = set(impl.head_sample(traces_of(impl, rows[100:][::-1]), 0.3))
        shared = {row[0] for row in rows[100:300]}
        got = first & shared
        expected = second & shared
        assert got == expected, "head_sample(...) on two overlapping streams: decisions differ"

    @pytest.mark.rule("2.2", "2.6")
    def test_head_sample_matches_the_reference(
        self, impl: ModuleType, reference: ModuleType, seed: int
    ) -> None:
        rows = trace_stream(STREAM, seed)
        got = impl.head_sample(traces_of(impl, rows), 1 / 6)
        expected = reference.head_sample(traces_of(reference, rows), 1 / 6)
        assert got == expected, f"head_sample(<{STREAM:,} traces, seed {seed}>, 1 / 6)"

    @pytest.mark.rule("2.3", "2.4", "2.5", "2.6")
    def test_tail_sample_prompt_example(self, impl: ModuleType) -> None:
        got = impl.tail_sample(traces_of(impl, PROMPT_TRACES), PROMPT_BUDGET, PROMPT_SLOW_MS)
        returned(got, list, "tail_sample(<PROMPT.md's 8 traces>, 1_000_000, 120_000.0)")
        assert got == PROMPT_TAIL_KEPT, (
            "tail_sample(<PROMPT.md's 8 traces>, 1_000_000, 120_000.0): errors, then slow, then "
            "the rest, each tier by ascending score; t7 does not fit, t1 still does"
        )

    @pytest.mark.rule("2.5")
    def test_tail_sample_skips_a_trace_that_does_not_fit_and_goes_on(
        self, impl: ModuleType
    ) -> None:
        rows = [("t2", 1, 90, 10.0, True), ("t1", 1, 30, 10.0, True), ("t7", 1, 10, 10.0, False)]
        got = impl.tail_sample(traces_of(impl, rows), 50, 1_000.0)
        expected = ["t1", "t7"]
        assert got == expected, (
            f"tail_sample(<Traces {rows}>, 50, 1000.0): t2 (90 bytes) does not fit, t1 and t7 do"
        )

    @pytest.mark.rule("2.5")
    def test_tail_sample_with_no_budget_keeps_nothing(self, impl: ModuleType) -> None:
        got = impl.tail_sample(traces_of(impl, PROMPT_TRACES), 0, PROMPT_SLOW_MS)
        assert got == [], "tail_sample(<PROMPT.md's 8 traces>, 0, 120_000.0)"

    @pytest.mark.rule("2.8")
    def test_tail_sample_keeps_every_error_within_budget(
        self, impl: ModuleType, reference: ModuleType, seed: int
    ) -> None:
        rows = trace_stream(STREAM, seed)
        budget = total_bytes(rows) // 6
        kept = impl.tail_sample(traces_of(impl, rows), budget, SLOW_MS)
        got = (
            kept_bytes(rows, kept) <= budget,
            reference.error_recall(traces_of(reference, rows), kept),
        )
        expected = (True, 1.0)
        assert got == expected, (
            f"tail_sample(<{STREAM:,} traces, seed {seed}>, {budget:,}, {SLOW_MS}): "
            "(kept bytes within budget, share of error traces kept)"
        )

    @pytest.mark.rule("2.8")
    def test_head_sample_at_the_budget_rate_keeps_about_a_fifth_of_errors(
        self, impl: ModuleType, reference: ModuleType, seed: int
    ) -> None:
        rows = trace_stream(STREAM, seed)
        kept = impl.head_sample(traces_of(impl, rows), 1 / 6)
        got = reference.error_recall(traces_of(reference, rows), kept)
        assert 0.1 <= got <= 0.3, (
            f"head_sample(<{STREAM:,} traces, seed {seed}>, 1 / 6): kept {got:.1%} of the error "
            "traces; deciding by id alone keeps about a fifth of them (PROMPT.md, Part 2)"
        )

    @pytest.mark.rule("2.3", "2.4", "2.5", "2.6")
    def test_tail_sample_matches_the_reference(
        self, impl: ModuleType, reference: ModuleType, seed: int
    ) -> None:
        rows = trace_stream(STREAM, seed)
        budget = total_bytes(rows) // 6
        got = impl.tail_sample(traces_of(impl, rows), budget, SLOW_MS)
        expected = reference.tail_sample(traces_of(reference, rows), budget, SLOW_MS)
        pairs = zip([*got, None], [*expected, None], strict=False)
        first = next(((a, b) for a, b in pairs if a != b), None)
        assert got == expected, (
            f"tail_sample(<{STREAM:,} traces, seed {seed}>, {budget:,}, {SLOW_MS}): "
            f"kept {len(got)} traces, the reference {len(expected)}; first difference "
            f"(yours, reference's): {first}"
        )

    @pytest.mark.rule("2.6")
    def test_tail_sample_does_not_modify_the_traces(self, impl: ModuleType) -> None:
        traces = traces_of(impl, PROMPT_TRACES)
        before = list(traces)
        impl.tail_sample(traces, PROMPT_BUDGET, PROMPT_SLOW_MS)
        assert traces == before, "tail_sample(traces, ...) reordered or changed `traces`"

    @pytest.mark.rule("2.7")
    @pytest.mark.parametrize(
        ("kept", "expected"), [(PROMPT_TAIL_KEPT, 1.0), (PROMPT_HEAD_KEPT, 0.0), (["t5"], 0.5)]
    )
    def test_error_recall(self, impl: ModuleType, kept: list[str], expected: float) -> None:
        got = impl.error_recall(traces_of(impl, PROMPT_TRACES), kept)
        assert got == expected, f"error_recall(<PROMPT.md's 8 traces>, {kept}): t2, t5 are errors"

    @pytest.mark.rule("2.7")
    def test_error_recall_without_errors_is_one(self, impl: ModuleType) -> None:
        rows = [row for row in PROMPT_TRACES if not row[4]]
        got = impl.error_recall(traces_of(impl, rows), [])
        assert got == 1.0, "error_recall(<traces without an error>, [])"

    @pytest.mark.rule("2.3", "2.4", "2.5", "2.6")
    @PROPERTY
    @given(rows=small_traces, budget=st.integers(0, 600), slow=st.sampled_from((50.0, 100.0)))
    def test_tail_sample_agrees_with_the_reference(
        self,
        impl: ModuleType,
        reference: ModuleType,
        rows: list[TraceRow],
        budget: int,
        slow: float,
    ) -> None:
        got = impl.tail_sample(traces_of(impl, rows), budget, slow)
        expected = reference.tail_sample(traces_of(reference, rows), budget, slow)
        assert got == expected, f"tail_sample(<Traces {rows}>, {budget}, {slow})"
