"""Mutation testing on plain data: cosmic-ray's dump, the equivalents file, the tally, the
report, and which grading modules are mutated against which unit tests."""

from __future__ import annotations

import argparse
import json
import os
import signal
import time
from collections.abc import Sequence
from dataclasses import replace
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest

from grading.core import catalog
from grading.core.catalog import ROOT
from grading.proof.mutation import campaign, cli, model, selection, staleness
from grading.proof.mutation import report as reporting
from grading.proof.mutation import targets as targeting
from grading.proof.mutation.model import Equivalent, Mutant, MutationError
from grading.proof.mutation.report import Run

DIFF = """--- mutation diff ---
--- a/tmp/x/solution.py
+++ b/tmp/x/solution.py
@@ -162,7 +162,7 @@
     if not sorted_values:
         raise ValueError("percentile() of an empty sequence")
-    rank = max(1, math.ceil(p * len(sorted_values) / 100))
+    rank = max(2, math.ceil(p * len(sorted_values) / 100))
     return sorted_values[rank - 1]"""


def dump_line(
    result: dict[str, Any] | None,
    operator: str = "core/NumberReplacer",
    job: str = "abc",
    line: int = 164,
) -> str:
    item = {
        "job_id": job,
        "mutations": [
            {
                "module_path": "/tmp/x/solution.py",
                "operator_name": operator,
                "occurrence": 3,
                "start_pos": [line, 15],
                "end_pos": [line, 16],
                "operator_args": {},
                "definition_name": "percentile",
            }
        ],
    }
    return json.dumps([item, result])


def result(test_outcome: str, output: str = "1 failed", worker: str = "normal") -> dict[str, Any]:
    return {"worker_outcome": worker, "output": output, "test_outcome": test_outcome, "diff": DIFF}


def mutant(outcome: str = "survived", line: int = 164, mutated: str = "rank = 2") -> Mutant:
    return Mutant(
        "code_challenge/easy",
        "job",
        line,
        4,
        "percentile",
        "core/NumberReplacer",
        "rank = 1",
        mutated,
        outcome,
    )


EQUIVALENT = Equivalent(
    "code_challenge/easy", "percentile", "core/NumberReplacer", "rank = 1", "rank = 2", "same rank"
)


class TestDump:
    def test_changed_lines_are_the_minus_and_plus_lines(self) -> None:
        got = model.changed_lines(DIFF)
        assert got == (
            "rank = max(1, math.ceil(p * len(sorted_values) / 100))",
            "rank = max(2, math.ceil(p * len(sorted_values) / 100))",
        )

    def test_blank_lines_at_the_end_of_a_file_are_no_change(self) -> None:
        assert model.changed_lines("@@ -9 +9 @@\n-x = -a\n-\n+x = ~a") == ("x = -a", "x = ~a")

    def test_a_removed_line_has_an_empty_mutated_side(self) -> None:
        assert model.changed_lines("@@ -1 +1 @@\n-@dataclass\n class A:") == ("@dataclass", "")

    @pytest.mark.parametrize(
        ("given", "expected"),
        [
            (result("killed"), "killed"),
            (result("killed", output="timeout"), "timeout"),
            (result("survived"), "survived"),
            (result("incompetent", worker="exception"), "incompetent"),
            (None, "pending"),
            ({"worker_outcome": "skipped", "test_outcome": None, "diff": None}, "skipped"),
        ],
        ids=["killed", "timeout", "survived", "crashed worker", "not run yet", "skipped"],
    )
    def test_outcomes(self, given: dict[str, Any] | None, expected: str) -> None:
        (got,) = model.parse_dump("code_challenge/easy", [dump_line(given)])
        assert got.outcome == expected

    def test_a_mutant_carries_where_and_what(self) -> None:
        (got,) = model.parse_dump("code_challenge/easy", [dump_line(result("survived")), ""])
        assert (got.job, got.line, got.column) == ("abc", 164, 15)
        assert (got.function, got.operator) == ("percentile", "core/NumberReplacer")
        assert got.mutated.startswith("rank = max(2,")

    def test_mutations_cosmic_ray_could_not_apply_are_left_out(self) -> None:
        no_test = {"worker_outcome": "no-test", "output": None, "test_outcome": None, "diff": None}
        assert model.parse_dump("code_challenge/easy", [dump_line(no_test)]) == []


