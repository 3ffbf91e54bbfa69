"""Part 4 — Metrics.

Hand-written results first, then real runs: the runs come from the reference's `execute` (this
part grades `metrics`, not your executor), on virtual time.
"""

from __future__ import annotations

from types import ModuleType
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from grading.core import plain, returned

from .scripted import prompt_example, run, shape, task
from .workloads import TOOLS, critical_path, layered_dag, run_virtual

PROPERTY = settings(max_examples=40)


def result(
    impl: ModuleType,
    tid: str,
    *spans: tuple[float, float],
    status: str = "succeeded",
    end: float | None = None,
) -> Any:
    """A TaskResult with these attempt spans; `end` defaults to the last span's end."""
    if not spans:
        return impl.TaskResult(tid, "skipped", blocked_by=None)
    return impl.TaskResult(
        tid,
        status,
        attempts=len(spans),
        start=spans[0][0],
        end=spans[-1][1] if end is None else end,
        spans=tuple(spans),
    )


def of(impl: ModuleType, graph: dict[str, str]) -> list[Any]:
    return [impl.Task(id=tid, tool="search", deps=tuple(d.split())) for tid, d in graph.items()]


def measured(impl: ModuleType, graph: dict[str, str], results: list[Any]) -> dict[str, Any]:
    got = impl.metrics(of(impl, graph), {r.id: r for r in results})
    return plain(returned(got, impl.Metrics, f"metrics(<{graph}>, ...)"))


def measured_results(impl: ModuleType, tasks: list[Any], results: dict[str, Any]) -> dict[str, Any]:
    got = impl.metrics(tasks, results)
    return plain(returned(got, impl.Metrics, "metrics(tasks, results)"))


