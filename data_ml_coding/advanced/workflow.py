"""Run Parts 1-4 on the simulator with your code and print (and save) a short report.

    nox -s run -- data_ml_coding/advanced [--impl starter|solution|PATH] [--seed N] [--out DIR]

The report (`report.md`), the retraining loop's state file (`state.json`) and two charts
(`retraining.png`: success per batch with the drift points and promotions; `bandit.png`: the
bandit's cumulative regret) go to `.prep/runs/data_ml_coding-advanced/` unless --out says
otherwise; nothing is written inside tracked files. A part that is not started yet is skipped
with one line saying so; a later part that needs it is skipped too.
"""

from __future__ import annotations

import argparse
import os
import sys
from collections.abc import Callable
from pathlib import Path
from types import ModuleType
from typing import Any

HERE = Path(__file__).resolve().parent
# `python data_ml_coding/advanced/workflow.py` from the repository root works too.
sys.path.insert(0, str(HERE.parent.parent))

from grading.core import catalog, loading  # noqa: E402
from grading.core.results import prep_home  # noqa: E402

SLUG = "data_ml_coding/advanced"
N_MEASURE = 1000  # trajectories per version in parts 1 and 2
BANDIT_ROUNDS = 2000


class NotStarted(Exception):
    """A function of the implementation still raises NotImplementedError."""


class Report:
    """Prints lines as they come and keeps them for report.md."""

    def __init__(self) -> None:
        self.lines: list[str] = []

    def __call__(self, line: str = "") -> None:
        print(line)
        self.lines.append(line)


def main(argv: list[str] | None = None) -> int:
    loaded = catalog.load()
    exercise = loaded.get(SLUG)
    parser = argparse.ArgumentParser(description=(__doc__ or "").split("\n")[0])
    parser.add_argument("--impl", default=os.environ.get("PREP_IMPL") or "starter")
    parser.add_argument(
        "--seed", type=int, default=int(os.environ.get("PREP_SEED") or loaded.settings.seed)
    )
    parser.add_argument("--out", type=Path, default=prep_home() / "runs" / exercise.folder_name)
    options = parser.parse_args(argv)
    try:
        impl = loading.load(loading.resolve(options.impl, HERE, cwd=Path.cwd()))
        sim = loading.load(HERE / "tests" / "simulator.py")
    except (loading.ImplNotFound, loading.ImplImportError) as error:
        print(f"workflow: {error}", file=sys.stderr)
        return 2
    out: Path = options.out
    out.mkdir(parents=True, exist_ok=True)
    titles = {part.number: part.title for part in exercise.parts}
    report = Report()
    report(f"# {SLUG} workflow · impl={options.impl} · seed={options.seed}")
    done = []
    for number, run in ((1, part1), (2, part2), (3, part3), (4, part4)):
        report()
        report(f"## Part {number} — {titles[number]}")
        try:
            run(impl, sim, options.seed, out, report)
            done.append(number)
        except NotStarted as error:
            report(
                f"  not started: {error} raises NotImplementedError. Read {SLUG}/PROMPT.md "
                f"## Part {number}, then `nox -s exercise -- {SLUG} --part {number}`."
            )
    (out / "report.md").write_text("\n".join(report.lines) + "\n", encoding="utf-8")
    print(f"\nreport, state and charts in {_shown(out)}")
    return 0 if len(done) == 4 else 1


def call(function: Callable[..., Any], *args: Any, **kwargs: Any) -> Any:
    try:
        return function(*args, **kwargs)
    except NotImplementedError:
        raise NotStarted(f"{getattr(function, '__name__', 'a function')}()") from None


# --- the parts -----------------------------------------------------------------------------------