class TestAnnotations:
    SOURCE = """from __future__ import annotations

def f(x: int | None, *rest: str) -> str | None:  # é
    y: int | None = x | 1
    return None
"""

    def test_annotations_are_found_and_code_is_not(self) -> None:
        spans = selection.annotation_spans(self.SOURCE)
        assert selection.inside(3, 11, spans)  # the | of `int | None`
        assert selection.inside(3, 39, spans)  # the | of the return annotation
        assert selection.inside(4, 11, spans)  # a local variable's annotation
        assert not selection.inside(4, 22, spans)  # `x | 1` is code

    def test_columns_count_characters_not_bytes(self) -> None:
        spans = selection.annotation_spans(
            'from __future__ import annotations\nx = "é"; y: int | None = 1\n'
        )
        assert selection.inside(2, 15, spans) and not selection.inside(2, 24, spans)

    def test_without_the_future_import_annotations_run_so_nothing_is_skipped(self) -> None:
        assert selection.annotation_spans("def f(x: int | None) -> None:\n    pass\n") == []


class TestEquivalentsFile:
    def test_entries_parse(self) -> None:
        text = """
[[equivalent]]
target = "code_challenge/easy"
function = "percentile"
operator = "core/NumberReplacer"
original = "rank = 1"
mutated = "rank = 2"
reason = "same rank"
"""
        assert model.parse_equivalents(text) == [EQUIVALENT]

    def test_an_empty_file_lists_nothing(self) -> None:
        assert model.parse_equivalents("# nothing yet\n") == []

    def test_a_missing_reason_names_the_entry(self) -> None:
        text = '[[equivalent]]\ntarget = "a"\nfunction = "f"\noperator = "o"\noriginal = "x"\nmutated = "y"\n'
        with pytest.raises(MutationError, match=r"#1 needs text for reason"):
            model.parse_equivalents(text)

    def test_broken_toml_says_so(self) -> None:
        with pytest.raises(MutationError, match="not valid TOML"):
            model.parse_equivalents("[[equivalent]\n")

    def test_matching_ignores_the_line_number(self) -> None:
        assert EQUIVALENT.matches(mutant(line=200))
        assert not EQUIVALENT.matches(mutant(mutated="rank = 3"))


class TestTally:
    def test_score_leaves_equivalents_out(self) -> None:
        mutants = [
            mutant("killed"),
            mutant("timeout"),
            mutant("survived"),
            mutant("survived", mutated="rank = 3"),
        ]
        got = reporting.tally("code_challenge/easy", mutants, [EQUIVALENT])
        assert (got.killed, got.timeouts, got.total) == (2, 1, 4)
        assert got.survived == (mutant("survived", mutated="rank = 3"),)
        assert got.score == pytest.approx(2 / 3)
        assert not got.met

    def test_an_accepted_survivor_is_explained_but_still_counts(self) -> None:
        accepted = Equivalent(
            "code_challenge/easy",
            "percentile",
            "core/NumberReplacer",
            "rank = 1",
            "rank = 2",
            "needs a test the naive baseline would fail",
            accepted=True,
        )
        got = reporting.tally(
            "code_challenge/easy", [mutant("killed"), mutant("survived")], [accepted]
        )
        assert (got.survived, len(got.accepted), got.score, got.total) == ((), 1, 0.5, 2)
        report = reporting.render(TestReport.RUN, [got], [])
        assert "## Accepted survivors" in report
        assert "needs a test the naive baseline would fail" in report

    def test_accepted_must_be_a_boolean(self) -> None:
        text = (
            '[[equivalent]]\ntarget = "t"\nfunction = ""\noperator = "o"\noriginal = "a"\n'
            'mutated = "b"\nreason = "r"\naccepted = "yes"\n'
        )
        with pytest.raises(MutationError, match="accepted must be true or false"):
            model.parse_equivalents(text)

    def test_ninety_percent_meets_the_target(self) -> None:
        got = reporting.tally("t", [mutant("killed")] * 9 + [mutant("survived")], [])
        assert got.score == pytest.approx(0.9) and got.met

    def test_pending_mutants_never_meet_the_target(self) -> None:
        got = reporting.tally("t", [mutant("killed"), mutant("pending")], [])
        assert got.score == 1.0 and not got.met

    def test_stale_entries_are_reported(self) -> None:
        gone = Equivalent("code_challenge/easy", "f", "o", "a", "b", "r")
        elsewhere = Equivalent("code_challenge/hard", "f", "o", "a", "b", "r")
        got = staleness.stale(
            [EQUIVALENT, gone, elsewhere], [mutant("killed")], ["code_challenge/easy"]
        )
        assert got == [(EQUIVALENT, "now killed"), (gone, "no such mutant any more")]

    def test_in_a_sampled_target_an_entry_matching_nothing_is_not_stale(self) -> None:
        gone = Equivalent("code_challenge/easy", "f", "o", "a", "b", "r")
        mutants = [mutant("killed"), mutant("unsampled", line=9, mutated="")]
        got = staleness.stale([EQUIVALENT, gone], mutants, ["code_challenge/easy"])
        assert got == [(EQUIVALENT, "now killed")]


