"""The truth report: the blind bank's verdicts tallied by kind, mismatches and gaps listed."""

from __future__ import annotations

from pathlib import Path

from grading.core.catalog import Exercise, Part
from grading.proof import truth
from grading.proof.candidates import Verdict

EXERCISE = Exercise(
    path="code_challenge/toy",
    title="Toy",
    weeks=(1,),
    minutes=10,
    parts=(Part(1, "Add", False), Part(2, "Double", False)),
    timeout_seconds=1.0,
)
GRADED = [
    truth.Graded(EXERCISE.path, "correct_a.py", Verdict("accept"), None, 1.0),
    truth.Graded(
        EXERCISE.path, "correct_b.py", Verdict("accept"), "rejected a correct solution: part 2", 1.0
    ),
    truth.Graded(EXERCISE.path, "bug_p1.py", Verdict("reject", 1), None, 1.0),
    truth.Graded(EXERCISE.path, "bug_p2.py", Verdict("reject", 2), None, 1.0),
    truth.Graded(EXERCISE.path, "slow_p2.py", Verdict("slow", 2), "not flagged", 1.0),
]


def test_tally_counts_matches_per_kind() -> None:
    assert truth.tally(GRADED) == {"accept": (1, 2), "reject": (2, 2), "slow": (0, 1)}


def test_the_report_has_a_row_per_exercise_totals_mismatches_and_gaps() -> None:
    ledgers = {EXERCISE.path: truth.Ledger(rules=7, pinned=6, problems=())}
    gaps = {
        EXERCISE.path: [
            {"candidate": "bug_p2.py", "kind": "edge case never tried", "closed_by": "test_x"}
        ]
    }
    report = truth.render([EXERCISE], GRADED, ledgers, gaps, "python -m grading.proof.truth", 60.0)
    assert "| code_challenge/toy | 6/7 | 1/2 | 2/2 | 0/1 |" in report, report
    assert "| **all** | | **1/2 (50%)** | **2/2 (100%)** | **0/1 (0%)** |" in report, report
    assert "## Mismatches (2)" in report
    assert "- `code_challenge/toy` `slow_p2.py` (slow part 2): not flagged" in report
    assert "- `bug_p2.py` (edge case never tried): test_x" in report


def test_a_bank_without_mismatches_says_so_and_empty_kinds_read_as_a_dash() -> None:
    only = [GRADED[0], GRADED[2]]
    ledgers = {EXERCISE.path: truth.Ledger(0, 0, ())}
    report = truth.render([EXERCISE], only, ledgers, {EXERCISE.path: []}, "c", 1.0)
    assert "None: every candidate got the verdict it must get." in report
    assert "| code_challenge/toy | — | 1/1 | 1/1 | — |" in report, report


def test_gaps_and_ledger_are_read_from_the_exercise_folder(tmp_path: Path) -> None:
    meta = tmp_path / EXERCISE.path / ".meta"
    (meta).mkdir(parents=True)
    (tmp_path / EXERCISE.path / "tests").mkdir()
    (tmp_path / EXERCISE.path / "PROMPT.md").write_text("## Part 1 — Add\n\nIt adds.\n")
    (meta / "rules.toml").write_text('[[rule]]\nid = "1.1"\ntext = "It adds."\n')
    (meta / "gaps.toml").write_text('[[gap]]\ncandidate = "c.py"\nkind = "k"\nclosed_by = "t"\n')
    assert truth.gaps_of(EXERCISE, tmp_path) == [
        {"candidate": "c.py", "kind": "k", "closed_by": "t"}
    ]
    ledger = truth.ledger_of(EXERCISE, tmp_path)
    assert (ledger.rules, ledger.pinned) == (1, 0), "the one rule has no test yet"
