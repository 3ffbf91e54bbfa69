"""Timed mode: the tally, the watchers, a session with a file saved mid-run, and bad input."""

from __future__ import annotations

import io
import json
import shutil
import threading
import time
import tomllib
from collections.abc import Callable
from pathlib import Path

import pytest

from grading.core import catalog
from grading.core.catalog import Exercise
from grading.learner import timed, timed_record, watching

CATALOGUE = """
[[exercise]]
path = "code_challenge/easy"
title = "Tiny"
weeks = [0]
minutes = 1
parts = ["Add", "Double"]
stretch = [2]
"""
EASY = catalog.parse(tomllib.loads(CATALOGUE)).get("code_challenge/easy")
STARTER = """def add(a: int, b: int) -> int:
    # TODO (part 1): add
    raise NotImplementedError


def double(x: int) -> int:
    # TODO (part 2): double
    raise NotImplementedError
"""
SOLVED_PART_1 = STARTER.replace(
    "    # TODO (part 1): add\n    raise NotImplementedError", "    return a + b"
)
TESTS = """import pytest


@pytest.mark.part(1)
class TestPart1Add:
    def test_adds(self, impl):
        assert impl.add(1, 2) == 3


@pytest.mark.part(2)
class TestPart2Double:
    def test_doubles(self, impl):
        assert impl.double(2) == 4
"""


# --- pure parts --------------------------------------------------------------------------------


@pytest.mark.parametrize("text", ["-5", "0", "abc", "nan"])
def test_minutes_must_be_positive(text: str) -> None:
    with pytest.raises(ValueError, match="--minutes must be a positive number"):
        timed.parse_minutes(text, 45)


def test_minutes_default_to_the_catalogue_budget() -> None:
    assert timed.parse_minutes(None, 45) == 45.0
    assert timed.parse_minutes("0.5", 45) == 0.5


def test_time_to_green_is_the_first_green_run_and_the_first_run_is_never_red() -> None:
    tally = timed_record.Tally(EASY)
    tally.record(5.0, {1: "not_started", 2: "not_started"}, after_save=False)
    tally.record(60.0, {1: "failing", 2: "not_started"}, after_save=True)
    tally.record(90.0, {1: "passed", 2: "not_started"}, after_save=True)
    tally.record(120.0, {1: "failing", 2: "passed"}, after_save=True)
    tally.record(150.0, None, after_save=True)  # a run that wrote no results counts as red
    assert tally.green == {1: 90.0, 2: 120.0}
    assert (tally.runs, tally.red_runs) == (5, 3)
    assert timed_record.outcome(tally, out_of_time=True) == "out_of_time"
    tally.record(170.0, {1: "passed", 2: "failing"}, after_save=True)
    assert tally.required_green() and not tally.all_green()
    assert timed_record.outcome(tally, out_of_time=True) == "finished"


def test_status_line_reads_like_a_scoreboard() -> None:
    tally = timed_record.Tally(EASY)
    tally.record(190.0, {1: "passed", 2: "not_started"}, after_save=True)
    got = timed_record.status_line(tally, left=2510.0)
    assert got == "[41:50 left] run 1 · P1 green at 03:10 · P2 not started · 0 red runs"
    assert timed_record.status_line(tally, left=-61.0).startswith("[01:01 over]")


@pytest.mark.parametrize(
    ("relative", "watched"),
    [
        ("starter.py", True),
        ("design.md", True),
        ("helpers/extra.py", True),
        ("PROMPT.md", False),
        ("tests/test_part1.py", False),
        (".meta/solution.py", False),
        ("__pycache__/starter.cpython-311.pyc", False),
        ("starter.py~", False),
    ],
)
def test_only_the_learners_files_are_watched(relative: str, watched: bool) -> None:
    folder = Path("/repo/code_challenge/easy")
    assert watching.is_watched(folder, folder / relative) is watched


