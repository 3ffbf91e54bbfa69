"""Run Parts 1-4 end to end on the real data and print a short report.

    nox -s run -- data_ml_coding/foundational [--impl starter|solution|PATH] [--seed N] [--out DIR]

The charts and the experiment log (`experiments.csv`) go to the learner state folder,
`.prep/runs/data_ml_coding-foundational/` unless --out says otherwise; nothing is written inside
tracked files. The report stops at the first part that is not started yet. Run it twice with
the same seed: the second run appends a second row and checks that its metrics equal the first.
"""

from __future__ import annotations

import argparse
import os
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any, NoReturn

from grading.core import catalog, loading
from grading.core.results import prep_home

HERE = Path(__file__).resolve().parent
SLUG = "data_ml_coding/foundational"
METRICS = ("cv_f1_mean", "cv_f1_std", "holdout_f1", "holdout_accuracy", "baseline_holdout_f1")


def main(argv: list[str] | None = None) -> int:
    loaded = catalog.load()
    exercise = loaded.get(SLUG)
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--impl", default=os.environ.get("PREP_IMPL") or "starter")
    parser.add_argument(
        "--seed", type=int, default=int(os.environ.get("PREP_SEED") or loaded.settings.seed)
    )
    parser.add_argument("--out", type=Path, default=prep_home() / "runs" / exercise.folder_name)
    options = parser.parse_args(argv)

    # Tiny matrices: one BLAS thread is fastest, and on a busy laptop several spin against each
    # other (a logistic regression fit went from 5 ms to 0.3 s). Set before numpy is imported,
    # which loading the implementation does.
    for variable in ("OPENBLAS_NUM_THREADS", "OMP_NUM_THREADS", "MKL_NUM_THREADS"):
        os.environ.setdefault(variable, "1")
    try:
        impl = loading.load(loading.resolve(options.impl, HERE, cwd=Path.cwd()))
    except (loading.ImplNotFound, loading.ImplImportError) as error:
        print(f"workflow: {error}", file=sys.stderr)
        return 2
    titles = {part.number: part.title for part in exercise.parts}
    seed, out = options.seed, options.out
    print(f"{SLUG} workflow · impl={options.impl} · seed={seed} · output in {_shown(out)}")

    step = _Stepper(titles)
    step.part(1)
    frame = step.call(1, impl.load_data)
    summary = step.call(1, impl.profile, frame)
    missing = {k: v for k, v in summary.missing.items() if v}
    print(
        f"  {summary.rows} rows; {sum(missing.values())} missing cells in "
        f"{summary.rows_with_missing} rows ({_pairs(missing)})"
    )
    print(f"  classes: {_pairs(summary.class_counts)} (largest/smallest {summary.imbalance:.2f}x)")
    separation = step.call(1, impl.feature_separation, frame)
    print("  most separating (ANOVA F): " + _pairs(separation, "{:.0f}"))
    charts = step.call(1, impl.save_eda_charts, frame, out)
    print(f"  charts in {_shown(out)}: " + ", ".join(Path(p).name for p in charts))

    step.part(2)
    split = step.call(2, impl.split_data, frame, seed)
    test_counts = split.y_test.astype(str).value_counts().to_dict()
    print(
        f"  train {len(split.X_train)} rows, hold-out {len(split.X_test)} rows "
        f"({_pairs(test_counts)}); preprocessing fitted inside the pipeline, on train only"
    )

    step.part(3)
    model = step.call(3, impl.candidate, seed)
    results = [
        step.call(3, impl.evaluate, split, impl.baseline(), seed),
        step.call(3, impl.evaluate, split, model, seed),
    ]
    print("  metric: macro-F1, every species weighs the same (accuracy flatters the majority)")
    print(f"  {'model':<24}{'CV macro-F1 (train)':>22}{'hold-out macro-F1':>20}{'accuracy':>10}")
    for result in results:
        cv = f"{result.cv.mean:.3f} ± {result.cv.std:.3f}"
        print(
            f"  {result.model:<24}{cv:>22}{result.holdout_f1:>20.3f}{result.holdout_accuracy:>10.3f}"
        )
    gain = results[1].holdout_f1 - results[0].holdout_f1
    beats = gain >= impl.MARGIN
    print(
        f"  gain over the baseline on the hold-out: {gain:+.3f} macro-F1 "
        f"(required {impl.MARGIN:+.2f}) {'✓' if beats else '✗ not enough'}"
    )
    print(f"  confusion of {results[1].model} (rows: true species, columns: predicted)")
    print("    " + " " * 10 + "".join(f"{s:>11}" for s in impl.SPECIES))
    for species, row in zip(impl.SPECIES, results[1].confusion, strict=True):
        print(f"    {species:<10}" + "".join(f"{n:>11}" for n in row))

    step.part(4)
    log = out / "experiments.csv"
    experiment = step.call(4, impl.run_experiment, frame, seed, log)
    record = experiment.record
    rows = step.call(4, impl.read_log, log)
    commit = record.git_commit[:10] or "(no git commit)"
    print(
        f"  appended run {record.run_id[:12]} to {_shown(log)} ({len(rows)} row{'s' if len(rows) != 1 else ''} now); "
        f"commit {commit}, data {record.data_hash[:12]}"
    )
    print(f"  {_reproducibility(record, rows[:-1])}")
    mlflow = "logged too, in mlruns/" if (out / "mlruns").exists() else "not installed: CSV only"
    print(f"  MLflow: {mlflow}")
    return 0 if beats else 1


def _reproducibility(record: Any, earlier: list[Any]) -> str:
    """Compare with the last earlier run of the same seed, data, model and parameters."""
    same = [
        r
        for r in earlier
        if (r.seed, r.data_hash, r.model, r.params)
        == (record.seed, record.data_hash, record.model, record.params)
    ]
    if not same:
        return "first run with this seed, data and model: run again to check reproducibility"
    previous = same[-1]
    differ = [m for m in METRICS if getattr(previous, m) != getattr(record, m)]
    if differ:
        return f"✗ NOT reproducible: {', '.join(differ)} differ from run {previous.run_id[:12]}"
    return f"✓ metrics identical to run {previous.run_id[:12]} (same seed, data and model)"


class _Stepper:
    """Prints part headings; turns a part that is not started yet into one line and exit 1."""

    def __init__(self, titles: dict[int, str]) -> None:
        self.titles = titles

    def part(self, number: int) -> None:
        print(f"Part {number} — {self.titles[number]}")

    def call(self, number: int, function: Callable[..., Any], *args: Any) -> Any:
        try:
            return function(*args)
        except NotImplementedError:
            self.stop(
                f"  not started: {function.__name__}() raises NotImplementedError. Next: read "
                f"{SLUG}/PROMPT.md ## Part {number} — {self.titles[number]}, then run "
                f"`nox -s exercise -- {SLUG} --part {number}`."
            )

    @staticmethod
    def stop(message: str) -> NoReturn:
        print(message)
        raise SystemExit(1)


def _pairs(counts: dict[str, Any], form: str = "{}") -> str:
    return ", ".join(f"{key} {form.format(value)}" for key, value in counts.items())


def _shown(path: Path) -> str:
    try:
        return str(path.resolve().relative_to(Path.cwd()))
    except ValueError:
        return str(path)


if __name__ == "__main__":
    raise SystemExit(main())
