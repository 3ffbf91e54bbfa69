"""Scores and the markdown report, benchmarks/mutation.md."""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime

from grading.core.catalog import ROOT
from grading.proof.mutation.model import Equivalent, Mutant

REPORT = ROOT / "benchmarks" / "mutation.md"


TARGET_SCORE = 0.90


def wilson_interval(killed: int, judged: int, z: float = 1.96) -> tuple[float, float]:
    """The 95% Wilson score interval of a sampled score killed/judged."""
    if judged == 0:
        return 0.0, 1.0
    share = killed / judged
    centre = (share + z * z / (2 * judged)) / (1 + z * z / judged)
    half = z * ((share * (1 - share) / judged + z * z / (4 * judged * judged)) ** 0.5)
    half /= 1 + z * z / judged
    return max(0.0, centre - half), min(1.0, centre + half)


@dataclass(frozen=True)
class Tally:
    target: str
    killed: int  # timeouts included
    timeouts: int
    survived: tuple[Mutant, ...]  # not listed as equivalent (nor accepted)
    equivalent: tuple[tuple[Mutant, Equivalent], ...]
    incompetent: int
    pending: int
    skipped: int = 0  # inside annotations, never run
    unsampled: int = 0  # left out of a --sample run
    given: int = 0  # in code starter.py ships unchanged, left out of the score
    # survivors listed with `accepted = true`: explained, but still counted against the score
    accepted: tuple[tuple[Mutant, Equivalent], ...] = ()

    @property
    def sampled(self) -> bool:
        return self.unsampled > 0

    @property
    def total(self) -> int:
        return (
            self.killed
            + len(self.survived)
            + len(self.accepted)
            + len(self.equivalent)
            + self.incompetent
            + self.pending
            + self.skipped
            + self.unsampled
            + self.given
        )

    @property
    def score(self) -> float | None:
        """Killed / non-equivalent mutants that ran; None when none ran."""
        judged = self.killed + len(self.survived) + len(self.accepted)
        return self.killed / judged if judged else None

    @property
    def met(self) -> bool:
        return self.score is not None and self.score >= TARGET_SCORE and not self.pending


def tally(target: str, mutants: Sequence[Mutant], equivalents: Sequence[Equivalent]) -> Tally:
    """Count one target's mutants; survivors matching an equivalents entry are set aside."""
    counts = Counter(m.outcome for m in mutants)
    survived: list[Mutant] = []
    equivalent: list[tuple[Mutant, Equivalent]] = []
    accepted: list[tuple[Mutant, Equivalent]] = []
    for mutant in mutants:
        if mutant.outcome != "survived":
            continue
        entry = next((e for e in equivalents if e.matches(mutant)), None)
        if entry is None:
            survived.append(mutant)
        else:
            (accepted if entry.accepted else equivalent).append((mutant, entry))
    return Tally(
        target=target,
        killed=counts["killed"] + counts["timeout"],
        timeouts=counts["timeout"],
        survived=tuple(survived),
        equivalent=tuple(equivalent),
        incompetent=counts["incompetent"],
        pending=counts["pending"],
        skipped=counts["skipped"],
        unsampled=counts["unsampled"],
        given=counts["given"],
        accepted=tuple(accepted),
    )


@dataclass(frozen=True)
class Run:
    command: str
    started: datetime
    seconds: float
    cores: int
    tool: str  # "cosmic-ray 8.7.0"
    sources: dict[str, str]  # target -> mutated file
    untested: tuple[str, ...] = ()  # grading modules without a unit-test module
    kept_sessions: bool = False  # --sessions: complete targets were read, not run again
    sample: int | None = None  # at most this many mutants run per exercise
    grading_sample: int | None = None  # ... and per grading module
    seed: int = 0


