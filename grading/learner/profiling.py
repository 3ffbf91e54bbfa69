"""`nox -s profile -- <exercise> [--impl ...] [--workload NAME]`: where does the time go?

Runs each benchmark workload of the exercise once at its largest size under cProfile, prints the
top functions by cumulative and by own time, and saves the `.prof` file to
`.prep/profile/<exercise>/` with the commands that open it.

Usage: python -m grading.learner.profiling <exercise> [--impl starter|solution|naive|PATH] [--workload NAME]
"""

from __future__ import annotations

import argparse
import cProfile
import io
import pstats
import sys
from pathlib import Path

from grading.core import catalog, loading, results, workloads

TOP = 12


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("exercise", help="catalogue path, e.g. code_challenge/medium")
    parser.add_argument(
        "--impl", default="starter", help="starter (default), solution, naive or a path"
    )
    parser.add_argument("--workload", help="only this workload")
    options = parser.parse_args(argv)
    try:
        loaded = catalog.load()
        exercise = loaded.get(options.exercise)
        chosen = workloads.load(exercise)
        path = loading.resolve(options.impl, exercise.directory(), cwd=Path.cwd())
        module = loading.load(path)
    except (catalog.CatalogError, workloads.WorkloadError, loading.ImplNotFound) as error:
        print(f"profile: {error}", file=sys.stderr)
        return 2
    except loading.ImplImportError as error:
        print(
            f"profile: {options.impl} crashed on import: {error.failure.describe()}",
            file=sys.stderr,
        )
        return 2
    if options.workload:
        chosen = tuple(w for w in chosen if w.name == options.workload)
        if not chosen:
            print(f"profile: {exercise.path} has no workload {options.workload!r}", file=sys.stderr)
            return 2
    folder = results.prep_home() / "profile" / exercise.folder_name
    folder.mkdir(parents=True, exist_ok=True)
    for workload in chosen:
        size = workload.sizes[-1]
        inputs = workload.make_input(size, loaded.settings.seed)
        profiler = cProfile.Profile()
        try:
            profiler.runcall(workload.call, module, inputs)
        except NotImplementedError:
            print(f"{workload.name}: not started ({path.name} raises NotImplementedError)")
            continue
        output = folder / f"{workload.name}-{path.stem}.prof"
        profiler.dump_stats(output)
        print(f"\n{workload.name} (part {workload.part}) at n={size:,}, {path.name}:")
        for order in ("cumulative", "tottime"):
            buffer = io.StringIO()
            pstats.Stats(profiler, stream=buffer).strip_dirs().sort_stats(order).print_stats(TOP)
            body = buffer.getvalue().split("\n\n", 1)[-1].rstrip()
            print(f"-- top {TOP} by {order} time --\n{body}")
        print(f"saved {output}: open with `python -m pstats {output}` or `snakeviz {output}`")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
