"""`nox -s compare -- <exercise> [file.py ...]`: your implementations side by side, with charts.

Runs every benchmark workload the exercise declares over growing n, for your starter, each file
you name, the reference and the naive baseline. Writes, per workload, a CSV and two log-log PNG
charts (runtime and peak memory against n, one labelled line per implementation) to
`.prep/compare/<exercise>/`, and prints ratios to the reference and fitted growth exponents.

Usage: python -m grading.learner.compare <exercise> [file.py ...] [--workload NAME]
"""

from __future__ import annotations

import argparse
import csv
import sys
from dataclasses import dataclass, field
from pathlib import Path
from types import ModuleType

from rich.console import Console
from rich.table import Table

from grading.core import benchmarks, catalog, loading, results, workloads
from grading.core.catalog import Exercise
from grading.core.workloads import Workload


@dataclass
class Series:
    """One implementation's measurements on one workload."""

    label: str
    module: ModuleType
    sizes: list[int] = field(default_factory=list)
    seconds: list[float] = field(default_factory=list)
    peaks: list[int] = field(default_factory=list)
    problem: str = ""  # why it stopped being measured: "not started", "crashed: KeyError"


def contenders(exercise: Exercise, files: list[Path]) -> dict[str, ModuleType | str]:
    """Label -> module (or the reason it could not be imported), in chart order."""
    chosen: dict[str, Path] = {"starter": exercise.directory() / "starter.py"}
    for file in files:
        label = file.stem if file.stem not in chosen else f"{file.parent.name}/{file.stem}"
        chosen[label] = file
    chosen["reference"] = exercise.directory() / loading.NAMED_IMPLS["solution"]
    naive = exercise.directory() / loading.NAMED_IMPLS["naive"]
    if naive.is_file():
        chosen["naive"] = naive
    loaded: dict[str, ModuleType | str] = {}
    for label, path in chosen.items():
        try:
            loaded[label] = loading.load(path)
        except loading.ImplImportError as error:
            loaded[label] = f"crashed on import: {error.failure.describe()}"
    return loaded


def measure(workload: Workload, modules: dict[str, ModuleType], seed: int) -> list[Series]:
    """Time (interleaved) and peak memory of every module at every size of `workload`."""
    series = {label: Series(label, module) for label, module in modules.items()}
    for size in workload.sizes:
        alive = [s for s in series.values() if not s.problem]
        for item in alive:  # one call first: a contender that raises leaves the race here
            try:
                workload.call(item.module, workload.make_input(size, seed))
            except NotImplementedError:
                item.problem = "not started"
            except Exception as error:
                item.problem = f"crashed: {type(error).__name__}: {error}"
        alive = [s for s in alive if not s.problem]
        if not alive:
            break
        thunks = {s.label: _thunk(workload, s.module, size, seed) for s in alive}
        timings = benchmarks.time_interleaved(thunks, repeats=3)
        for item in alive:
            item.sizes.append(size)
            item.seconds.append(timings[item.label][0])
            # The input is built before the measured region: the peak is what the call keeps.
            bound = _bind(workload, item.module, workload.make_input(size, seed))
            item.peaks.append(benchmarks.peak_memory(bound))
    return list(series.values())


def _thunk(workload: Workload, module: ModuleType, size: int, seed: int) -> benchmarks.Thunk:
    """A call to time; streamed inputs are consumed, so memory workloads get a fresh one each call."""
    if workload.measure == "memory":
        return lambda: workload.call(module, workload.make_input(size, seed))
    return _bind(workload, module, workload.make_input(size, seed))


def _bind(workload: Workload, module: ModuleType, inputs: object) -> benchmarks.Thunk:
    return lambda: workload.call(module, inputs)


