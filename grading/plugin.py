"""The pytest plugin: options, markers, fixtures and hooks. Logic lives in the pure modules.

- `--impl starter|solution|naive|<path>` (or `PREP_IMPL`) picks the implementation under test.
- `--part N` runs one part; `--bench` adds the benchmark comparisons (week sessions pass it).
- `@pytest.mark.part(N)` ties a test to a part of the prompt; `@pytest.mark.bench` marks a
  comparison against the reference.
- After the run: the scorecard, and one results JSON per exercise in `.prep/results/`.
"""

from __future__ import annotations

import os
import signal
import threading
from collections.abc import Callable, Generator, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from types import ModuleType
from typing import Any, cast

import pytest
from hypothesis import HealthCheck, Phase, settings

from grading import benchmarks, catalog, guards, loading, results, scorecard, workloads
from grading.catalog import Exercise
from grading.results import BenchRecord, Outcome, TestRecord

# Grading must be reproducible: the same examples, in the same order, on every machine.
settings.register_profile(
    "grading",
    derandomize=True,
    database=None,
    deadline=None,
    print_blob=False,
    # `impl` and `reference` are function-scoped but never change between examples.
    suppress_health_check=[
        HealthCheck.too_slow,
        HealthCheck.data_too_large,
        HealthCheck.function_scoped_fixture,
    ],
    # No explain phase: it costs seconds per failing property, and the shrunk example says enough.
    phases=[Phase.explicit, Phase.reuse, Phase.generate, Phase.target, Phase.shrink],
)

MESSAGE_WIDTH = 160
BENCH_TIMEOUT_SECONDS = 120
OUTCOME_PROPERTY = "prep_outcome"
QUIET_OUTCOMES = {"not_started": "not started", "import_error": "crashed on import"}


@dataclass
class RunState:
    """Everything one pytest run accumulates; kept in `config.stash`."""

    catalog: catalog.Catalog
    impl_choice: str
    seed: int
    bench: bool
    part: int | None
    modules: dict[Path, ModuleType | loading.ImplImportError] = field(default_factory=dict)
    tests: list[TestRecord] = field(default_factory=list)
    benches: list[BenchRecord] = field(default_factory=list)
    timed_out: set[tuple[str, int | None]] = field(default_factory=set)
    user_interrupted: bool = False  # set by our SIGINT handler: a Ctrl-C, not a candidate's raise
    memory_limit_mb: int = 0  # 0 when no guard could be set
    exercises: list[Exercise] = field(default_factory=list)
    impl_label: str = ""


STATE = pytest.StashKey[RunState]()
EXERCISE = pytest.StashKey[Exercise | None]()


def pytest_addoption(parser: pytest.Parser) -> None:
    group = parser.getgroup("prep", "interview-prep grading")
    group.addoption(
        "--impl",
        default=os.environ.get("PREP_IMPL") or "starter",
        help="implementation under test: starter (default), solution, naive, or a path to a .py file "
        "(default from PREP_IMPL)",
    )
    group.addoption("--part", type=int, default=None, help="run only the tests of this part")
    group.addoption(
        "--bench",
        action="store_true",
        default=False,
        help="also run the benchmark comparisons against the reference",
    )


def pytest_configure(config: pytest.Config) -> None:
    config.addinivalue_line(
        "markers", "part(n): the test grades part n of the exercise's PROMPT.md"
    )
    config.addinivalue_line(
        "markers", "bench: a same-run performance comparison (runs with --bench)"
    )
    config.addinivalue_line(
        "markers",
        "bound: checks a resource bound (memory, operations) that the naive baseline breaks by design",
    )
    settings.load_profile("grading")
    try:
        loaded = catalog.load()
    except catalog.CatalogError as error:
        raise pytest.UsageError(str(error)) from None
    seed = int(os.environ.get("PREP_SEED") or loaded.settings.seed)
    state = config.stash[STATE] = RunState(
        catalog=loaded,
        impl_choice=config.getoption("impl"),
        seed=seed,
        bench=config.getoption("bench"),
        part=config.getoption("part"),
    )
    limit = guards.memory_limit_mb()
    if guards.set_memory_limit(limit):
        state.memory_limit_mb = limit
    if threading.current_thread() is threading.main_thread():

        def on_ctrl_c(signum: int, frame: object) -> None:
            state.user_interrupted = True
            raise KeyboardInterrupt

        signal.signal(signal.SIGINT, on_ctrl_c)


