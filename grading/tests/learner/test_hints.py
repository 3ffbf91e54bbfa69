"""Hints: parsed in order, shown one at a time for the first part not yet green, recorded."""

from __future__ import annotations

import json
import tomllib
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest

from grading.core import catalog
from grading.learner import hints

NOW = datetime(2026, 3, 20, 12, tzinfo=UTC)
CATALOGUE = """
[[exercise]]
path = "code_challenge/easy"
title = "Easy"
weeks = [0]
parts = ["Parse", "Summary", "Stream"]
stretch = [3]
"""
EASY = catalog.parse(tomllib.loads(CATALOGUE)).get("code_challenge/easy")
HINTS = """# Hints

Read one hint at a time.

## Part 1

1. First, a nudge that
   runs over two lines.
2. Second: the trap.

3. Third, after a blank line,

   with an indented continuation.

## Part 2 — Summary

- A bullet.
- Another bullet.

A closing paragraph
of two lines.

## Notes

Not a hint.
"""


def test_items_bullets_and_paragraphs_are_hints_in_order() -> None:
    got = hints.parse(HINTS)
    assert got == {
        1: [
            "First, a nudge that runs over two lines.",
            "Second: the trap.",
            "Third, after a blank line, with an indented continuation.",
        ],
        2: ["A bullet.", "Another bullet.", "A closing paragraph of two lines."],
    }


def test_the_real_easy_hints_parse_into_four_parts() -> None:
    text = (catalog.ROOT / "code_challenge" / "easy" / "HINTS.md").read_text(encoding="utf-8")
    got = hints.parse(text)
    assert sorted(got) == [1, 2, 3, 4] and all(len(h) >= 3 for h in got.values())
    assert got[1][0].startswith("Write one helper") and "\n" not in got[1][0]


def run(states: dict[int, str]) -> dict[str, Any]:
    return {
        "impl": "starter",
        "finished_at": "2026-03-01T00:00:00+00:00",
        "parts": [{"number": n, "state": s} for n, s in states.items()],
    }


@pytest.mark.parametrize(
    ("history", "expected"),
    [
        ([], 1),
        ([run({1: "passed", 2: "failing", 3: "not_started"})], 2),
        ([run({1: "passed", 2: "passed", 3: "not_started"})], 3),
        ([run({1: "timed_out", 2: "passed", 3: "passed"})], 1),
        ([run({1: "passed", 2: "passed", 3: "passed"})], None),
        # A `--part 2` run does not hide part 1's earlier failure.
        ([run({1: "failing", 2: "failing"}), run({1: "not_run", 2: "passed"})], 1),
    ],
    ids=["no-run", "part2-fails", "stretch-next", "timed-out", "all-green", "partial-run"],
)
def test_target_is_the_first_required_part_not_green(
    history: list[dict[str, Any]], expected: int | None
) -> None:
    assert hints.target_part(EASY, history) == expected


def test_hints_come_one_at_a_time_then_point_at_the_prompt() -> None:
    texts = ["nudge", "trap", "key idea"]
    shown: hints.Shown = {}
    headings = []
    for _ in range(4):
        message, shown = hints.next_hint(EASY, 1, texts, shown, NOW)
        headings.append(message.splitlines()[0])
    assert headings[:3] == [
        "hint 1 of 3 for Part 1 — Parse",
        "hint 2 of 3 for Part 1 — Parse",
        "hint 3 of 3 for Part 1 — Parse",
    ]
    assert headings[3].startswith("All 3 hints for Part 1 — Parse are shown")
    assert "code_challenge/easy/PROMPT.md" in headings[3]
    assert len(shown["code_challenge/easy"]["1"]) == 3


def setup_repo(root: Path) -> None:
    (root / "exercises.toml").write_text(CATALOGUE)
    (root / "code_challenge" / "easy").mkdir(parents=True)
    (root / "code_challenge" / "easy" / "HINTS.md").write_text(HINTS)


