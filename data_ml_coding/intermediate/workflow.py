"""The exercise end to end on the real feed: contract, backtest iterations, drift, gate, prompts.

    nox -s run -- data_ml_coding/intermediate [--impl starter|solution|PATH]
    python data_ml_coding/intermediate/workflow.py --impl solution    # with PYTHONPATH=.

Uses your starter.py by default, like the tests. Writes to .prep/runs/data_ml_coding-intermediate/
(or $PREP_HOME/runs/...): experiments.jsonl (appended every run), drift_report.json,
drift_report.md, drift.png (the drifting feature and the label mix over time) and report.md.
A part you have not written yet is reported as such and skipped, with what depends on it;
the chart of the drifting feature is drawn in any case.
"""

from __future__ import annotations

import argparse
import contextlib
import itertools
import json
import os
import sys
from collections.abc import Callable
from dataclasses import asdict
from pathlib import Path
from types import ModuleType
from typing import Any, TypeVar

import matplotlib

matplotlib.use("Agg")  # files only, never a window

import matplotlib.pyplot as plt
import numpy as np
import pandas as pd
from sklearn.ensemble import RandomForestClassifier
from sklearn.linear_model import LogisticRegression
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import StandardScaler
from vega_datasets import local_data

from grading.core import catalog, loading, results

FOLDER = Path(__file__).resolve().parent
RUN_NAME = "data_ml_coding-intermediate"
FEATURES = ["precipitation", "temp_max", "temp_min", "wind"]
LABEL = "weather"
REFERENCE_YEAR, CURRENT_YEAR = 2012, 2015
SEASONS = {12: "winter", 1: "winter", 2: "winter", 3: "spring", 4: "spring", 5: "spring"}
SEASONS |= {6: "summer", 7: "summer", 8: "summer", 9: "autumn", 10: "autumn", 11: "autumn"}

T = TypeVar("T")


class NotStarted(Exception):
    """A part of the implementation still raises NotImplementedError."""


def attempt(part: int, what: str, call: Callable[[], T], notes: list[str]) -> T:
    try:
        return call()
    except NotImplementedError:
        notes.append(f"Part {part} not started: {what} raises NotImplementedError")
        print(f"  · Part {part} not started ({what}); skipping what depends on it")
        raise NotStarted from None


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--impl", default=os.environ.get("PREP_IMPL") or "starter")
    options = parser.parse_args(argv)
    try:
        path = loading.resolve(options.impl, FOLDER, cwd=Path.cwd())
        impl = loading.load(path)
    except (loading.ImplNotFound, loading.ImplImportError) as error:
        print(f"workflow: {error}", file=sys.stderr)
        return 2
    seed = int(os.environ.get("PREP_SEED") or catalog.load().settings.seed)
    out = results.prep_home() / "runs" / RUN_NAME
    out.mkdir(parents=True, exist_ok=True)
    print(f"workflow: impl={path.relative_to(FOLDER.parent.parent)} seed={seed} → {out}")

    feed = local_data.seattle_weather()
    notes: list[str] = []
    sections: list[str] = []
    for step in (check_contract, run_backtests, monitor_drift, evaluate_prompts):
        try:
            sections.append(step(impl, feed, out, seed, notes))
        except NotStarted:
            continue
    sections.append(chart(impl, feed, out, notes))
    report = "\n\n".join(["# data_ml_coding/intermediate — run report", *sections])
    if notes:
        report += "\n\n## Not started yet\n\n" + "\n".join(f"- {note}" for note in notes)
    (out / "report.md").write_text(report + "\n", encoding="utf-8")
    print(f"workflow: wrote {out / 'report.md'}")
    if notes:
        print(f"workflow: {len(notes)} step(s) skipped until their part is written (see above)")
    return 0


