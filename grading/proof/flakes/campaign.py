"""The campaign: verify's candidates run again and again, shuffled and under load, and `main`."""

from __future__ import annotations

import argparse
import json
import os
import signal
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Callable, Iterator, Sequence
from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager, nullcontext
from dataclasses import replace
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from grading.core import catalog
from grading.core.catalog import ROOT, Catalog
from grading.proof import verify
from grading.proof.flakes.observations import (
    BENCH_CONTENDERS,
    LOAD_RUN,
    Observation,
    bench_ranges,
    bench_samples,
    outcomes_by_test,
    problem_of,
    stability,
    verdict_of,
)
from grading.proof.flakes.report import Campaign, render
from grading.proof.verify import Candidate

REPORT = ROOT / "benchmarks" / "flakes.md"


# A candidate's whole run takes seconds (under load, a minute); one still going after this is
# stuck, and verify, which has no overall limit, would wait for it forever.
HANG_SECONDS = 300.0


# A busy loop that also ends when its parent is gone (the parent may be killed, finally or not).
SPIN = """
import os
parent = os.getppid()
while os.getppid() == parent:
    for _ in range(1_000_000):
        pass
"""


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


# pytest-randomly, which pyproject's addopts turn off for every other run: modules, then classes,
# then tests shuffled by the seed. It seeds `random` once at the start; not again before each
# test, so an order dependence through shared random state still shows as a flake.
SHUFFLE_ARGS = ("-p", "randomly", "--randomly-dont-reset-seed")


def shuffled(candidate: Candidate, seed: int) -> Candidate:
    """The same candidate, its tests run in the order pytest-randomly draws from `seed`."""
    order = (*SHUFFLE_ARGS, f"--randomly-seed={seed}")
    return replace(candidate, extra_args=(*candidate.extra_args, *order))


def observe(candidate: Candidate, folder: Path, run: str, limit: float) -> Observation:
    """Run one candidate through verify in `folder` (fresh) and record what it said. A run still
    going after `limit` seconds is stopped and recorded as hung: verify itself would wait forever."""
    folder.mkdir(parents=True)
    hung = threading.Event()
    watchdog = threading.Timer(limit, _stop, args=(candidate, hung))
    watchdog.start()
    try:
        # A fresh interpreter, as a learner's run has (verify forks from a warm server).
        outcome = verify.run_candidate(candidate, folder, fresh=True)
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
        command=" ".join(["python -m grading.proof.flakes", *given, *seed_arg]),
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
