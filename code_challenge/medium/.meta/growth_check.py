"""Does the growth-exponent verdict tell an O(n) aggregation from an O(n^2) one on this machine?

Runs Part 1's speed workload, `window_counts` (n events, a count every 8th), for the reference
(one deque pass: O(n)) and for a deliberately quadratic counter kept below (every count rescans
every event so far: O(n^2)), at the workload's sizes n, 2n, 4n, 8n, exactly as the bench test
does: `grading.core.benchmarks.time_interleaved` (interleaved, best of 3), then
`grading.core.benchmarks.growth_slope` and `complexity_name`. Repeats that `--runs` times and prints
how often the reference read "O(n) or O(n log n)" while the quadratic one read "O(n^2)".

The timing clock is the grading layer's (`grading.core.benchmarks.clock`, CPU time): measured here
first with the wall clock, the separation held in 20 of 20 runs at load 9 but 10 of 20 at
load 11 on 2 cores; with CPU time, 20 of 20 at load 11.

    .nox/deps/bin/python code_challenge/medium/.meta/growth_check.py [--runs 20]
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path
from types import SimpleNamespace

ROOT = Path(__file__).resolve().parents[3]
sys.path.insert(0, str(ROOT))

from grading.core import benchmarks, catalog, loading, workloads  # noqa: E402

LINEAR, QUADRATIC = "O(n) or O(n log n)", "O(n^2)"


class QuadraticCounter:
    """Part 1's contract, kept the slow way: every event forever, every count a full rescan."""

    def __init__(self, window: float) -> None:
        self._window = window
        self._events: list[tuple[float, str]] = []

    def add(self, timestamp: float, key: str) -> None:
        self._events.append((timestamp, key))

    def count(self, key: str, now: float) -> int:
        horizon = now - self._window
        return sum(1 for t, k in self._events if k == key and horizon < t <= now)


def one_run(
    workload: workloads.Workload, contenders: dict[str, object], seed: int
) -> dict[str, float]:
    """The fitted growth exponent of each contender over the workload's sizes."""
    best: dict[str, list[float]] = {name: [] for name in contenders}
    for size in workload.sizes:
        given = workload.make_input(size, seed)
        thunks = {
            name: (lambda module=module, given=given: workload.call(module, given))
            for name, module in contenders.items()
        }
        for name, (fastest, _median) in benchmarks.time_interleaved(thunks, repeats=3).items():
            best[name].append(fastest)
    return {name: benchmarks.growth_slope(workload.sizes, times) for name, times in best.items()}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--runs", type=int, default=20)
    options = parser.parse_args(argv)
    loaded = catalog.load()
    exercise = loaded.get("code_challenge/medium")
    workload = workloads.find(exercise, "window_counts")
    contenders = {
        "reference": loading.load(exercise.directory() / ".meta/solution.py"),
        "quadratic": SimpleNamespace(SlidingWindowCounter=QuadraticCounter),
    }
    clock = benchmarks.clock.__name__
    print(f"workload {workload.name}: sizes {workload.sizes}, seed {loaded.settings.seed}, {clock}")
    separated = 0
    slopes: dict[str, list[float]] = {name: [] for name in contenders}
    started = time.perf_counter()
    for run in range(1, options.runs + 1):
        fitted = one_run(workload, contenders, loaded.settings.seed)
        verdicts = {name: benchmarks.complexity_name(slope) for name, slope in fitted.items()}
        ok = verdicts["reference"] == LINEAR and verdicts["quadratic"] == QUADRATIC
        separated += ok
        for name, slope in fitted.items():
            slopes[name].append(slope)
        print(
            f"run {run:2d}: reference slope {fitted['reference']:.2f} ({verdicts['reference']}), "
            f"quadratic slope {fitted['quadratic']:.2f} ({verdicts['quadratic']})"
            + ("" if ok else "  <- NOT separated")
        )
    for name, values in slopes.items():
        print(f"{name}: slope min {min(values):.2f}, max {max(values):.2f}")
    print(
        f"separated in {separated} of {options.runs} runs "
        f"({time.perf_counter() - started:.1f} s in all)"
    )
    return 0 if separated == options.runs else 1


if __name__ == "__main__":
    raise SystemExit(main())
