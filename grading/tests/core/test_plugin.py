"""Direct tests of plugin functions with tiny fakes: no subprocess, no timing, no tracemalloc.

The end-to-end suite (test_plugin_end_to_end.py) drives real pytest runs; these pin the pieces
whose exact output those runs only glance at: one-line messages, verdict arithmetic, report
rewriting and what the after-run summary writes.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Mapping
from pathlib import Path
from types import ModuleType, SimpleNamespace
from typing import Any, cast

import pytest

from grading.core import (
    catalog,
    comparison,
    fixtures,
    outcomes,
    plugin,
    scorecard,
    summary,
    timeouts,
)
from grading.core.catalog import Exercise, Part, Settings
from grading.core.results import TestRecord

TOY = Exercise(
    path="code_challenge/toy",
    title="Toy",
    weeks=(0,),
    minutes=30,
    parts=(Part(1, "Add", False), Part(2, "Extra", True)),
    timeout_seconds=2.0,
)
SETTINGS = Settings(timeout_seconds=2.0, slower_limit=3.0, memory_limit=4.0, seed=7)


def make_state(impl_choice: str = "starter", fake_catalog: object = None) -> plugin.RunState:
    used = fake_catalog if fake_catalog is not None else SimpleNamespace(settings=SETTINGS)
    return plugin.RunState(
        catalog=cast(catalog.Catalog, used), impl_choice=impl_choice, seed=7, bench=True, part=None
    )


# --- _first_line and _classify --------------------------------------------------------------


def crash_report(message: str) -> pytest.TestReport:
    report = pytest.TestReport("t.py::test_x", ("t.py", 1, "test_x"), {}, "failed", None, "call")
    report.longrepr = cast(Any, SimpleNamespace(reprcrash=SimpleNamespace(message=message)))
    return report


def test_first_line_joins_the_message_and_pytest_s_assert_line() -> None:
    report = crash_report("AssertionError: add(2, 3)\nassert 4 == 5")
    assert outcomes._first_line(report) == "add(2, 3) — assert 4 == 5", (
        "a two-line crash (message, then pytest's assert line) reads as one line"
    )


def test_first_line_cuts_a_long_message_to_exactly_message_width() -> None:
    report = crash_report("x" * 500)
    line = outcomes._first_line(report)
    assert len(line) == outcomes.MESSAGE_WIDTH, (
        f"expected {outcomes.MESSAGE_WIDTH} chars, got {len(line)}"
    )
    assert line == "x" * (outcomes.MESSAGE_WIDTH - 1) + "…", (
        "the cut keeps WIDTH-1 chars and an ellipsis"
    )


def call_raising(error: BaseException) -> pytest.CallInfo[None]:
    def boom() -> None:
        raise error

    return pytest.CallInfo.from_call(boom, when="call")


def test_classify_names_the_time_limit_a_test_ran_past() -> None:
    report = pytest.TestReport(
        "t.py::TestPart1::test_adds", ("t.py", 3, "TestPart1.test_adds"), {}, "failed", None, "call"
    )
    call = call_raising(timeouts.TestTimedOut("Timeout (>1.0s) from pytest-timeout."))
    assert outcomes._classify(report, call) == ("timed_out", "TestPart1.test_adds ran >1.0s"), (
        "the timeout message keeps the '>1.0s' limit from pytest-timeout's text"
    )


# --- pytest_report_teststatus ---------------------------------------------------------------


def quiet_report(outcome: str) -> Any:
    return SimpleNamespace(failed=True, user_properties=[(outcomes.OUTCOME_PROPERTY, outcome)])


def test_not_started_gets_letter_n_and_import_error_letter_e() -> None:
    assert outcomes.pytest_report_teststatus(quiet_report("not_started")) == (
        "not started",
        "n",
        "NOT STARTED",
    ), "an untouched starter shows as 'n' in the progress line"
    assert outcomes.pytest_report_teststatus(quiet_report("import_error")) == (
        "crashed on import",
        "E",
        "CRASHED ON IMPORT",
    ), "a candidate that cannot be imported shows as 'E'"


# --- pytest_runtest_makereport --------------------------------------------------------------


class FakeItem:
    def __init__(self, state: plugin.RunState, part: int) -> None:
        self.stash: dict[object, object] = {plugin.EXERCISE: TOY}
        self.config = SimpleNamespace(stash={plugin.STATE: state})
        self.nodeid = f"code_challenge/toy/tests/test_toy.py::TestPart{part}::test_it"
        self.path = Path("code_challenge/toy/tests/test_toy.py")
        self.location = ("code_challenge/toy/tests/test_toy.py", 9, f"TestPart{part}.test_it")
        self._marks = {"part": pytest.mark.part(part).mark}

    def get_closest_marker(self, name: str) -> object:
        return self._marks.get(name)


def make_report(item: FakeItem) -> pytest.TestReport:
    return pytest.TestReport(item.nodeid, item.location, {}, "failed", "traceback", "call")


def drive_makereport(
    item: FakeItem, call: pytest.CallInfo[None], report: pytest.TestReport
) -> pytest.TestReport:
    wrapper = outcomes.pytest_runtest_makereport(cast(pytest.Item, item), call)
    next(wrapper)
    with pytest.raises(StopIteration) as stop:
        wrapper.send(report)
    return cast(pytest.TestReport, stop.value.value)


def not_started_call() -> pytest.CallInfo[None]:
    def add() -> None:
        raise NotImplementedError

    return pytest.CallInfo.from_call(add, when="call")


def test_a_timed_out_test_reads_one_line_ending_in_the_timed_out_sentence() -> None:
    item = FakeItem(make_state(), part=1)
    call = call_raising(timeouts.TestTimedOut("Timeout (>1.0s) from pytest-timeout."))
    report = drive_makereport(item, call, make_report(item))
    assert report.longrepr == f"TestPart1.test_it ran >1.0s: {scorecard.TIMED_OUT}", (
        f"got {report.longrepr!r}"
    )


def test_a_not_started_test_reads_one_line_without_the_timed_out_sentence() -> None:
    item = FakeItem(make_state(), part=1)
    report = drive_makereport(item, not_started_call(), make_report(item))
    assert report.longrepr == "not started: add() raises NotImplementedError", (
        f"got {report.longrepr!r}"
    )
    assert report.outcome == "failed", "a required part left untouched still fails"


def test_an_untouched_stretch_part_is_skipped_as_optional() -> None:
    item = FakeItem(make_state(), part=2)
    report = drive_makereport(item, not_started_call(), make_report(item))
    assert report.outcome == "skipped", "an untouched stretch part must not fail the run"
    assert isinstance(report.longrepr, tuple)
    assert report.longrepr[2] == (
        "Skipped: not started: add() raises NotImplementedError (stretch, optional)"
    ), f"got {report.longrepr!r}"


def test_a_wrong_answer_in_a_stretch_part_still_fails() -> None:
    item = FakeItem(make_state(), part=2)
    call = call_raising(AssertionError("add(2, 3)"))
    report = drive_makereport(item, call, make_report(item))
    assert report.outcome == "failed", "only an untouched stretch part is skipped, not a wrong one"


# --- the design_doc fixture -------------------------------------------------------------------


def test_design_doc_is_the_reference_design_for_the_solution(tmp_path: Path) -> None:
    folder = tmp_path / "code_challenge" / "toy"
    (folder / ".meta").mkdir(parents=True)
    (folder / ".meta" / "solution.py").write_text("")
    (folder / "starter.py").write_text("")
    exercise = SimpleNamespace(path="code_challenge/toy", directory=lambda: folder)
    fake_catalog = SimpleNamespace(owning=lambda path: exercise)
    design_doc = cast(Callable[..., Path], fixtures.design_doc.__wrapped__)
    for choice, expected in [
        ("solution", folder / ".meta" / "reference_design.md"),
        ("starter", folder / "design.md"),
    ]:
        request = SimpleNamespace(
            config=SimpleNamespace(
                stash={plugin.STATE: make_state(choice, fake_catalog)},
                invocation_params=SimpleNamespace(dir=tmp_path),
            ),
            path=folder / "tests" / "test_toy.py",
        )
        assert design_doc(request, ModuleType("impl")) == expected, f"--impl {choice}"


# --- Compare: the arithmetic, with fake timings and peaks -----------------------------------

SIZES = [1_000, 2_000, 4_000]


def contender(values: Mapping[int, float]) -> ModuleType:
    module = ModuleType("contender")
    module.values = dict(values)  # type: ignore[attr-defined]
    return module


def read_value(module: ModuleType, n: Any) -> object:
    return module.values[n]


def fake_compare(yours: Mapping[int, float], unit: float = 1.0) -> comparison.Compare:
    """Reference 1, 2, 4 and naive 10, 20, 40 (times `unit`) at SIZES; yours as given."""
    compare = comparison.Compare.__new__(comparison.Compare)
    compare._request = cast(
        pytest.FixtureRequest,
        SimpleNamespace(config=SimpleNamespace(getoption=lambda name, default=None: True)),
    )
    compare._state = make_state()
    compare._exercise = TOY
    compare._part = 1
    compare.contenders = {
        "yours": contender({n: v * unit for n, v in yours.items()}),
        "reference": contender({1_000: 1 * unit, 2_000: 2 * unit, 4_000: 4 * unit}),
        "naive": contender({1_000: 10 * unit, 2_000: 20 * unit, 4_000: 40 * unit}),
    }
    return compare


@pytest.fixture
def fake_timer(monkeypatch: pytest.MonkeyPatch) -> None:
    """Each contender's "time" at n is the value its fake module holds for n."""

    def time_interleaved(
        thunks: Mapping[str, Callable[[], object]], repeats: int = 5
    ) -> dict[str, tuple[float, float]]:
        return {name: (cast(float, t()), cast(float, t())) for name, t in thunks.items()}

    monkeypatch.setattr(comparison.benchmarks, "time_interleaved", time_interleaved)


