"""The markdown report, benchmarks/flakes.md: per candidate its verdicts across runs, per benchmark
its ratios."""

from __future__ import annotations

import platform
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime

from grading.proof.flakes.observations import (
    Observation,
    bench_ranges,
    changed_tests,
    margin,
    stability,
)

WHY_TESTS = 8  # tests listed per flaky candidate; the rest are counted


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
