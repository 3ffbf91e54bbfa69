"""The plugin end to end: a toy repository in a temporary folder, graded against hostile candidates.

Each test copies `grading/`, `conftest.py` and `pyproject.toml` next to a two-part toy exercise
and runs pytest in a subprocess, as a learner's run would, then reads the scorecard and the JSON.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

from grading.core.catalog import ROOT

CATALOG = """
[settings]
timeout_seconds = 2
seed = 7

[[exercise]]
path = "code_challenge/toy"
title = "Toy"
weeks = [0]
parts = ["Add", "Total"]
"""
SOLUTION = '''
def add(a: int, b: int) -> int:
    """a + b."""
    return a + b


def total(values: list[int]) -> int:
    """Sum of values; the list is left as it was."""
    return sum(values)
'''
STARTER = '''
def add(a: int, b: int) -> int:
    """a + b."""
    # TODO (part 1): add them
    raise NotImplementedError


def total(values: list[int]) -> int:
    """Sum of values; the list is left as it was."""
    # TODO (part 2): sum them
    raise NotImplementedError
'''
TESTS = """
import pytest

from grading.core.expect import returned


@pytest.mark.part(1)
class TestPart1Add:
    def test_adds_small_numbers(self, impl):
        got = returned(impl.add(2, 3), int, "add(2, 3)")
        assert got == 5, "add(2, 3)"

    def test_adds_negatives(self, impl):
        assert impl.add(-2, -3) == -5, "add(-2, -3)"


@pytest.mark.part(2)
class TestPart2Total:
    def test_sums(self, impl):
        got = returned(impl.total([1, 2, 3]), int, "total([1, 2, 3])")
        assert got == 6, "total([1, 2, 3])"

    def test_leaves_input_alone(self, impl):
        values = [3, 1, 2]
        impl.total(values)
        assert values == [3, 1, 2], f"total(values) changed its input to {values}"
