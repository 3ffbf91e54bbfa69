"""One timed session's tally (time to green per part, red runs), its status line, and its record in
`.prep/timed/`."""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any, Literal

from grading.core.catalog import Exercise
from grading.learner.progress_table import clock

Outcome = Literal["finished", "out_of_time", "abandoned"]


States = Mapping[int, str]  # part number -> scorecard state ("passed", "failing", ...)


@dataclass
class Tally:
    """What a session has seen so far."""

    exercise: Exercise
    green: dict[int, float] = field(default_factory=dict)  # part -> seconds at its first green
    runs: int = 0
    red_runs: int = 0
    latest: dict[int, str] = field(default_factory=dict)

    def record(self, elapsed: float, states: States | None, after_save: bool) -> None:
        """Add one run; `states` None means the run produced no results (counted as red)."""
        self.runs += 1
        self.latest = dict(states or {})
        for number, state in self.latest.items():
            if state == "passed":
                self.green.setdefault(number, elapsed)
        if after_save and not self.required_green():
            self.red_runs += 1

    def required_green(self) -> bool:
        return all(
            self.latest.get(p.number) == "passed" for p in self.exercise.parts if not p.stretch
        )

    def all_green(self) -> bool:
        return all(self.latest.get(p.number) == "passed" for p in self.exercise.parts)


def outcome(tally: Tally, out_of_time: bool) -> Outcome:
    """`finished` when every required part ended green, else why the session stopped."""
    if tally.required_green():
        return "finished"
    return "out_of_time" if out_of_time else "abandoned"


def status_line(tally: Tally, left: float) -> str:
    """`[41:50 left] run 2 · P1 green at 03:10 · P2 failing · 1 red run`."""
    pieces = [f"[{left_label(left)}] run {tally.runs}"]
    for part in tally.exercise.parts:
        if part.number in tally.green:
            pieces.append(f"P{part.number} green at {clock(tally.green[part.number])}")
        else:
            state = tally.latest.get(part.number, "not_run").replace("_", " ")
            pieces.append(f"P{part.number} {state}")
    pieces.append(plural(tally.red_runs, "red run"))
    return " · ".join(pieces)


def left_label(seconds: float) -> str:
    """`41:50 left`, or `02:10 over` once the budget is spent."""
    return f"{clock(seconds)} left" if seconds >= 0 else f"{clock(-seconds)} over"


def document(
    tally: Tally,
    *,
    mode: str,
    started_at: datetime,
    ended_at: datetime,
    minutes: float,
    elapsed: float,
    out_of_time: bool,
) -> dict[str, Any]:
    """The JSON record of one session, as `.prep/timed/` keeps it."""
    return {
        "version": 1,
        "exercise": tally.exercise.path,
        "mode": mode,
        "started_at": started_at.isoformat(timespec="seconds"),
        "ended_at": ended_at.isoformat(timespec="seconds"),
        "budget_minutes": minutes,
        "elapsed_seconds": round(elapsed, 1),
        "outcome": outcome(tally, out_of_time),
        "runs": tally.runs,
        "red_runs": tally.red_runs,
        "parts": [
            {
                "number": part.number,
                "title": part.title,
                "stretch": part.stretch,
                "state": tally.latest.get(part.number, "not_run"),
                "seconds_to_green": (
                    round(tally.green[part.number], 1) if part.number in tally.green else None
                ),
            }
            for part in tally.exercise.parts
        ],
    }


def write_record(record: Mapping[str, Any], home: Path) -> Path:
    """Save `record` under `<home>/timed/<exercise>/`, in a file no other session can claim."""
    folder = home / "timed" / str(record["exercise"]).replace("/", "-")
    folder.mkdir(parents=True, exist_ok=True)
    stamp = datetime.now(UTC).strftime("%Y%m%dT%H%M%S%fZ")
    for attempt in range(1000):
        path = folder / (f"{stamp}.json" if attempt == 0 else f"{stamp}-{attempt}.json")
        try:
            with path.open("x", encoding="utf-8") as handle:
                handle.write(json.dumps(record, indent=2) + "\n")
        except FileExistsError:
            continue
        return path
    raise FileExistsError(f"{folder}: no free file name for {stamp}")


def plural(count: int, noun: str) -> str:
    """`1 red run`, `2 red runs`."""
    return f"{count} {noun}" if count == 1 else f"{count} {noun}s"
