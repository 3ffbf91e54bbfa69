"""After the run: the scorecard in the terminal, and one results JSON per exercise in
`.prep/results/` (the history that progress, hints, timed mode and rotation read)."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest

from grading.core import results, scorecard
from grading.core.plugin import STATE


@pytest.hookimpl(trylast=True)
def pytest_terminal_summary(terminalreporter: pytest.TerminalReporter) -> None:
    state = terminalreporter.config.stash[STATE]
    if not state.exercises:
        return
    card = scorecard.build(state.exercises, state.tests, state.benches)
    writer = terminalreporter._tw
    terminalreporter.write_sep("=", "prep scorecard")
    terminalreporter.write(
        scorecard.render(card, width=max(writer.fullwidth, 80), color=writer.hasmarkup)
    )
    finished = datetime.now(UTC)
    for exercise in state.exercises:
        document = results.to_json(
            exercise=exercise.path,
            impl=state.impl_choice,
            seed=state.seed,
            tests=[t for t in state.tests if t.exercise == exercise.path],
            parts=[_part_json(line) for line in card.parts if line.exercise == exercise],
            benches=[b for b in state.benches if b.exercise == exercise.path],
            finished_at=finished,
        )
        path = results.write(document)
        terminalreporter.write_line(f"results: {_display(path)}")


def _part_json(line: scorecard.PartLine) -> dict[str, Any]:
    return {
        "number": line.number,
        "title": line.title,
        "stretch": line.stretch,
        "state": line.state,
        "passed": line.passed,
        "total": line.total,
        "summary": line.summary,
        "detail": line.detail,
    }


def _display(path: Path) -> str:
    try:
        return str(path.relative_to(Path.cwd()))
    except ValueError:
        return str(path)