def test_polling_notices_a_save_and_waits_out_silence(tmp_path: Path) -> None:
    (tmp_path / "starter.py").write_text("x = 1\n")
    watcher = watching.PollingWatcher(tmp_path, interval=0.02)
    assert watcher.wait(0.05) is False
    (tmp_path / "tests").mkdir()
    (tmp_path / "tests" / "test_x.py").write_text("")  # a test file is not an attempt
    assert watcher.wait(0.05) is False
    (tmp_path / "starter.py").write_text("x = 22\n")
    assert watcher.wait(1.0) is True


def test_watchfiles_notices_a_save(tmp_path: Path) -> None:
    pytest.importorskip("watchfiles")
    (tmp_path / "starter.py").write_text("x = 1\n")
    watcher = watching.WatchfilesWatcher(tmp_path)
    try:
        assert watcher.wait(0.2) is False  # starts the watcher; nothing changed yet
        (tmp_path / "starter.py").write_text("x = 2\n")
        assert watcher.wait(3.0) is True
    finally:
        watcher.close()


# --- sessions ----------------------------------------------------------------------------------


def fake_runner(calls: list[str]) -> timed.Runner:
    """Grades by reading starter.py, as pytest would; the first run also 'saves' mid-run."""

    def run(exercise: Exercise, root: Path, home: Path) -> timed_record.States | None:
        starter = root / exercise.path / "starter.py"
        calls.append(starter.read_text())
        if len(calls) == 1:
            starter.write_text(SOLVED_PART_1)  # saved while the tests were running
        solved = "return a + b" in calls[-1]
        return {1: "passed" if solved else "not_started", 2: "not_started"}

    return run


def tiny_exercise(root: Path) -> None:
    folder = root / "code_challenge" / "easy"
    (folder / "tests").mkdir(parents=True)
    (folder / "starter.py").write_text(STARTER)
    (folder / "tests" / "test_tiny.py").write_text(TESTS)
    (root / "exercises.toml").write_text(CATALOGUE)


def test_a_save_during_a_run_triggers_the_next_run_and_the_session_is_saved(
    tmp_path: Path,
) -> None:
    tiny_exercise(tmp_path)
    home = tmp_path / "home"
    calls: list[str] = []
    out = io.StringIO()
    session = timed.run_session(
        EASY,
        root=tmp_path,
        home=home,
        minutes=0.5,
        watcher=watching.PollingWatcher(EASY.directory(tmp_path), interval=0.02),
        runner=fake_runner(calls),
        max_runs=2,
        out=out,
    )
    assert session is not None
    record, path = session
    assert len(calls) == 2 and "return a + b" in calls[1]
    assert record["outcome"] == "finished" and record["red_runs"] == 0 and record["runs"] == 2
    assert [p["seconds_to_green"] is not None for p in record["parts"]] == [True, False]
    assert json.loads(path.read_text()) == record
    assert path.parent == home / "timed" / "code_challenge-easy"
    assert "run 2 (after a save)" in out.getvalue()


def test_time_up_ends_the_session_as_out_of_time(tmp_path: Path) -> None:
    tiny_exercise(tmp_path)
    session = timed.run_session(
        EASY,
        root=tmp_path,
        home=tmp_path / "home",
        minutes=0.002,  # 0.12 s
        watcher=watching.PollingWatcher(EASY.directory(tmp_path), interval=0.02),
        runner=lambda exercise, root, home: {1: "failing", 2: "not_started"},
        out=io.StringIO(),
    )
    assert session is not None
    assert session[0]["outcome"] == "out_of_time" and session[0]["runs"] == 1


def test_required_parts_green_is_announced_and_the_stretch_part_may_follow(
    tmp_path: Path,
) -> None:
    tiny_exercise(tmp_path)
    out = io.StringIO()
    session = timed.run_session(
        EASY,
        root=tmp_path,
        home=tmp_path / "home",
        minutes=0.002,
        watcher=watching.PollingWatcher(EASY.directory(tmp_path), interval=0.02),
        runner=lambda exercise, root, home: {1: "passed", 2: "failing"},
        out=out,
    )
    assert session is not None and session[0]["outcome"] == "finished"
    assert "Every required part is green at 00:00" in out.getvalue()


