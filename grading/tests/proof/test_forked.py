"""The warm fork server's pytest runs: the same exit codes, output and results as a fresh run."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from grading.proof import forked

SUITE = """
import os

def test_env_and_cwd_are_the_run_s():
    assert os.environ["PREP_FORKED_PROBE"] == "yes"
    assert os.path.isfile("test_probe.py")

def test_fails():
    assert 1 + 1 == 3, "arithmetic"
"""


@pytest.mark.timeout(120)  # the first call starts the server and imports the preloads
def test_a_forked_run_has_its_env_cwd_output_and_exit_code(tmp_path: Path) -> None:
    (tmp_path / "test_probe.py").write_text(SUITE)
    (tmp_path / "pytest.ini").write_text("[pytest]\naddopts = -p no:randomly -p no:cacheprovider\n")
    env = {**os.environ, "PREP_FORKED_PROBE": "yes"}
    code, output = forked.run_pytest(["-q", "test_probe.py"], env, tmp_path, tmp_path / "log")
    assert code == 1, output
    assert "1 failed, 1 passed" in output and "arithmetic" in output, output
    passed, output = forked.run_pytest(
        ["-q", "test_probe.py", "-k", "env"], env, tmp_path, tmp_path / "log2"
    )
    assert passed == 0, output
    assert "PREP_FORKED_PROBE" not in os.environ, "the parent's environment is left alone"


@pytest.mark.timeout(120)
def test_a_usage_error_keeps_pytest_s_exit_code(tmp_path: Path) -> None:
    code, output = forked.run_pytest(
        ["--no-such-option"], dict(os.environ), tmp_path, tmp_path / "log"
    )
    assert code == 4, output
    assert "unrecognized arguments" in output, output


HANG = """
import itertools

def test_hangs_in_c():
    sum(itertools.count())  # never returns to the interpreter: no alarm can stop it
"""


@pytest.mark.timeout(120)
def test_a_run_stuck_in_c_code_is_killed_at_its_limit(tmp_path: Path) -> None:
    (tmp_path / "test_hang.py").write_text(HANG)
    (tmp_path / "pytest.ini").write_text("[pytest]\naddopts = -p no:randomly -p no:cacheprovider\n")
    code, output = forked.run_pytest(
        ["-q", "test_hang.py"], dict(os.environ), tmp_path, tmp_path / "log", limit=3.0
    )
    assert code == 128 + 9, f"killed by SIGKILL; got {code}: {output}"
    assert output.rstrip().endswith("killed after 3 s: the run was still going (a hang in C code?)")
