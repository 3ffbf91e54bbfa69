"""The catalogue parses into frozen records and rejects bad entries with a one-line fix."""

from __future__ import annotations

from pathlib import Path

import pytest

from grading.core import catalog
from grading.core.catalog import CatalogError


def entry(**overrides: object) -> dict[str, object]:
    base: dict[str, object] = {
        "path": "code_challenge/easy",
        "title": "Easy",
        "weeks": [0, 1],
        "parts": ["One", "Two", "Three"],
        "stretch": [3],
    }
    base.update(overrides)
    return base


def test_parts_are_numbered_from_one_and_stretch_is_flagged() -> None:
    got = catalog.parse({"exercise": [entry()]}).exercises[0].parts
    expected = (
        catalog.Part(1, "One", False),
        catalog.Part(2, "Two", False),
        catalog.Part(3, "Three", True),
    )
    assert got == expected


def test_settings_default_and_timeout_is_inherited() -> None:
    loaded = catalog.parse({"settings": {"timeout_seconds": 4}, "exercise": [entry()]})
    assert loaded.exercises[0].timeout_seconds == 4.0
    assert loaded.settings.slower_limit == 3.0


def test_for_week_keeps_catalogue_order() -> None:
    loaded = catalog.parse(
        {"exercise": [entry(), entry(path="code_challenge/medium", weeks=[1, 2])]}
    )
    assert [e.path for e in loaded.for_week(1)] == ["code_challenge/easy", "code_challenge/medium"]
    assert loaded.for_week(3) == ()


def test_unknown_week_names_the_range() -> None:
    with pytest.raises(CatalogError, match="unknown week 9; weeks run from 0 to 6"):
        catalog.parse({"exercise": [entry()]}).for_week(9)


def test_get_accepts_trailing_slash_and_rejects_unknown_with_the_known_list() -> None:
    loaded = catalog.parse({"exercise": [entry()]})
    assert loaded.get("./code_challenge/easy/").path == "code_challenge/easy"
    with pytest.raises(
        CatalogError, match="unknown exercise 'nope'; known exercises: code_challenge/easy"
    ):
        loaded.get("nope")


@pytest.mark.parametrize(
    ("bad", "message"),
    [
        ({"path": "easy"}, "path must be '<pillar>/<name>'"),
        ({"path": "cooking/easy"}, "path must be '<pillar>/<name>'"),
        ({"weeks": [7]}, "weeks must be a list of numbers from 0 to 6"),
        ({"parts": []}, "parts must be a non-empty list"),
        ({"stretch": [4]}, "stretch lists part numbers 1..3"),
        ({"minutes": 0}, "minutes must be a positive whole number"),
    ],
    ids=[
        "no-pillar",
        "unknown-pillar",
        "week-7",
        "no-parts",
        "stretch-out-of-range",
        "zero-minutes",
    ],
)
def test_bad_entries_name_the_exercise_and_the_rule(bad: dict[str, object], message: str) -> None:
    with pytest.raises(CatalogError, match=message):
        catalog.parse({"exercise": [entry(**bad)]})


def test_missing_key_names_the_entry_number() -> None:
    broken = entry()
    del broken["weeks"]
    with pytest.raises(CatalogError, match=r"\[\[exercise\]\] #1 has no 'weeks'"):
        catalog.parse({"exercise": [broken]})


def test_duplicate_paths_are_rejected() -> None:
    with pytest.raises(CatalogError, match="listed twice"):
        catalog.parse({"exercise": [entry(), entry()]})


def test_invalid_toml_is_one_line(tmp_path: Path) -> None:
    broken = tmp_path / "exercises.toml"
    broken.write_text("[[exercise]\npath = ")
    with pytest.raises(CatalogError, match="is not valid TOML"):
        catalog.load(broken)


def test_owning_finds_the_exercise_of_a_test_file(tmp_path: Path) -> None:
    loaded = catalog.parse({"exercise": [entry()]})
    test_file = tmp_path / "code_challenge" / "easy" / "tests" / "test_x.py"
    assert loaded.owning(test_file, root=tmp_path).path == "code_challenge/easy"
    assert loaded.owning(tmp_path / "code_challenge" / "easyish" / "t.py", root=tmp_path) is None


def test_the_real_catalogue_loads() -> None:
    assert catalog.load().exercises, "exercises.toml must list at least one exercise"


def test_part_finds_each_part_by_its_number() -> None:
    easy = catalog.parse({"exercise": [entry()]}).exercises[0]
    assert [easy.part(n).title for n in (1, 2, 3)] == ["One", "Two", "Three"]
    with pytest.raises(KeyError, match="code_challenge/easy has no part 4"):
        easy.part(4)


def test_defaults_seed_0_and_60_minutes() -> None:
    loaded = catalog.parse({"exercise": [entry()]})
    assert loaded.settings.seed == 0, "the default seed is 0"
    assert loaded.exercises[0].minutes == 60, "an exercise without minutes gets 60"


def test_a_path_with_two_slashes_is_rejected() -> None:
    with pytest.raises(CatalogError, match="path must be '<pillar>/<name>'"):
        catalog.parse({"exercise": [entry(path="code_challenge/easy/extra")]})


def test_design_parts_accept_part_numbers_in_range() -> None:
    loaded = catalog.parse({"exercise": [entry(design_parts=[1, 3])]})
    assert loaded.exercises[0].design_parts == (1, 3)


@pytest.mark.parametrize("bad", [[0], [4]], ids=["zero", "past-the-last-part"])
def test_design_parts_out_of_range_are_rejected(bad: list[int]) -> None:
    with pytest.raises(CatalogError, match=r"design_parts lists part numbers 1\.\.3"):
        catalog.parse({"exercise": [entry(design_parts=bad)]})