def check_contract(
    impl: ModuleType, feed: pd.DataFrame, out: Path, seed: int, notes: list[str]
) -> str:
    print("Part 1 — data contract")
    as_of = feed["date"].max() + pd.Timedelta(days=1)
    contract = attempt(1, "weather_contract()", impl.weather_contract, notes)
    found = attempt(1, "validate()", lambda: impl.validate(feed, contract, as_of), notes)
    broken = feed.copy()
    broken.loc[10, "temp_max"] = 61.0
    broken.loc[11, "weather"] = "Rain"
    broken.loc[12, "wind"] = np.nan
    caught = impl.validate(broken, contract, as_of)
    lines = [f"- the real feed ({len(feed)} rows, as of {as_of.date()}): {len(found)} violation(s)"]
    lines += [f"  - {v.kind} {v.column}: {v.message}" for v in found]
    lines.append("- a corrupted copy (rows 10-12 edited):")
    lines += [f"  - {v.kind} {v.column} rows {list(v.rows)}: {v.message}" for v in caught]
    print("\n".join(lines))
    return "## Part 1 — Data contract\n\n" + "\n".join(lines)


def iterations(seed: int) -> list[tuple[str, dict[str, Any], Callable[[], Any], int | None]]:
    def logistic() -> Any:
        return make_pipeline(StandardScaler(), LogisticRegression(max_iter=1000))

    def forest() -> Any:
        return RandomForestClassifier(n_estimators=60, min_samples_leaf=3, random_state=seed)

    return [
        ("logreg-all-past", {"model": "logistic", "max_train": None}, logistic, None),
        ("logreg-last-365d", {"model": "logistic", "max_train": 365}, logistic, 365),
        ("forest-last-365d", {"model": "forest", "max_train": 365, "trees": 60}, forest, 365),
    ]


def run_backtests(
    impl: ModuleType, feed: pd.DataFrame, out: Path, seed: int, notes: list[str]
) -> str:
    print("Part 2 — rolling-origin backtest (learn from 2012 on, then score 91-day windows)")
    log = out / "experiments.jsonl"
    lines = []
    correct: dict[str, np.ndarray] = {}
    test_rows: list[int] = []
    for name, params, make_model, window in iterations(seed):
        folds = attempt(
            2,
            "rolling_origin_folds()",
            lambda window=window: impl.rolling_origin_folds(len(feed), 366, 91, max_train=window),
            notes,
        )
        scores = attempt(
            2,
            "backtest()",
            lambda folds=folds, make_model=make_model: impl.backtest(
                feed, FEATURES, LABEL, make_model, folds
            ),
            notes,
        )
        record = attempt(
            2,
            "log_experiment()",
            lambda name=name, params=params, scores=scores: impl.log_experiment(
                log, name, params, scores
            ),
            notes,
        )
        test_rows = [row for fold in folds for row in fold.test]
        predicted = np.array([label for score in scores for label in score.predicted])
        correct[name] = (predicted == feed[LABEL].to_numpy()[test_rows]).astype(float)
        accuracies = " ".join(f"{a:.2f}" for a in record["fold_accuracy"])
        lines.append(
            f"- {name}: mean accuracy {record['mean_accuracy']:.3f} over {record['folds']} folds ({accuracies})"
        )
        print(lines[-1])
    board = attempt(2, "leaderboard()", lambda: impl.leaderboard(log), notes)
    lines.append(
        "- leaderboard (latest run of each iteration in experiments.jsonl): "
        + ", ".join(f"{n} {a:.3f}" for n, a in board)
    )
    print(lines[-1])
    section = "## Part 2 — Rolling-origin backtest\n\n" + "\n".join(lines)
    with contextlib.suppress(NotStarted):
        section += "\n\n" + gate(impl, feed, correct, test_rows, seed, notes)
    return section


def gate(
    impl: ModuleType,
    feed: pd.DataFrame,
    correct: dict[str, np.ndarray],
    test_rows: list[int],
    seed: int,
    notes: list[str],
) -> str:
    print("Part 4 — evaluation harness on the backtest's out-of-sample rows")
    names = list(correct)
    lines = []
    for champion, challenger in itertools.pairwise(names):
        decision = attempt(
            4,
            "champion_challenger()",
            lambda a=champion, b=challenger: impl.champion_challenger(
                correct[a], correct[b], seed=seed
            ),
            notes,
        )
        g = decision.gain
        verdict = "PROMOTE" if decision.promote else "keep the champion"
        lines.append(
            f"- {challenger} vs {champion}: gain {g.estimate:+.3f} [{g.low:+.3f}, {g.high:+.3f}] → {verdict}"
        )
        print(lines[-1])
    best = names[-1]
    seasons = [SEASONS[month] for month in feed["date"].dt.month.to_numpy()[test_rows]]
    years = [str(y) for y in feed["date"].dt.year.to_numpy()[test_rows]]
    for title, slices in (("season", seasons), ("year", years)):
        by_slice = attempt(
            4,
            "slice_metrics()",
            lambda s=slices: impl.slice_metrics(correct[best], s, seed=seed),
            notes,
        )
        cells = ", ".join(
            f"{k} {v.estimate:.2f} [{v.low:.2f}, {v.high:.2f}]" for k, v in by_slice.items()
        )
        lines.append(f"- {best} accuracy by {title}: {cells}")
        print(lines[-1])
    return "## Part 4 — Evaluation harness\n\n" + "\n".join(lines)


