"""The flakes campaign on plain data: verdicts, differences, benchmark ranges, the report, and the
seeded shuffle it runs the tests in."""

from __future__ import annotations

import random
from collections import Counter
from datetime import UTC, datetime
from typing import Any

from grading import flakes, shuffle
from grading.flakes import BenchSample, Campaign, Observation


def document(parts: list[tuple[int, str]], *benches: dict[str, Any]) -> dict[str, Any]:
    return {
        "exercise": "code_challenge/easy",
        "parts": [{"number": n, "summary": s} for n, s in parts],
        "benchmarks": list(benches),
        "tests": [
            {"name": "t::a", "outcome": "passed", "message": None},
            {"name": "t::b", "outcome": "failed", "message": "got 1, expected 2"},
        ],
    }


def bench(ratio: float, passed: bool, verdict: str = "ok") -> dict[str, Any]:
    return {
        "name": "summarize",
        "measure": "time",
        "ratio": ratio,
        "passed": passed,
        "verdict": verdict,
    }


def sample(contender: str, ratio: float, passed: bool) -> BenchSample:
    return BenchSample(
        "code_challenge/easy",
        "summarize",
        "time",
        contender,
        ratio,
        "ok" if passed else "too slow",
        passed,
    )


def observation(
    run: str, verdict: str, *benches: BenchSample, tests: tuple[tuple[str, str], ...] = ()
) -> Observation:
    problem = verdict.removeprefix("✗ ") if verdict.startswith("✗") else ""
    return Observation(run, "code_challenge/easy", "reference", verdict, problem, benches, tests)


class TestVerdicts:
    def test_verdict_is_the_check_and_every_part_line(self) -> None:
        got = flakes.verdict_of(None, document([(1, "3/3 passed"), (2, "not started")]))
        assert got == "ok · 1: 3/3 passed · 2: not started"

    def test_the_problem_text_stays_out_of_the_verdict(self) -> None:
        first = flakes.verdict_of(
            "2 test(s) fail on the reference, first: t::a", document([(1, "x")])
        )
        second = flakes.verdict_of(
            "2 test(s) fail on the reference, first: t::b", document([(1, "x")])
        )
        assert first == second == "✗ · 1: x"

    def test_measured_ratios_are_blanked_in_the_problem(self) -> None:
        got = flakes.problem_of("benchmark verdicts lost: summarize 3.2x (too slow), sort 12x")
        assert got == "benchmark verdicts lost: summarize …x (too slow), sort …x"
        assert flakes.problem_of(None) == ""

    def test_outcomes_by_test_sorted_with_messages(self) -> None:
        got = flakes.outcomes_by_test(document([]))
        assert got == (("t::a", "passed"), ("t::b", "failed: got 1, expected 2"))

    def test_bench_samples_carry_the_contender_role(self) -> None:
        got = flakes.bench_samples(document([], bench(1.2, True)), "naive")
        assert got == (sample("naive", 1.2, True),)


class TestDifferences:
    def test_the_same_verdict_every_run_is_stable(self) -> None:
        (got,) = flakes.stability([observation("1", "ok"), observation("2", "ok")])
        assert (got.flaky, got.verdicts, got.problems) == (False, Counter({"ok": 2}), Counter())

    def test_two_verdicts_make_a_flake(self) -> None:
        (got,) = flakes.stability(
            [observation("1", "ok"), observation("2", "✗ x"), observation("3", "ok")]
        )
        assert got.flaky and got.verdicts == Counter({"ok": 2, "✗ x": 1})
        assert got.problems == Counter({"x": 1})

    def test_changed_tests_names_only_tests_that_differed(self) -> None:
        runs = [
            observation("1", "ok", tests=(("a", "passed"), ("b", "passed"))),
            observation("2", "ok", tests=(("a", "passed"), ("b", "timed_out: ran >10s"))),
            observation("3", "ok", tests=(("a", "passed"),)),
        ]
        got = flakes.changed_tests(runs)
        assert got == {"b": Counter({"passed": 1, "timed_out: ran >10s": 1, "absent": 1})}


class TestBenchRanges:
    def test_min_max_and_the_run_under_load(self) -> None:
        runs = [
            observation("1", "ok", sample("reference", 1.1, True)),
            observation("2", "ok", sample("reference", 0.9, True)),
            observation(flakes.LOAD_RUN, "ok", sample("reference", 2.5, True)),
        ]
        (got,) = flakes.bench_ranges(runs)
        assert (got.low, got.high, got.flips) == (0.9, 2.5, False)
        assert got.under_load == sample("reference", 2.5, True)
        assert flakes.margin(got, 3.0) == "1.2x"

    def test_winning_and_losing_is_a_flip(self) -> None:
        runs = [
            observation("1", "ok", sample("naive", 3.5, False)),
            observation("2", "ok", sample("naive", 2.9, True)),
        ]
        (got,) = flakes.bench_ranges(runs)
        assert got.flips and flakes.margin(got, 3.0) == "flips"

    def test_a_contender_that_always_loses_keeps_its_margin_below(self) -> None:
        runs = [
            observation(str(i), "ok", sample("naive", r, False)) for i, r in enumerate((30.0, 45.0))
        ]
        (got,) = flakes.bench_ranges(runs)
        assert flakes.margin(got, 3.0) == "10.0x"

    def test_a_deterministic_count_has_no_timing_margin(self) -> None:
        ops = BenchSample(
            "code_challenge/hard", "dag", "operations", "naive", 40.0, "too many", False
        )
        (got,) = flakes.bench_ranges([observation("1", "ok", ops)])
        assert flakes.margin(got, None) == "deterministic count"

    def test_a_label_change_alone_is_no_flip(self) -> None:
        slower = BenchSample(
            "code_challenge/easy",
            "summarize",
            "time",
            "reference",
            1.6,
            "slower than reference",
            True,
        )
        runs = [
            observation("1", "ok", sample("reference", 1.0, True)),
            observation("2", "ok", slower),
        ]
        (got,) = flakes.bench_ranges(runs)
        assert not got.flips and len(got.verdicts) == 2