def part1(impl: ModuleType, sim: ModuleType, seed: int, out: Path, report: Report) -> None:
    runs = sim.run_agent("v1", N_MEASURE, seed, kinds=impl)
    r = call(impl.measure, runs)
    truth = sim.true_success_rate("v1")
    report(
        f"  v1 on {r.n} tasks: success {r.success_rate:.3f} "
        f"[{r.success_interval.low:.3f}, {r.success_interval.high:.3f}] (truth {truth:.3f}); "
        f"violations {r.violations}, 95% upper bound {r.violation_upper:.4f} "
        f"(truth {sim.true_violation_rate('v1')})"
    )
    report(
        f"  latency end to end p50/p95/p99 {r.latency_ms.p50:.0f}/{r.latency_ms.p95:.0f}/"
        f"{r.latency_ms.p99:.0f} ms; per step {r.step_latency_ms.p50:.0f}/"
        f"{r.step_latency_ms.p95:.0f}/{r.step_latency_ms.p99:.0f} ms; "
        f"${r.cost_per_success:.4f} per solved task"
    )
    report("  | category | n | success [95% CI] | truth | violations (upper bound) |")
    report("  | --- | --- | --- | --- | --- |")
    for category, s in call(impl.measure_by_category, runs).items():
        report(
            f"  | {category} | {s.n} | {s.success_rate:.3f} [{s.success_interval.low:.3f}, "
            f"{s.success_interval.high:.3f}] | {sim.true_success_rate('v1', category):.3f} | "
            f"{s.violations} ({s.violation_upper:.4f}) |"
        )
    wilson_covers = bound_covers = 0
    truth_v = sim.true_violation_rate("v1")
    for rep in range(100):
        rr = call(impl.measure, sim.run_agent("v1", 300, rep, kinds=impl))
        wilson_covers += rr.success_interval.low <= truth <= rr.success_interval.high
        bound_covers += truth_v <= rr.violation_upper
    report(
        f"  coverage over 100 seeded runs of 300: Wilson {wilson_covers}/100, "
        f"violation bound {bound_covers}/100 (both should be >= 93)"
    )
    v2 = sim.true_success_rate("v2")
    needed = call(impl.trajectories_needed, truth, v2)
    report(
        f"  to detect v1 -> v2 ({truth:.3f} -> {v2:.3f}) with 80% power at 5%: {needed} "
        "trajectories per version (unpaired; a paired design needs fewer)"
    )


def part2(impl: ModuleType, sim: ModuleType, seed: int, out: Path, report: Report) -> None:
    for candidate in ("v2", "v2-unsafe", "v2-slow", "v1-again"):
        baseline, runs = sim.run_paired("v1", candidate, N_MEASURE, seed, kinds=impl)
        decision = call(impl.ship_gate, baseline, runs)
        report(f"  v1 -> {candidate}: " + call(decision.explain).replace("\n", "\n    "))


def part3(impl: ModuleType, sim: ModuleType, seed: int, out: Path, report: Report) -> None:
    import numpy as np

    prefs = sim.preferences(seed=seed)
    scores = call(impl.fit_bradley_terry, prefs.comparisons, prefs.items)
    compared = sorted({item for a, b, _ in prefs.comparisons for item in (a, b)})
    rho = _spearman(
        np.array([scores[i] for i in compared]), np.array([prefs.latent[i] for i in compared])
    )
    unseen = [i for i in prefs.items if i not in compared]
    top = sorted(scores, key=lambda i: -scores[i])[:3]
    report(
        f"  Bradley–Terry on {len(prefs.comparisons)} judgements of {len(compared)} responses: "
        f"Spearman {rho:.3f} with the latent quality (bound 0.9); top 3 {top}; never compared "
        f"{unseen} -> {[round(scores[i], 6) for i in unseen]}"
    )
    env = sim.PromptVariants(seed=seed)
    run = call(impl.run_bandit, env.pull, len(env.means), BANDIT_ROUNDS, seed=seed)
    best = max(env.means)
    regret = np.cumsum([best - env.means[a] for a in run.arms])
    plays = [list(run.arms).count(a) for a in range(len(env.means))]
    report(
        f"  bandit over thumbs-up rates {env.means}: pseudo-regret {regret[-1]:.0f} after "
        f"{BANDIT_ROUNDS} rounds (bound 200; uniform play ~620); plays per variant {plays}"
    )
    _plot_regret(regret, env.means, out / "bandit.png")
    report("  chart: bandit.png")


