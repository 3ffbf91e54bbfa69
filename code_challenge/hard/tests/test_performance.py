"""Benchmarks (run with --bench): your plan and executor beside the reference and the naive
baseline, in the same run. Wall-clock verdicts are ratios to the reference; the makespan verdict
is exact, measured in virtual time."""

from __future__ import annotations

from types import ModuleType

import pytest

from grading.core import Compare

from .workloads import TOOLS, critical_path, run_virtual, timed, wide_dag

WIDE_CHAINS, WIDE_LENGTH = 100, 10
# Each contender runs the 10,000-task DAG four times per measurement: allow for a busy machine,
# so that a slow executor gets a "too slow" verdict rather than a timeout.
BENCH_TIMEOUT = pytest.mark.timeout(60)


def makespan(module: ModuleType, nodes: list[object]) -> float:
    """Loop time `module.execute` takes on `nodes`, with a slot for every task."""
    _, took = run_virtual(timed(module.execute(nodes, TOOLS, limit=len(nodes))))
    return took


@BENCH_TIMEOUT
@pytest.mark.bench
@pytest.mark.part(1)
class TestPart1PlanBench:
    @pytest.mark.rule("1.10")
    def test_plan_is_as_fast_as_the_reference(self, compare: Compare) -> None:
        compare.run("plan")

    @pytest.mark.rule("1.10")
    def test_plan_of_a_wide_dag_is_as_fast_as_the_reference(self, compare: Compare) -> None:
        # Thousands of tasks available at once: the next smallest id must come off a heap.
        compare.run("plan_wide")


@BENCH_TIMEOUT
@pytest.mark.bench
@pytest.mark.part(2)
class TestPart2RunBench:
    @pytest.mark.rule("2.16")
    def test_scheduler_overhead_per_task_is_close_to_the_reference(self, compare: Compare) -> None:
        compare.run("scheduler_overhead")

    @pytest.mark.rule("2.15", "2.5")
    def test_makespan_on_a_wide_dag_is_the_critical_path(self, compare: Compare, seed: int) -> None:
        # Virtual time makes this verdict exact, so it needs no noise margin: with a slot for
        # every task, any makespan above the reference's (the critical path) is lost parallelism.
        nodes = wide_dag(WIDE_CHAINS, WIDE_LENGTH, seed)
        spans = {name: makespan(module, nodes) for name, module in compare.contenders.items()}
        ratio = spans["yours"] / spans["reference"]
        passed = ratio <= 1 + 1e-9
        compare.record(
            "makespan_wide_dag",
            measure="virtual time",
            ratio=ratio,
            passed=passed,
            verdict="ok" if passed else "longer makespan than the reference",
            size=len(nodes),
            naive_ratio=spans["naive"] / spans["reference"] if "naive" in spans else None,
            detail=(
                f"yours {spans['yours']:g} s, reference {spans['reference']:g} s "
                f"(the critical path, {critical_path(nodes):g} s)"
            ),
        )
        assert passed, (
            f"makespan_wide_dag: execute(<{WIDE_CHAINS} chains of {WIDE_LENGTH} tasks, seed {seed}>, "
            f"limit={len(nodes)}) took {spans['yours']:g} s of loop time, the critical path is "
            f"{spans['reference']:g} s: a task must start as soon as its own deps are done, "
            "not when a whole level is"
        )


@BENCH_TIMEOUT
@pytest.mark.bench
@pytest.mark.part(4)
class TestPart4MetricsBench:
    @pytest.mark.rule("4.9")
    def test_metrics_is_as_fast_as_the_reference(self, compare: Compare) -> None:
        compare.run("metrics")