def pytest_report_header(config: pytest.Config) -> str:
    state = config.stash[STATE]
    return (
        f"prep: impl={state.impl_choice} · seed={state.seed} · hypothesis profile=grading "
        f"(derandomized) · benchmarks {'on' if state.bench else 'off (add --bench)'}"
    )


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    state = config.stash[STATE]
    keep: list[pytest.Item] = []
    drop: list[pytest.Item] = []
    for item in items:
        exercise = state.catalog.owning(item.path)
        item.stash[EXERCISE] = exercise
        if exercise is None:
            keep.append(item)
            continue
        part = _part_of(item)
        if part is not None and part not in {p.number for p in exercise.parts}:
            raise pytest.UsageError(
                f"{item.nodeid} is marked part({part}), but {exercise.path} has parts "
                f"1..{len(exercise.parts)} in exercises.toml; fix the marker or the catalogue"
            )
        if item.get_closest_marker("timeout") is None and config.getoption("timeout", None) is None:
            # The catalogue's timeout, unless the command line or the test says otherwise; a
            # comparison runs every contender at four sizes, so it gets room on a busy machine.
            seconds = BENCH_TIMEOUT_SECONDS if _is_bench(item) else exercise.timeout_seconds
            item.add_marker(pytest.mark.timeout(seconds))
        wanted = (state.part is None or part == state.part) and (state.bench or not _is_bench(item))
        (keep if wanted else drop).append(item)
        if wanted and exercise not in state.exercises:
            state.exercises.append(exercise)
    if drop:
        config.hook.pytest_deselected(items=drop)
        items[:] = keep
    if not _is_named(state.impl_choice) and len(state.exercises) > 1:
        names = ", ".join(e.path for e in state.exercises)
        raise pytest.UsageError(
            f"--impl {state.impl_choice} is a file, but this run covers {names}; run one exercise"
        )
    state.exercises.sort(key=state.catalog.exercises.index)
    for exercise in state.exercises:
        try:
            loading.resolve(
                state.impl_choice, exercise.directory(), cwd=config.invocation_params.dir
            )
        except loading.ImplNotFound as error:
            state.exercises.clear()  # nothing was graded: no scorecard, no results file
            raise pytest.UsageError(str(error)) from None


def _is_named(choice: str) -> bool:
    return choice in loading.NAMED_IMPLS


def _part_of(item: pytest.Item) -> int | None:
    marker = item.get_closest_marker("part")
    return int(marker.args[0]) if marker and marker.args else None


def _is_bench(item: pytest.Item) -> bool:
    return item.get_closest_marker("bench") is not None


# --- fixtures ----------------------------------------------------------------------------------


def _exercise_of(request: pytest.FixtureRequest) -> Exercise:
    exercise = request.config.stash[STATE].catalog.owning(request.path)
    if exercise is None:
        raise pytest.UsageError(
            f"{request.node.nodeid} is not inside an exercise of exercises.toml"
        )
    return exercise


def _load(state: RunState, path: Path) -> ModuleType:
    cached = state.modules.get(path)
    if cached is None:
        try:
            cached = loading.load(path)
        except loading.ImplImportError as error:
            cached = error
        state.modules[path] = cached
    if isinstance(cached, loading.ImplImportError):
        raise cached
    return cached


def _load_choice(request: pytest.FixtureRequest, choice: str) -> ModuleType:
    state = request.config.stash[STATE]
    exercise = _exercise_of(request)
    try:
        path = loading.resolve(
            choice, exercise.directory(), cwd=request.config.invocation_params.dir
        )
    except loading.ImplNotFound as error:
        raise pytest.UsageError(str(error)) from None
    return _load(state, path)


# Module scope, so that a test module may build module-scoped fixtures on them (train a model
# once, not once per test). Imports are cached per run whatever the scope.
@pytest.fixture(scope="module")
def impl(request: pytest.FixtureRequest) -> ModuleType:
    """The implementation under test (the learner's starter unless --impl says otherwise)."""
    return _load_choice(request, request.config.stash[STATE].impl_choice)


