"""ROADMAP.md's generated tables and the journal checkpoint status."""

from __future__ import annotations

from pathlib import Path

import pytest

from grading import catalog, journal, roadmap


def small_catalog(weeks: list[int]) -> catalog.Catalog:
    return catalog.parse(
        {
            "exercise": [
                {
                    "path": "code_challenge/easy",
                    "title": "Easy",
                    "weeks": weeks,
                    "parts": ["A", "B"],
                    "stretch": [2],
                }
            ]
        }
    )


def roadmap_text() -> str:
    return "".join(
        f"## Week {w}\n<!-- exercises: week {w} -->\nold\n<!-- end exercises -->\n"
        for w in catalog.WEEKS
    )


def test_render_fills_each_week_from_the_catalogue() -> None:
    text = roadmap.render(roadmap_text(), small_catalog([0]))
    week0 = text.split("## Week 1")[0]
    assert "[`code_challenge/easy`](code_challenge/easy/PROMPT.md)" in week0
    assert "1. A, 2. B (stretch)" in week0
    assert "_No exercises in this week yet._" in text.split("## Week 1")[1]


def test_check_fails_on_drift_and_names_the_command(tmp_path: Path) -> None:
    path = tmp_path / "ROADMAP.md"
    path.write_text(roadmap.render(roadmap_text(), small_catalog([0])))
    assert roadmap.check(small_catalog([0]), path) == []
    got = roadmap.check(small_catalog([1]), path)  # the catalogue moved the exercise
    assert got == [
        "ROADMAP.md exercise tables differ from exercises.toml; run `nox -s roadmap` to regenerate them"
    ]


def test_check_names_a_missing_week_block(tmp_path: Path) -> None:
    path = tmp_path / "ROADMAP.md"
    path.write_text("<!-- exercises: week 0 -->\n<!-- end exercises -->\n")
    assert (
        "no generated block for week(s) [1, 2, 3, 4, 5, 6]"
        in roadmap.check(small_catalog([0]), path)[0]
    )


def test_the_real_roadmap_is_in_sync() -> None:
    assert roadmap.check(catalog.load()) == []


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
        "journal: give a week from 0 to 6, e.g. `python -m grading.journal 1`\n"
    )


def test_main_check_exits_0_in_sync_and_1_on_drift(
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    assert roadmap.main(["--check"]) == 0, "the real ROADMAP.md is in sync: exit 0"
    assert capsys.readouterr().err == ""
    monkeypatch.setattr(catalog, "load", lambda *args, **kwargs: small_catalog([1]))
    assert roadmap.main(["--check"]) == 1, "tables that drifted from the catalogue: exit 1"
    assert "run `nox -s roadmap` to regenerate them" in capsys.readouterr().err


def test_main_broken_catalogue_is_one_line_and_exit_2(
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    def broken(*args: object, **kwargs: object) -> catalog.Catalog:
        raise catalog.CatalogError("exercises.toml is not valid TOML")

    monkeypatch.setattr(catalog, "load", broken)
    assert roadmap.main(["--check"]) == 2, "a broken catalogue exits 2, not 1 (drift)"
    assert capsys.readouterr().err == "roadmap: exercises.toml is not valid TOML\n"
