"""What one run of one candidate said, and how verdicts and benchmark ratios varied across runs."""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

BENCH_CONTENDERS = {"reference": "reference", "naive baseline": "naive"}  # label -> role


LOAD_RUN = "load"


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