class TestReport:
    RUN = Run(
        command="python -m grading.proof.mutation --exercise code_challenge/easy",
        started=datetime(2026, 11, 26, 15, 0, tzinfo=UTC),
        seconds=600.0,
        cores=2,
        tool="cosmic-ray 8.7.0",
        sources={"code_challenge/easy": "code_challenge/easy/.meta/solution.py"},
        untested=("grading/learner/doctor.py",),
    )

    def test_table_survivors_and_equivalents(self) -> None:
        mutants = [
            mutant("killed"),
            mutant("survived"),
            mutant("survived", line=170, mutated="a | b"),
        ]
        tallies = [reporting.tally("code_challenge/easy", mutants, [EQUIVALENT])]
        got = reporting.render(self.RUN, tallies, [])
        assert "| code_challenge/easy | 3 | 0 | 0 | 0 | 1 | 0 | 1 | 1 | 0 | 50.0% | **no** |" in got
        assert (
            "| code_challenge/easy/.meta/solution.py:170 | percentile | NumberReplacer | `rank = 1` | `a \\| b` |"
            in got
        )
        assert (
            "| code_challenge/easy/.meta/solution.py:164 | `rank = 1` → `rank = 2` | same rank |"
            in got
        )
        assert "`grading/learner/doctor.py`" in got

    def test_no_survivors_says_none(self) -> None:
        got = reporting.render(
            self.RUN, [reporting.tally("code_challenge/easy", [mutant("killed")], [])], []
        )
        assert "| 100.0% | yes |" in got and "None." in got

    def test_a_run_over_kept_sessions_says_its_time_is_this_invocation_s(self) -> None:
        tallies = [reporting.tally("code_challenge/easy", [mutant("killed")], [])]
        kept = reporting.render(replace(self.RUN, kept_sessions=True), tallies, [])
        assert "took 10.0 min on 2 cores (this invocation only" in kept, kept
        assert "this invocation only" not in reporting.render(self.RUN, tallies, [])

    def test_a_sampled_run_says_so_and_gives_the_interval(self) -> None:
        run = replace(self.RUN, sample=200, grading_sample=200, seed=3)
        mutants = (
            [mutant("killed")] * 19
            + [mutant("survived", mutated="x")]
            + [mutant("unsampled", line=9)] * 5
        )
        got = reporting.render(run, [reporting.tally("code_challenge/easy", mutants, [])], [])
        assert "at most 200 mutants per exercise" in got and "seed 3" in got
        assert (
            "| code_challenge/easy | 25 | 0 | 0 | 5 | 19 | 0 | 1 | 0 | 0 | 95.0% (76%–99%) | yes |"
            in got
        )


