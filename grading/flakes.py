"""`python -m grading.flakes`: does any verdict of `verify` depend on test order or machine load?

Runs verify's candidate matrix `--runs` times in a row, each run with the tests in a fresh
seeded random order (grading/shuffle.py), then with `--load` once more while a busy process
spins on every core, and compares what came back:

- per candidate, the verdicts seen across runs (verify's check plus the part lines the learner
  reads); a candidate with more than one is a flake, and the goal is none;
- per benchmark workload, the reference's and the naive baseline's verdicts (never flipping is
  the goal) and the range of their ratios to the reference.

A candidate whose run is still going after `--hang-after` seconds is stopped and recorded as
hung (verify has no overall limit and would wait forever). The markdown report goes to
benchmarks/flakes.md. Exit code: 0 all stable and passing, 1 a flake, a failing check or a
flipped benchmark verdict, 2 bad usage.

Usage: python -m grading.flakes [--runs 20] [--load] [--exercise PATH] [--seed N] [--jobs N]
                                [--hang-after SECONDS] [--report FILE]
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import re
import signal
import subprocess
import sys
import tempfile
import threading
import time
from collections import Counter
from collections.abc import Callable, Iterator, Sequence
from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager, nullcontext
from dataclasses import dataclass, replace
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from grading import catalog, verify
from grading.catalog import ROOT, Catalog
from grading.verify import Candidate

REPORT = ROOT / "benchmarks" / "flakes.md"
BENCH_CONTENDERS = {"reference": "reference", "naive baseline": "naive"}  # label -> role
LOAD_RUN = "load"
# A candidate's whole run takes seconds (under load, a minute); one still going after this is
# stuck, and verify, which has no overall limit, would wait for it forever.
HANG_SECONDS = 300.0
WHY_TESTS = 8  # tests listed per flaky candidate; the rest are counted
# A busy loop that also ends when its parent is gone (the parent may be killed, finally or not).
SPIN = """
import os
parent = os.getppid()
while os.getppid() == parent:
    for _ in range(1_000_000):
        pass
"""
_RATIO = re.compile(r"\d+(?:\.\d+)?x\b")


@dataclass(frozen=True)
class BenchSample:
    exercise: str
    workload: str
    measure: str  # "time", "memory", or a count the test judges itself ("operations")
    contender: str  # "reference" or "naive": whose run recorded it
    ratio: float  # contender / reference, measured in that run
    verdict: str  # "ok", "too slow", ...
    passed: bool


@dataclass(frozen=True)
class Observation:
    run: str  # "1" … "N" for the shuffled runs, LOAD_RUN for the one under load
    exercise: str
    candidate: str
    verdict: str
    problem: str = ""  # verify's problem, when its check did not hold
    benches: tuple[BenchSample, ...] = ()
    tests: tuple[tuple[str, str], ...] = ()  # (test name, "outcome: message") for every test


# --- pure: what a run says, and what differs across runs ---------------------------------------


def verdict_of(problem: str | None, document: dict[str, Any] | None) -> str:
    """One line that must be identical in every run: whether verify's check held (`ok` / `✗`)
    and each part's summary, e.g. `ok · 1: 48/48 passed · 2: not started`. The problem's own
    words stay out: they name the first failing test, which depends on the order."""
    parts = [f"{p['number']}: {p['summary']}" for p in (document or {}).get("parts", [])]
    return " · ".join(["ok" if problem is None else "✗", *parts])


def problem_of(problem: str | None) -> str:
    """verify's problem with measured ratios blanked (`3.2x` -> `…x`); empty when it held."""
    return _RATIO.sub("…x", problem) if problem else ""


def outcomes_by_test(document: dict[str, Any] | None) -> tuple[tuple[str, str], ...]:
    """(test name, `outcome: message`) for every test of a results document, sorted by name."""
    return tuple(
        sorted(
            (str(t["name"]), f"{t['outcome']}: {t['message']}" if t["message"] else t["outcome"])
            for t in (document or {}).get("tests", [])
        )
    )


def bench_samples(document: dict[str, Any], contender: str) -> tuple[BenchSample, ...]:
    """The benchmark records of one results document, as samples of `contender`."""
    return tuple(
        BenchSample(
            exercise=str(document["exercise"]),
            workload=str(b["name"]),
            measure=str(b["measure"]),
            contender=contender,
            ratio=float(b["ratio"]),
            verdict=str(b["verdict"]),
            passed=bool(b["passed"]),
        )
        for b in document.get("benchmarks", [])
    )


