"""Learner work is never lost: every learner-facing nox session, run for real on a copy of the
repository whose starters, design documents and journal have been edited, leaves those files
byte for byte as they were; `reset` and `attempts restore` replace them only after archiving.

The copy is a fresh git repository (reset's "pristine" is the commit that added a file), and its
`.nox/deps` is a link to the environment running these tests. nox runs with `--no-venv`, so it
never creates, reinstalls or deletes an environment: it cannot touch the real one.
"""

from __future__ import annotations

import hashlib
import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from grading.core import catalog
from grading.core.catalog import ROOT
from grading.learner.attempts import EXERCISE_FILES, JOURNAL

# Each learner-facing session, with arguments that make it do its real work and then stop.
LEARNER_SESSIONS: dict[str, tuple[str, ...]] = {
    **{f"week{week}": () for week in catalog.WEEKS},
    "exercise": ("code_challenge/easy",),
    "run": ("data_ml_coding/foundational",),
    "compare": ("code_challenge/medium", "--workload", "sliding_window"),
    "profile": ("code_challenge/medium",),
    "review": ("system_design/observability",),
    "progress": (),
    "timed": ("code_challenge/easy", "--once"),
    "rehearsal": ("--once",),
    "hint": ("code_challenge/easy",),
    "attempts": ("code_challenge/easy",),
    "rotate": (),
}
# Sessions that replace learner files on purpose, only after archiving them (the last test).
ARCHIVING_SESSIONS = {"reset"}
# Sessions for whoever maintains the repository; none of them reads or writes learner files.
MAINTAINER_SESSIONS = {"deps", "verify", "lint", "flakes", "mutation", "roadmap", "truth"}
EDIT = b"\n# learner's own line, which every session must keep\n"
SESSION_TIMEOUT = 240


def learner_files(root: Path) -> list[Path]:
    """Every file a learner edits: each exercise's starter.py, design.md and PRODUCTIONIZE.md
    where it has them, and the journal."""
    found = [
        root / exercise.path / name
        for exercise in catalog.load(root / "exercises.toml").exercises
        for name in EXERCISE_FILES
        if (root / exercise.path / name).is_file()
    ]
    return found + sorted((root / JOURNAL).glob("week*.md"))


def digests(files: list[Path]) -> dict[str, str]:
    return {str(f): hashlib.sha256(f.read_bytes()).hexdigest() for f in files}


def nox(repo: Path, session: str, *args: str) -> subprocess.CompletedProcess[str]:
    """`nox --no-venv -s session -- args` in `repo`, with its learner state kept in repo/.prep."""
    env = {**os.environ, "PREP_HOME": str(repo / ".prep"), "PREP_IMPL": ""}
    command = [sys.executable, "-m", "nox", "--no-venv", "-s", session]
    return subprocess.run(
        [*command, *(("--", *args) if args else ())],
        cwd=repo,
        env=env,
        stdin=subprocess.DEVNULL,  # a session that asks must not wait for an answer
        capture_output=True,
        text=True,
        timeout=SESSION_TIMEOUT,
        check=False,
    )


