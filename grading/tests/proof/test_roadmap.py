"""ROADMAP.md's generated tables, checked against the catalogue."""

from __future__ import annotations

from pathlib import Path

import pytest

from grading.core import catalog
from grading.proof import roadmap


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