@dataclass(frozen=True)
class Stability:
    exercise: str
    candidate: str
    verdicts: Counter[str]  # verdict -> number of runs that gave it
    problems: Counter[str]  # verify's problem -> number of runs that reported it

    @property
    def flaky(self) -> bool:
        return len(self.verdicts) > 1


def changed_tests(observations: Sequence[Observation]) -> dict[str, Counter[str]]:
    """The tests whose outcome was not the same in every one of `observations` (one candidate's
    runs): test name -> how many runs gave each `outcome: message` (`absent` if not reported)."""
    seen: dict[str, Counter[str]] = {}
    for o in observations:
        for name, outcome in o.tests:
            seen.setdefault(name, Counter())[outcome] += 1
    for counts in seen.values():
        missing = len(observations) - counts.total()
        if missing:
            counts["absent"] += missing
    return {name: counts for name, counts in sorted(seen.items()) if len(counts) > 1}


def stability(observations: Sequence[Observation]) -> list[Stability]:
    """Per candidate (in first-seen order), how many runs gave each verdict and each problem."""
    seen: dict[tuple[str, str], Stability] = {}
    for o in observations:
        key = (o.exercise, o.candidate)
        entry = seen.setdefault(key, Stability(o.exercise, o.candidate, Counter(), Counter()))
        entry.verdicts[o.verdict] += 1
        if o.problem:
            entry.problems[o.problem] += 1
    return list(seen.values())


@dataclass(frozen=True)
class BenchRange:
    exercise: str
    workload: str
    measure: str
    contender: str
    verdicts: Counter[str]  # "ok ✓" / "too slow ✗" -> runs
    low: float
    high: float
    under_load: BenchSample | None

    @property
    def flips(self) -> bool:
        """True when the contender both won and lost this comparison across the runs."""
        return len({label.endswith("✓") for label in self.verdicts}) > 1


def bench_ranges(observations: Sequence[Observation]) -> list[BenchRange]:
    """Per (exercise, workload, contender): verdicts seen, min and max ratio, the load run's."""
    grouped: dict[tuple[str, str, str, str], list[tuple[str, BenchSample]]] = {}
    for o in observations:
        for s in o.benches:
            grouped.setdefault((s.exercise, s.workload, s.measure, s.contender), []).append(
                (o.run, s)
            )
    ranges = []
    for (exercise, workload, measure, contender), runs in grouped.items():
        ratios = [s.ratio for _, s in runs]
        ranges.append(
            BenchRange(
                exercise=exercise,
                workload=workload,
                measure=measure,
                contender=contender,
                verdicts=Counter(f"{s.verdict} {'✓' if s.passed else '✗'}" for _, s in runs),
                low=min(ratios),
                high=max(ratios),
                under_load=next((s for run, s in runs if run == LOAD_RUN), None),
            )
        )
    return sorted(ranges, key=lambda r: (r.exercise, r.workload, r.contender != "reference"))


def margin(bench: BenchRange, limit: float | None) -> str:
    """How far the worst run stayed from the limit: `limit / max` for a contender that always
    passed, `min / limit` for one that always failed; `flips` when it did both. A deterministic
    count (operations, virtual time: no limit known here) says so instead."""
    if bench.flips:
        return "flips"
    if limit is None:
        return "deterministic count"
    passing = next(iter(bench.verdicts)).endswith("✓")
    return f"{limit / bench.high:.1f}x" if passing else f"{bench.low / limit:.1f}x"


# --- pure: the report ----------------------------------------------------------------------------


@dataclass(frozen=True)
class Campaign:
    command: str
    started: datetime
    seconds: float
    cores: int
    jobs: int
    runs: int
    seeds: tuple[int, ...]  # one per shuffled run, then the load run's if any
    load: bool
    slower_limit: float
    memory_limit: float
    load_before: float = 0.0  # 1-minute load average when the campaign started (other work)
    done: int | None = None  # runs completed when the report was written; None: all of them


