"""Progress: rows built from a synthetic history, corrupt files reported and skipped."""

from __future__ import annotations

import io
import json
import tomllib
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest
from rich.console import Console

from grading.core import catalog
from grading.learner import progress, progress_history, progress_table

NOW = datetime(2026, 3, 20, 12, tzinfo=UTC)
CATALOGUE = """
[[exercise]]
path = "code_challenge/easy"
title = "Easy"
weeks = [0, 1]
parts = ["Parse", "Summary", "Stream"]
stretch = [3]

[[exercise]]
path = "data_ml_coding/foundational"
title = "Foundational"
weeks = [3]
parts = ["Load"]
"""
CAT = catalog.parse(tomllib.loads(CATALOGUE))
EASY = CAT.get("code_challenge/easy")


def doc(
    day: int,
    states: dict[int, str],
    ratios: tuple[float, ...] = (),
    impl: str = "starter",
) -> dict[str, Any]:
    """A results document as grading.core.results writes it, reduced to what progress reads."""
    return {
        "version": 3,
        "exercise": EASY.path,
        "impl": impl,
        "finished_at": f"2026-03-{day:02}T10:00:00+00:00",
        "parts": [{"number": n, "state": s} for n, s in states.items()],
        "benchmarks": [
            {
                "name": f"bench{i}",
                "ratio": r,
                "verdict": "ok" if r < 3 else "too slow",
                "passed": r < 3,
            }
            for i, r in enumerate(ratios)
        ],
    }


def timed_doc(green: dict[int, float | None]) -> dict[str, Any]:
    return {
        "exercise": EASY.path,
        "started_at": "2026-03-10T10:00:00+00:00",
        "parts": [{"number": n, "seconds_to_green": s} for n, s in green.items()],
    }


HISTORY = [
    doc(1, {1: "failing", 2: "not_started", 3: "not_started"}, (3.1,)),
    doc(2, {1: "passed", 2: "failing", 3: "not_started"}, (1.4, 1.2)),
    doc(3, {1: "passed", 2: "passed", 3: "not_started"}, (1.0,), impl="solution"),
    doc(4, {1: "not_run", 2: "passed", 3: "not_run"}, (0.9, 1.0)),
]


def test_each_part_keeps_its_latest_state_from_starter_runs_that_ran_it() -> None:
    got = progress_history.part_states(EASY, HISTORY)
    assert got == {1: "passed", 2: "passed", 3: "not_started"}


def test_verdicts_and_ratio_trend_come_from_starter_runs_only() -> None:
    row = progress_history.build_row(EASY, HISTORY, [])
    assert [(b.name, b.ratio) for b in row.benches] == [("bench0", 0.9), ("bench1", 1.0)]
    assert progress_table.trend_cell(row.trend) == "3.1x → 1.4x → 1.0x"
    assert row.last == datetime(2026, 3, 4, 10, tzinfo=UTC)


def test_trend_keeps_the_last_five_runs() -> None:
    history = [doc(day, {1: "passed"}, (float(day),)) for day in range(1, 9)]
    assert progress_history.ratio_trend(history) == (4.0, 5.0, 6.0, 7.0, 8.0)


def test_parts_cell_says_when_every_required_part_passes() -> None:
    row = progress_history.build_row(EASY, HISTORY, [])
    assert progress_table.parts_cell(row).plain == "2/3 passed · required done"
    never = progress_history.build_row(EASY, [], [])
    assert progress_table.parts_cell(never).plain == "not run yet"


def test_time_to_green_comes_from_the_latest_timed_session() -> None:
    sessions = [timed_doc({1: 900.0, 2: None}), timed_doc({1: 250.0, 2: 1810.0})]
    row = progress_history.build_row(EASY, HISTORY, sessions)
    assert progress_table.green_cell(row) == "last: P1 04:10 · P2 30:10\n2 sessions"
    assert progress_table.green_cell(progress_history.build_row(EASY, HISTORY, sessions[:1])) == (
        "last: P1 15:00 · P2 –\n1 session"
    )
    assert progress_table.green_cell(progress_history.build_row(EASY, HISTORY, [])) == "–"


def test_an_earlier_faster_session_shows_as_best() -> None:
    sessions = [timed_doc({1: 250.0, 2: 1810.0}), timed_doc({1: 900.0, 2: None})]
    row = progress_history.build_row(EASY, HISTORY, sessions)
    assert progress_table.green_cell(row) == (
        "last: P1 15:00 · P2 –\nbest: P1 04:10 · P2 30:10\n2 sessions"
    )


@pytest.mark.parametrize(
    ("document", "problem"),
    [
        ([1, 2], "not a JSON object"),
        ({"parts": []}, "no valid finished_at"),
        ({"finished_at": "2026-03-01T00:00:00+00:00", "parts": "all"}, "parts is not a list"),
        (
            {"finished_at": "2026-03-01T00:00:00+00:00", "parts": [], "benchmarks": [{"x": 1}]},
            "benchmarks is not a list",
        ),
    ],
    ids=["list", "no-date", "parts-string", "odd-benchmark"],
)
def test_odd_documents_are_named(document: Any, problem: str) -> None:
    assert (progress_history.results_problem(document) or "").startswith(problem)