class TestReport:
    CAMPAIGN = Campaign(
        command="python -m grading.flakes --runs 2 --load --seed 5",
        started=datetime(2026, 11, 26, 14, 0, tzinfo=UTC),
        seconds=90.0,
        cores=2,
        jobs=2,
        runs=2,
        seeds=(5, 6, 7),
        load=True,
        slower_limit=3.0,
        memory_limit=3.0,
        load_before=1.5,
    )

    def test_header_counts_and_tables(self) -> None:
        runs = [
            observation("1", "ok", sample("reference", 1.0, True)),
            observation("2", "ok", sample("reference", 1.2, True)),
            observation(flakes.LOAD_RUN, "ok", sample("reference", 2.0, True)),
        ]
        got = flakes.render(self.CAMPAIGN, runs)
        assert "`python -m grading.flakes --runs 2 --load --seed 5`" in got
        assert "2 in random test order (seeds 5–6) + 1 under load (2 busy processes, seed 7)" in got
        assert "**Candidates with differing verdicts: 0**" in got
        assert "**Candidates whose check failed in at least one run: 0**" in got
        assert "**Benchmark verdicts that flipped: 0** of 1" in got
        assert "| code_challenge/easy | reference | 3 | ok (×3) | – |" in got
        assert (
            "| code_challenge/easy | summarize | time | reference | ok ✓ ×3 | 1.00 | 2.00 | 2.00 | 1.5x |"
            in got
        )

    def test_a_flaky_candidate_is_marked_and_explained(self) -> None:
        runs = [
            observation("1", "ok", tests=(("t::x", "passed"),)),
            observation("2", "✗ a | b", tests=(("t::x", "failed: boom"),)),
        ]
        got = flakes.render(self.CAMPAIGN, runs)
        assert "**Candidates with differing verdicts: 1**" in got
        assert "**Candidates whose check failed in at least one run: 1**" in got
        assert "**flaky**: ok (×1)<br>✗ a \\| b (×1) | a \\| b (×1) |" in got
        assert "- `t::x`: passed ×1; failed: boom ×1" in got


class TestWhy:
    def test_runs_without_results_are_counted_not_listed_test_by_test(self) -> None:
        runs = [
            observation("1", "ok", tests=(("a", "passed"), ("b", "passed"))),
            observation("2", "ok", tests=(("a", "passed"), ("b", "failed: boom"))),
            observation("3", "✗ hung", tests=()),
        ]
        got = flakes._why(runs)
        assert got == ["- 1 run(s) left no results: hung", "- `b`: passed ×1; failed: boom ×1"]

    def test_long_lists_are_cut(self) -> None:
        runs = [
            observation("1", "ok", tests=tuple((f"t{i}", "passed") for i in range(10))),
            observation("2", "ok", tests=tuple((f"t{i}", "failed") for i in range(10))),
        ]
        got = flakes._why(runs, shown=3)
        assert len(got) == 4 and got[-1] == "- … and 7 more tests whose outcome changed"


class TestShuffle:
    ITEMS = (("m1", "A", 1), ("m1", "A", 2), ("m1", "B", 3), ("m2", None, 4), ("m2", None, 5))
    LEVELS = (lambda item: item[0], lambda item: item[1])

    def test_same_seed_same_order_and_nothing_lost(self) -> None:
        first = shuffle.shuffled(self.ITEMS, 7, self.LEVELS)
        assert first == shuffle.shuffled(self.ITEMS, 7, self.LEVELS)
        assert sorted(first) == sorted(self.ITEMS)

    def test_modules_and_classes_stay_together(self) -> None:
        for seed in range(30):
            got = shuffle.shuffled(self.ITEMS, seed, self.LEVELS)
            blocks = [
                key for i, key in enumerate(x[:2] for x in got) if i == 0 or key != got[i - 1][:2]
            ]
            assert len(blocks) == 3, f"seed {seed} split a module or class: {got}"

    def test_some_seed_changes_each_level(self) -> None:
        orders = {tuple(shuffle.shuffled(self.ITEMS, seed, self.LEVELS)) for seed in range(30)}
        assert any(o[0][0] == "m2" for o in orders), "modules never reordered"
        assert any(o[0][1] == "B" for o in orders), "classes never reordered"
        assert any(o[0][2] == 2 for o in orders), "tests never reordered"

    def test_global_random_is_left_alone(self) -> None:
        state = random.getstate()
        shuffle.shuffled(self.ITEMS, 3, self.LEVELS)
        assert random.getstate() == state