def test_main_shows_the_next_hint_and_records_it(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    setup_repo(tmp_path)
    home = tmp_path / "home"
    outputs = []
    for _ in range(2):
        assert hints.main(["code_challenge/easy"], root=tmp_path, home=home) == 0
        outputs.append(capsys.readouterr().out)
    assert outputs[0].startswith("hint 1 of 3 for Part 1 — Parse")
    assert "First, a nudge" in outputs[0]
    assert outputs[1].startswith("hint 2 of 3 for Part 1 — Parse")
    record = json.loads((home / "hints.json").read_text())
    assert list(record["shown"]["code_challenge/easy"]) == ["1"]
    assert hints.main(["code_challenge/easy", "--part", "2"], root=tmp_path, home=home) == 0
    assert capsys.readouterr().out.startswith("hint 1 of 3 for Part 2 — Summary")


@pytest.mark.parametrize(
    "corrupt", ["{not json", '{"shown": {"code_challenge/easy": [1]}}'], ids=["not-json", "odd"]
)
def test_a_corrupt_record_is_kept_aside_and_started_afresh(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], corrupt: str
) -> None:
    setup_repo(tmp_path)
    home = tmp_path / "home"
    home.mkdir()
    (home / "hints.json").write_text(corrupt)
    assert hints.main(["code_challenge/easy"], root=tmp_path, home=home) == 0
    captured = capsys.readouterr()
    assert captured.out.startswith("hint 1 of 3")
    assert "unreadable" in captured.err and captured.err.count("\n") == 1
    assert (home / "hints.json.bad").read_text() == corrupt


@pytest.mark.parametrize(
    ("argv", "message"),
    [
        (["nope/x"], "hint: unknown exercise 'nope/x'; known exercises: code_challenge/easy"),
        ([], "hint: name an exercise; known exercises: code_challenge/easy"),
        (["code_challenge/easy", "--part", "9"], "hint: code_challenge/easy has parts 1..3"),
        (["code_challenge/easy", "--part", "3"], "hint: code_challenge/easy/HINTS.md has no"),
    ],
    ids=["unknown", "missing", "no-such-part", "no-section"],
)
def test_bad_input_is_one_line_and_exit_2(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], argv: list[str], message: str
) -> None:
    setup_repo(tmp_path)
    assert hints.main(argv, root=tmp_path, home=tmp_path / "home") == 2
    err = capsys.readouterr().err
    assert err.startswith(message) and err.count("\n") == 1


def test_a_failing_run_targets_the_first_required_part_even_when_part_1_is_stretch() -> None:
    stretch_first = catalog.parse(
        tomllib.loads(CATALOGUE.replace("stretch = [3]", "stretch = [1]"))
    ).get("code_challenge/easy")
    assert hints.target_part(stretch_first, []) == 1, "part 1 before any run"
    history = [run({1: "failing", 2: "failing", 3: "failing"})]
    assert hints.target_part(stretch_first, history) == 2, (
        "once a run failed, the first required part (2) comes before the stretch part 1"
    )


def test_each_hint_shows_its_own_text_and_only_the_last_says_so() -> None:
    texts = ["nudge", "trap", "key idea", "the answer"]
    shown: hints.Shown = {}
    bodies = []
    for _ in range(4):
        message, shown = hints.next_hint(EASY, 1, texts, shown, NOW)
        bodies.append(message.partition("\n\n")[2])
    assert bodies == [
        "nudge",
        "trap",
        "key idea",
        "the answer\n\nThat was the last hint for this part.",
    ], f"hint n shows texts[n-1]; only the last one adds the closing line, got {bodies}"


def test_the_last_of_many_hints_is_still_marked_last() -> None:
    texts = [f"hint text {n}" for n in range(1, 301)]
    shown: hints.Shown = {"code_challenge/easy": {"1": ["2026-03-01T00:00:00+00:00"] * 299}}
    message, updated = hints.next_hint(EASY, 1, texts, shown, NOW)
    assert message.startswith("hint 300 of 300 for Part 1 — Parse\n\nhint text 300"), message
    assert message.endswith("That was the last hint for this part."), (
        f"the 300th of 300 hints is the last one, got {message!r}"
    )
    assert len(updated["code_challenge/easy"]["1"]) == 300


def test_the_record_is_version_1_json_with_the_shown_times(tmp_path: Path) -> None:
    record = tmp_path / "home" / "hints.json"
    shown: hints.Shown = {"code_challenge/easy": {"1": ["2026-03-20T12:00:00+00:00"]}}
    hints.save_shown(record, shown)
    assert json.loads(record.read_text(encoding="utf-8")) == {"version": 1, "shown": shown}
    assert not record.with_suffix(".tmp").exists(), "the temporary file is renamed into place"
    assert hints.load_shown(record) == (shown, "")