GIVEN_SOLUTION = """\
from dataclasses import dataclass

LIMIT = 10


@dataclass(frozen=True)
class Record:
    name: str

    def label(self) -> str:
        return self.name.upper()

    def size(self) -> int:
        return len(self.name) * 2


def solve(x: int) -> int:
    \"\"\"Twice x.\"\"\"
    return x * 2


if __name__ == "__main__":
    print(solve(LIMIT))
"""
GIVEN_STARTER = GIVEN_SOLUTION.replace("return len(self.name) * 2", "raise NotImplementedError")
GIVEN_STARTER = GIVEN_STARTER.replace("return x * 2", "raise NotImplementedError")


class TestGivenCode:
    SPANS = selection.given_spans(GIVEN_SOLUTION, GIVEN_STARTER)

    @pytest.mark.parametrize(
        ("text", "given"),
        [
            ("LIMIT = 10", True),
            ("@dataclass(frozen=True)", True),
            ("return self.name.upper()", True),
            ("return len(self.name) * 2", False),
            ("return x * 2", False),
            ("print(solve(LIMIT))", True),
        ],
    )
    def test_code_the_starter_ships_as_is_is_given(self, text: str, given: bool) -> None:
        line = (
            GIVEN_SOLUTION.splitlines().index(
                next(row for row in GIVEN_SOLUTION.splitlines() if text in row)
            )
            + 1
        )
        column = next(row for row in GIVEN_SOLUTION.splitlines() if text in row).index(text)
        assert selection.inside(line, column, self.SPANS) is given, text

    def test_a_given_mutant_is_relabelled_whatever_its_outcome(self) -> None:
        spans = [((5, 0), (5, 40))]
        assert campaign._relabel(mutant("survived", line=5), [], spans).outcome == "given"
        assert campaign._relabel(mutant("skipped", line=6), [], spans).outcome == "unsampled"
        assert campaign._relabel(mutant("skipped", line=5), spans, []).outcome == "skipped"
        assert campaign._relabel(mutant("killed", line=6), [], spans).outcome == "killed"

    def test_given_mutants_are_out_of_the_score(self) -> None:
        got = reporting.tally("t", [mutant("killed"), mutant("given")], [])
        assert (got.score, got.given, got.total) == (1.0, 1, 2)


class TestSample:
    MUTANTS = tuple(mutant(line=n) for n in range(1, 101))

    def test_the_same_seed_gives_the_same_sample_and_another_seed_another(self) -> None:
        first = selection.sample(self.MUTANTS, 10, seed=1)
        assert len(first) == 10
        assert selection.sample(self.MUTANTS[::-1], 10, seed=1) == first
        assert selection.sample(self.MUTANTS, 10, seed=2) != first

    def test_no_size_or_a_large_one_takes_everything(self) -> None:
        assert selection.sample(self.MUTANTS, None, seed=1) == set(self.MUTANTS)
        assert selection.sample(self.MUTANTS, 500, seed=1) == set(self.MUTANTS)

    def test_wilson_interval_matches_the_textbook_values(self) -> None:
        # 95% Wilson interval of 19/20: 0.7639–0.9911 (Newcombe 1998, table I style check)
        low, high = reporting.wilson_interval(19, 20)
        assert (round(low, 4), round(high, 4)) == (0.7639, 0.9911)
        assert reporting.wilson_interval(0, 0) == (0.0, 1.0)