class CtrlCWatcher:
    """The learner presses Ctrl-C while the session waits for a save."""

    closed = False

    def wait(self, seconds: float) -> bool:
        raise KeyboardInterrupt

    def close(self) -> None:
        self.closed = True


def test_ctrl_c_ends_cleanly_and_saves(tmp_path: Path) -> None:
    tiny_exercise(tmp_path)
    out = io.StringIO()
    watcher = CtrlCWatcher()
    session = timed.run_session(
        EASY,
        root=tmp_path,
        home=tmp_path / "home",
        minutes=1,
        watcher=watcher,
        runner=lambda exercise, root, home: {1: "failing", 2: "not_started"},
        out=out,
    )
    assert session is not None and watcher.closed
    record, path = session
    assert record["outcome"] == "abandoned" and record["runs"] == 1 and path.is_file()
    assert "Stopped (Ctrl-C)." in out.getvalue() and "; saved " in out.getvalue()


def test_ctrl_c_before_the_first_run_finishes_saves_nothing(tmp_path: Path) -> None:
    tiny_exercise(tmp_path)

    def interrupted(exercise: Exercise, root: Path, home: Path) -> timed_record.States | None:
        raise KeyboardInterrupt

    out = io.StringIO()
    session = timed.run_session(
        EASY,
        root=tmp_path,
        home=tmp_path / "home",
        minutes=1,
        watcher=watching.PollingWatcher(EASY.directory(tmp_path)),
        runner=interrupted,
        out=out,
    )
    assert session is None and not (tmp_path / "home" / "timed").exists()
    assert "nothing saved" in out.getvalue()


def copy_of_the_grading_layer(root: Path) -> None:
    shutil.copytree(
        catalog.ROOT / "grading",
        root / "grading",
        ignore=shutil.ignore_patterns("tests", "__pycache__"),
    )
    for name in ("conftest.py", "pyproject.toml"):
        shutil.copy(catalog.ROOT / name, root / name)


def test_end_to_end_real_pytest_runs_and_a_file_edited_mid_session(
    tmp_path: Path, capfd: pytest.CaptureFixture[str]
) -> None:
    root = tmp_path / "repo"
    tiny_exercise(root)
    copy_of_the_grading_layer(root)
    home = tmp_path / "home"
    results = home / "results" / "code_challenge-easy"

    def learner() -> None:  # waits for the first scorecard, then saves a fix
        deadline = time.monotonic() + 8
        while time.monotonic() < deadline and not list(results.glob("*.json")):
            time.sleep(0.02)
        (root / "code_challenge" / "easy" / "starter.py").write_text(SOLVED_PART_1)

    editor = threading.Thread(target=learner)
    editor.start()
    session = timed.run_session(
        EASY,
        root=root,
        home=home,
        minutes=0.15,
        watcher=watching.PollingWatcher(EASY.directory(root), interval=0.05),
        max_runs=2,
        out=io.StringIO(),
    )
    editor.join()
    assert session is not None
    record = session[0]
    assert record["runs"] == 2 and record["outcome"] == "finished"
    assert [p["state"] for p in record["parts"]] == ["passed", "not_started"]
    assert len(list(results.glob("*.json"))) == 2
    assert "prep scorecard" in capfd.readouterr().out


