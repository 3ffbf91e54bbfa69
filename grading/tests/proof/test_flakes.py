"""The flakes campaign on plain data: verdicts, differences, benchmark ranges and the report;
and the shuffled order it runs the tests in (pytest-randomly), in real collections."""

from __future__ import annotations

import argparse
import contextlib
import os
import signal
import subprocess
import sys
from collections import Counter
from collections.abc import Callable, Sequence
from dataclasses import replace
from datetime import UTC, datetime
from pathlib import Path
from types import SimpleNamespace
from typing import Any

import pytest

from grading.core import catalog
from grading.core.catalog import ROOT, Catalog, Settings
from grading.proof import verify
from grading.proof.flakes import campaign, observations, report
from grading.proof.flakes.observations import BenchSample, Observation
from grading.proof.flakes.report import Campaign


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
        got = observations.verdict_of(None, document([(1, "3/3 passed"), (2, "not started")]))
        assert got == "ok · 1: 3/3 passed · 2: not started"

    def test_the_problem_text_stays_out_of_the_verdict(self) -> None:
        first = observations.verdict_of(
            "2 test(s) fail on the reference, first: t::a", document([(1, "x")])
        )
        second = observations.verdict_of(
            "2 test(s) fail on the reference, first: t::b", document([(1, "x")])
        )
        assert first == second == "✗ · 1: x"

    def test_measured_ratios_are_blanked_in_the_problem(self) -> None:
        got = observations.problem_of(
            "benchmark verdicts lost: summarize 3.2x (too slow), sort 12x"
        )
        assert got == "benchmark verdicts lost: summarize …x (too slow), sort …x"
        assert observations.problem_of(None) == ""

    def test_outcomes_by_test_sorted_with_messages(self) -> None:
        got = observations.outcomes_by_test(document([]))
        assert got == (("t::a", "passed"), ("t::b", "failed: got 1, expected 2"))

    def test_bench_samples_carry_the_contender_role(self) -> None:
        got = observations.bench_samples(document([], bench(1.2, True)), "naive")
        assert got == (sample("naive", 1.2, True),)