def part4(impl: ModuleType, sim: ModuleType, seed: int, out: Path, report: Report) -> None:
    world = sim.RetrainingWorld(seed=seed, kinds=impl)
    state_path = out / "state.json"
    state_path.unlink(missing_ok=True)  # a fresh stream each run
    state = call(impl.run_retraining, world.batches, state_path, world.train, world.serve)
    report(f"  drift points (truth): batches {list(world.drift_points)}")
    report("  | batch | drift | success | reasons | promoted | champion | failed checks |")
    report("  | --- | --- | --- | --- | --- | --- | --- |")
    for e in state.audit:
        failed = ", ".join(c.name for c in e.checks if not c.passed)
        report(
            f"  | {e.batch_id} | {e.drift:.3f} | {e.success_rate:.3f} | {', '.join(e.reasons)} | "
            f"{'yes' if e.promoted else ''} | {e.champion_version} | {failed} |"
        )
    best = world.best_model(world.batches[-1].batch_id)
    report(
        f"  final champion v{state.champion_version} {dict(state.champion)}; "
        f"{'the best model' if dict(state.champion) == best else f'best would be {best}'}"
    )
    before = state_path.read_bytes()
    call(impl.run_retraining, world.batches, state_path, world.train, world.serve)
    same = state_path.read_bytes() == before
    report(f"  replaying the whole stream: state file {'unchanged' if same else 'CHANGED'}")
    _plot_retraining(state, world.drift_points, out / "retraining.png")
    report("  chart: retraining.png")


# --- helpers -------------------------------------------------------------------------------------


def _spearman(x: Any, y: Any) -> float:
    import numpy as np

    rx, ry = np.argsort(np.argsort(x)), np.argsort(np.argsort(y))
    return float(np.corrcoef(rx, ry)[0, 1])


def _plot_regret(regret: Any, means: tuple[float, ...], path: Path) -> None:
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt
    import numpy as np

    rounds = np.arange(1, len(regret) + 1)
    uniform = rounds * (max(means) - float(np.mean(means)))
    figure, axes = plt.subplots(figsize=(7, 4))
    axes.plot(rounds, regret, label="your bandit")
    axes.plot(rounds, uniform, "--", color="grey", label="uniform play (expected)")
    axes.axhline(200, color="red", linewidth=0.8, label="the tests' bound at 2,000 rounds")
    axes.set_xlabel("round")
    axes.set_ylabel("cumulative pseudo-regret")
    axes.set_title("Prompt variants: regret grows ever slower once the best is found")
    axes.legend()
    figure.tight_layout()
    figure.savefig(path, dpi=120)
    plt.close(figure)


def _plot_retraining(state: Any, drift_points: tuple[int, ...], path: Path) -> None:
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    batches = [e.batch_id for e in state.audit]
    success = [e.success_rate for e in state.audit]
    figure, axes = plt.subplots(figsize=(8, 4))
    axes.plot(batches, success, marker="o", label="champion's success on live traffic")
    for point in drift_points:
        axes.axvline(point - 0.5, color="red", linestyle=":", linewidth=1)
    promoted = [(e.batch_id, e.success_rate) for e in state.audit if e.promoted]
    axes.scatter(
        [b for b, _ in promoted],
        [s for _, s in promoted],
        s=140,
        facecolors="none",
        edgecolors="green",
        linewidths=2,
        label="retrained and promoted",
        zorder=3,
    )
    axes.set_xlabel("batch (red dotted lines: the world changed)")
    axes.set_ylabel("success rate")
    axes.set_ylim(0, 1)
    axes.set_title("Retraining loop: drift detected, challenger gated, champion replaced")
    axes.legend(loc="lower left")
    figure.tight_layout()
    figure.savefig(path, dpi=120)
    plt.close(figure)


def _shown(path: Path) -> str:
    try:
        return str(path.resolve().relative_to(Path.cwd()))
    except ValueError:
        return str(path)


if __name__ == "__main__":
    raise SystemExit(main())