def write_csv(path: Path, workload: Workload, series: list[Series]) -> None:
    with path.open("w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle)
        writer.writerow(["workload", "implementation", "n", "seconds", "peak_bytes"])
        for item in series:
            for n, seconds, peak in zip(item.sizes, item.seconds, item.peaks, strict=True):
                writer.writerow([workload.name, item.label, n, f"{seconds:.6g}", peak])


def write_charts(folder: Path, workload: Workload, series: list[Series]) -> list[Path]:
    """Two log-log charts: runtime and peak memory against n, one labelled line each."""
    import matplotlib

    matplotlib.use("Agg")  # files only, no display needed
    import matplotlib.pyplot as plt

    written = []
    for key, ylabel, suffix in (
        ("seconds", "seconds per call (best of 3)", "runtime"),
        ("peaks", "peak memory (bytes, tracemalloc)", "memory"),
    ):
        figure, axes = plt.subplots(figsize=(7, 4.5), dpi=110)
        for item in series:
            if item.sizes:
                values = [max(v, 1e-9) for v in getattr(item, key)]
                axes.plot(item.sizes, values, marker="o", label=item.label)
        axes.set_xscale("log")
        axes.set_yscale("log")
        axes.set_xlabel("n (input size)")
        axes.set_ylabel(ylabel)
        axes.set_title(f"{workload.name}: {suffix} vs n (log-log)")
        axes.grid(True, which="both", alpha=0.3)
        axes.legend()
        figure.tight_layout()
        path = folder / f"{workload.name}-{suffix}.png"
        figure.savefig(path)
        plt.close(figure)
        written.append(path)
    return written


def table(workload: Workload, series: list[Series]) -> Table:
    reference = next((s for s in series if s.label == "reference"), None)
    grid = Table(
        title=f"{workload.name} (part {workload.part}; target {workload.target or 'n/a'})",
        title_justify="left",
    )
    for column in (
        "implementation",
        "time vs reference",
        "growth exponent",
        "peak memory vs reference",
        "memory growth",
    ):
        grid.add_column(column)
    for item in series:
        if item.problem or not item.sizes or reference is None or not reference.sizes:
            grid.add_row(item.label, item.problem or "not measured", "", "", "")
            continue
        n = min(len(item.sizes), len(reference.sizes)) - 1
        ratio = item.seconds[n] / reference.seconds[n]
        memory = benchmarks.memory_ratio(item.peaks[n], reference.peaks[n])
        slope = (
            benchmarks.growth_slope(item.sizes, item.seconds)
            if len(item.sizes) > 1
            else float("nan")
        )
        growth = f"{item.peaks[-1] / max(item.peaks[0], 1):.1f}x for {item.sizes[-1] / item.sizes[0]:g}x n"
        grid.add_row(
            item.label,
            f"{ratio:.2f}x",
            f"{slope:.2f} ({benchmarks.complexity_name(slope)})",
            f"{memory:.2f}x",
            growth,
        )
    return grid


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("exercise", help="catalogue path, e.g. code_challenge/medium")
    parser.add_argument("files", nargs="*", type=Path, help="your alternative implementations")
    parser.add_argument("--workload", help="only this workload")
    options = parser.parse_args(argv)
    console = Console(highlight=False)
    try:
        loaded = catalog.load()
        exercise = loaded.get(options.exercise)
        chosen = workloads.load(exercise)
    except (catalog.CatalogError, workloads.WorkloadError) as error:
        print(f"compare: {error}", file=sys.stderr)
        return 2
    missing = [str(f) for f in options.files if not f.is_file()]
    if missing:
        print(
            f"compare: no such file: {', '.join(missing)}; give paths to .py files", file=sys.stderr
        )
        return 2
    if options.workload:
        chosen = tuple(w for w in chosen if w.name == options.workload)
        if not chosen:
            print(f"compare: {exercise.path} has no workload {options.workload!r}", file=sys.stderr)
            return 2
    modules = contenders(exercise, [f.resolve() for f in options.files])
    for label, module in modules.items():
        if isinstance(module, str):
            console.print(f"{label}: {module}")
    usable = {label: m for label, m in modules.items() if not isinstance(m, str)}
    folder = results.prep_home() / "compare" / exercise.folder_name
    folder.mkdir(parents=True, exist_ok=True)
    for workload in chosen:
        series = measure(workload, usable, loaded.settings.seed)
        write_csv(folder / f"{workload.name}.csv", workload, series)
        charts = write_charts(folder, workload, series)
        console.print(table(workload, series))
        console.print("charts: " + ", ".join(str(p) for p in charts))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
