"""The journal checkpoint status the week sessions print."""

from __future__ import annotations

from pathlib import Path

import pytest

from grading.core import catalog
from grading.learner import journal


def write_journal(root: Path, template: str, mine: str | None) -> None:
    (root / "journal" / "templates").mkdir(parents=True)
    (root / "journal" / "templates" / "week1.md").write_text(template)
    if mine is not None:
        (root / "journal" / "week1.md").write_text(mine)


def test_an_unchanged_template_is_not_written(tmp_path: Path) -> None:
    write_journal(tmp_path, "# Week 1\n\n_prompt_\n", "# Week 1\n\n_prompt_\n\n")
    assert not journal.is_written(1, tmp_path)
    assert "not written yet (still the template)" in journal.status(1, tmp_path)


def test_an_edited_journal_is_written(tmp_path: Path) -> None:
    write_journal(tmp_path, "# Week 1\n\n_prompt_\n", "# Week 1\n\nI pre-allocated the buffer.\n")
    assert journal.is_written(1, tmp_path)
    assert journal.status(1, tmp_path) == "Checkpoint journal/week1.md: written."


def test_a_missing_journal_is_not_written(tmp_path: Path) -> None:
    write_journal(tmp_path, "# Week 1\n", None)
    assert not journal.is_written(1, tmp_path)


def test_every_week_has_a_template_and_a_journal() -> None:
    for week in catalog.WEEKS:
        mine, template = journal.paths(week)
        assert mine.is_file() and template.is_file(), (
            f"journal/week{week}.md and its template must exist"
        )


def test_main_prints_the_status_of_one_valid_week(capsys: pytest.CaptureFixture[str]) -> None:
    assert journal.main(["1"]) == 0, "a single week number from 0 to 6 is valid"
    captured = capsys.readouterr()
    assert captured.out.startswith("Checkpoint journal/week1.md: "), captured.out
    assert captured.out.count("\n") == 1 and captured.err == ""


@pytest.mark.parametrize(
    "argv",
    [[], ["1", "2"], ["one"], ["9"], ["-1"]],
    ids=["none", "two", "not-a-number", "no-such-week", "negative"],
)
def test_main_rejects_anything_but_one_week_with_exit_2(
    capsys: pytest.CaptureFixture[str], argv: list[str]
) -> None:
    assert journal.main(argv) == 2, f"{argv} is not one week from 0 to 6: exit 2"
    captured = capsys.readouterr()
    assert captured.out == ""
    assert captured.err == (
        "journal: give a week from 0 to 6, e.g. `python -m grading.learner.journal 1`\n"
    )
