"""Rotation: one exercise per pillar, least recently practised first, from plain history."""

from __future__ import annotations

import json
import tomllib
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest

from grading.core import catalog
from grading.learner import rotation

NOW = datetime(2026, 3, 20, 12, tzinfo=UTC)
CATALOGUE = """
[[exercise]]
path = "code_challenge/easy"
title = "Easy"
weeks = [0]
parts = ["One"]

[[exercise]]
path = "code_challenge/medium"
title = "Medium"
weeks = [1]
parts = ["One"]

[[exercise]]
path = "data_ml_coding/foundational"
title = "Foundational"
weeks = [3]
parts = ["One"]
"""


def cat() -> catalog.Catalog:
    return catalog.parse(tomllib.loads(CATALOGUE))


def run(day: int, impl: str = "starter") -> dict[str, Any]:
    return {"impl": impl, "finished_at": f"2026-03-{day:02}T09:00:00+00:00", "parts": []}


def picked(history: dict[str, list[dict[str, Any]]]) -> list[str]:
    return [pick.exercise.path for pick in rotation.choose(cat(), history)]


def test_never_practised_is_oldest_and_ties_go_by_catalogue_order() -> None:
    assert picked({}) == ["code_challenge/easy", "data_ml_coding/foundational"]
    got = picked({"code_challenge/easy": [run(1)]})
    assert got == ["code_challenge/medium", "data_ml_coding/foundational"]


def test_least_recently_practised_exercise_of_each_pillar_and_stalest_pick_first() -> None:
    history = {
        "code_challenge/easy": [run(10)],
        "code_challenge/medium": [run(2), run(15)],
        "data_ml_coding/foundational": [run(5)],
    }
    assert picked(history) == ["data_ml_coding/foundational", "code_challenge/easy"]


def test_runs_of_the_reference_or_meta_files_are_not_practice() -> None:
    history = {
        "code_challenge/easy": [run(18, "solution"), run(18, "code_challenge/easy/.meta/naive.py")],
        "code_challenge/medium": [run(3)],
    }
    assert picked(history)[0] == "code_challenge/easy"
    assert rotation.last_practised(history["code_challenge/easy"]) is None


def test_malformed_finished_at_is_ignored_not_fatal() -> None:
    documents = [{"impl": "starter", "finished_at": "yesterday"}, {"finished_at": 7}, run(4)]
    assert rotation.last_practised(documents) == datetime(2026, 3, 4, 9, tzinfo=UTC)


def test_report_names_the_commands_the_cadence_and_missing_pillars() -> None:
    history = {"code_challenge/easy": [run(17)]}
    lines = rotation.report(cat(), rotation.choose(cat(), history), history, NOW)
    text = "\n".join(lines)
    assert "every 7–10 days" in text
    assert "nox -s timed -- code_challenge/medium" in text
    assert "nox -s reset -- data_ml_coding/foundational" in text
    assert "next rotation is due in 4–7 days" in text
    assert "No exercises in the catalogue yet for: system_design." in text


def test_overdue_when_the_last_practice_is_older_than_ten_days() -> None:
    history = {"code_challenge/easy": [run(1)]}
    text = "\n".join(rotation.report(cat(), rotation.choose(cat(), history), history, NOW))
    assert "overdue" in text


def test_main_reads_history_from_prep_home(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    (tmp_path / "exercises.toml").write_text(CATALOGUE)
    folder = tmp_path / "home" / "results" / "code_challenge-easy"
    folder.mkdir(parents=True)
    (folder / "20260301T000000000000Z.json").write_text(json.dumps(run(1)))
    (folder / "20260302T000000000000Z.json").write_text("{corrupt")
    assert rotation.main([], root=tmp_path, home=tmp_path / "home") == 0
    out = capsys.readouterr().out
    assert "1. code_challenge: code_challenge/medium — Medium (last practised never" in out


def test_broken_catalogue_is_one_line_and_exit_2(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    (tmp_path / "exercises.toml").write_text("[[exercise]\n")
    assert rotation.main([], root=tmp_path, home=tmp_path) == 2
    err = capsys.readouterr().err
    assert err.startswith("rotate: exercises.toml is not valid TOML") and err.count("\n") == 1


def test_finished_at_keeps_an_offset_and_takes_a_naive_time_as_utc() -> None:
    aware = rotation.finished_at({"finished_at": "2026-03-04T09:00:00+02:00"})
    assert aware == datetime(2026, 3, 4, 7, tzinfo=UTC), "09:00+02:00 is 07:00 UTC"
    naive = rotation.finished_at({"finished_at": "2026-03-04T09:00:00"})
    assert naive is not None and naive.tzinfo is not None, "a naive time is made aware"
    assert naive == datetime(2026, 3, 4, 9, tzinfo=UTC)


def test_a_pillar_without_exercises_does_not_stop_the_later_pillars() -> None:
    only_later = catalog.parse(
        tomllib.loads(
            '[[exercise]]\npath = "data_ml_coding/foundational"\ntitle = "F"\n'
            'weeks = [3]\nparts = ["One"]\n'
        )
    )
    picks = rotation.choose(only_later, {})
    assert [pick.exercise.path for pick in picks] == ["data_ml_coding/foundational"], (
        "no code_challenge exercises must not hide the data_ml_coding pick"
    )


def test_days_ago_says_one_day_or_n_days() -> None:
    assert rotation.days_ago(datetime(2026, 3, 19, 9, tzinfo=UTC), NOW) == "1 day ago"
    assert rotation.days_ago(datetime(2026, 3, 8, 9, tzinfo=UTC), NOW) == "12 days ago"


@pytest.mark.parametrize("day", [13, 12, 10], ids=["7-days", "8-days", "10-days"])
def test_no_due_or_overdue_line_within_the_cadence(day: int) -> None:
    history = {"code_challenge/easy": [run(day)]}  # NOW is the 20th: 7, 8 or 10 days ago
    text = "\n".join(rotation.report(cat(), rotation.choose(cat(), history), history, NOW))
    assert "Your last practice" not in text, (
        f"a last practice {20 - day} days ago is inside the 7–10 day cadence: neither due nor overdue"
    )