@pytest.fixture(scope="module")
def reference(request: pytest.FixtureRequest) -> ModuleType:
    """The reference solution: the oracle for property tests."""
    return _load_choice(request, "solution")


@pytest.fixture(scope="module")
def design_doc(request: pytest.FixtureRequest, impl: ModuleType) -> Path:
    """The design document graded with this implementation: the reference design for the
    solution and for candidates kept in `.meta/` (its variants), else the learner's design.md.
    Depends on `impl`, so a candidate that cannot be imported fails its design parts too."""
    exercise = _exercise_of(request)
    state = request.config.stash[STATE]
    chosen = loading.resolve(
        state.impl_choice, exercise.directory(), cwd=request.config.invocation_params.dir
    )
    meta = exercise.directory() / ".meta"
    if chosen.resolve().is_relative_to(meta.resolve()):
        return meta / "reference_design.md"
    return exercise.directory() / "design.md"


@pytest.fixture(scope="session")
def seed(request: pytest.FixtureRequest) -> int:
    """The run's seed (exercises.toml, or PREP_SEED); printed in the header."""
    return request.config.stash[STATE].seed


Call = Callable[[ModuleType, Any], object]


class Compare:
    """Measures the learner's implementation against the reference (and naive) in this run."""

    def __init__(self, request: pytest.FixtureRequest) -> None:
        self._request = request
        self._state = request.config.stash[STATE]
        self._exercise = _exercise_of(request)
        self._part = _part_of(cast(pytest.Item, request.node))
        self.contenders: dict[str, ModuleType] = {
            "yours": _load_choice(request, self._state.impl_choice),
            "reference": _load_choice(request, "solution"),
        }
        naive = self._exercise.directory() / loading.NAMED_IMPLS["naive"]
        if naive.is_file():
            self.contenders["naive"] = _load(self._state, naive)

    def run(self, name: str) -> BenchRecord:
        """Run the workload `name` that the exercise declares (see grading/workloads.py)."""
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
        largest n and report your growth exponent. Fails when yours is beyond the slower limit."""
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
        verdict = benchmarks.speed_verdict(ratio, self._state.catalog.settings.slower_limit)
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
            f"(limit {self._state.catalog.settings.slower_limit}x); {record.growth}"
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
        verdict = benchmarks.memory_verdict(ratio, self._state.catalog.settings.memory_limit)
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
            f"(limit {self._state.catalog.settings.memory_limit}x); {record.growth}"
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


# --- outcomes ----------------------------------------------------------------------------------


@pytest.hookimpl(wrapper=True)
def pytest_runtest_setup(item: pytest.Item) -> Generator[None, object, object]:
    exercise = item.stash.get(EXERCISE, None)
    if (
        exercise is not None
        and (exercise.path, _part_of(item)) in item.config.stash[STATE].timed_out
    ):
        pytest.skip(f"not run: an earlier test of part {_part_of(item)} timed out")
    # The candidate is imported during setup (the `impl` fixture): guard it like a call.
    return (yield from _guarded(item))


@pytest.hookimpl(wrapper=True)
def pytest_runtest_call(item: pytest.Item) -> Generator[None, object, object]:
    return (yield from _guarded(item))


def _guarded(item: pytest.Item) -> Generator[None, object, object]:
    """Run one test phase with the candidate's escape hatches closed and global state put back."""
    if item.stash.get(EXERCISE, None) is None:
        return (yield)
    modules = guards.watched_modules()
    before = guards.take(modules)
    item.stash[RUNNING] = True
    try:
        with guards.no_hard_exit():
            result = yield
    except KeyboardInterrupt:
        if item.config.stash[STATE].user_interrupted:
            raise
        raise guards.CandidateError(
            "raised KeyboardInterrupt; only the person at the keyboard may stop the run"
        ) from None
    finally:
        item.stash[RUNNING] = False
        found = guards.changes(before, modules)
        guards.restore(before, modules)
    if found:
        raise guards.CandidateError("; ".join(found) + " (put back by the grader)")
    return result


