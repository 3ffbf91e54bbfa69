"""The per-test alarm: pytest-timeout's signal method for exercise tests, raising a
BaseException that a test cannot swallow, and repeating until the test ends."""

from __future__ import annotations

import signal
import threading
from typing import Any

import pytest

from grading.core.plugin import EXERCISE


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
