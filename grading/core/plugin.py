"""The pytest plugin's entry: options, markers, the run's state, and which tests run.

- `--impl starter|solution|naive|<path>` (or `PREP_IMPL`) picks the implementation under test.
- `--part N` runs one part; `--bench` adds the benchmark comparisons (week sessions pass it).
- `@pytest.mark.part(N)` ties a test to a part of the prompt; `@pytest.mark.bench` marks a
  comparison against the reference.

The rest of the plugin, one module a concern, loaded through `pytest_plugins` below:
fixtures.py (`impl`, `reference`, `design_doc`, `seed`), comparison.py (`compare`),
outcomes.py (each test's outcome, the candidate's guards), timeouts.py (the per-test alarm)
and summary.py (the scorecard and results JSON after the run). Logic lives in pure modules.
"""

from __future__ import annotations

import os
import signal
import threading
from dataclasses import dataclass, field

import pytest
from hypothesis import HealthCheck, Phase, settings

from grading.core import catalog, guards, loading
from grading.core.catalog import Exercise
from grading.core.results import BenchRecord, TestRecord

pytest_plugins = [
    "grading.core.fixtures",
    "grading.core.comparison",
    "grading.core.outcomes",
    "grading.core.timeouts",
    "grading.core.summary",
]

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

BENCH_TIMEOUT_SECONDS = 120


@dataclass
class RunState:
    """Everything one pytest run accumulates; kept in `config.stash`."""

    catalog: catalog.Catalog
    impl_choice: str
    seed: int
    bench: bool
    part: int | None
    tests: list[TestRecord] = field(default_factory=list)
    benches: list[BenchRecord] = field(default_factory=list)
    timed_out: set[tuple[str, int | None]] = field(default_factory=set)
    user_interrupted: bool = False  # set by our SIGINT handler: a Ctrl-C, not a candidate's raise
    memory_limit_mb: int = 0  # 0 when no guard could be set
    exercises: list[Exercise] = field(default_factory=list)
    impl_label: str = ""


STATE = pytest.StashKey[RunState]()
EXERCISE = pytest.StashKey[Exercise | None]()


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
        "rule(id, ...): the test pins these rules of PROMPT.md (the exercise's .meta/rules.toml)",
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
        part = part_of(item)
        if part is not None and part not in {p.number for p in exercise.parts}:
            raise pytest.UsageError(
                f"{item.nodeid} is marked part({part}), but {exercise.path} has parts "
                f"1..{len(exercise.parts)} in exercises.toml; fix the marker or the catalogue"
            )
        if item.get_closest_marker("timeout") is None and config.getoption("timeout", None) is None:
            # The catalogue's timeout, unless the command line or the test says otherwise; a
            # comparison runs every contender at four sizes, so it gets room on a busy machine.
            seconds = BENCH_TIMEOUT_SECONDS if is_bench(item) else exercise.timeout_seconds
            item.add_marker(pytest.mark.timeout(seconds))
        wanted = (state.part is None or part == state.part) and (state.bench or not is_bench(item))
        (keep if wanted else drop).append(item)
        if wanted and exercise not in state.exercises:
            state.exercises.append(exercise)
    if drop:
        config.hook.pytest_deselected(items=drop)
        items[:] = keep
    if not is_named(state.impl_choice) and len(state.exercises) > 1:
        names = ", ".join(e.path for e in state.exercises)
        raise pytest.UsageError(
            f"--impl {state.impl_choice} is a file, but this run covers {names}; run one exercise"
        )
    state.exercises.sort(key=state.catalog.exercises.index)
    for exercise in state.exercises:
        try:  # a choice that names no file is a usage error now, not a red test per test
            loading.resolve(
                state.impl_choice, exercise.directory(), cwd=config.invocation_params.dir
            )
        except loading.ImplNotFound as error:
            state.exercises.clear()  # nothing was graded: no scorecard, no results file
            raise pytest.UsageError(str(error)) from None


def is_named(choice: str) -> bool:
    return choice in loading.NAMED_IMPLS


def part_of(item: pytest.Item) -> int | None:
    marker = item.get_closest_marker("part")
    return int(marker.args[0]) if marker and marker.args else None


def is_bench(item: pytest.Item) -> bool:
    return item.get_closest_marker("bench") is not None


def exercise_of(request: pytest.FixtureRequest) -> Exercise:
    """The exercise of the test asking for a fixture; a UsageError outside any exercise."""
    exercise = request.config.stash[STATE].catalog.owning(request.path)
    if exercise is None:
        raise pytest.UsageError(
            f"{request.node.nodeid} is not inside an exercise of exercises.toml"
        )
    return exercise
