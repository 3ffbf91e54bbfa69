"""The `compare` fixture: the learner's implementation against the reference (and the naive
baseline) in the same run, over growing sizes, on time or on peak memory."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from types import ModuleType
from typing import Any, cast

import pytest

from grading.core import benchmarks, loading, workloads
from grading.core.fixtures import load_choice
from grading.core.plugin import STATE, exercise_of, part_of
from grading.core.results import BenchRecord

Call = Callable[[ModuleType, Any], object]


class Compare:
    """Measures the learner's implementation against the reference (and naive) in this run."""

    def __init__(self, request: pytest.FixtureRequest) -> None:
        self._request = request
        self._state = request.config.stash[STATE]
        self._exercise = exercise_of(request)
        self._part = part_of(cast(pytest.Item, request.node))
        self.contenders: dict[str, ModuleType] = {
            "yours": load_choice(request, self._state.impl_choice),
            "reference": load_choice(request, "solution"),
        }
        if (self._exercise.directory() / loading.NAMED_IMPLS["naive"]).is_file():
            self.contenders["naive"] = load_choice(request, "naive")

    def run(self, name: str) -> BenchRecord:
        """Run the workload `name` that the exercise declares (see grading/core/workloads.py)."""
        try:
            workload = workloads.find(self._exercise, name)
        except workloads.WorkloadError as error:
            raise pytest.UsageError(str(error)) from None
        seed = self._state.seed

        def make_input(n: int) -> Any:
            return workload.make_input(n, seed)

        if workload.measure == "memory":
            return self.memory(name, make_input, workload.call, workload.sizes)
        return self.speed(name, make_input, workload.call, workload.sizes, workload.target)

    def speed(
        self,
        name: str,
        make_input: Callable[[int], Any],
        call: Call,
        sizes: Sequence[int],
        target: str,
        repeats: int = 3,
    ) -> BenchRecord:
        """Time `call(module, make_input(n))` for every contender at each n; judge the ratio at the
        largest n and how it grew over the sizes, and report your growth exponent. Fails when
        yours is beyond the slower limit, or grows faster than the reference's (a worse class)."""
        best: dict[str, list[float]] = {name: [] for name in self.contenders}
        inputs: Any = None
        for size in sizes:
            inputs = make_input(size)
            thunks = {c: _bind(call, module, inputs) for c, module in self.contenders.items()}
            for contender, (fastest, _median) in benchmarks.time_interleaved(
                thunks, repeats
            ).items():
                best[contender].append(fastest)
        ratio = best["yours"][-1] / best["reference"][-1]
        growth = benchmarks.ratio_growth(sizes, best["yours"], best["reference"])
        verdict = benchmarks.speed_verdict(ratio, self._state.catalog.settings.slower_limit, growth)
        slope = benchmarks.growth_slope(sizes, best["yours"])
        naive_ratio = best["naive"][-1] / best["reference"][-1] if "naive" in best else None
        record = BenchRecord(
            exercise=self._exercise.path,
            part=self._part,
            name=name,
            measure="time",
            size=sizes[-1],
            ratio=ratio,
            verdict=verdict.label,
            passed=verdict.passed,
            naive_ratio=naive_ratio,
            slope=slope,
            growth=benchmarks.describe_growth(slope, target),
        )
        self._state.benches.append(record)
        self._history(call, inputs)
        assert verdict.passed, (
            f"{name}: {benchmarks.format_ratio(verdict)} at n={sizes[-1]:,} "
            f"(limit {self._state.catalog.settings.slower_limit}x; the ratio grows like "
            f"n^{growth:.2f} from n={sizes[0]:,}); {record.growth}"
        )
        return record

    def memory(
        self, name: str, make_input: Callable[[int], Any], call: Call, sizes: Sequence[int]
    ) -> BenchRecord:
        """Compare tracemalloc peaks of every contender at each n (a fresh input each time, so
        no contender pays for another's); judge the ratio at the largest n."""
        peaks: dict[str, list[int]] = {contender: [] for contender in self.contenders}
        for size in sizes:
            for contender, module in self.contenders.items():
                peaks[contender].append(
                    benchmarks.peak_memory(_bind(call, module, make_input(size)))
                )
        ratio = benchmarks.memory_ratio(peaks["yours"][-1], peaks["reference"][-1])
        floor = benchmarks.MEMORY_FLOOR_BYTES  # peaks under it are noise: they grow nothing
        growth = benchmarks.ratio_growth(
            sizes,
            [max(p, floor) for p in peaks["yours"]],
            [max(p, floor) for p in peaks["reference"]],
        )
        verdict = benchmarks.memory_verdict(
            ratio, self._state.catalog.settings.memory_limit, growth
        )
        naive_ratio = (
            benchmarks.memory_ratio(peaks["naive"][-1], peaks["reference"][-1])
            if "naive" in peaks
            else None
        )
        record = BenchRecord(
            exercise=self._exercise.path,
            part=self._part,
            name=name,
            measure="memory",
            size=sizes[-1],
            ratio=ratio,
            verdict=verdict.label,
            passed=verdict.passed,
            naive_ratio=naive_ratio,
            growth=benchmarks.describe_memory_growth(sizes, peaks["yours"]),
        )
        self._state.benches.append(record)
        assert verdict.passed, (
            f"{name}: peak memory {benchmarks.format_ratio(verdict)} at n={sizes[-1]:,} "
            f"(limit {self._state.catalog.settings.memory_limit}x; the ratio grows like "
            f"n^{growth:.2f}); {record.growth}"
        )
        return record

    def record(
        self,
        name: str,
        measure: str,
        ratio: float,
        passed: bool,
        verdict: str,
        size: int = 0,
        naive_ratio: float | None = None,
        detail: str = "",
    ) -> BenchRecord:
        """Record a verdict measured by the test itself: a deterministic count (operations,
        virtual time) that needs no timing. It joins the scorecard's benchmark table; the test
        still asserts on it."""
        record = BenchRecord(
            exercise=self._exercise.path,
            part=self._part,
            name=name,
            measure=measure,
            size=size,
            ratio=ratio,
            verdict=verdict,
            passed=passed,
            naive_ratio=naive_ratio,
            growth=detail,
        )
        self._state.benches.append(record)
        return record

    def _history(self, call: Call, inputs: Any) -> None:
        """Hand your implementation to pytest-benchmark too: its table and saved history
        (--benchmark-autosave / --benchmark-compare) track your attempts across runs."""
        if self._request.config.getoption("benchmark_disable", False):
            return  # asking for the fixture anyway would only earn an "unused fixture" warning
        benchmark = self._request.getfixturevalue("benchmark")
        benchmark.group = f"{self._exercise.path} · part {self._part}"
        benchmark.pedantic(call, args=(self.contenders["yours"], inputs), rounds=3, iterations=1)


def _bind(call: Call, module: ModuleType, inputs: Any) -> Callable[[], object]:
    return lambda: call(module, inputs)


@pytest.fixture
def compare(request: pytest.FixtureRequest) -> Compare:
    """Same-run comparisons of the implementation under test with the reference and naive."""
    return Compare(request)