@pytest.hookimpl(wrapper=True)
def pytest_runtest_makereport(
    item: pytest.Item, call: pytest.CallInfo[None]
) -> Generator[None, pytest.TestReport, pytest.TestReport]:
    report = yield
    exercise = item.stash.get(EXERCISE, None)
    if exercise is None or report.when == "teardown":
        return report
    report.sections = [(title, guards.truncate(text)) for title, text in report.sections]
    if report.when == "setup" and report.passed:
        return report
    state = item.config.stash[STATE]
    part = _part_of(item)
    outcome, message = _classify(report, call)
    limit = item.stash.get(TIMED_OUT, None)
    if limit is not None and outcome != "timed_out":
        # The timeout fired but another error surfaced: the test turned it into that error
        # (`except impl.PlanError` where PlanError is no class raises TypeError) and went on.
        outcome, message = "timed_out", f"{report.head_line or 'a test'} ran >{limit:.1f}s"
    # A slow benchmark says nothing about correctness: only a correctness test's timeout stops
    # the rest of its part.
    if outcome == "timed_out" and not _is_bench(item):
        state.timed_out.add((exercise.path, part))
    if outcome in ("not_started", "import_error", "timed_out"):
        # One line instead of a traceback: the scorecard says the rest.
        report.longrepr = f"{message}: {scorecard.TIMED_OUT}" if outcome == "timed_out" else message
        report.user_properties.append((OUTCOME_PROPERTY, outcome))
    if outcome == "not_started" and part is not None and exercise.part(part).stretch:
        report.outcome = "skipped"
        report.longrepr = (
            str(item.path),
            item.location[1] or 0,
            f"Skipped: {message} (stretch, optional)",
        )
    state.tests.append(
        TestRecord(
            nodeid=item.nodeid,
            exercise=exercise.path,
            part=part,
            bench=_is_bench(item),
            outcome=outcome,
            message=message,
            seconds=report.duration,
            bound=item.get_closest_marker("bound") is not None,
        )
    )
    return report


def pytest_report_teststatus(report: pytest.TestReport) -> tuple[str, str, str] | None:
    """Untouched and uncompilable code gets its own category: still a failure for the exit
    code, but listed once in the scorecard instead of once per test under FAILURES."""
    outcome = dict(report.user_properties).get(OUTCOME_PROPERTY)
    if report.failed and outcome in QUIET_OUTCOMES:
        word = QUIET_OUTCOMES[outcome]
        return word, "n" if outcome == "not_started" else "E", word.upper()
    return None


class TestTimedOut(BaseException):
    """A test ran past its timeout. A BaseException, unlike pytest-timeout's own `pytest.fail`:
    Hypothesis catches Failed and re-runs the example to shrink it, and once the one-shot alarm
    has fired, that re-run of an endless loop hung the whole run (6 of 21 shuffled runs)."""

    __test__ = False


TIMER = pytest.StashKey[object]()
TIMED_OUT = pytest.StashKey[float]()  # the limit, once the alarm has fired for this test
RUNNING = pytest.StashKey[bool]()  # a setup or call phase, where the candidate's code may run


@pytest.hookimpl(tryfirst=True)
def pytest_timeout_set_timer(item: pytest.Item, settings: Any) -> bool | None:
    """pytest-timeout's signal method, for exercise tests, raising TestTimedOut."""
    if item.stash.get(EXERCISE, None) is None or settings.method != "signal":
        return None
    if threading.current_thread() is not threading.main_thread():
        return None

    def on_alarm(signum: int, frame: object) -> None:
        if TIMED_OUT in item.stash and not item.stash.get(RUNNING, False):
            return  # a repeat while pytest writes its report: the candidate is not running
        item.stash[TIMED_OUT] = settings.timeout
        raise TestTimedOut(f"Timeout (>{settings.timeout:.1f}s) from pytest-timeout.")

    item.stash[TIMER] = signal.signal(signal.SIGALRM, on_alarm)
    # The alarm repeats until the test ends: a test that catches the first TestTimedOut as
    # another error and calls the candidate again (Hypothesis replaying the example) is stopped
    # again instead of hanging the run (1 of 21 shuffled runs of the infinite-loop candidate).
    signal.setitimer(signal.ITIMER_REAL, settings.timeout, settings.timeout)
    return True