def test_checkpoint_written_not_written_or_no_journal(tmp_path: Path) -> None:
    assert progress_history.checkpoint(1, tmp_path) == "no journal yet"
    (tmp_path / "journal" / "templates").mkdir(parents=True)
    (tmp_path / "journal" / "templates" / "week1.md").write_text("# Week 1\n\nWrite here.\n")
    (tmp_path / "journal" / "week1.md").write_text("# Week 1\n\nWrite here.\n")
    assert progress_history.checkpoint(1, tmp_path) == "not written"
    (tmp_path / "journal" / "week1.md").write_text("# Week 1\n\nI learned about heaps.\n")
    assert progress_history.checkpoint(1, tmp_path) == "written"


def write_history(home: Path) -> None:
    results = home / "results" / "code_challenge-easy"
    results.mkdir(parents=True)
    for index, document in enumerate(HISTORY):
        (results / f"2026030{index + 1}T100000000000Z.json").write_text(json.dumps(document))
    (results / "20260305T100000000000Z.json").write_text('{"status": "pass", "parts": [')
    (results / "20260306T100000000000Z.json").write_text('"just a string"')
    timed = home / "timed" / "code_challenge-easy"
    timed.mkdir(parents=True)
    (timed / "20260310T100000000000Z.json").write_text(json.dumps(timed_doc({1: 250.0})))


def test_main_renders_a_table_per_week_and_reports_corrupt_files_in_one_line(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("COLUMNS", "160")
    (tmp_path / "exercises.toml").write_text(CATALOGUE)
    write_history(tmp_path / "home")
    assert progress.main([], root=tmp_path, home=tmp_path / "home") == 0
    out = capsys.readouterr().out
    assert "Week 0 · checkpoint: no journal yet" in out
    assert "Week 2 · checkpoint: no journal yet — no exercises in the catalogue yet" in out
    assert "Rotation: the next picks" in out
    assert "3.1x → 1.4x → 1.0x" in out
    assert "P1 04:10" in out
    skipped = [line for line in out.splitlines() if line.startswith("skipped")]
    assert skipped == [
        "skipped 2 unreadable history files: "
        "results/code_challenge-easy/20260305T100000000000Z.json (not JSON), "
        "results/code_challenge-easy/20260306T100000000000Z.json (not a JSON object)"
    ]


def test_sections_cover_weeks_0_to_6_then_the_rotation() -> None:
    history = {EASY.path: HISTORY}
    sections = progress_history.build_sections(CAT, history, {}, {w: "written" for w in range(7)})
    assert [s.title.split(":")[0] for s in sections] == [f"Week {w}" for w in range(7)] + [
        "Rotation"
    ]
    assert [r.exercise.path for r in sections[3].rows] == ["data_ml_coding/foundational"]
    # Foundational was never practised, so the rotation offers it first.
    assert sections[-1].rows[0].exercise.path == "data_ml_coding/foundational"
    buffer = io.StringIO()
    progress_table.render(sections, "", Console(file=buffer, width=150), NOW)
    assert "2026-03-04" in buffer.getvalue()


def test_broken_catalogue_is_one_line_and_exit_2(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert progress.main([], root=tmp_path, home=tmp_path) == 2
    err = capsys.readouterr().err
    assert err.startswith("progress: ") and "exercises.toml not found" in err
    assert err.count("\n") == 1


def row_with_states(states: dict[int, str]) -> progress_history.Row:
    """A row of EASY (parts 1 and 2 required, 3 stretch) with the given part states."""
    return progress_history.Row(EASY, states, (), (), None, {}, 0, None)


def test_parts_cell_counts_failing_runs_and_only_passed_parts() -> None:
    failing = row_with_states({1: "failing", 2: "import_error", 3: "not_run"})
    assert progress_table.parts_cell(failing).plain == "0/3 passed", (
        "parts that ran and failed are a run, not 'not run yet'"
    )
    timed_out = row_with_states({1: "passed", 2: "timed_out", 3: "not_started"})
    assert progress_table.parts_cell(timed_out).plain == "1/3 passed", (
        "only 'passed' parts count as passed; a timed-out part does not"
    )


def test_parts_cell_required_done_when_the_stretch_part_passes_too() -> None:
    every = row_with_states({1: "passed", 2: "passed", 3: "passed"})
    assert progress_table.parts_cell(every).plain == "3/3 passed · required done", (
        "passing the stretch part as well still means the required parts are done"
    )


def test_clock_clamps_negative_seconds_and_rolls_over_at_one_hour() -> None:
    assert progress_table.clock(-5) == "00:00", "a negative duration (clock skew) shows as 00:00"
    assert progress_table.clock(3599) == "59:59"
    assert progress_table.clock(3600) == "1:00:00", "exactly one hour is 1:00:00"
    assert progress_table.clock(3723) == "1:02:03"


def test_skipped_line_says_file_for_one_skipped_file(tmp_path: Path) -> None:
    got = progress_table.skipped_line([(tmp_path / "results" / "a.json", "not JSON")], tmp_path)
    assert got == "skipped 1 unreadable history file: results/a.json (not JSON)", got