def monitor_drift(
    impl: ModuleType, feed: pd.DataFrame, out: Path, seed: int, notes: list[str]
) -> str:
    print(f"Part 3 — drift: {REFERENCE_YEAR} (reference) vs {CURRENT_YEAR} (current)")
    years = feed["date"].dt.year
    reference = feed[years == REFERENCE_YEAR]
    current = feed[years == CURRENT_YEAR]
    report = attempt(
        3, "drift_report()", lambda: impl.drift_report(reference, current, FEATURES, [LABEL]), notes
    )
    same = feed[years == REFERENCE_YEAR]
    control = impl.drift_report(same.iloc[::2], same.iloc[1::2], FEATURES, [LABEL])
    document = {
        "reference": f"{REFERENCE_YEAR}-01-01..{REFERENCE_YEAR}-12-31",
        "current": f"{CURRENT_YEAR}-01-01..{CURRENT_YEAR}-12-31",
        "thresholds": {"psi": impl.PSI_THRESHOLD, "ks_alpha": impl.KS_ALPHA},
        "binning": f"{impl.PSI_BINS} reference-quantile bins, right-closed; epsilon {impl.PSI_EPSILON}",
        "features": [asdict(d) for d in report],
        "control_same_window": [asdict(d) for d in control],
    }
    (out / "drift_report.json").write_text(json.dumps(document, indent=2) + "\n", encoding="utf-8")
    rows = [
        "| feature | PSI | KS D | KS p | drifted | same-window control |",
        "| --- | ---: | ---: | ---: | :---: | :---: |",
    ]
    for d, c in zip(report, control, strict=True):
        ks_d = "—" if d.ks_statistic is None else f"{d.ks_statistic:.3f}"
        ks_p = "—" if d.ks_pvalue is None else f"{d.ks_pvalue:.2g}"
        quiet = "alarm" if c.drifted else f"quiet (PSI {c.psi:.3f})"
        rows.append(
            f"| {d.feature} | {d.psi:.3f} | {ks_d} | {ks_p} | {'**yes**' if d.drifted else 'no'} | {quiet} |"
        )
    mix = pd.crosstab(feed["date"].dt.year, feed[LABEL])
    mix_rows = [
        "| year | " + " | ".join(mix.columns) + " |",
        "| --- |" + " ---: |" * len(mix.columns),
    ]
    mix_rows += [f"| {y} | " + " | ".join(str(n) for n in mix.loc[y]) + " |" for y in mix.index]
    table = (
        f"Reference {REFERENCE_YEAR}, current {CURRENT_YEAR}; alarm when PSI > {impl.PSI_THRESHOLD} "
        f"or KS p < {impl.KS_ALPHA}; {document['binning']}. Control: even vs odd days of "
        f"{REFERENCE_YEAR}.\n\n" + "\n".join(rows) + "\n\nLabel counts per year (the largest shift "
        "in this feed, and likely a change in how days were labelled, not in the weather):\n\n"
        + "\n".join(mix_rows)
    )
    (out / "drift_report.md").write_text(table + "\n", encoding="utf-8")
    print("\n".join(rows))
    return "## Part 3 — Drift monitoring\n\n" + table