class TestTargets:
    def test_grading_modules_pair_with_tests_naming_them(self) -> None:
        targets, untested = targeting.grading_targets(
            [
                "grading/proof/roadmap.py",
                "grading/learner/journal.py",
                "grading/learner/doctor.py",
                "grading/core/results.py",
            ],
            [
                "grading/tests/learner/test_journal.py",
                "grading/tests/proof/test_roadmap.py",
                "grading/tests/core/test_results.py",
                "grading/tests/core/test_results_end_to_end.py",
            ],
        )
        assert [(t.name, t.tests) for t in targets] == [
            (
                "grading/core/results.py",
                (
                    "grading/tests/core/test_results.py",
                    "grading/tests/core/test_results_end_to_end.py",
                ),
            ),
            ("grading/learner/journal.py", ("grading/tests/learner/test_journal.py",)),
            ("grading/proof/roadmap.py", ("grading/tests/proof/test_roadmap.py",)),
        ]
        assert untested == ["grading/learner/doctor.py"]

    def test_a_module_of_a_package_pairs_with_the_package_s_tests(self) -> None:
        targets, untested = targeting.grading_targets(
            ["grading/proof/flakes/report.py", "grading/proof/mutation/model.py"],
            ["grading/tests/proof/test_flakes.py", "grading/tests/proof/test_consistency.py"],
        )
        assert [(t.name, t.tests) for t in targets] == [
            ("grading/proof/flakes/report.py", ("grading/tests/proof/test_flakes.py",)),
        ]
        assert untested == ["grading/proof/mutation/model.py"], "no test_mutation*.py given"

    def test_a_module_without_its_own_tests_pairs_with_the_suite_that_drives_it(self) -> None:
        targets, untested = targeting.grading_targets(
            ["grading/core/guards.py", "grading/core/outcomes.py", "grading/proof/verify.py"],
            ["grading/tests/core/test_plugin_end_to_end.py", "grading/tests/proof/test_flakes.py"],
        )
        drives = ("grading/tests/core/test_plugin_end_to_end.py",)
        assert [(t.name, t.tests) for t in targets] == [
            ("grading/core/guards.py", drives),
            ("grading/core/outcomes.py", drives),
        ]
        assert untested == ["grading/proof/verify.py"]

    def test_fingerprint_follows_the_code_and_its_tests(self, tmp_path: Path) -> None:
        (tmp_path / "grading").mkdir()
        (tmp_path / "ex" / "tests").mkdir(parents=True)
        (tmp_path / "ex" / "solution.py").write_text("x = 1\n")
        (tmp_path / "ex" / "tests" / "test_x.py").write_text("def test(): pass\n")
        target = model.Target("ex", "ex/solution.py", ("ex",))
        first = staleness.fingerprint(tmp_path, target, "pytest ex")
        assert first == staleness.fingerprint(tmp_path, target, "pytest ex")
        assert first != staleness.fingerprint(tmp_path, target, "pytest ex -x")
        (tmp_path / "ex" / ".meta" / "mutants").mkdir(parents=True)
        (tmp_path / "ex" / ".meta" / "mutants" / "m.py").write_text("x = 2\n")
        assert first == staleness.fingerprint(tmp_path, target, "pytest ex"), "candidates count"
        (tmp_path / "ex" / "tests" / "test_x.py").write_text("def test(): assert 0\n")
        assert first != staleness.fingerprint(tmp_path, target, "pytest ex")

    def test_a_missing_tool_names_the_fix(self) -> None:
        with pytest.raises(MutationError, match="nox -s mutation"):
            campaign.find_tool("/nonexistent/cosmic-ray")


def fake_python(folder: Path, body: str) -> Path:
    """A `python` beside a fake `cosmic-ray` that records its last argument and its stdin."""
    folder.mkdir(parents=True, exist_ok=True)
    script = folder / "python"
    script.write_text(
        '#!/bin/sh\nfor last; do :; done\nprintf %s "$last" > "$(dirname "$0")/argument"\n'
        'cat > "$(dirname "$0")/stdin"\n' + body
    )
    script.chmod(0o755)
    return folder / "cosmic-ray"