@pytest.mark.usefixtures("fake_timer")
def test_speed_ratios_use_the_largest_size() -> None:
    compare = fake_compare({1_000: 1.0, 2_000: 2.0, 4_000: 8.0})
    record = compare.speed("total", lambda n: n, read_value, SIZES, "O(n)")
    assert record.ratio == 2.0, f"yours 8 / reference 4 at n=4,000; got {record.ratio}"
    assert record.naive_ratio == 10.0, (
        f"naive 40 / reference 4 at n=4,000; got {record.naive_ratio}"
    )
    assert record.size == 4_000 and record.passed


@pytest.mark.usefixtures("fake_timer")
def test_speed_failure_names_the_largest_size() -> None:
    compare = fake_compare({1_000: 1.0, 2_000: 2.0, 4_000: 40.0})
    with pytest.raises(AssertionError) as failure:
        compare.speed("total", lambda n: n, read_value, SIZES, "O(n)")
    message = str(failure.value)
    assert (
        "total: 10.0x reference — too slow at n=4,000 (limit 3.0x; the ratio grows like n^"
        in message
    ), message


@pytest.mark.usefixtures("fake_timer")
def test_a_ratio_under_the_limit_that_grows_with_n_fails_as_a_worse_class() -> None:
    compare = fake_compare({1_000: 1.0, 2_000: 4.0, 4_000: 10.0})  # ratios 1x, 2x, 2.5x
    with pytest.raises(AssertionError) as failure:
        compare.speed("total", lambda n: n, read_value, SIZES, "O(n)")
    message = str(failure.value)
    assert "2.5x reference — grows faster than reference at n=4,000" in message, message
    assert "the ratio grows like n^0.66 from n=1,000" in message, message