@pytest.hookimpl(tryfirst=True)
def pytest_timeout_cancel_timer(item: pytest.Item) -> bool | None:
    if TIMER not in item.stash:
        return None
    signal.setitimer(signal.ITIMER_REAL, 0)
    signal.signal(signal.SIGALRM, signal.SIG_DFL)
    del item.stash[TIMER]
    return True


def _classify(report: pytest.TestReport, call: pytest.CallInfo[None]) -> tuple[Outcome, str]:
    if report.passed:
        return "passed", ""
    if report.skipped:
        longrepr = report.longrepr
        reason = longrepr[2] if isinstance(longrepr, tuple) else str(longrepr)
        return "skipped", reason.removeprefix("Skipped: ")
    excinfo = call.excinfo
    if excinfo is not None:
        error = excinfo.value
        if isinstance(error, loading.ImplImportError):
            return "import_error", error.failure.describe()
        if _contains(error, NotImplementedError):
            return "not_started", f"not started: {_origin(excinfo)} raises NotImplementedError"
        if isinstance(error, MemoryError):
            return (
                "failed",
                f"{report.head_line or 'a test'} ran out of memory under the guard: probable unbounded allocation",
            )
        if isinstance(error, SystemExit):
            return (
                "failed",
                f"called sys.exit({error.code!r}): a function must return, not end the program",
            )
        if isinstance(error, TestTimedOut | pytest.fail.Exception) and str(error).startswith(
            "Timeout"
        ):
            limit = str(error).split(")", 1)[0].removeprefix("Timeout (")
            return "timed_out", f"{report.head_line or 'a test'} ran {limit}"
    return "failed", _first_line(report)


def _contains(error: BaseException, kind: type[BaseException]) -> bool:
    """True if `error` is `kind`, or an exception group (Hypothesis) made only of `kind`."""
    if isinstance(error, BaseExceptionGroup):
        return all(_contains(inner, kind) for inner in error.exceptions)
    return isinstance(error, kind)


def _origin(excinfo: pytest.ExceptionInfo[BaseException]) -> str:
    """The function that raised: the innermost frame of the traceback."""
    entry = excinfo.traceback[-1]
    return f"{entry.name}()"


def _first_line(report: pytest.TestReport) -> str:
    crash = getattr(report.longrepr, "reprcrash", None)
    text = crash.message if crash is not None else str(report.longrepr)
    lines = [part.strip() for part in text.splitlines() if part.strip()] or ["failed"]
    line = lines[0].removeprefix("AssertionError: ")
    if len(lines) > 1 and lines[1].startswith("assert ") and not line.startswith("assert "):
        line += f" — {lines[1]}"  # the message names the call; pytest's line says got vs expected
    return line if len(line) <= MESSAGE_WIDTH else line[: MESSAGE_WIDTH - 1] + "…"


# --- after the run -----------------------------------------------------------------------------


@pytest.hookimpl(trylast=True)
def pytest_terminal_summary(terminalreporter: pytest.TerminalReporter) -> None:
    state = terminalreporter.config.stash[STATE]
    if not state.exercises:
        return
    card = scorecard.build(state.exercises, state.tests, state.benches)
    writer = terminalreporter._tw
    terminalreporter.write_sep("=", "prep scorecard")
    terminalreporter.write(
        scorecard.render(card, width=max(writer.fullwidth, 80), color=writer.hasmarkup)
    )
    finished = datetime.now(UTC)
    for exercise in state.exercises:
        document = results.to_json(
            exercise=exercise.path,
            impl=state.impl_choice,
            seed=state.seed,
            tests=[t for t in state.tests if t.exercise == exercise.path],
            parts=[_part_json(line) for line in card.parts if line.exercise == exercise],
            benches=[b for b in state.benches if b.exercise == exercise.path],
            finished_at=finished,
        )
        path = results.write(document)
        terminalreporter.write_line(f"results: {_display(path)}")


def _part_json(line: scorecard.PartLine) -> dict[str, Any]:
    return {
        "number": line.number,
        "title": line.title,
        "stretch": line.stretch,
        "state": line.state,
        "passed": line.passed,
        "total": line.total,
        "summary": line.summary,
        "detail": line.detail,
    }


def _display(path: Path) -> str:
    try:
        return str(path.relative_to(Path.cwd()))
    except ValueError:
        return str(path)