class TestDriving:
    def test_skipping_runs_the_python_beside_the_tool_with_the_jobs_on_stdin(
        self, tmp_path: Path
    ) -> None:
        tool = fake_python(tmp_path / "bin", "exit 0\n")
        session = tmp_path / "session.sqlite"
        campaign._skip(tool, session, ["job1", "job2"])  # no error: the script exited 0
        assert (tmp_path / "bin" / "argument").read_text() == str(session)
        assert (tmp_path / "bin" / "stdin").read_text() == "job1\njob2"

    def test_a_failed_skip_names_the_count_and_the_end_of_the_error(self, tmp_path: Path) -> None:
        tool = fake_python(tmp_path / "bin", "printf 'one\\ntwo\\nno such table\\n' >&2\nexit 1\n")
        with pytest.raises(MutationError) as caught:
            campaign._skip(tool, tmp_path / "session.sqlite", ["job1", "job2"])
        assert str(caught.value) == (
            "could not mark 2 annotation mutants skipped: two | no such table"
        )

    def test_each_target_works_in_its_own_folder_of_the_scratch(
        self, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
    ) -> None:
        calls = []

        def fake_mutate(
            target: model.Target,
            tool: Path,
            root: Path,
            work: Path,
            size: int | None = None,
            seed: int = 0,
            run: bool = True,
        ) -> list[Mutant]:
            calls.append((target.name, root, work, size, seed, run))
            return []

        monkeypatch.setattr(cli, "mutate", fake_mutate)
        exercise = model.Target("code_challenge/easy", "code_challenge/easy/x.py", ("t",))
        graded = model.Target("grading/learner/hints.py", "grading/learner/hints.py", ("t",))
        options = argparse.Namespace(
            sessions=tmp_path, sample=4, grading_sample=2, sample_seed=7, no_run=True, jobs=1
        )
        assert cli._run_all(Path("cosmic-ray"), [exercise], [graded], options) == []
        assert calls == [
            ("code_challenge/easy", ROOT, tmp_path / "code_challenge-easy", 4, 7, False),
            (
                "grading/learner/hints.py",
                tmp_path / "repository",
                tmp_path / "grading-learner-hints.py",
                2,
                7,
                False,
            ),
        ]

    @pytest.mark.parametrize(
        ("argv", "grading_sample", "line"),
        [
            (["--sample", "3"], 3, "- Sampled: at most 3 mutants per exercise, a uniform"),
            (
                ["--sample", "3", "--grading-sample", "5"],
                5,
                "- Sampled: at most 3 mutants per exercise, at most 5 per grading module, a",
            ),
        ],
        ids=["defaults-to-sample", "its-own"],
    )
    def test_the_grading_sample_defaults_to_the_sample(
        self,
        tmp_path: Path,
        monkeypatch: pytest.MonkeyPatch,
        argv: list[str],
        grading_sample: int,
        line: str,
    ) -> None:
        seen: list[int | None] = []

        def fake_run_all(
            tool: Path, exercises: list[Any], graded: list[Any], options: argparse.Namespace
        ) -> list[Mutant]:
            seen.append(options.grading_sample)
            return []

        graded = model.Target("grading/learner/hints.py", "grading/learner/hints.py", ("t",))
        monkeypatch.setattr(cli, "find_tool", lambda given: Path("cosmic-ray"))
        monkeypatch.setattr(cli, "_targets", lambda options: ([], [graded], []))
        monkeypatch.setattr(cli, "_run_all", fake_run_all)
        monkeypatch.setattr(cli, "_version", lambda tool: "cosmic-ray 8.7.0")
        report = tmp_path / "mutation.md"
        extra = ["--report", str(report), "--equivalents", str(tmp_path / "none.toml")]
        cli.main(["--grading", *argv, *extra])
        assert seen == [grading_sample], f"each grading module samples {grading_sample}"
        sampled = [t for t in report.read_text().splitlines() if t.startswith("- Sampled")]
        assert len(sampled) == 1 and sampled[0].startswith(line), sampled


def fake_cosmic_ray(folder: Path, exec_body: str = "exit 0", dump: Sequence[str] = ()) -> Path:
    """A fake `cosmic-ray` (and the `python` beside it) that logs each subcommand to `log`:
    `init` creates the session, `dump` prints `dump`'s lines, `exec` runs `exec_body`."""
    tool = fake_python(folder, "exit 0\n")
    (folder / "dump").write_text("".join(f"{row}\n" for row in dump))
    tool.write_text(
        '#!/bin/sh\nhere="$(dirname "$0")"\necho "$1" >> "$here/log"\ncase "$1" in\n'
        '  init) : > "$3" ;;\n  dump) cat "$here/dump" ;;\n'
        f"  exec) {exec_body} ;;\nesac\n"
    )
    tool.chmod(0o755)
    return tool