class TestDifferences:
    def test_the_same_verdict_every_run_is_stable(self) -> None:
        (got,) = observations.stability([observation("1", "ok"), observation("2", "ok")])
        assert (got.flaky, got.verdicts, got.problems) == (False, Counter({"ok": 2}), Counter())

    def test_two_verdicts_make_a_flake(self) -> None:
        (got,) = observations.stability(
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
        got = observations.changed_tests(runs)
        assert got == {"b": Counter({"passed": 1, "timed_out: ran >10s": 1, "absent": 1})}


class TestBenchRanges:
    def test_min_max_and_the_run_under_load(self) -> None:
        runs = [
            observation("1", "ok", sample("reference", 1.1, True)),
            observation("2", "ok", sample("reference", 0.9, True)),
            observation(observations.LOAD_RUN, "ok", sample("reference", 2.5, True)),
        ]
        (got,) = observations.bench_ranges(runs)
        assert (got.low, got.high, got.flips) == (0.9, 2.5, False)
        assert got.under_load == sample("reference", 2.5, True)
        assert observations.margin(got, 3.0) == "1.2x"

    def test_winning_and_losing_is_a_flip(self) -> None:
        runs = [
            observation("1", "ok", sample("naive", 3.5, False)),
            observation("2", "ok", sample("naive", 2.9, True)),
        ]
        (got,) = observations.bench_ranges(runs)
        assert got.flips and observations.margin(got, 3.0) == "flips"

    def test_a_contender_that_always_loses_keeps_its_margin_below(self) -> None:
        runs = [
            observation(str(i), "ok", sample("naive", r, False)) for i, r in enumerate((30.0, 45.0))
        ]
        (got,) = observations.bench_ranges(runs)
        assert observations.margin(got, 3.0) == "10.0x"

    def test_a_deterministic_count_has_no_timing_margin(self) -> None:
        ops = BenchSample(
            "code_challenge/hard", "dag", "operations", "naive", 40.0, "too many", False
        )
        (got,) = observations.bench_ranges([observation("1", "ok", ops)])
        assert observations.margin(got, None) == "deterministic count"

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
        (got,) = observations.bench_ranges(runs)
        assert not got.flips and len(got.verdicts) == 2


class TestReport:
    CAMPAIGN = Campaign(
        command="python -m grading.proof.flakes --runs 2 --load --seed 5",
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
            observation(observations.LOAD_RUN, "ok", sample("reference", 2.0, True)),
        ]
        got = report.render(self.CAMPAIGN, runs)
        assert "`python -m grading.proof.flakes --runs 2 --load --seed 5`" in got
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
        got = report.render(self.CAMPAIGN, runs)
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
        got = report._why(runs)
        assert got == ["- 1 run(s) left no results: hung", "- `b`: passed ×1; failed: boom ×1"]

    def test_long_lists_are_cut(self) -> None:
        runs = [
            observation("1", "ok", tests=tuple((f"t{i}", "passed") for i in range(10))),
            observation("2", "ok", tests=tuple((f"t{i}", "failed") for i in range(10))),
        ]
        got = report._why(runs, shown=3)
        assert len(got) == 4 and got[-1] == "- … and 7 more tests whose outcome changed"


class TestCampaignDefaults:
    def test_an_unknown_load_average_reads_zero(self) -> None:
        held = Campaign(
            command="python -m grading.proof.flakes",
            started=datetime(2026, 11, 26, 14, 0, tzinfo=UTC),
            seconds=60.0,
            cores=2,
            jobs=2,
            runs=1,
            seeds=(5,),
            load=False,
            slower_limit=3.0,
            memory_limit=3.0,
        )
        got = report.render(held, [])
        assert "load average 0.0 before the campaign started" in got, got

    def test_a_report_written_mid_campaign_says_it_is_partial(self) -> None:
        held = Campaign(
            command="python -m grading.proof.flakes",
            started=datetime(2026, 11, 26, 14, 0, tzinfo=UTC),
            seconds=60.0,
            cores=2,
            jobs=2,
            runs=20,
            seeds=tuple(range(5, 26)),
            load=True,
            slower_limit=3.0,
            memory_limit=3.0,
            done=3,
        )
        got = report.render(held, [])
        assert "**Partial: 3 of 21 runs completed**" in got, got
        assert "× 3 runs" in got, got
        whole = report.render(replace(held, done=None), [])
        assert "Partial" not in whole and "× 21 runs" in whole, whole


class TestCampaignRuns:
    def test_the_run_under_load_comes_first(
        self, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
    ) -> None:
        monkeypatch.setattr(campaign, "observe", lambda c, f, run, limit: observation(run, "ok"))
        monkeypatch.setattr(campaign, "cpu_load", lambda n: contextlib.nullcontext())
        got = [run for run, _, _ in campaign.campaign_runs([], tmp_path, [7, 8], 9, 1, 9.0)]
        assert got == [observations.LOAD_RUN, "1", "2"], (
            "a campaign cut short must still have its load run"
        )

    def test_the_report_is_written_after_every_run(self, monkeypatch: pytest.MonkeyPatch) -> None:
        monkeypatch.setattr(campaign.verify, "candidates", lambda exercise, scratch: [])
        monkeypatch.setattr(
            campaign,
            "campaign_runs",
            lambda base, scratch, seeds, load_seed, jobs, limit: iter(
                [(str(i), seed, [observation(str(i), "ok")]) for i, seed in enumerate(seeds, 1)]
            ),
        )
        written: list[tuple[int, int]] = []
        campaign._campaign(
            [], (7, 8, 9), None, 1, 9.0, on_run=lambda obs, done: written.append((len(obs), done))
        )
        assert written == [(1, 1), (2, 2), (3, 3)]

    def test_runs_are_numbered_from_one_in_their_own_folders(
        self, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
    ) -> None:
        calls: list[tuple[tuple[str, ...], Path, str, float]] = []

        def fake_observe(candidate: Any, folder: Path, run: str, limit: float) -> Observation:
            calls.append((candidate.extra_args, folder, run, limit))
            return observation(run, "ok")

        monkeypatch.setattr(campaign, "observe", fake_observe)
        base = [
            campaign.Candidate(
                SimpleNamespace(path="code_challenge/easy"),  # type: ignore[arg-type]
                label,
                "impl",
                False,
                "passes",
                lambda document: None,
            )
            for label in ("reference", "naive baseline")
        ]
        got = list(campaign.campaign_runs(base, tmp_path, [7, 8], None, 1, 9.0))
        assert [(run, seed, len(found)) for run, seed, found in got] == [
            ("1", 7, 2),
            ("2", 8, 2),
        ], "expected runs named 1 and 2 with their seeds"
        assert [folder for _, folder, _, _ in calls] == [
            tmp_path / "run-1" / "0",
            tmp_path / "run-1" / "1",
            tmp_path / "run-2" / "0",
            tmp_path / "run-2" / "1",
        ]
        assert calls[0][0] == ("-p", "randomly", "--randomly-dont-reset-seed", "--randomly-seed=7")
        assert {limit for *_, limit in calls} == {9.0}


class TestCores:
    def test_without_affinity_the_cpu_count_is_used(self, monkeypatch: pytest.MonkeyPatch) -> None:
        monkeypatch.delattr(os, "sched_getaffinity", raising=False)
        monkeypatch.setattr(os, "cpu_count", lambda: 3)
        assert campaign.cores() == 3


CATALOG = Catalog(Settings(60.0, 3.0, 4.0, 0), ())


def run_main(
    monkeypatch: pytest.MonkeyPatch,
    report: Path,
    args: Sequence[str],
    observations: Sequence[Observation] = (),
    clock: tuple[float, float] = (100.0, 220.0),
) -> tuple[int, dict[str, Any]]:
    """campaign.main with the catalogue, the campaign, the clock and SIGTERM replaced."""
    seen: dict[str, Any] = {}

    def fake_campaign(
        exercises: Any,
        seeds: Sequence[int],
        load_seed: int | None,
        jobs: int,
        limit: float,
        on_run: Callable[[list[Observation], int], None] | None = None,
    ) -> list[Observation]:
        seen.update(seeds=seeds, load_seed=load_seed, jobs=jobs, limit=limit)
        if on_run is not None:  # the report is written after each run: here, once, all done
            on_run(list(observations), len(seeds) + (load_seed is not None))
        return list(observations)

    ticks = iter([clock[0]])  # the start, then the end for every later reading

    def perf_counter() -> float:
        return next(ticks, clock[1])

    monkeypatch.setattr(campaign.catalog, "load", lambda: CATALOG)
    monkeypatch.setattr(campaign, "_campaign", fake_campaign)
    monkeypatch.setattr(campaign, "_load_average", lambda: 0.5)
    monkeypatch.setattr(
        campaign, "time", SimpleNamespace(perf_counter=perf_counter, time=lambda: 0.0)
    )
    monkeypatch.setattr(
        campaign,
        "signal",
        SimpleNamespace(SIGTERM=signal.SIGTERM, signal=lambda *args: None),
    )
    code = campaign.main([*args, "--report", str(report)])
    return code, seen


class TestMain:
    def test_zero_jobs_is_bad_usage(
        self,
        tmp_path: Path,
        monkeypatch: pytest.MonkeyPatch,
        capsys: pytest.CaptureFixture[str],
    ) -> None:
        code, seen = run_main(monkeypatch, tmp_path / "r.md", ["--jobs", "0"])
        assert (code, seen) == (2, {}), "expected exit 2 before any run"
        assert "--runs and --jobs must be at least 1" in capsys.readouterr().err

    @pytest.mark.parametrize("jobs", [1, 2])
    def test_one_or_more_jobs_run_the_campaign(
        self, jobs: int, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
    ) -> None:
        code, seen = run_main(monkeypatch, tmp_path / "r.md", ["--jobs", str(jobs), "--seed", "5"])
        assert (code, seen.get("jobs")) == (0, jobs), f"expected a clean run with {jobs} job(s)"

    def test_seeds_are_consecutive_and_the_report_says_so(
        self, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
    ) -> None:
        report = tmp_path / "r.md"
        code, seen = run_main(monkeypatch, report, ["--seed", "5", "--runs", "2", "--load"])
        assert code == 0
        assert (seen["seeds"], seen["load_seed"]) == ((5, 6), 7)
        text = report.read_text(encoding="utf-8")
        assert "2 in random test order (seeds 5–6) + 1 under load" in text, text
        assert "seed 7)" in text, text

    def test_the_report_gives_the_elapsed_minutes(
        self, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
    ) -> None:
        report = tmp_path / "r.md"
        run_main(monkeypatch, report, ["--seed", "5"], clock=(100.0, 220.0))
        text = report.read_text(encoding="utf-8")
        assert "took 2.0 min" in text, text
        assert "load average 0.5 before" in text, text

    def test_a_flaky_candidate_exits_1(
        self,
        tmp_path: Path,
        monkeypatch: pytest.MonkeyPatch,
        capsys: pytest.CaptureFixture[str],
    ) -> None:
        runs = [observation("1", "ok"), observation("2", "ok · 1: 2/3 passed")]
        code, _ = run_main(monkeypatch, tmp_path / "r.md", ["--seed", "5", "--runs", "2"], runs)
        assert code == 1, "expected exit 1 for differing verdicts"
        assert "flakes: 1 candidate(s) with differing verdicts" in capsys.readouterr().out


class TestDescribe:
    @staticmethod
    def options(load: bool, seed: int | None = None) -> argparse.Namespace:
        return argparse.Namespace(seed=seed, jobs=2, runs=2, load=load)

    def test_without_argv_the_command_comes_from_sys_argv(
        self, monkeypatch: pytest.MonkeyPatch
    ) -> None:
        monkeypatch.setattr(sys, "argv", ["flakes.py", "--runs", "2"])
        got = campaign._describe(
            CATALOG, self.options(False), None, datetime.now(UTC), 1.0, (5, 6), 0.0
        )
        assert got.command == "python -m grading.proof.flakes --runs 2 --seed 5", got.command
        assert (got.slower_limit, got.memory_limit) == (3.0, 4.0)

    def test_the_load_run_takes_the_seed_after_the_last(self) -> None:
        loaded = campaign._describe(
            CATALOG, self.options(True, 5), ["--load"], datetime.now(UTC), 1.0, (5, 6), 0.0
        )
        plain = campaign._describe(
            CATALOG, self.options(False, 5), [], datetime.now(UTC), 1.0, (5, 6), 0.0
        )
        assert (loaded.seeds, plain.seeds) == ((5, 6, 7), (5, 6))
        assert loaded.command == "python -m grading.proof.flakes --load"


class TestElapsedMinutes:
    def test_seconds_are_divided_into_minutes_with_the_fraction_kept(self) -> None:
        campaign = replace(TestReport.CAMPAIGN, seconds=3630.0)
        got = report.render(campaign, [])
        assert "took 60.5 min" in got, f"expected 3630 s shown as 60.5 min; got {got}"


def a_candidate(label: str = "reference", impl: str = "impl") -> campaign.Candidate:
    return campaign.Candidate(
        SimpleNamespace(path="code_challenge/easy"),  # type: ignore[arg-type]
        label,
        impl,
        True,
        "passes",
        lambda document: None,
    )


class TestObserve:
    def test_the_last_results_document_is_the_one_read(
        self, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
    ) -> None:
        """verify checks the last document (sorted) of a run; flakes must read that same one."""

        def fake_run(candidate: Any, folder: Path, fresh: bool = False) -> Any:
            assert fresh, "flakes runs each candidate in a fresh interpreter, as a learner's run"
            for name, summary in (("a", "old"), ("b", "new")):
                path = folder / "home-x" / "results" / "code_challenge_easy" / f"{name}.json"
                path.parent.mkdir(parents=True, exist_ok=True)
                path.write_text(
                    campaign.json.dumps(document([(1, summary)], bench(1.5, True))),
                    encoding="utf-8",
                )
            return SimpleNamespace(problem=None)

        monkeypatch.setattr(campaign.verify, "run_candidate", fake_run)
        got = campaign.observe(a_candidate(), tmp_path / "run", "1", 60.0)
        assert got.verdict == "ok · 1: new", f"expected the last document's parts; got {got}"
        assert got.benches == (sample("reference", 1.5, True),), got.benches


def fake_proc(root: Path, pid: int, parent: int, argv: Sequence[str], comm: str) -> None:
    entry = root / str(pid)
    entry.mkdir(parents=True)
    (entry / "stat").write_text(f"{pid} ({comm}) S {parent} {pid} {pid} 0 -1 4194560 0\n")
    (entry / "cmdline").write_bytes(b"\0".join(a.encode() for a in argv) + b"\0")


class TestStop:
    def test_only_our_own_pytest_for_that_candidate_is_killed(
        self, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
    ) -> None:
        me = 4242
        argv = ["python", "-m", "pytest", "code_challenge/easy", "--impl", "impl"]
        fake_proc(tmp_path, 100, me, argv, "python3 (x)")  # ours: a ")" in the name too
        fake_proc(tmp_path, 101, 1, argv, "python3")  # same words, someone else's child
        fake_proc(tmp_path, 102, me, [*argv[:-1], "other"], "python3")  # another candidate
        killed: list[tuple[int, int]] = []
        real_path = campaign.Path
        monkeypatch.setattr(campaign, "Path", lambda p: tmp_path if p == "/proc" else real_path(p))
        monkeypatch.setattr(
            campaign,
            "os",
            SimpleNamespace(getpid=lambda: me, kill=lambda pid, sig: killed.append((pid, sig))),
        )
        hung = campaign.threading.Event()
        campaign._stop(a_candidate(), hung)
        assert killed == [(100, signal.SIGKILL)], f"expected only pid 100 killed; got {killed}"
        assert hung.is_set(), "expected the run recorded as hung"


class TestLoadRun:
    def test_only_the_run_under_load_has_busy_processes(
        self, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
    ) -> None:
        busy: list[bool] = []
        seen: list[tuple[str, bool]] = []

        @contextlib.contextmanager
        def fake_load(processes: int) -> Any:
            busy.append(True)
            yield
            busy.pop()

        def fake_observe(candidate: Any, folder: Path, run: str, limit: float) -> Observation:
            seen.append((run, bool(busy)))
            return observation(run, "ok")

        monkeypatch.setattr(campaign, "cpu_load", fake_load)
        monkeypatch.setattr(campaign, "observe", fake_observe)
        list(campaign.campaign_runs([a_candidate()], tmp_path, [7, 8], 9, 1, 9.0))
        assert seen == [(observations.LOAD_RUN, True), ("1", False), ("2", False)], seen


class TestProgress:
    def test_the_progress_line_counts_the_load_run_in_the_total(
        self, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
    ) -> None:
        monkeypatch.setattr(campaign.verify, "candidates", lambda exercise, scratch: [])
        monkeypatch.setattr(
            campaign,
            "campaign_runs",
            lambda base, scratch, seeds, load_seed, jobs, limit: iter(
                [
                    (observations.LOAD_RUN, 10, []),
                    *((str(i), s, []) for i, s in enumerate(seeds, 1)),
                ]
            ),
        )
        campaign._campaign([], (7, 8, 9), 10, 1, 9.0)
        out = capsys.readouterr().out
        assert "run 1/4 (under load, seed 10)" in out, out
        assert "run 4/4 (shuffled, seed 9)" in out, out


class TestShuffledOrder:
    """The order the campaign runs tests in comes from pytest-randomly, in real collections of
    an exercise under the repository's own configuration (whose addopts turn it off)."""

    @staticmethod
    def collected(*args: str) -> list[str]:
        done = subprocess.run(
            [sys.executable, "-m", "pytest", "--collect-only", "-q", "code_challenge/easy", *args],
            cwd=ROOT,
            capture_output=True,
            text=True,
            check=False,
        )
        assert done.returncode == 0, done.stdout + done.stderr
        return [line for line in done.stdout.splitlines() if "::" in line]

    # Five real collections of an exercise, a few seconds each on a busy machine.
    @pytest.mark.timeout(120)
    def test_plain_runs_keep_file_order_and_the_campaign_s_seed_shuffles(self) -> None:
        plain = self.collected()
        order = campaign.shuffled(
            verify.Candidate(
                catalog.load().get("code_challenge/easy"),
                "reference",
                "solution",
                True,
                "",
                lambda d: None,
            ),
            7,
        ).extra_args
        first, again, other = (
            self.collected(*order),
            self.collected(*order),
            self.collected(*campaign.SHUFFLE_ARGS, "--randomly-seed=8"),
        )
        assert plain == self.collected(), "without the campaign's arguments the order is fixed"
        assert sorted(first) == sorted(plain) and first != plain, "seed 7 reorders the same tests"
        assert first == again and first != other, "the same seed, the same order; another, another"
        modules = [test.split("::")[0] for test in first]
        runs = [m for i, m in enumerate(modules) if i == 0 or m != modules[i - 1]]
        assert len(runs) == len(set(modules)), "each module's tests stay together"
