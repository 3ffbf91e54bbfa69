"""Reset, restore, list and diff on a tiny git repository: no attempt is ever lost."""

from __future__ import annotations

import io
import subprocess
from datetime import UTC, datetime
from pathlib import Path

import pytest

from grading.core import catalog
from grading.learner import attempts

CATALOGUE = """
[[exercise]]
path = "code_challenge/easy"
title = "Easy"
weeks = [0]
parts = ["One"]

[[exercise]]
path = "system_design/observability"
title = "Observability"
weeks = [5]
parts = ["One"]
"""
STARTER = b"def solve():\n    raise NotImplementedError\n"
DESIGN = b"# Design\n\n## Requirements\n"
TEMPLATE = b"# Week 0\n\nYour strengths:\n"
STARTER_PATH = "code_challenge/easy/starter.py"


def git(root: Path, *args: str) -> None:
    subprocess.run(
        ["git", "-C", str(root), "-c", "user.name=t", "-c", "user.email=t@t", *args],
        check=True,
        capture_output=True,
    )


@pytest.fixture
def repo(tmp_path: Path) -> Path:
    root = tmp_path / "repo"
    files = {
        "exercises.toml": CATALOGUE.encode(),
        STARTER_PATH: STARTER,
        "system_design/observability/starter.py": STARTER,
        "system_design/observability/design.md": DESIGN,
        "journal/templates/week0.md": TEMPLATE,
        "journal/week0.md": TEMPLATE,
    }
    for name, content in files.items():
        (root / name).parent.mkdir(parents=True, exist_ok=True)
        (root / name).write_bytes(content)
    git(root, "init", "-q")
    git(root, "add", ".")
    git(root, "commit", "-q", "-m", "the gym")
    return root


def yes(_question: str) -> bool:
    return True


def reset(root: Path, home: Path, *args: str) -> int:
    return attempts.main(["reset", *args, "--yes"], root=root, home=home, ask=yes)


def archived(home: Path, folder: str, name: str = "starter.py") -> list[bytes]:
    return [(d / name).read_bytes() for d in sorted((home / "attempts" / folder).iterdir())]


def test_reset_archives_then_restores_the_first_committed_version_despite_later_commits(
    repo: Path, tmp_path: Path
) -> None:
    home = tmp_path / "home"
    (repo / STARTER_PATH).write_bytes(b"def solve():\n    return 42\n")
    git(repo, "commit", "-q", "-am", "my solution")  # the learner committed their work
    (repo / STARTER_PATH).write_bytes(b"def solve():\n    return 43\n")
    assert reset(repo, home, "code_challenge/easy") == 0
    assert (repo / STARTER_PATH).read_bytes() == STARTER
    assert archived(home, "code_challenge-easy") == [b"def solve():\n    return 43\n"]


def test_two_resets_in_the_same_second_keep_both_attempts(repo: Path, tmp_path: Path) -> None:
    home = tmp_path / "home"
    for attempt in (b"first = 1\n", b"second = 2\n"):
        (repo / STARTER_PATH).write_bytes(attempt)
        assert reset(repo, home, "code_challenge/easy") == 0
    assert archived(home, "code_challenge-easy") == [b"first = 1\n", b"second = 2\n"]


def test_archive_folders_never_collide_even_at_the_same_microsecond(tmp_path: Path) -> None:
    now = datetime(2026, 3, 20, 12, 0, 0, 123456, tzinfo=UTC)
    folders = [attempts.unique_dir(tmp_path, now) for _ in range(3)]
    assert [f.name for f in folders] == [
        "20260320T120000123456Z",
        "20260320T120000123456Z-1",
        "20260320T120000123456Z-2",
    ]