class TestMutate:
    TARGET = model.Target("grading/x.py", "grading/x.py", ("grading/tests/test_x.py",))
    DUMP = (
        dump_line(result("survived"), job="j2", line=5, operator="core/ReplaceAndWithOr"),
        dump_line(result("killed"), job="j1", line=3),
    )

    @staticmethod
    def repository(tmp_path: Path) -> Path:
        """A copy of the repository as small as it gets: one grading module and its tests."""
        root = tmp_path / "repo"
        (root / "grading" / "tests").mkdir(parents=True)
        (root / "grading" / "x.py").write_text("def f(a, b):\n    x = 1\n    return a and b\n")
        (root / "grading" / "tests" / "test_x.py").write_text("def test(): pass\n")
        return root

    def test_a_run_initialises_runs_and_reads_back_the_session(self, tmp_path: Path) -> None:
        tool = fake_cosmic_ray(tmp_path / "bin", dump=self.DUMP)
        work = tmp_path / "work"
        got = campaign.mutate(self.TARGET, tool, self.repository(tmp_path), work)
        assert [(m.job, m.line, m.operator, m.outcome) for m in got] == [
            ("j1", 3, "core/NumberReplacer", "killed"),
            ("j2", 5, "core/ReplaceAndWithOr", "survived"),
        ], got
        log = (tmp_path / "bin" / "log").read_text().split()
        assert log == ["init", "dump", "exec", "dump"], f"init, plan, run, read; got {log}"
        assert (work / "session.sqlite").is_file(), "init was given work/session.sqlite"
        assert (work / "fingerprint").is_file(), "the session is stamped with its fingerprint"
        config = (work / "cosmic-ray.toml").read_text()
        assert "-m pytest grading/tests/test_x.py -x -q" in config, config
        assert str(tmp_path / "repo" / "grading" / "x.py") in config, "the copy is mutated"

    def test_a_second_run_over_unchanged_code_resumes_the_session(self, tmp_path: Path) -> None:
        tool = fake_cosmic_ray(tmp_path / "bin", dump=self.DUMP)
        root, work = self.repository(tmp_path), tmp_path / "work"
        first = campaign.mutate(self.TARGET, tool, root, work)
        (tmp_path / "bin" / "log").unlink()
        assert campaign.mutate(self.TARGET, tool, root, work) == first
        log = (tmp_path / "bin" / "log").read_text().split()
        assert log == ["exec", "dump"], f"no init the second time, only a resumed exec; got {log}"

    def test_changed_code_starts_the_session_again(self, tmp_path: Path) -> None:
        tool = fake_cosmic_ray(tmp_path / "bin", dump=self.DUMP)
        root, work = self.repository(tmp_path), tmp_path / "work"
        campaign.mutate(self.TARGET, tool, root, work)
        (root / "grading" / "tests" / "test_x.py").write_text("def test(): assert 0\n")
        campaign.mutate(self.TARGET, tool, root, work)
        log = (tmp_path / "bin" / "log").read_text().split()
        assert log.count("init") == 2, f"a changed test starts afresh; got {log}"

    def test_no_run_without_a_kept_session_says_to_run(self, tmp_path: Path) -> None:
        tool = fake_cosmic_ray(tmp_path / "bin", dump=self.DUMP)
        with pytest.raises(MutationError, match=r"no kept session for grading/x\.py .*--no-run"):
            campaign.mutate(self.TARGET, tool, self.repository(tmp_path), tmp_path / "w", run=False)
        assert not (tmp_path / "bin" / "log").exists(), "nothing ran"