def render(campaign: Campaign, observations: Sequence[Observation]) -> str:
    """The markdown report: header facts, the counts, a candidate table and a benchmark table."""
    stable = stability(observations)
    ranges = bench_ranges(observations)
    flaky = [s for s in stable if s.flaky]
    failing = [s for s in stable if any(v.startswith("✗") for v in s.verdicts)]
    flips = [r for r in ranges if r.flips]
    total_runs = campaign.runs + (1 if campaign.load else 0)
    done = total_runs if campaign.done is None else campaign.done
    load = (
        f" + 1 under load ({campaign.cores} busy processes, seed {campaign.seeds[-1]})"
        if campaign.load
        else ""
    )
    lines = [
        "# Flakes: verify's verdicts across shuffled runs and under load",
        "",
        f"- Command: `{campaign.command}`",
        f"- Date: {campaign.started:%Y-%m-%d %H:%M} UTC; took {campaign.seconds / 60:.1f} min",
        f"- Machine: {campaign.cores} cores (nproc), {platform.system()}, Python "
        f"{platform.python_version()}; {campaign.jobs} candidates at a time; load average "
        f"{campaign.load_before:.1f} before the campaign started",
        f"- Runs: {campaign.runs} in random test order (seeds {_seeds(campaign.seeds[: campaign.runs])})"
        f"{load}",
        f"- Verdicts compared: {len(stable)} candidates × {done} runs = {len(observations)}",
        "",
        *(
            [
                f"**Partial: {done} of {total_runs} runs completed** (the run under load comes "
                "first; the report is rewritten after every run, so a campaign stopped early "
                "still reports what it saw).",
                "",
            ]
            if done < total_runs
            else []
        ),
        f"**Candidates with differing verdicts: {len(flaky)}** (goal: 0)  ",
        f"**Candidates whose check failed in at least one run: {len(failing)}** (goal: 0)  ",
        f"**Benchmark verdicts that flipped: {len(flips)}** of {len(ranges)} (goal: 0)",
        "",
        "## Candidates",
        "",
        "A verdict is whether verify's check held (`ok` / `✗`) and every part's line; the check's "
        "problems (ratios blanked) are listed beside it.",
        "",
        "| exercise | candidate | runs | verdicts seen | problems seen |",
        "|---|---|---:|---|---|",
    ]
    for s in stable:
        seen = "<br>".join(f"{_cell(v)} (×{n})" for v, n in s.verdicts.most_common())
        problems = "<br>".join(f"{_cell(p)} (×{n})" for p, n in s.problems.most_common()) or "–"
        mark = "**flaky**: " if s.flaky else ""
        lines.append(
            f"| {s.exercise} | {s.candidate} | {s.verdicts.total()} | {mark}{seen} | {problems} |"
        )
    for s in flaky:
        mine = [o for o in observations if (o.exercise, o.candidate) == (s.exercise, s.candidate)]
        lines += ["", f"### Why {s.candidate} ({s.exercise}) differed", ""]
        lines += _why(mine)
    lines += [
        "",
        "## Benchmark comparisons",
        "",
        "Ratio = contender / reference, measured side by side in the same run. Margin = limit / "
        "highest ratio for a contender that always passed, lowest ratio / limit for one that always "
        f"failed. Limits: {campaign.slower_limit}x time, {campaign.memory_limit}x memory; other "
        "measures are counts the test judges itself.",
        "",
        "| exercise | workload | measure | contender | verdicts seen | ratio min | ratio max "
        "| under load | margin |",
        "|---|---|---|---|---|---:|---:|---:|---|",
    ]
    for r in ranges:
        limit = {"time": campaign.slower_limit, "memory": campaign.memory_limit}.get(r.measure)
        seen = ", ".join(f"{v} ×{n}" for v, n in r.verdicts.most_common())
        loaded = f"{r.under_load.ratio:.2f}" if r.under_load else "–"
        lines.append(
            f"| {r.exercise} | {r.workload} | {r.measure} | {r.contender} | {seen} "
            f"| {r.low:.2f} | {r.high:.2f} | {loaded} | {margin(r, limit)} |"
        )
    return "\n".join(lines) + "\n"


def _why(runs: Sequence[Observation], shown: int = WHY_TESTS) -> list[str]:
    """Bullet lines for one flaky candidate: runs that left no results (named by their problem),
    then the first `shown` tests whose outcome changed between the runs that did."""
    silent = Counter(o.problem for o in runs if not o.tests)
    lines = [f"- {n} run(s) left no results: {_cell(problem)}" for problem, n in silent.items()]
    changed = changed_tests([o for o in runs if o.tests])
    lines += [
        f"- `{name}`: " + "; ".join(f"{_cell(v)} ×{n}" for v, n in counts.most_common())
        for name, counts in list(changed.items())[:shown]
    ]
    if len(changed) > shown:
        lines.append(f"- … and {len(changed) - shown} more tests whose outcome changed")
    return lines or ["- no single test changed; the check or a part line did"]


def _seeds(seeds: Sequence[int]) -> str:
    if not seeds:
        return "none"
    contiguous = list(seeds) == list(range(seeds[0], seeds[0] + len(seeds)))
    return (
        f"{seeds[0]}–{seeds[-1]}" if contiguous and len(seeds) > 1 else ", ".join(map(str, seeds))
    )


def _cell(text: str) -> str:
    return text.replace("|", "\\|")


