"""Part lines, next steps and rendering, built from plain records."""

from __future__ import annotations

from grading.core import scorecard
from grading.core.catalog import Exercise, Part
from grading.core.results import BenchRecord, TestRecord

EASY = Exercise(
    path="code_challenge/easy",
    title="Easy",
    weeks=(0,),
    minutes=45,
    parts=(Part(1, "Parse", False), Part(2, "Summary", False), Part(3, "Stream", True)),
    timeout_seconds=10,
)


def record(part: int, outcome: str, message: str = "", bench: bool = False) -> TestRecord:
    return TestRecord(f"t{part}-{outcome}", EASY.path, part, bench, outcome, message)  # type: ignore[arg-type]


def summaries(tests: list[TestRecord]) -> list[str]:
    return [line.summary for line in scorecard.part_lines(EASY, tests)]


def test_counts_passed_tests_per_part_and_ignores_benchmarks() -> None:
    tests = [
        record(1, "passed"),
        record(1, "passed"),
        record(1, "passed"),
        record(2, "passed"),
        record(2, "failed", "summarize([]) returned None"),
        record(2, "failed", "bench", bench=True),
    ]
    assert summaries(tests) == ["3/3 passed", "1/2 passed", "not run"]


def test_not_started_timeout_and_import_error_read_as_such() -> None:
    tests = [
        record(1, "timed_out", "test_x ran >10s"),
        record(1, "skipped"),
        record(2, "not_started"),
        record(3, "not_started"),
    ]
    assert summaries(tests) == [
        "timed out (probable infinite loop or wrong complexity)",
        "not started",
        "not started (optional)",
    ]
    crashed = [
        record(n, "import_error", "SyntaxError line 12: invalid syntax (starter.py)")
        for n in (1, 2, 3)
    ]
    assert (
        summaries(crashed)[0]
        == "crashed on import: SyntaxError line 12: invalid syntax (starter.py)"
    )


def test_first_problem_is_kept_as_detail() -> None:
    tests = [
        record(2, "passed"),
        record(2, "failed", "p95 was 120, expected 130"),
        record(2, "failed", "later"),
    ]
    line = scorecard.part_lines(EASY, tests)[1]
    assert line.detail == "p95 was 120, expected 130"


def next_step(tests: list[TestRecord], benches: tuple[BenchRecord, ...] = ()) -> str:
    return scorecard.next_step(scorecard.part_lines(EASY, tests), benches)


def test_next_step_points_at_the_first_unstarted_required_part() -> None:
    got = next_step([record(1, "passed"), record(2, "not_started"), record(3, "not_started")])
    assert got.startswith("Part 2 is next: read code_challenge/easy/PROMPT.md ## Part 2 — Summary")


def test_next_step_for_an_import_error_comes_first() -> None:
    got = next_step(
        [record(1, "passed"), record(2, "import_error", "SyntaxError line 3: x (s.py)")]
    )
    assert got.startswith("Fix the import error first (SyntaxError line 3")


def test_next_step_names_a_lost_benchmark_once_parts_pass() -> None:
    slow = BenchRecord(EASY.path, 2, "summarize", "time", 4000, 9.8, "too slow", False)
    got = next_step([record(1, "passed"), record(2, "passed"), record(3, "passed")], (slow,))
    assert "summarize is 9.8x the reference — too slow" in got


def test_next_step_offers_the_stretch_part_last() -> None:
    got = next_step([record(1, "passed"), record(2, "passed"), record(3, "not_started")])
    assert got.startswith("Every required part passes. Stretch: Part 3 — Stream")


def test_render_shows_parts_benchmarks_and_next_step_without_colour() -> None:
    tests = [record(1, "passed"), record(2, "not_started"), record(3, "not_started")]
    bench = BenchRecord(
        EASY.path, 1, "parse_log", "time", 8000, 1.3, "ok", True, 12.0, 1.02, "looks O(n)"
    )
    text = scorecard.render(scorecard.build([EASY], tests, [bench]), width=140)
    assert "1/1 passed" in text and "not started (optional)" in text
    assert "1.3x — ok" in text and "12.0x" in text and "8,000" in text
    assert "Next: Part 2 is next" in text
    assert "\x1b[" not in text, "no ANSI codes when colour is off"


def test_a_part_whose_tests_were_all_skipped_reads_not_run_not_passed() -> None:
    tests = [record(1, "skipped"), record(1, "skipped"), record(2, "passed")]
    assert summaries(tests) == ["not run", "1/1 passed", "not run"]


def test_next_step_for_a_failing_part_counts_the_failing_tests() -> None:
    got = next_step(
        [
            record(1, "passed"),
            record(1, "failed", "x"),
            record(1, "failed", "y"),
            record(2, "passed"),
        ]
    )
    assert got.startswith(
        "Part 1: 2 of 3 tests fail; run `nox -s exercise -- code_challenge/easy --part 1`"
    ), f"expected 2 failing of 3 with the part-1 command, got {got!r}"


def test_next_step_for_a_timed_out_part_says_it_timed_out() -> None:
    got = next_step([record(1, "passed"), record(2, "timed_out", "ran >10s")])
    assert got.startswith("Part 2 timed out: look for a loop that never ends"), (
        f"expected the timed-out advice for part 2, got {got!r}"
    )
    assert "tests fail" not in got, "a timed-out part is not reported as failing tests"


def test_next_step_when_everything_passes_or_nothing_ran() -> None:
    every = next_step([record(1, "passed"), record(2, "passed"), record(3, "passed")])
    assert every == "Everything passes. ROADMAP.md says what comes next.", every
    partly = next_step([record(1, "passed"), record(2, "passed")])  # part 3 not run
    assert partly == "Everything that ran passes; run the whole exercise to see the rest.", partly
    nothing = next_step([])
    assert nothing == "Everything that ran passes; run the whole exercise to see the rest.", nothing


def test_render_prints_one_header_per_exercise_before_its_parts() -> None:
    other = Exercise(
        path="code_challenge/medium",
        title="Medium",
        weeks=(1,),
        minutes=60,
        parts=(Part(1, "Plan", False),),
        timeout_seconds=10,
    )
    tests = [record(1, "passed"), TestRecord("m1", other.path, 1, False, "passed", "")]
    text = scorecard.render(scorecard.build([EASY, other], tests, []), width=140)
    lines = text.splitlines()
    assert lines.count("code_challenge/easy — Easy") == 1, f"one Easy header expected:\n{text}"
    assert lines.count("code_challenge/medium — Medium") == 1, (
        f"one Medium header expected:\n{text}"
    )
    easy_at = lines.index("code_challenge/easy — Easy")
    medium_at = lines.index("code_challenge/medium — Medium")
    assert easy_at == 0 and medium_at == 4, (
        f"headers must precede their 3 and 1 part lines:\n{text}"
    )
    assert "Plan" in lines[5], f"Medium's part follows its header:\n{text}"


def test_a_green_design_part_says_its_shape_is_complete_not_that_the_design_passed() -> None:
    design = Exercise(
        path="system_design/toy",
        title="Toy",
        weeks=(2,),
        minutes=60,
        parts=(Part(1, "Model", False), Part(2, "Document", False)),
        timeout_seconds=10,
        design_parts=(2,),
    )
    tests = [
        TestRecord("a", design.path, 1, False, "passed", ""),
        TestRecord("b", design.path, 2, False, "passed", ""),
        TestRecord("c", design.path, 2, False, "passed", ""),
    ]
    got = [line.summary for line in scorecard.part_lines(design, tests)]
    assert got == ["1/1 passed", "2/2 checks: shape complete, now review it with RUBRIC.md"]
