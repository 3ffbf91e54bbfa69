"""Each exercise test's outcome: not started, crashed on import, timed out, failed or passed,
with one line instead of a traceback where the scorecard says the rest; and the guards that
close a candidate's escape hatches (sys.exit, a raised KeyboardInterrupt, changed globals)."""

from __future__ import annotations

from collections.abc import Generator

import pytest

from grading.core import guards, loading, scorecard
from grading.core.plugin import EXERCISE, STATE, is_bench, part_of
from grading.core.results import Outcome, TestRecord
from grading.core.timeouts import RUNNING, TIMED_OUT, TestTimedOut

MESSAGE_WIDTH = 160
OUTCOME_PROPERTY = "prep_outcome"
QUIET_OUTCOMES = {"not_started": "not started", "import_error": "crashed on import"}


@pytest.hookimpl(wrapper=True)
def pytest_runtest_setup(item: pytest.Item) -> Generator[None, object, object]:
    exercise = item.stash.get(EXERCISE, None)
    if (
        exercise is not None
        and (exercise.path, part_of(item)) in item.config.stash[STATE].timed_out
    ):
        pytest.skip(f"not run: an earlier test of part {part_of(item)} timed out")
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
    part = part_of(item)
    outcome, message = _classify(report, call)
    limit = item.stash.get(TIMED_OUT, None)
    if limit is not None and outcome != "timed_out":
        # The timeout fired but another error surfaced: the test turned it into that error
        # (`except impl.PlanError` where PlanError is no class raises TypeError) and went on.
        outcome, message = "timed_out", f"{report.head_line or 'a test'} ran >{limit:.1f}s"
    # A slow benchmark says nothing about correctness: only a correctness test's timeout stops
    # the rest of its part.
    if outcome == "timed_out" and not is_bench(item):
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
            bench=is_bench(item),
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