def test_an_untouched_exercise_needs_no_archive(
    repo: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert reset(repo, tmp_path / "home", "code_challenge/easy") == 0
    assert "nothing to do" in capsys.readouterr().out
    assert not (tmp_path / "home" / "attempts").exists()


def test_reset_all_covers_design_docs_and_the_journal(repo: Path, tmp_path: Path) -> None:
    home = tmp_path / "home"
    (repo / "system_design/observability/design.md").write_bytes(b"# My design\n")
    (repo / "journal/week0.md").write_bytes(b"# Week 0\n\nI am good at graphs.\n")
    (repo / STARTER_PATH).unlink()  # a deleted file is put back too
    assert reset(repo, home, "--all") == 0
    assert (repo / "system_design/observability/design.md").read_bytes() == DESIGN
    assert (repo / "journal/week0.md").read_bytes() == TEMPLATE
    assert (repo / STARTER_PATH).read_bytes() == STARTER
    assert archived(home, "system_design-observability", "design.md") == [b"# My design\n"]
    assert archived(home, "journal", "week0.md") == [b"# Week 0\n\nI am good at graphs.\n"]


def test_without_a_terminal_or_yes_reset_refuses_and_changes_nothing(
    repo: Path,
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setattr("sys.stdin", io.StringIO(""))
    (repo / STARTER_PATH).write_bytes(b"mine = True\n")
    code = attempts.main(["reset", "code_challenge/easy"], root=repo, home=tmp_path / "home")
    assert code == 2
    err = capsys.readouterr().err
    assert err == "reset: stdin is not a terminal, so nobody can confirm; add --yes\n"
    assert (repo / STARTER_PATH).read_bytes() == b"mine = True\n"
    assert not (tmp_path / "home").exists()


def test_answering_no_changes_nothing(repo: Path, tmp_path: Path) -> None:
    (repo / STARTER_PATH).write_bytes(b"mine = True\n")
    code = attempts.main(
        ["reset", "code_challenge/easy"], root=repo, home=tmp_path / "home", ask=lambda _q: False
    )
    assert code == 1
    assert (repo / STARTER_PATH).read_bytes() == b"mine = True\n"


def test_list_diff_and_restore_an_old_attempt(
    repo: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    home = tmp_path / "home"
    for attempt in (b"old = 1\n", b"newer = 2\n"):
        (repo / STARTER_PATH).write_bytes(attempt)
        reset(repo, home, "code_challenge/easy")
    capsys.readouterr()
    assert attempts.main(["list", "code_challenge/easy"], root=repo, home=home) == 0
    listing = capsys.readouterr().out
    assert listing.count("starter.py") == 2 and "10 B" in listing and "8 B" in listing
    assert attempts.main(["code_challenge/easy"], root=repo, home=home) == 0
    assert capsys.readouterr().out == listing  # the exercise alone means `list`
    assert attempts.main(["diff", "code_challenge/easy", "2"], root=repo, home=home) == 0
    diff = capsys.readouterr().out
    assert "-old = 1\n" in diff and "+    raise NotImplementedError\n" in diff
    assert (
        attempts.main(["restore", "code_challenge/easy", "2", "--yes"], root=repo, home=home) == 0
    )
    assert (repo / STARTER_PATH).read_bytes() == b"old = 1\n"
    # Restoring replaced the pristine starter, so that was archived too: three archives now.
    easy = catalog.load(repo / "exercises.toml").get("code_challenge/easy")
    assert len(attempts.archives(home, easy)) == 3


@pytest.mark.parametrize(
    ("argv", "message"),
    [
        (["reset", "nope/x", "--yes"], "reset: unknown exercise 'nope/x'; known exercises: "),
        (["reset", "--yes"], "reset: name one exercise or --all; known exercises: "),
        (["diff", "code_challenge/easy"], "diff: code_challenge/easy has no archived attempts"),
        (["restore", "code_challenge/easy", "7"], "restore: code_challenge/easy has no archived"),
    ],
    ids=["unknown", "neither", "diff-nothing", "restore-nothing"],
)
def test_bad_input_is_one_line_and_exit_2(
    repo: Path,
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
    argv: list[str],
    message: str,
) -> None:
    assert attempts.main(argv, root=repo, home=tmp_path / "home", ask=yes) == 2
    err = capsys.readouterr().err
    assert err.startswith(message) and err.count("\n") == 1


def test_outside_git_reset_says_so(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    (tmp_path / "exercises.toml").write_text(CATALOGUE)
    assert reset(tmp_path, tmp_path / "home", "code_challenge/easy") == 2
    err = capsys.readouterr().err
    assert err.startswith("reset: git log failed") and err.count("\n") == 1


def test_journal_pristine_falls_back_to_an_uncommitted_template_on_disk(repo: Path) -> None:
    # Neither journal/week2.md nor its template was ever committed; the template is on disk.
    (repo / "journal/templates/week2.md").write_bytes(b"# Week 2\n")
    assert attempts.journal_pristine(repo, 2) == b"# Week 2\n", "expected the on-disk template"


def test_plan_journal_leaves_alone_a_week_with_no_original(repo: Path) -> None:
    # week3.md exists only on disk: no commit and no template, so there is nothing to put back.
    (repo / "journal/week3.md").write_bytes(b"# Week 3\n\nmy notes\n")
    assert attempts.plan_journal(repo).changes == (), "a week with no original must not change"


@pytest.fixture
def three_archives(tmp_path: Path) -> tuple[Path, catalog.Exercise, list[str]]:
    home = tmp_path / "home"
    easy = catalog.parse(
        {"exercise": [{"path": "code_challenge/easy", "title": "E", "weeks": [0], "parts": ["A"]}]}
    ).get("code_challenge/easy")
    names = ["20260101T000000000000Z", "20260102T000000000000Z", "20260103T000000000000Z"]
    for name in names:
        (home / "attempts" / "code_challenge-easy" / name).mkdir(parents=True)
    return home, easy, names


def test_pick_archive_numbers_from_one_newest_first(
    three_archives: tuple[Path, catalog.Exercise, list[str]],
) -> None:
    home, easy, names = three_archives
    picked = [attempts.pick_archive(home, easy, which).name for which in ("1", "2", "3")]
    assert picked == [names[2], names[1], names[0]], "expected 1 = newest ... 3 = oldest"
    assert attempts.pick_archive(home, easy, names[1]).name == names[1]


@pytest.mark.parametrize("which", ["0", "4", "nope"])
def test_pick_archive_rejects_numbers_out_of_range_and_unknown_names(
    three_archives: tuple[Path, catalog.Exercise, list[str]], which: str
) -> None:
    home, easy, _names = three_archives
    with pytest.raises(attempts.AttemptsError, match=r"give 1\.\.3 or a name"):
        attempts.pick_archive(home, easy, which)


@pytest.mark.parametrize(
    ("size", "shown"),
    [(0, "0 B"), (1023, "1023 B"), (1024, "1.0 KiB"), (1536, "1.5 KiB")],
)
def test_sizes_switch_to_kib_at_1024_bytes(size: int, shown: str) -> None:
    assert attempts._size(size) == shown, f"{size} bytes should read {shown!r}"
