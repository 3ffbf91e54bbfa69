"""The blind bank's verdict lines and the checks verify applies to each verdict."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from grading.core.catalog import Exercise, Part
from grading.proof import candidates as blind

EXERCISE = Exercise(
    path="code_challenge/toy",
    title="Toy",
    weeks=(1,),
    minutes=10,
    parts=(Part(1, "Add", False), Part(2, "Double", False), Part(3, "Design", False)),
    timeout_seconds=1.0,
    design_parts=(3,),
)


def doc(verdict_line: str) -> str:
    return (
        f'"""A candidate.\n\n{verdict_line}\nrule: "x"\n"""\n\ndef add(a, b):\n    return a + b\n'
    )


@pytest.mark.parametrize(
    ("line", "expected"),
    [
        ("verdict: accept", blind.Verdict("accept")),
        ("verdict: reject part 2", blind.Verdict("reject", 2)),
        ("verdict: slow part 1   # grows O(n^2)", blind.Verdict("slow", 1)),
    ],
    ids=["accept", "reject", "slow-with-comment"],
)
def test_a_verdict_line_is_read(line: str, expected: blind.Verdict) -> None:
    assert blind.parse_verdict(doc(line), EXERCISE) == expected


@pytest.mark.parametrize(
    ("source", "message"),
    [
        (doc("verdict: maybe"), "needs one line `verdict: accept`"),
        (doc("verdict: accept\nverdict: reject part 1"), r"\(found 2\)"),
        (doc("verdict: reject part 9"), "names part 9; code_challenge/toy has parts 1..3"),
        ("def broken(:\n", "does not parse"),
        ("x = 1\n", "needs one line"),
    ],
    ids=["unknown-word", "two-lines", "no-such-part", "syntax-error", "no-docstring"],
)
def test_an_unreadable_verdict_names_the_fix(source: str, message: str) -> None:
    with pytest.raises(blind.VerdictError, match=message):
        blind.parse_verdict(source, EXERCISE, "c.py")


def test_the_bank_reads_every_file_in_name_order_and_check_bank_names_bad_ones(
    tmp_path: Path,
) -> None:
    folder = tmp_path / EXERCISE.path / ".meta" / "candidates"
    folder.mkdir(parents=True)
    (folder / "b_bug.py").write_text(doc("verdict: reject part 1"))
    (folder / "a_ok.py").write_text(doc("verdict: accept"))
    got = [(p.name, v.describe()) for p, v in blind.bank(EXERCISE, tmp_path)]
    assert got == [("a_ok.py", "accept"), ("b_bug.py", "reject part 1")]
    assert blind.check_bank(EXERCISE, tmp_path) == []
    (folder / "c_bad.py").write_text(doc("verdict: later"))
    assert blind.check_bank(EXERCISE, tmp_path) == [
        "code_challenge/toy/.meta/candidates/c_bad.py: its docstring needs one line "
        "`verdict: accept`, `verdict: reject part N` or `verdict: slow part N` (found 0)"
    ]


def test_run_args_grade_a_rejected_candidate_on_its_part_alone() -> None:
    assert blind.run_args(blind.Verdict("accept")) == (True, ())
    assert blind.run_args(blind.Verdict("reject", 2)) == (False, ("--part", "2"))
    assert blind.run_args(blind.Verdict("slow", 1)) == (True, ("--part", "1"))


def results(
    states: dict[int, str],
    tests: list[dict[str, Any]] | None = None,
    benches: list[dict[str, Any]] | None = None,
) -> dict[str, Any]:
    return {
        "parts": [
            {"number": n, "state": s, "summary": s.replace("_", " ")} for n, s in states.items()
        ],
        "tests": tests or [],
        "benchmarks": benches or [],
    }


def a_test(
    part: int, status: str, bench: bool = False, bound: bool = False, outcome: str = ""
) -> dict[str, Any]:
    return {
        "name": f"t{part}{status}",
        "task_id": part,
        "status": status,
        "bench": bench,
        "bound": bound,
        "outcome": outcome,
    }


def bench(part: int, passed: bool) -> dict[str, Any]:
    return {
        "name": f"w{part}",
        "part": part,
        "ratio": 5.0 if not passed else 1.0,
        "verdict": "x",
        "passed": passed,
    }


class TestAccept:
    check = staticmethod(blind.check(blind.Verdict("accept"), EXERCISE))

    def test_every_code_part_passing_and_every_bench_kept_is_accepted(self) -> None:
        document = results({1: "passed", 2: "passed", 3: "failing"}, benches=[bench(1, True)])
        assert self.check(document) is None, "design part 3 is not code: it does not count"

    def test_a_failing_code_part_is_a_correct_solution_rejected(self) -> None:
        document = results({1: "passed", 2: "failing"}, tests=[a_test(2, "fail")])
        assert self.check(document) == "rejected a correct solution: part 2: failing, first: t2fail"

    def test_a_benchmark_that_failed_without_a_verdict_still_rejects(self) -> None:
        document = results(
            {1: "passed"}, tests=[a_test(1, "fail", bench=True, outcome="timed_out")]
        )
        assert self.check(document) == "a benchmark failed on a correct solution: t1fail"

    def test_a_lost_benchmark_is_a_correct_solution_flagged_slow(self) -> None:
        document = results({1: "passed", 2: "passed"}, benches=[bench(1, False)])
        assert self.check(document) == "flagged a correct solution as slow: w1 5.0x (x)"


class TestReject:
    check = staticmethod(blind.check(blind.Verdict("reject", 2), EXERCISE))

    @pytest.mark.parametrize("state", ["failing", "timed_out"])
    def test_the_named_part_failing_or_timing_out_rejects(self, state: str) -> None:
        assert self.check(results({1: "passed", 2: state})) is None

    @pytest.mark.parametrize("state", ["passed", "not_started", "import_error"])
    def test_anything_else_is_a_bug_accepted(self, state: str) -> None:
        assert (
            self.check(results({2: state}))
            == f"accepted a bug: part 2 says {state.replace('_', ' ')}"
        )

    def test_a_missing_part_is_said(self) -> None:
        assert self.check(results({1: "passed"})) == "no part 2 in the results"


class TestSlow:
    check = staticmethod(blind.check(blind.Verdict("slow", 1), EXERCISE))

    def test_a_lost_benchmark_of_the_part_flags_it(self) -> None:
        document = results(
            {1: "failing"},
            tests=[a_test(1, "pass"), a_test(1, "fail", bench=True)],
            benches=[bench(1, False)],
        )
        assert self.check(document) is None

    def test_a_broken_bound_or_a_timeout_flags_it(self) -> None:
        bound = results({1: "failing"}, tests=[a_test(1, "fail", bound=True)])
        timed_out = results({1: "timed_out"}, tests=[a_test(1, "fail", outcome="timed_out")])
        assert (self.check(bound), self.check(timed_out)) == (None, None)

    def test_a_benchmark_that_timed_out_flags_it(self) -> None:
        document = results(
            {1: "passed"},
            tests=[a_test(1, "pass"), a_test(1, "fail", bench=True, outcome="timed_out")],
        )
        assert self.check(document) is None, (
            "no verdict recorded, but the benchmark ran out of time"
        )

    def test_a_benchmark_of_another_part_does_not_count(self) -> None:
        document = results({1: "passed", 2: "failing"}, benches=[bench(2, False)])
        assert self.check(document) == (
            "not flagged: part 1 says passed and keeps every benchmark verdict"
        )

    def test_a_failing_correctness_test_is_wrong_not_slow(self) -> None:
        document = results({1: "failing"}, tests=[a_test(1, "fail")], benches=[bench(1, False)])
        assert (
            self.check(document)
            == "rejected as wrong, not as slow: 1 test(s) of part 1, first: t1fail"
        )