"""


@pytest.fixture
def toy(tmp_path: Path) -> Path:
    """A minimal repository: the real grading layer plus one toy exercise."""
    shutil.copytree(
        ROOT / "grading",
        tmp_path / "grading",
        ignore=shutil.ignore_patterns("tests", "__pycache__"),
    )
    for name in ("conftest.py", "pyproject.toml"):
        shutil.copy(ROOT / name, tmp_path / name)
    (tmp_path / "exercises.toml").write_text(CATALOG)
    folder = tmp_path / "code_challenge" / "toy"
    (folder / "tests").mkdir(parents=True)
    (folder / ".meta").mkdir()
    (folder / "starter.py").write_text(STARTER)
    (folder / ".meta" / "solution.py").write_text(SOLUTION)
    (folder / "tests" / "test_toy.py").write_text(TESTS)
    return tmp_path


def run(repo: Path, candidate: str | None = None, *args: str) -> tuple[int, str, dict]:
    """Run the toy's tests with `candidate` as the implementation; return code, output, results."""
    impl = "starter"
    if candidate is not None:
        path = repo / "candidate.py"
        path.write_text(textwrap.dedent(candidate))
        impl = str(path)
    env = {**os.environ, "PREP_HOME": str(repo / ".prep"), "PREP_IMPL": "", "COLUMNS": "160"}
    done = subprocess.run(
        [
            sys.executable,
            "-m",
            "pytest",
            "code_challenge/toy",
            "--impl",
            impl,
            "-p",
            "no:randomly",
            *args,
        ],
        cwd=repo,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    documents = sorted((repo / ".prep" / "results" / "code_challenge-toy").glob("*.json"))
    document = json.loads(documents[-1].read_text()) if documents else {}
    return done.returncode, done.stdout + done.stderr, document


def states(document: dict) -> dict[int, str]:
    return {p["number"]: p["summary"] for p in document["parts"]}


def test_untouched_starter_reads_not_started_and_points_at_part_1(toy: Path) -> None:
    code, output, document = run(toy)
    assert code == 1, output
    assert states(document) == {1: "not started", 2: "not started"}, output
    assert "Part 1 is next: read code_challenge/toy/PROMPT.md ## Part 1 — Add" in output
    assert "Traceback" not in output, "a starter run must not print a traceback wall"


def test_solution_passes_and_writes_v3_results(toy: Path) -> None:
    code, output, document = run(toy, SOLUTION)
    assert code == 0, output
    assert states(document) == {1: "2/2 passed", 2: "2/2 passed"}
    assert document["version"] == 3 and document["status"] == "pass"
    assert {t["task_id"] for t in document["tests"]} == {1, 2}
    assert "prep: impl=" in output and "seed=7" in output, "the header names the impl and the seed"


def test_syntax_error_is_one_line_naming_the_line(toy: Path) -> None:
    code, output, document = run(toy, "def add(a, b):\n    return a +\n")
    assert code == 1
    assert (
        states(document)[1]
        == "crashed on import: SyntaxError line 2: invalid syntax (candidate.py)"
    )
    assert document["status"] == "error"
    assert "Fix the import error first" in output


def test_import_of_a_missing_module_is_reported(toy: Path) -> None:
    _, _, document = run(toy, "import no_such_module_here\n")
    assert states(document)[1].startswith("crashed on import: ModuleNotFoundError line 1")


def test_infinite_loop_is_stopped_and_reported_as_timed_out(toy: Path) -> None:
    candidate = """
        def add(a, b):
            while True:
                pass

        def total(values):
            return sum(values)
    """
    code, output, document = run(toy, candidate, "--timeout", "1")
    assert code == 1
    assert states(document)[1] == "timed out (probable infinite loop or wrong complexity)"
    assert states(document)[2] == "2/2 passed"
    skipped = [t for t in document["tests"] if t["outcome"] == "skipped"]
    assert len(skipped) == 1, "after one timeout, the rest of the part is skipped, not waited for"
    assert "Part 1 timed out" in output


def test_returning_none_names_the_call_and_what_came_back(toy: Path) -> None:
    candidate = """
        def add(a, b):
            a + b

        def total(values):
            return sum(values)
    """
    _, output, document = run(toy, candidate)
    part1 = next(p for p in document["parts"] if p["number"] == 1)
    assert part1["summary"] == "0/2 passed"
    assert "add(2, 3) returned None; expected a int" in part1["detail"]
    assert "add(2, 3) returned None" in output


def test_mutating_the_input_is_named_in_the_scorecard(toy: Path) -> None:
    candidate = """
        def add(a, b):
            return a + b

        def total(values):
            values.sort()
            return sum(values)
    """
    _, _, document = run(toy, candidate)
    part2 = next(p for p in document["parts"] if p["number"] == 2)
    assert part2["summary"] == "1/2 passed"
    assert "total(values) changed its input to [1, 2, 3]" in part2["detail"]


def test_sys_exit_at_import_is_an_import_error_not_a_dead_run(toy: Path) -> None:
    code, output, document = run(toy, "import sys\nsys.exit(3)\n")
    assert code == 1, output
    assert states(document)[1].startswith("crashed on import: SystemExit line 2")


def test_part_option_runs_one_part(toy: Path) -> None:
    _, _, document = run(toy, SOLUTION, "--part", "2")
    assert states(document) == {1: "not run", 2: "2/2 passed"}


def test_impl_path_that_does_not_exist_is_a_one_line_usage_error(toy: Path) -> None:
    env = {**os.environ, "PREP_HOME": str(toy / ".prep")}
    done = subprocess.run(
        [sys.executable, "-m", "pytest", "code_challenge/toy", "--impl", "nope.py"],
        cwd=toy,
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert done.returncode != 0
    assert "--impl nope.py: no such file" in done.stdout + done.stderr


# --- hostile candidates: each gets a specific line, and the rest of the run is unaffected ------

HOSTILE_ADD = {
    "allocates without bound": (
        "def add(a, b):\n    hoard = []\n    while True:\n        hoard.append(bytes(10**9))\n",
        "ran out of memory under the guard: probable unbounded allocation",
    ),
    "calls os._exit": (
        "import os\n\ndef add(a, b):\n    os._exit(3)\n",
        "called os._exit(3), which would end the whole test run",
    ),
    "calls sys.exit": (
        "import sys\n\ndef add(a, b):\n    sys.exit(2)\n",
        "called sys.exit(2): a function must return, not end the program",
    ),
    "raises KeyboardInterrupt": (
        "def add(a, b):\n    raise KeyboardInterrupt\n",
        "raised KeyboardInterrupt; only the person at the keyboard may stop the run",
    ),
    "raises its own exception": (
        "class Oops(Exception):\n    pass\n\ndef add(a, b):\n    raise Oops('no idea')\n",
        "Oops: no idea",
    ),
    "changes the working directory": (
        "import os\n\ndef add(a, b):\n    os.chdir('/')\n    return a + b\n",
        "changed the working directory to / (put back by the grader)",
    ),
    "changes an environment variable": (
        "import os\n\ndef add(a, b):\n    os.environ['PREP_IMPL'] = 'solution'\n    return a + b\n",
        "changed environment variables PREP_IMPL (put back by the grader)",
    ),
    "reseeds the global random generator": (
        "import random\n\ndef add(a, b):\n    random.seed(0)\n    return a + b\n",
        "reseeded or drew from the global `random` generator (put back by the grader)",
    ),
    "replaces a helper of the tests": (
        "import grading.core.expect\ngrading.core.expect.returned = lambda got, kind, call: got\n\ndef add(a, b):\n    return a + b\n",
        "replaced grading.core.expect.returned, a helper of the tests",
    ),
}


@pytest.mark.timeout(60)  # each case is a whole pytest run in a subprocess
@pytest.mark.parametrize("name", sorted(HOSTILE_ADD))
def test_hostile_candidate_gets_a_specific_line_and_part_2_is_unaffected(
    toy: Path, name: str
) -> None:
    add, expected = HOSTILE_ADD[name]
    code, output, document = run(toy, add + "\n\ndef total(values):\n    return sum(values)\n")
    assert code == 1, output
    part1, part2 = document["parts"]
    assert expected in part1["detail"], (
        f"{name}: scorecard said {part1['summary']} / {part1['detail']}"
    )
    assert part2["summary"] == "2/2 passed", f"{name} leaked into part 2: {part2}"
    assert "prep scorecard" in output and document["version"] == 3


def test_megabytes_of_output_are_cut_in_the_report(toy: Path) -> None:
    flood = "def add(a, b):\n    print('x' * 5_000_000)\n    return None\n\ndef total(values):\n    return sum(values)\n"
    _, output, document = run(toy, flood)
    assert "characters of output cut" in output
    assert len(output) < 100_000, "a flood of prints must not bury the scorecard"
    assert document["parts"][1]["summary"] == "2/2 passed"


PROPERTY_TEST = """
import pytest
from hypothesis import given, strategies as st


@pytest.mark.part(1)
class TestPart1Property:
    @given(a=st.integers(), b=st.integers())
    def test_add_agrees_with_plus(self, impl, a, b):
        assert impl.add(a, b) == a + b
"""


@pytest.mark.timeout(60)
def test_an_endless_loop_inside_a_property_test_times_out_instead_of_hanging(toy: Path) -> None:
    # Hypothesis catches pytest.fail (pytest-timeout's own exception) and re-runs the example to
    # shrink it; after the one-shot alarm that re-run looped forever. The plugin's timer raises
    # a BaseException Hypothesis does not catch.
    (toy / "code_challenge" / "toy" / "tests" / "test_property.py").write_text(PROPERTY_TEST)
    loop = "def add(a, b):\n    while True:\n        pass\n\ndef total(values):\n    return sum(values)\n"
    code, output, document = run(toy, loop, "--timeout", "1", "-k", "Property")
    assert code == 1, output
    assert (
        document["parts"][0]["summary"] == "timed out (probable infinite loop or wrong complexity)"
    )


CONVERTING_PROPERTY_TEST = """
import pytest
from hypothesis import given, strategies as st


@pytest.mark.part(1)
class TestPart1Property:
    @given(a=st.integers())
    def test_add_errors_are_the_modules_own(self, impl, a):
        try:
            impl.add(a, 1)
        except impl.AddError:
            pass
"""


@pytest.mark.timeout(60)
def test_a_timeout_the_test_turns_into_another_error_still_stops_the_loop(toy: Path) -> None:
    # `except impl.AddError`, with AddError no exception class, turns the timeout into a
    # TypeError; Hypothesis takes that for a failure and replays the example, looping again.
    # One alarm left that replay running forever (1 of 21 shuffled runs of hard's loop candidate).
    (toy / "code_challenge" / "toy" / "tests" / "test_property.py").write_text(
        CONVERTING_PROPERTY_TEST
    )
    loop = (
        "def add(a, b):\n    while True:\n        pass\n\n"
        "def AddError():\n    pass\n\n"
        "def total(values):\n    return sum(values)\n"
    )
    code, output, document = run(toy, loop, "--timeout", "1", "-k", "Property")
    assert code == 1, output
    part1 = document["parts"][0]
    assert part1["summary"] == "timed out (probable infinite loop or wrong complexity)", part1
    assert "ran >1.0s" in output, output


SLOW_BENCH = """
import pytest


@pytest.mark.part(1)
@pytest.mark.bench
def test_a_comparison_that_never_ends(impl):
    while True:
        impl.add(1, 2)
"""


@pytest.mark.timeout(60)
def test_a_timed_out_benchmark_leaves_its_part_s_correctness_tests_running(toy: Path) -> None:
    # The benchmark file sorts first, so its timeout comes before part 1's correctness tests.
    (toy / "code_challenge" / "toy" / "tests" / "test_a_bench.py").write_text(SLOW_BENCH)
    code, output, document = run(toy, SOLUTION, "--bench", "--timeout", "1")
    assert states(document)[1] == "2/2 passed", output
    assert states(document)[2] == "2/2 passed", output
    assert code == 1, output  # the benchmark itself still fails the run


CTRL_C = """
import os
import signal
import time


def add(a, b):
    os.kill(os.getpid(), signal.SIGINT)  # the person at the keyboard presses Ctrl-C
    time.sleep(5)
    return a + b


def total(values):
    return sum(values)
"""


@pytest.mark.timeout(60)
def test_a_real_ctrl_c_stops_the_run_while_the_candidate_runs(toy: Path) -> None:
    # Unlike a candidate raising KeyboardInterrupt (a failed test, and the run goes on).
    code, output, _ = run(toy, CTRL_C)
    assert code == pytest.ExitCode.INTERRUPTED, f"exit {code}, expected 2 (interrupted): {output}"
    assert "only the person at the keyboard" not in output, output


TIME_LIMITS = """
import pytest


@pytest.mark.part(1)
def test_a_correctness_test_gets_the_catalogue_s_limit(request):
    limits = [m.args for m in request.node.iter_markers("timeout")]
    assert limits == [(2,)], limits


@pytest.mark.part(1)
@pytest.mark.bench
def test_a_comparison_gets_room_for_every_contender(request):
    limits = [m.args for m in request.node.iter_markers("timeout")]
    assert limits == [(120,)], limits
"""


@pytest.mark.timeout(60)
def test_comparisons_get_a_longer_time_limit_than_correctness_tests(toy: Path) -> None:
    (toy / "code_challenge" / "toy" / "tests" / "test_limits.py").write_text(TIME_LIMITS)
    code, output, _ = run(toy, SOLUTION, "--bench")
    assert code == 0, output