def test_memory_ratios_use_the_largest_size(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(comparison.benchmarks, "peak_memory", lambda thunk: thunk())
    compare = fake_compare({1_000: 1, 2_000: 2, 4_000: 6}, unit=1024 * 1024)  # MiB, above the floor
    record = compare.memory("total", lambda n: n, read_value, SIZES)
    assert record.ratio == 1.5, f"yours 6 MiB / reference 4 MiB at n=4,000; got {record.ratio}"
    assert record.naive_ratio == 10.0, (
        f"naive 40 MiB / reference 4 MiB at n=4,000; got {record.naive_ratio}"
    )


def test_memory_failure_names_the_largest_size(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(comparison.benchmarks, "peak_memory", lambda thunk: thunk())
    compare = fake_compare({1_000: 1, 2_000: 2, 4_000: 40}, unit=1024 * 1024)
    with pytest.raises(AssertionError) as failure:
        compare.memory("total", lambda n: n, read_value, SIZES)
    message = str(failure.value)
    assert (
        "total: peak memory 10.0x reference" in message
        and "at n=4,000 (limit 4.0x; the ratio grows like n^" in message
    ), message


# --- pytest_terminal_summary ----------------------------------------------------------------


def test_summary_renders_at_least_80_wide_and_writes_the_exercise_s_tests(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("PREP_HOME", str(tmp_path))
    widths: list[int] = []
    real_render = scorecard.render

    def render(card: scorecard.Card, width: int = 100, color: bool = False) -> str:
        widths.append(width)
        return real_render(card, width=width, color=color)

    monkeypatch.setattr(summary.scorecard, "render", render)
    state = make_state()
    state.exercises.append(TOY)
    # An equal path string built at run time, not the very object TOY holds.
    path = "".join(["code_challenge/", "toy"])
    state.tests.append(TestRecord("t.py::test_a", path, 1, False, "passed", ""))
    written: list[str] = []
    reporter = SimpleNamespace(
        config=SimpleNamespace(stash={plugin.STATE: state}),
        _tw=SimpleNamespace(fullwidth=40, hasmarkup=False),
        write_sep=lambda sep, title: written.append(title),
        write=written.append,
        write_line=written.append,
    )
    summary.pytest_terminal_summary(cast(pytest.TerminalReporter, reporter))
    assert widths == [80], f"a 40-column terminal still gets an 80-column scorecard; got {widths}"
    files = list((tmp_path / "results" / "code_challenge-toy").glob("*.json"))
    assert len(files) == 1, f"one results file per exercise; got {files}"
    document = json.loads(files[0].read_text())
    assert [t["name"] for t in document["tests"]] == ["t.py::test_a"], document["tests"]