def test_rehearsal_skips_exercises_not_in_the_catalogue(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    text = CATALOGUE.replace("code_challenge/easy", "code_challenge/hard")
    cat = catalog.parse(tomllib.loads(text))
    hard = cat.get("code_challenge/hard")
    (hard.directory(tmp_path)).mkdir(parents=True)
    code = timed.rehearse(
        cat,
        tmp_path,
        tmp_path / "home",
        poll=True,
        max_runs=1,
        runner=lambda exercise, root, home: {1: "passed", 2: "passed"},
    )
    assert code == 0
    out = capsys.readouterr().out
    assert "data_ml_coding/intermediate is not in the catalogue yet; skipping it" in out
    saved = json.loads(
        next((tmp_path / "home" / "timed" / "code_challenge-hard").iterdir()).read_text()
    )
    assert saved["mode"] == "rehearsal" and saved["outcome"] == "finished"


@pytest.mark.parametrize(
    ("argv", "message"),
    [
        (["nope/x"], "timed: unknown exercise 'nope/x'; known exercises: code_challenge/easy"),
        ([], "timed: name an exercise: nox -s timed -- <exercise>; known exercises: "),
        (["code_challenge/easy", "--minutes", "-5"], "timed: --minutes must be a positive"),
        (["code_challenge/easy", "--minutes", "0"], "timed: --minutes must be a positive"),
        (["code_challenge/easy", "--max-runs", "0"], "timed: --max-runs must be 1 or more"),
        (["--rehearsal"], "timed: none of code_challenge/hard, data_ml_coding/intermediate"),
    ],
    ids=["unknown", "missing", "negative", "zero", "no-runs", "nothing-to-rehearse"],
)
def test_bad_input_is_one_line_and_exit_2(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], argv: list[str], message: str
) -> None:
    tiny_exercise(tmp_path)
    assert timed.main(argv, root=tmp_path, home=tmp_path / "home") == 2
    err = capsys.readouterr().err
    assert err.startswith(message) and err.count("\n") == 1


# --- a fake clock: deterministic time, no sleeping ---------------------------------------------


class FakeTime:
    """Stands in for the `time` module inside grading.learner.timed; `sleep` only moves the clock."""

    def __init__(self, now: float = 1000.0) -> None:
        self.now = now
        self.slept: list[float] = []
        self.on_sleep: list[Callable[[], None]] = []

    def monotonic(self) -> float:
        return self.now

    def sleep(self, seconds: float) -> None:
        self.slept.append(seconds)
        self.now += seconds
        if self.on_sleep:
            self.on_sleep.pop(0)()


def test_polling_keeps_waiting_until_the_deadline_and_sees_a_late_save(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    clock = FakeTime()
    monkeypatch.setattr(watching, "time", clock)
    starter = tmp_path / "starter.py"
    starter.write_text("x = 1\n")
    watcher = watching.PollingWatcher(tmp_path, interval=0.5)
    assert watcher.wait(2.0) is False, "no save: wait returns False once its seconds pass"
    assert clock.slept == [0.5, 0.5, 0.5, 0.5], f"expected to poll for 2 s, slept {clock.slept}"
    clock.on_sleep = [lambda: None, lambda: starter.write_text("x = 222\n")]
    assert watcher.wait(10.0) is True, "a save 1 s into a 10 s wait must be noticed"
    assert clock.slept[4:] == [0.5, 0.5], f"expected two polls before the save, got {clock.slept}"


class ScriptedWatcher:
    """Every wait sees a save at once."""

    def wait(self, seconds: float) -> bool:
        return True

    def close(self) -> None:
        return None


def test_time_to_green_is_measured_from_the_session_start(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    clock = FakeTime(now=1000.0)
    monkeypatch.setattr(timed, "time", clock)

    def runner(exercise: Exercise, root: Path, home: Path) -> timed_record.States | None:
        clock.now += 30.0  # the tests take 30 s
        return {1: "passed", 2: "not_started"}

    session = timed.run_session(
        EASY,
        root=tmp_path,
        home=tmp_path / "home",
        minutes=10,
        watcher=ScriptedWatcher(),
        runner=runner,
        max_runs=1,
        out=io.StringIO(),
    )
    assert session is not None
    record = session[0]
    assert record["parts"][0]["seconds_to_green"] == 30.0, record["parts"]
    assert record["elapsed_seconds"] == 30.0, record


def test_required_parts_green_is_announced_only_once(tmp_path: Path) -> None:
    out = io.StringIO()
    session = timed.run_session(
        EASY,
        root=tmp_path,
        home=tmp_path / "home",
        minutes=10,
        watcher=ScriptedWatcher(),
        runner=lambda exercise, root, home: {1: "passed", 2: "failing"},
        max_runs=3,
        out=out,
    )
    assert session is not None and session[0]["runs"] == 3
    count = out.getvalue().count("Every required part is green")
    assert count == 1, f"announced {count} times in 3 runs, expected once"