def render(
    run: Run, tallies: Sequence[Tally], stale_entries: Sequence[tuple[Equivalent, str]]
) -> str:
    """The markdown report: a score table, then survivors, equivalents and stale entries."""
    lines = [
        "# Mutation score",
        "",
        f"- Command: `{run.command}`",
        f"- Date: {run.started:%Y-%m-%d %H:%M} UTC; took {run.seconds / 60:.1f} min on "
        f"{run.cores} cores"
        + (
            " (this invocation only: a target whose kept session was complete and current is "
            "read, not run again)"
            if run.kept_sessions
            else ""
        )
        + f"; {run.tool}, every core operator",
        *_sampling(run),
        "- Score = killed / (killed + survivors not listed in "
        f"`benchmarks/mutation-equivalents.toml`); target ≥ {TARGET_SCORE:.0%} per target.",
        "- Mutants inside type annotations are skipped, not run: under `from __future__ import "
        "annotations` no annotation is ever evaluated, so they are equivalent by construction.",
        "- Mutants in given code (records, constants and helpers `starter.py` ships exactly as "
        "the reference has them) are left out of the score: the learner never writes that code, "
        "so the tests of the learner's work do not grade it.",
        "",
        "| target | mutants | skipped: in annotations | in given code | not sampled | killed "
        "| of which by timeout | survived | equivalent | incompetent | score | target met |",
        "|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---|",
    ]
    for t in tallies:
        score = "–" if t.score is None else f"{t.score:.1%}"
        if t.score is not None and t.sampled:
            low, high = wilson_interval(t.killed, t.killed + len(t.survived) + len(t.accepted))
            score += f" ({low:.0%}–{high:.0%})"
        met = "yes" if t.met else ("pending" if t.pending else "**no**")
        lines.append(
            f"| {t.target} | {t.total} | {t.skipped} | {t.given} | {t.unsampled} | {t.killed} "
            f"| {t.timeouts} "
            f"| {len(t.survived)} | {len(t.equivalent)} | {t.incompetent} | {score} | {met} |"
        )
    survivors = [t for t in tallies if t.survived]
    lines += ["", "## Survivors: each needs a test, or an equivalents entry with its reason", ""]
    if not survivors:
        lines.append("None.")
    for t in survivors:
        lines += [
            f"### {t.target}",
            "",
            "| where | function | operator | original | mutated |",
            "|---|---|---|---|---|",
        ]
        lines += [
            f"| {run.sources[t.target]}:{m.line} | {m.function or '–'} | {_short(m.operator)} "
            f"| {_code(m.original)} | {_code(m.mutated)} |"
            for m in t.survived
        ]
        lines.append("")
    accepted = [(t, m, e) for t in tallies for m, e in t.accepted]
    if accepted:
        lines += ["", "## Accepted survivors (not equivalent; counted against the score)", ""]
        lines += ["| where | mutation | why no test kills it |", "|---|---|---|"]
        lines += [
            f"| {run.sources[t.target]}:{m.line} | {_code(m.original)} → {_code(m.mutated)} "
            f"| {_cell(e.reason)} |"
            for t, m, e in accepted
        ]
    equivalent = [(t, m, e) for t in tallies for m, e in t.equivalent]
    lines += ["", "## Equivalent mutants (left out of the score)", ""]
    lines += (
        ["| where | mutation | reason |", "|---|---|---|"]
        + [
            f"| {run.sources[t.target]}:{m.line} | {_code(m.original)} → {_code(m.mutated)} "
            f"| {_cell(e.reason)} |"
            for t, m, e in equivalent
        ]
        if equivalent
        else ["None listed."]
    )
    if stale_entries:
        lines += ["", "## Stale equivalents entries (remove or update them)", ""]
        lines += [
            f"- {e.target} `{e.function}`: {_code(e.original)} → {_code(e.mutated)}: {why}"
            for e, why in stale_entries
        ]
    if run.untested:
        lines += ["", "## Not mutated: grading modules without a unit-test module", ""]
        lines.append(", ".join(f"`{name}`" for name in run.untested))
    return "\n".join(lines) + "\n"


def _sampling(run: Run) -> list[str]:
    """The report's line on sampling, if the run sampled."""
    if run.sample is None and run.grading_sample is None:
        return []
    per = f"{_cap(run.sample)} mutants per exercise"
    if run.grading_sample != run.sample:
        per += f", {_cap(run.grading_sample)} per grading module"
    return [
        f"- Sampled: {per}, a uniform sample chosen by seed {run.seed}; a sampled score is "
        "the sample's, with its 95% Wilson interval."
    ]


def _cap(size: int | None) -> str:
    return "all" if size is None else f"at most {size}"


def _short(operator: str) -> str:
    return operator.removeprefix("core/")


def _code(text: str) -> str:
    return f"`{_cell(text)}`" if text else "(removed)"


def _cell(text: str) -> str:
    return text.replace("|", "\\|")