# --- running -------------------------------------------------------------------------------------


@contextmanager
def cpu_load(processes: int) -> Iterator[None]:
    """Keep `processes` busy loops running for the duration of the block; always stop them."""
    spinners: list[subprocess.Popen[bytes]] = []
    try:
        for _ in range(processes):
            spinners.append(
                subprocess.Popen(
                    [sys.executable, "-c", SPIN],
                    stdin=subprocess.DEVNULL,
                    stdout=subprocess.DEVNULL,
                    stderr=subprocess.DEVNULL,
                )
            )
        yield
    finally:
        for spinner in spinners:
            spinner.terminate()
        for spinner in spinners:
            try:
                spinner.wait(timeout=5)
            except subprocess.TimeoutExpired:
                spinner.kill()
                spinner.wait()


def shuffled(candidate: Candidate, seed: int) -> Candidate:
    """The same candidate, its tests run in the order drawn from `seed`."""
    order = ("-p", "grading.shuffle", "--shuffle-seed", str(seed))
    return replace(candidate, extra_args=(*candidate.extra_args, *order))


def observe(candidate: Candidate, folder: Path, run: str, limit: float) -> Observation:
    """Run one candidate through verify in `folder` (fresh) and record what it said. A run still
    going after `limit` seconds is stopped and recorded as hung: verify itself would wait forever."""
    folder.mkdir(parents=True)
    hung = threading.Event()
    watchdog = threading.Timer(limit, _stop, args=(candidate, hung))
    watchdog.start()
    try:
        outcome = verify.run_candidate(candidate, folder)
    finally:
        watchdog.cancel()
    # run_candidate gives the run a private PREP_HOME under `folder`, so the results document
    # there is this run's; verify.Outcome does not carry the document itself.
    found = sorted(folder.glob("home-*/results/*/*.json"))
    document: dict[str, Any] | None = (
        json.loads(found[-1].read_text(encoding="utf-8")) if found else None
    )
    problem = (
        f"hung: no results after {limit:.0f} s (stopped by flakes)"
        if hung.is_set()
        else outcome.problem
    )
    role = BENCH_CONTENDERS.get(candidate.label)
    benches = bench_samples(document, role) if document and role and candidate.bench else ()
    return Observation(
        run,
        candidate.exercise.path,
        candidate.label,
        verdict_of(problem, document),
        problem_of(problem),
        benches,
        outcomes_by_test(document),
    )


def _stop(candidate: Candidate, hung: threading.Event) -> None:
    """Kill the pytest process verify started for `candidate` (Linux: found through /proc)."""
    wanted = [b"--impl", candidate.impl.encode(), candidate.exercise.path.encode()]
    for entry in Path("/proc").glob("[0-9]*"):
        try:
            parent = int((entry / "stat").read_text().rsplit(")", 1)[1].split()[1])
            argv = (entry / "cmdline").read_bytes().split(b"\0")
        except (OSError, ValueError, IndexError):
            continue  # gone already, or not ours to read
        if parent == os.getpid() and all(word in argv for word in wanted):
            hung.set()
            os.kill(int(entry.name), signal.SIGKILL)


def campaign_runs(
    base: list[Candidate],
    scratch: Path,
    seeds: Sequence[int],
    load_seed: int | None,
    jobs: int,
    limit: float,
) -> Iterator[tuple[str, int, list[Observation]]]:
    """Yield (run, seed, observations) for the run under load, then each shuffled run: a
    campaign cut short still has its run under load."""
    plan = [(str(i), seed) for i, seed in enumerate(seeds, start=1)]
    if load_seed is not None:
        plan.insert(0, (LOAD_RUN, load_seed))
    for run, seed in plan:
        tasks = [
            (shuffled(c, seed), scratch / f"run-{run}" / str(i), run, limit)
            for i, c in enumerate(base)
        ]
        with (
            cpu_load(cores()) if run == LOAD_RUN else nullcontext(),
            ThreadPoolExecutor(max_workers=jobs) as pool,
        ):
            found = list(pool.map(lambda task: observe(*task), tasks))
        yield run, seed, found