@pytest.fixture(scope="module")
def repo(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A committed copy of the repository's tracked files, then every learner file edited."""
    copy = tmp_path_factory.mktemp("learner") / "repo"
    tracked = subprocess.run(
        ["git", "ls-files", "-z"], cwd=ROOT, capture_output=True, check=True
    ).stdout.decode()
    for name in filter(None, tracked.split("\0")):
        if (ROOT / name).is_file():  # a tracked file deleted in the working tree is left out
            (copy / name).parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(ROOT / name, copy / name)
    (copy / ".nox").mkdir()
    (copy / ".nox" / "deps").symlink_to(Path(sys.prefix), target_is_directory=True)
    git = {"GIT_AUTHOR_NAME": "t", "GIT_AUTHOR_EMAIL": "t@t", "GIT_COMMITTER_NAME": "t"}
    git |= {"GIT_COMMITTER_EMAIL": "t@t"}
    for step in (["init", "-q"], ["add", "-A"], ["commit", "-qm", "copy"]):
        subprocess.run(["git", *step], cwd=copy, env={**os.environ, **git}, check=True)
    for file in learner_files(copy):
        file.write_bytes(file.read_bytes() + EDIT)
    return copy


def test_every_session_is_classed_as_learner_facing_or_maintainer_only(repo: Path) -> None:
    # `--list --json` shows only the selected sessions; the text listing shows every one, as
    # "* name -> doc" (selected) or "- name -> doc".
    done = subprocess.run(
        [sys.executable, "-m", "nox", "--list"],
        cwd=repo,
        capture_output=True,
        text=True,
        check=True,
    )
    sessions = set(re.findall(r"^[*-] (\S+)", done.stdout, flags=re.MULTILINE))
    unclassed = sessions - set(LEARNER_SESSIONS) - ARCHIVING_SESSIONS - MAINTAINER_SESSIONS
    assert not unclassed, (
        f"nox sessions {sorted(unclassed)} are in none of LEARNER_SESSIONS (checked to keep "
        "learner files), ARCHIVING_SESSIONS or MAINTAINER_SESSIONS: add each to one of them"
    )
    assert set(LEARNER_SESSIONS) <= sessions, "LEARNER_SESSIONS names a session nox does not have"


@pytest.mark.timeout(SESSION_TIMEOUT + 30)
@pytest.mark.parametrize("session", LEARNER_SESSIONS)
def test_session_leaves_every_learner_file_byte_identical(repo: Path, session: str) -> None:
    files = learner_files(repo)
    before = digests(files)
    done = nox(repo, session, *LEARNER_SESSIONS[session])
    changed = [
        str(Path(name).relative_to(repo))
        for name, digest in digests(files).items()
        if before[name] != digest
    ]
    command = " ".join(
        [
            "nox -s",
            session,
            *(("--", *LEARNER_SESSIONS[session]) if LEARNER_SESSIONS[session] else ()),
        ]
    )
    assert not changed, (
        f"{command} changed learner files {changed}; its output ended:\n"
        f"{done.stdout[-2000:]}{done.stderr[-2000:]}"
    )
    assert_ran(session, done)


def assert_ran(session: str, done: subprocess.CompletedProcess[str]) -> None:
    """The session's own body ran after the shared environment was found (it may still stop
    with an error, as a week session does on untouched starters)."""
    output = done.stdout + done.stderr
    assert "Session deps was successful" in output and f"Running session {session}" in output, (
        f"nox -s {session} did not get to run:\n{output[-3000:]}"
    )


@pytest.mark.timeout(2 * SESSION_TIMEOUT)
def test_reset_archives_before_it_restores_and_restore_brings_the_edit_back(repo: Path) -> None:
    starter = repo / "code_challenge" / "easy" / "starter.py"
    edited = starter.read_bytes()
    assert edited.endswith(EDIT)

    done = nox(repo, "reset", "code_challenge/easy", "--yes")
    assert_ran("reset", done)
    archived = sorted((repo / ".prep" / "attempts" / "code_challenge-easy").glob("*/starter.py"))
    assert archived and archived[-1].read_bytes() == edited, (
        f"nox -s reset -- code_challenge/easy --yes: no archive holds the edited starter\n"
        f"{done.stdout[-2000:]}{done.stderr[-2000:]}"
    )
    assert starter.read_bytes() == (ROOT / "code_challenge" / "easy" / "starter.py").read_bytes()

    done = nox(repo, "attempts", "restore", "code_challenge/easy", "--yes")
    assert_ran("attempts", done)
    assert starter.read_bytes() == edited, (
        "nox -s attempts -- restore code_challenge/easy --yes did not bring the edit back\n"
        f"{done.stdout[-2000:]}{done.stderr[-2000:]}"
    )
    newest = sorted((repo / ".prep" / "attempts" / "code_challenge-easy").glob("*/starter.py"))
    assert len(newest) == len(archived) + 1, "restore replaced the pristine starter unarchived"