@pytest.mark.part(4)
class TestPart4Metrics:
    @pytest.mark.rule("4.1", "4.2")
    def test_no_tasks(self, impl: ModuleType) -> None:
        got = measured(impl, {}, [])
        expected = {"makespan": 0.0, "critical_path": 0.0, "max_concurrency": 0, "retries": {}}
        assert got == expected, "metrics([], {})"

    @pytest.mark.rule("4.2")
    def test_makespan_is_the_latest_end(self, impl: ModuleType) -> None:
        given_results = [
            result(impl, "a", (0.0, 3.0)),
            result(impl, "b", (1.0, 7.5)),
            result(impl, "c", (0.0, 2.0), status="failed"),
        ]
        got = measured(impl, {"a": "", "b": "", "c": ""}, given_results)["makespan"]
        expected = 7.5
        assert got == expected, f"metrics(...).makespan for ends 3, 7.5, 2: {given_results}"

    @pytest.mark.rule("4.2")
    def test_makespan_counts_a_cancellation_after_the_last_attempt(self, impl: ModuleType) -> None:
        given_results = [result(impl, "a", (0.0, 1.0), status="cancelled", end=4.0)]
        got = measured(impl, {"a": ""}, given_results)["makespan"]
        expected = 4.0
        assert got == expected, f"metrics(...).makespan: {given_results}"

    @pytest.mark.rule("4.3")
    def test_critical_path_of_a_diamond(self, impl: ModuleType) -> None:
        graph = {"a": "", "b": "a", "c": "a", "d": "b c"}
        given_results = [
            result(impl, "a", (0.0, 1.0)),
            result(impl, "b", (1.0, 3.0)),
            result(impl, "c", (1.0, 2.0)),
            result(impl, "d", (3.0, 4.0)),
        ]
        got = measured(impl, graph, given_results)
        got = {k: got[k] for k in ("makespan", "critical_path")}
        expected = {"makespan": 4.0, "critical_path": 4.0}
        assert got == expected, f"metrics({graph}, a 0-1, b 1-3, c 1-2, d 3-4)"

    @pytest.mark.rule("4.3", "4.8")
    def test_critical_path_counts_durations_not_waits(self, impl: ModuleType) -> None:
        # d waited 2 s for a slot: the makespan shows it, the critical path does not.
        graph = {"a": "", "b": "a", "c": "a", "d": "b c"}
        given_results = [
            result(impl, "a", (0.0, 1.0)),
            result(impl, "b", (1.0, 3.0)),
            result(impl, "c", (3.0, 4.0)),
            result(impl, "d", (5.0, 6.0)),
        ]
        got = measured(impl, graph, given_results)
        got = {k: got[k] for k in ("makespan", "critical_path")}
        expected = {"makespan": 6.0, "critical_path": 4.0}
        assert got == expected, (
            f"metrics({graph}, a 0-1, b 1-3, c 3-4, d 5-6): the critical path sums end - start "
            "along the heaviest chain"
        )

    @pytest.mark.rule("4.3")
    def test_critical_path_takes_the_heaviest_chain_not_the_longest(self, impl: ModuleType) -> None:
        graph = {"p": "", "q": "p", "r": "q", "big": ""}
        given_results = [
            result(impl, "p", (0.0, 1.0)),
            result(impl, "q", (1.0, 2.0)),
            result(impl, "r", (2.0, 3.0)),
            result(impl, "big", (0.0, 5.0)),
        ]
        got = measured(impl, graph, given_results)["critical_path"]
        expected = 5.0
        assert got == expected, f"metrics({graph}, p q r 1 s each, big 5 s).critical_path"

    @pytest.mark.rule("4.3")
    def test_critical_path_counts_retries_and_their_waits(self, impl: ModuleType) -> None:
        graph = {"a": "", "b": "a"}
        given_results = [
            result(impl, "a", (0.0, 1.0), (3.0, 4.0)),
            result(impl, "b", (4.0, 5.5)),
        ]
        got = measured(impl, graph, given_results)["critical_path"]
        expected = 5.5
        assert got == expected, (
            f"metrics({graph}, a tried 0-1 and 3-4, b 4-5.5).critical_path: a task weighs "
            "end - start, retries and backoff included"
        )

    @pytest.mark.rule("4.3")
    def test_tasks_that_never_started_weigh_nothing(self, impl: ModuleType) -> None:
        graph = {"a": "", "b": "a", "c": "b"}
        given_results = [
            result(impl, "a", (0.0, 2.0), status="failed"),
            result(impl, "b"),
            result(impl, "c"),
        ]
        got = measured(impl, graph, given_results)
        got = {k: got[k] for k in ("makespan", "critical_path")}
        expected = {"makespan": 2.0, "critical_path": 2.0}
        assert got == expected, f"metrics({graph}, a failed 0-2, b and c skipped)"

    @pytest.mark.rule("4.2", "4.3")
    def test_a_run_where_nothing_started_has_no_critical_path(self, impl: ModuleType) -> None:
        graph = {"a": "", "b": "a"}
        given_results = [result(impl, "a"), result(impl, "b")]
        got = measured(impl, graph, given_results)
        expected = {"makespan": 0.0, "critical_path": 0.0, "max_concurrency": 0, "retries": {}}
        assert got == expected, (
            f"metrics({graph}, a and b skipped, as after deadline=0): a task that never started "
            "weighs 0"
        )

    @pytest.mark.rule("4.4")
    def test_max_concurrency_counts_overlapping_attempts(self, impl: ModuleType) -> None:
        given_results = [
            result(impl, "a", (0.0, 2.0)),
            result(impl, "b", (1.0, 3.0)),
            result(impl, "c", (1.5, 2.5)),
            result(impl, "d", (2.75, 4.0)),
        ]
        got = measured(impl, {"a": "", "b": "", "c": "", "d": ""}, given_results)
        expected = 3
        assert got["max_concurrency"] == expected, (
            "metrics(...).max_concurrency for attempts 0-2, 1-3, 1.5-2.5, 2.75-4"
        )

    @pytest.mark.rule("4.5")
    def test_touching_attempts_do_not_overlap(self, impl: ModuleType) -> None:
        given_results = [
            result(impl, "a", (0.0, 2.0)),
            result(impl, "b", (2.0, 3.0)),
            result(impl, "c", (3.0, 4.0)),
        ]
        got = measured(impl, {"a": "", "b": "", "c": ""}, given_results)["max_concurrency"]
        expected = 1
        assert got == expected, (
            "metrics(...).max_concurrency for attempts 0-2, 2-3, 3-4: spans are half-open "
            "[start, end), one ending at t and one starting at t do not overlap"
        )

    @pytest.mark.rule("4.4", "4.5")
    def test_the_wait_between_attempts_is_not_in_flight(self, impl: ModuleType) -> None:
        given_results = [
            result(impl, "a", (0.0, 1.0), (5.0, 6.0)),
            result(impl, "b", (2.0, 4.0)),
        ]
        got = measured(impl, {"a": "", "b": ""}, given_results)["max_concurrency"]
        expected = 1
        assert got == expected, (
            "metrics(...).max_concurrency: a tried 0-1 and 5-6, b ran 2-4; a task waiting to "
            "retry has no call in flight"
        )

    @pytest.mark.rule("4.6")
    def test_retries_per_task(self, impl: ModuleType) -> None:
        graph = {"a": "", "b": "", "c": "a", "d": ""}
        given_results = [
            result(impl, "a", (0.0, 1.0), (2.0, 3.0), (5.0, 6.0), status="failed"),
            result(impl, "b", (0.0, 1.0)),
            result(impl, "c"),
            result(impl, "d", (0.0, 1.0), (2.0, 3.0)),
        ]
        got = measured(impl, graph, given_results)["retries"]
        expected = {"a": 2, "d": 1}
        assert got == expected, (
            f"metrics({graph}, a: 3 attempts, b: 1, c: skipped, d: 2).retries: only tasks "
            "that were retried"
        )

    @pytest.mark.rule("4.1", "4.7")
    def test_prompt_example(self, impl: ModuleType, reference: ModuleType) -> None:
        given_tasks = prompt_example(reference, hang=True)
        outcome = run(reference, given_tasks, limit=4, backoff=reference.Backoff(jitter=0.0))
        assert outcome.results is not None
        got = measured_results(impl, given_tasks, outcome.results)
        expected = {
            "makespan": 11.0,
            "critical_path": 11.0,
            "max_concurrency": 2,
            "retries": {"fetch_b": 1},
        }
        assert got == expected, (
            "metrics(<the example of PROMPT.md with fetch_b hanging once>, <its run>)"
        )

    @pytest.mark.rule("4.8")
    def test_makespan_equals_the_critical_path_when_the_limit_allows(
        self, impl: ModuleType, reference: ModuleType, seed: int
    ) -> None:
        nodes = layered_dag(600, seed, width=30)
        results = run_virtual(reference.execute(nodes, TOOLS, limit=1_000))
        m = impl.metrics(nodes, results)
        got = (m.makespan, m.critical_path)
        expected = (critical_path(nodes), critical_path(nodes))
        assert got == expected, (
            f"metrics(<600 tasks, seed {seed}>, <the reference's run with limit 1000>): "
            "(makespan, critical_path); with slots to spare every task starts when its deps end"
        )

    @pytest.mark.rule("4.4", "4.6")
    def test_max_concurrency_of_a_run_is_what_the_tools_saw(
        self, impl: ModuleType, reference: ModuleType
    ) -> None:
        given_tasks = [
            task(reference, f"t{i}", takes=0.25 * (1 + i % 4), script="fo", retries=1)
            for i in range(20)
        ]
        outcome = run(reference, given_tasks, limit=3, backoff=reference.Backoff(jitter=0.0))
        assert outcome.results is not None
        m = impl.metrics(given_tasks, outcome.results)
        got = (m.max_concurrency, m.retries)
        expected = (outcome.peak, {f"t{i}": 1 for i in range(20)})
        assert got == expected, (
            f"metrics({shape(given_tasks)}, <the reference's run, limit=3>): (max_concurrency, retries)"
        )

    @pytest.mark.rule("4.9")
    def test_a_chain_of_ten_thousand_tasks_needs_no_deep_recursion(self, impl: ModuleType) -> None:
        # t00000 <- t00001 <- ... : a heaviest-chain recursion this deep overflows Python's stack.
        n = 10_000
        ids = [f"t{i:05d}" for i in range(n)]
        given_tasks = [
            impl.Task(id=tid, tool="search", deps=(ids[i - 1],) if i else ())
            for i, tid in enumerate(ids)
        ]
        given_results = {
            tid: result(impl, tid, (float(i), float(i + 1))) for i, tid in enumerate(ids)
        }
        got = plain(impl.metrics(given_tasks, given_results))
        expected = {
            "makespan": 10_000.0,
            "critical_path": 10_000.0,
            "max_concurrency": 1,
            "retries": {},
        }
        assert got == expected, (
            "metrics(<a chain of 10,000 tasks, each 1 s, one after the other>, <their results>)"
        )

    @pytest.mark.rule("4.9")
    def test_ten_thousand_tasks(self, impl: ModuleType, reference: ModuleType, seed: int) -> None:
        nodes = layered_dag(10_000, seed)
        results = run_virtual(reference.execute(nodes, TOOLS, limit=50))
        got = plain(impl.metrics(nodes, results))
        expected = plain(reference.metrics(nodes, results))
        assert got == expected, (
            f"metrics(<10,000 tasks, seed {seed}>, <the reference's run, limit=50>)"
        )

    @pytest.mark.rule("4.2", "4.3", "4.4", "4.6")
    @PROPERTY
    @given(data=st.data())
    def test_agrees_with_the_reference(
        self, impl: ModuleType, reference: ModuleType, data: st.DataObject
    ) -> None:
        spec = data.draw(scripted_dags())
        limit = data.draw(st.integers(1, 4))
        given_tasks = [
            task(reference, tid, *deps, takes=takes, script=script, retries=retries, timeout=3.0)
            for tid, deps, takes, script, retries in spec
        ]
        deadline = data.draw(st.sampled_from((None, 2.5, 6.0)))
        outcome = run(
            reference,
            given_tasks,
            limit=limit,
            deadline=deadline,
            backoff=reference.Backoff(base=0.5, jitter=0.0),
        )
        assert outcome.results is not None
        got = plain(impl.metrics(given_tasks, outcome.results))
        expected = plain(reference.metrics(given_tasks, outcome.results))
        assert got == expected, (
            f"metrics({shape(given_tasks)}, <the reference's run, limit={limit}, deadline={deadline}>)"
        )


@st.composite
def scripted_dags(draw: st.DrawFn) -> list[tuple[str, tuple[str, ...], float, str, int]]:
    """Up to 8 tasks that may fail a few times, retry, or hang (until a 3 s timeout)."""
    size = draw(st.integers(0, 8))
    spec = []
    for index in range(size):
        deps = draw(st.lists(st.integers(0, index - 1), max_size=2, unique=True)) if index else []
        takes = draw(st.sampled_from((0.25, 0.5, 1.0, 2.0)))
        script = draw(st.sampled_from(("o", "fo", "ffo", "f", "ho")))
        retries = draw(st.integers(0, 2))
        spec.append((f"t{index}", tuple(f"t{d}" for d in sorted(deps)), takes, script, retries))
    return spec