def cores() -> int:
    """The cores this process may use (what `nproc` prints)."""
    try:
        return len(os.sched_getaffinity(0))
    except AttributeError:  # not on Linux
        return os.cpu_count() or 2


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--runs", type=int, default=20, help="shuffled runs (default 20)")
    parser.add_argument("--load", action="store_true", help="add one run under full CPU load")
    parser.add_argument("--exercise", help="only this exercise (catalogue path)")
    parser.add_argument("--seed", type=int, help="first shuffle seed (default: from the clock)")
    parser.add_argument("--jobs", type=int, default=cores(), help="candidates run at once")
    parser.add_argument("--report", type=Path, default=REPORT, help="markdown report path")
    parser.add_argument(
        "--hang-after",
        type=float,
        default=HANG_SECONDS,
        help=f"stop a candidate's run after this many seconds (default {HANG_SECONDS:.0f})",
    )
    options = parser.parse_args(argv)
    if options.runs < 1 or options.jobs < 1 or options.hang_after <= 0:
        print("flakes: --runs and --jobs must be at least 1, --hang-after above 0", file=sys.stderr)
        return 2
    # A polite stop (nox cancelled, CI timeout) unwinds like Ctrl-C: busy processes stopped,
    # scratch folder removed.
    signal.signal(signal.SIGTERM, lambda signum, frame: sys.exit(128 + signum))
    try:
        loaded = catalog.load()
        exercises = [loaded.get(options.exercise)] if options.exercise else list(loaded.exercises)
    except catalog.CatalogError as error:
        print(f"flakes: {error}", file=sys.stderr)
        return 2
    first = options.seed if options.seed is not None else int(time.time()) % 1_000_000
    seeds = tuple(range(first, first + options.runs))
    load_seed = first + options.runs if options.load else None
    started, clock, load_before = datetime.now(UTC), time.perf_counter(), _load_average()
    options.report.parent.mkdir(parents=True, exist_ok=True)

    def write(observations: list[Observation], done: int) -> None:
        seconds = time.perf_counter() - clock
        campaign = _describe(loaded, options, argv, started, seconds, seeds, load_before)
        total = options.runs + bool(options.load)
        campaign = replace(campaign, done=None if done == total else done)
        options.report.write_text(render(campaign, observations), encoding="utf-8")

    observations = _campaign(
        exercises, seeds, load_seed, options.jobs, options.hang_after, on_run=write
    )
    write(observations, options.runs + bool(options.load))
    stable = stability(observations)
    flaky = sum(s.flaky for s in stable)
    failing = sum(any(v.startswith("✗") for v in s.verdicts) for s in stable)
    flips = sum(r.flips for r in bench_ranges(observations))
    print(
        f"flakes: {flaky} candidate(s) with differing verdicts, {failing} failing in some run, "
        f"{flips} benchmark flip(s)"
    )
    print(f"report: {_display(options.report)}")
    return 1 if flaky or failing or flips else 0


def _campaign(
    exercises: list[catalog.Exercise],
    seeds: Sequence[int],
    load_seed: int | None,
    jobs: int,
    limit: float,
    on_run: Callable[[list[Observation], int], None] = lambda observations, done: None,
) -> list[Observation]:
    """Every run's observations; `on_run(observations so far, runs done)` after each run."""
    observations: list[Observation] = []
    with tempfile.TemporaryDirectory(prefix="prep-flakes-") as name:
        scratch = Path(name)
        base = [c for e in exercises for c in verify.candidates(e, scratch)]
        total = len(seeds) + (load_seed is not None)
        for index, (run, seed, found) in enumerate(
            campaign_runs(base, scratch, seeds, load_seed, jobs, limit), start=1
        ):
            observations += found
            flaky = sum(s.flaky for s in stability(observations))
            what = "under load" if run == LOAD_RUN else "shuffled"
            print(f"run {index}/{total} ({what}, seed {seed}): {flaky} flaky so far", flush=True)
            on_run(observations, index)
    return observations


def _describe(
    loaded: Catalog,
    options: argparse.Namespace,
    argv: list[str] | None,
    started: datetime,
    seconds: float,
    seeds: tuple[int, ...],
    load_before: float,
) -> Campaign:
    given = sys.argv[1:] if argv is None else argv
    seed_arg = [] if options.seed is not None else ["--seed", str(seeds[0])]
    return Campaign(
        command=" ".join(["python -m grading.flakes", *given, *seed_arg]),
        started=started,
        seconds=seconds,
        cores=cores(),
        jobs=options.jobs,
        runs=options.runs,
        seeds=seeds + ((seeds[-1] + 1,) if options.load else ()),
        load=options.load,
        slower_limit=loaded.settings.slower_limit,
        memory_limit=loaded.settings.memory_limit,
        load_before=load_before,
    )


def _load_average() -> float:
    try:
        return os.getloadavg()[0]
    except OSError:  # not available on this platform
        return 0.0


def _display(path: Path) -> str:
    try:
        return str(path.resolve().relative_to(Path.cwd()))
    except ValueError:
        return str(path)


if __name__ == "__main__":
    raise SystemExit(main())