def evaluate_prompts(
    impl: ModuleType, feed: pd.DataFrame, out: Path, seed: int, notes: list[str]
) -> str:
    print("Part 5 — tool-call evaluation of data/tool_calls.jsonl")
    log = FOLDER / "data" / "tool_calls.jsonl"
    records = [json.loads(line) for line in log.read_text(encoding="utf-8").splitlines()]
    scores = attempt(5, "score_prompts()", lambda: impl.score_prompts(records, seed=seed), notes)
    lines = []
    for s in scores:
        cells = ", ".join(
            f"{m} {getattr(s, m).estimate:.2f} [{getattr(s, m).low:.2f}, {getattr(s, m).high:.2f}]"
            for m in ("tool_accuracy", "exact_match", "argument_f1")
        )
        lines.append(f"- {s.prompt_version} (n={s.n}, errors {s.errors}): {cells}")
        print(lines[-1])
    for old, new in (("v1", "v2"), ("v2", "v3")):
        decision = attempt(
            5,
            "compare_prompts()",
            lambda a=old, b=new: impl.compare_prompts(records, a, b, seed=seed),
            notes,
        )
        g = decision.gain
        verdict = "ship it" if decision.promote else "not shown better"
        lines.append(
            f"- {new} vs {old} on exact match: {g.estimate:+.3f} [{g.low:+.3f}, {g.high:+.3f}] → {verdict}"
        )
        print(lines[-1])
    return "## Part 5 — Tool-call evaluation\n\n" + "\n".join(lines)


def chart(impl: ModuleType, feed: pd.DataFrame, out: Path, notes: list[str]) -> str:
    """temp_max over time with both windows marked, and the label mix per quarter."""
    years = feed["date"].dt.year
    title = "temp_max (°C), daily and 30-day mean"
    try:
        ref = feed.loc[years == REFERENCE_YEAR, "temp_max"]
        cur = feed.loc[years == CURRENT_YEAR, "temp_max"]
        value, ks = impl.psi(ref, cur), impl.ks_test(ref, cur)
        title += f" — {REFERENCE_YEAR} vs {CURRENT_YEAR}: PSI {value:.3f}, KS D {ks.statistic:.3f} (p {ks.pvalue:.1g})"
    except NotImplementedError:
        pass
    figure, (top, bottom) = plt.subplots(2, 1, figsize=(12, 7.5), sharex=True, height_ratios=[3, 2])
    top.plot(feed["date"], feed["temp_max"], color="0.75", linewidth=0.6, label="daily")
    rolling = feed["temp_max"].rolling(30, center=True).mean()
    top.plot(feed["date"], rolling, color="black", linewidth=1.6, label="30-day mean")
    for year, color, name in (
        (REFERENCE_YEAR, "tab:blue", "reference"),
        (CURRENT_YEAR, "tab:orange", "current"),
    ):
        start, end = pd.Timestamp(f"{year}-01-01"), pd.Timestamp(f"{year}-12-31")
        top.axvspan(start, end, color=color, alpha=0.12)
        mean = feed.loc[years == year, "temp_max"].mean()
        top.hlines(
            mean, start, end, color=color, linewidth=2.2, label=f"{name} {year}: mean {mean:.1f} °C"
        )
    top.set_ylabel("°C")
    top.set_title(title, fontsize=10)
    top.legend(loc="upper left", fontsize=8, ncols=3)
    quarters = feed.groupby(feed["date"].dt.to_period("Q"))[LABEL].value_counts(normalize=True)
    shares = quarters.unstack(fill_value=0.0)
    starts = shares.index.to_timestamp()
    colors = {
        "drizzle": "#aec7e8",
        "fog": "#a7a7a7",
        "rain": "#1f77b4",
        "snow": "#9467bd",
        "sun": "#e7ba52",
    }
    widths = (shares.index.end_time - shares.index.start_time).days + 1
    base = np.zeros(len(shares))
    for label in shares.columns:
        bottom.bar(
            starts,
            shares[label].to_numpy(),
            width=widths,
            bottom=base,
            align="edge",
            color=colors.get(label, "0.5"),
            label=label,
        )
        base += shares[label].to_numpy()
    bottom.set_ylim(0, 1)
    bottom.set_ylabel("share of days")
    bottom.set_title(
        "label mix per quarter: 'rain' all but vanishes from spring 2013 and 'fog' appears (a labelling change?)",
        fontsize=10,
    )
    bottom.legend(loc="upper left", bbox_to_anchor=(1.0, 1.0), fontsize=8)
    figure.tight_layout()
    target = out / "drift.png"
    figure.savefig(target, dpi=110)
    plt.close(figure)
    print(f"chart: {target}")
    return f"## Chart\n\n![drift](drift.png) — `{target}`"


if __name__ == "__main__":
    raise SystemExit(main())
