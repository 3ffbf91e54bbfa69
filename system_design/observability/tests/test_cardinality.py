"""Part 4 — Metric cardinality budget."""

from __future__ import annotations

import copy
from types import ModuleType
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

from .traces import PROPERTY

MetricRow = tuple[str, str, dict[str, int], int]  # Metric's fields: name, kind, labels, buckets

# PROMPT.md's metrics.
PROMPT_METRICS: tuple[MetricRow, ...] = (
    ("agent_tool_calls_total", "counter", {"tenant": 2_000, "tool": 40, "status": 3}, 0),
    ("agent_tool_latency_seconds", "histogram", {"tenant": 2_000, "tool": 40, "status": 3}, 12),
    ("model_tokens_total", "counter", {"tenant": 2_000, "model": 8, "direction": 2}, 0),
    ("sandbox_memory_bytes", "gauge", {"sandbox_id": 20_000, "region": 4}, 0),
)
PROMPT_KEEP = frozenset({"tool", "status", "model", "direction"})
PROMPT_BUDGET = 300_000
PROMPT_DROPS = [("agent_tool_latency_seconds", "tenant"), ("agent_tool_calls_total", "tenant")]


def metrics_of(impl: ModuleType, rows: tuple[MetricRow, ...] | list[MetricRow]) -> list[Any]:
    return [impl.Metric(name, kind, dict(labels), buckets) for name, kind, labels, buckets in rows]


def after_drops(rows: list[MetricRow], drops: list[tuple[str, str]]) -> list[MetricRow]:
    dropped = set(drops)
    return [
        (name, kind, {k: v for k, v in labels.items() if (name, k) not in dropped}, buckets)
        for name, kind, labels, buckets in rows
    ]


label_sets = st.dictionaries(
    st.sampled_from(("tenant", "tool", "status", "model", "region", "pod")),
    st.integers(1, 60),
    max_size=4,
)
metric_lists = st.lists(
    st.tuples(
        st.sampled_from(("m_a", "m_b", "m_c", "m_d")),
        st.sampled_from(("counter", "gauge", "histogram")),
        label_sets,
        st.integers(0, 12),
    ).map(lambda r: (r[0], r[1], r[2], r[3] if r[1] == "histogram" else 0)),
    min_size=1,
    max_size=4,
    unique_by=lambda row: row[0],
)


@pytest.mark.part(4)
class TestPart4Cardinality:
    @pytest.mark.rule("4.1")
    @pytest.mark.parametrize(
        ("row", "expected"),
        [
            (PROMPT_METRICS[0], 240_000),
            (PROMPT_METRICS[1], 3_600_000),
            (PROMPT_METRICS[3], 80_000),
            (("up", "gauge", {}, 0), 1),
            (("rpc_seconds", "histogram", {}, 10), 13),
        ],
        ids=[
            "counter",
            "histogram: buckets + 3 per combination",
            "gauge",
            "no labels",
            "bare histogram",
        ],
    )
    def test_series_count(self, impl: ModuleType, row: MetricRow, expected: int) -> None:
        got = impl.series_count(metrics_of(impl, [row])[0])
        assert got == expected, (
            f"series_count(Metric{row}): product of label cardinalities, times buckets + 3 "
            "(finite buckets, +Inf, _sum, _count) for a histogram"
        )

    @pytest.mark.rule("4.1", "4.2")
    def test_total_series_prompt_example(self, impl: ModuleType) -> None:
        got = impl.total_series(metrics_of(impl, PROMPT_METRICS))
        expected = 3_952_000
        assert got == expected, "total_series(<PROMPT.md's 4 metrics>)"

    @pytest.mark.rule("4.3")
    def test_drop_labels_prompt_example(self, impl: ModuleType) -> None:
        got = impl.drop_labels(metrics_of(impl, PROMPT_METRICS), PROMPT_BUDGET, PROMPT_KEEP)
        assert got == PROMPT_DROPS, (
            f"drop_labels(<PROMPT.md's 4 metrics>, {PROMPT_BUDGET:,}, {sorted(PROMPT_KEEP)}): "
            "each step drops the (metric, label) that saves the most series"
        )

    @pytest.mark.rule("4.3")
    def test_within_budget_drops_nothing(self, impl: ModuleType) -> None:
        got = impl.drop_labels(metrics_of(impl, PROMPT_METRICS), 3_952_000, PROMPT_KEEP)
        assert got == [], "drop_labels(<PROMPT.md's 4 metrics>, 3_952_000, ...): already fits"

    @pytest.mark.rule("4.3")
    def test_ties_go_to_the_metric_then_label_name(self, impl: ModuleType) -> None:
        rows = [("b", "counter", {"y": 10, "x": 10}, 0), ("a", "counter", {"z": 10}, 0)]
        got = impl.drop_labels(metrics_of(impl, rows), 100)
        expected = [("b", "x")]
        assert got == expected, (
            f"drop_labels(<Metrics {rows}>, 100): b.x and b.y both save 90; 'x' < 'y'"
        )

    @pytest.mark.rule("4.3")
    def test_never_drops_a_kept_label(self, impl: ModuleType) -> None:
        rows = [("m", "counter", {"tenant": 1_000, "tool": 10}, 0)]
        got = impl.drop_labels(metrics_of(impl, rows), 1_000, frozenset({"tenant"}))
        expected = [("m", "tool")]
        assert got == expected, f"drop_labels(<Metrics {rows}>, 1_000, {{'tenant'}})"

    @pytest.mark.rule("4.4")
    def test_an_impossible_budget_raises(self, impl: ModuleType) -> None:
        rows = [("m", "histogram", {"tenant": 1_000, "tool": 10}, 12)]
        with pytest.raises(ValueError):
            impl.drop_labels(metrics_of(impl, rows), 14, frozenset())

    @pytest.mark.rule("4.5")
    def test_does_not_modify_the_metrics(self, impl: ModuleType) -> None:
        metrics = metrics_of(impl, PROMPT_METRICS)
        before = copy.deepcopy(metrics)
        impl.drop_labels(metrics, PROMPT_BUDGET, PROMPT_KEEP)
        assert metrics == before, "drop_labels(metrics, ...) changed the Metrics it was given"

    @pytest.mark.rule("4.3", "4.4")
    @PROPERTY
    @given(
        rows=metric_lists,
        budget=st.integers(1, 5_000),
        keep=st.sampled_from((frozenset(), frozenset({"tool"}), frozenset({"tenant", "status"}))),
    )
    def test_agrees_with_the_reference_and_fits(
        self,
        impl: ModuleType,
        reference: ModuleType,
        rows: list[MetricRow],
        budget: int,
        keep: frozenset[str],
    ) -> None:
        call = f"drop_labels(<Metrics {rows}>, {budget}, {sorted(keep)})"
        try:
            expected: object = reference.drop_labels(metrics_of(reference, rows), budget, keep)
        except ValueError:
            with pytest.raises(ValueError):
                impl.drop_labels(metrics_of(impl, rows), budget, keep)
            return
        got = impl.drop_labels(metrics_of(impl, rows), budget, keep)
        assert got == expected, call
        fits = reference.total_series(metrics_of(reference, after_drops(rows, got))) <= budget
        assert fits, f"{call}: still over budget after the drops"