class TestExecute:
    @staticmethod
    def execute(tool: Path, label: str = "") -> None:
        folder = tool.parent
        campaign._execute(
            tool, folder / "c.toml", folder / "s.sqlite", folder, dict(os.environ), label
        )

    def test_a_run_that_finishes_returns(self, tmp_path: Path) -> None:
        # It lasts a moment, so a run that never waits for it would find it still going.
        tool = fake_cosmic_ray(tmp_path, exec_body="sleep 0.2; exit 0")
        self.execute(tool)
        assert (tmp_path / "log").read_text().split() == ["exec"]

    def test_a_failed_run_names_its_exit_code_and_the_end_of_its_error(
        self, tmp_path: Path
    ) -> None:
        tool = fake_cosmic_ray(
            tmp_path, exec_body="printf 'one\\ntwo\\nthree\\nno such session\\n' >&2; exit 3"
        )
        with pytest.raises(MutationError) as caught:
            self.execute(tool)
        assert str(caught.value) == (
            "cosmic-ray exec failed (exit 3): two | three | no such session"
        ), str(caught.value)

    def test_a_long_run_reports_how_many_mutants_are_done(
        self, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
    ) -> None:
        monkeypatch.setattr(campaign, "PROGRESS_SECONDS", 0.2)
        dump = [dump_line(result("killed"), job="j1"), dump_line(None, job="j2")]
        tool = fake_cosmic_ray(tmp_path, exec_body="sleep 0.6", dump=dump)
        self.execute(tool, "grading/x.py")
        out = capsys.readouterr().out
        assert "  grading/x.py: 1/2 mutants done" in out, f"one done, one pending; got {out!r}"

    def test_an_interrupted_run_stops_cosmic_ray(
        self, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
    ) -> None:
        pidfile = tmp_path / "pid"

        def interrupted(*args: object) -> list[str]:
            deadline = time.monotonic() + 2
            while not pidfile.is_file() and time.monotonic() < deadline:
                time.sleep(0.01)
            raise KeyboardInterrupt

        monkeypatch.setattr(campaign, "PROGRESS_SECONDS", 0.1)
        monkeypatch.setattr(campaign, "_cosmic_ray", interrupted)
        tool = fake_cosmic_ray(tmp_path, exec_body='echo $$ > "$here/pid"; exec sleep 30')
        with pytest.raises(KeyboardInterrupt):
            self.execute(tool)
        pid = int(pidfile.read_text())
        try:
            os.kill(pid, 0)
        except ProcessLookupError:
            return  # terminated and waited for
        os.kill(pid, signal.SIGKILL)  # no sleeper outlives the test
        os.waitpid(pid, 0)
        pytest.fail(f"cosmic-ray exec (pid {pid}) was left running after the interrupt")


class TestTargetList:
    @staticmethod
    def options(**given: Any) -> argparse.Namespace:
        """What `main` parses, for the options `_targets` reads."""
        return argparse.Namespace(**{"exercise": None, "module": None, "grading": False, **given})

    def test_a_named_module_is_the_only_target_with_its_unit_tests(self) -> None:
        exercises, graded, untested = cli._targets(
            self.options(module=["./grading/core/results.py"])
        )
        assert (exercises, untested) == ([], []), "--module alone skips the exercises"
        assert [t.name for t in graded] == ["grading/core/results.py"], graded
        assert "grading/tests/core/test_results.py" in graded[0].tests, graded[0].tests

    def test_grading_takes_every_unit_tested_module_beside_the_exercises(self) -> None:
        exercise = catalog.load().exercises[0]
        exercises, graded, untested = cli._targets(
            self.options(grading=True, exercise=[exercise.path])
        )
        expected = targeting.exercise_target(exercise)
        assert exercises == ([expected] if expected else []), exercises
        names = {t.name for t in graded}
        assert "grading/core/plugin.py" in names and "grading/core/results.py" in names, names
        assert not any(n.endswith("__init__.py") for n in [*names, *untested]), "no package files"
        assert all(t.tests and t.tests[0].startswith("grading/tests/") for t in graded)
        assert "grading/proof/mutation/report.py" in names, "modules of a package are targets"
        assert not any(n.endswith("__main__.py") for n in [*names, *untested])

    def test_an_unknown_module_lists_the_known_ones(self) -> None:
        with pytest.raises(
            MutationError,
            match=r"no unit-tested grading module grading/nope\.py; "
            r"known: .*grading/core/results\.py",
        ):
            cli._targets(self.options(module=["grading/nope.py"]))
