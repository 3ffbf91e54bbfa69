"""What one run found, as plain records, and the JSON history written to `.prep/results/`.

The JSON follows exercism's results.json v3 (`version`, `status`, `message`, `tests` with `name`,
`status`, `message`, `task_id`) and adds what this gym grades on: parts and benchmark ratios.
One file per exercise per run: `.prep/results/<exercise-folder>/<UTC time>.json`.
"""

from __future__ import annotations

import json
import os
from collections.abc import Iterable
from dataclasses import asdict, dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any, Literal

from grading.core.catalog import ROOT

Outcome = Literal["passed", "failed", "not_started", "timed_out", "import_error", "skipped"]

# What exercism's v3 status means for each of our outcomes.
_V3_STATUS: dict[str, str] = {
    "passed": "pass",
    "failed": "fail",
    "not_started": "fail",
    "timed_out": "fail",
    "import_error": "error",
    "skipped": "skip",
}


@dataclass(frozen=True)
class TestRecord:
    __test__ = False  # a record of a test, not a test: keep pytest from collecting it

    nodeid: str
    exercise: str  # catalogue path
    part: int | None
    bench: bool
    outcome: Outcome
    message: str  # one line: why it failed, empty when it passed
    seconds: float = 0.0
    bound: bool = False  # checks a resource bound that the naive baseline breaks by design


@dataclass(frozen=True)
class BenchRecord:
    exercise: str
    part: int | None
    name: str  # the workload: "slowest_runs"
    measure: str  # "time" and "memory" from Compare; any deterministic count via Compare.record
    size: int  # the largest n measured
    ratio: float  # yours / reference
    verdict: str  # "ok", "too slow", ...
    passed: bool
    naive_ratio: float | None = None  # naive / reference, when a naive baseline exists
    slope: float | None = None  # your growth exponent over n, 2n, 4n, 8n
    growth: str = ""  # "looks O(n^2), slope 1.97; target O(n log n)"


def prep_home() -> Path:
    """Where learner state lives: `$PREP_HOME`, or `.prep/` at the repository root."""
    return Path(os.environ.get("PREP_HOME") or ROOT / ".prep")


def exercise_status(tests: Iterable[TestRecord]) -> str:
    """exercism v3 run status: `error` if it could not run, else `fail` if any test failed."""
    statuses = {_V3_STATUS[t.outcome] for t in tests}
    if "error" in statuses:
        return "error"
    return "fail" if "fail" in statuses else "pass"


def to_json(
    exercise: str,
    impl: str,
    seed: int,
    tests: list[TestRecord],
    parts: list[dict[str, Any]],
    benches: list[BenchRecord],
    finished_at: datetime,
) -> dict[str, Any]:
    """The results document for one exercise of one run."""
    status = exercise_status(tests)
    errors = [t.message for t in tests if t.outcome == "import_error"]
    return {
        "version": 3,
        "status": status,
        "message": errors[0] if errors else None,
        "exercise": exercise,
        "impl": impl,
        "seed": seed,
        "finished_at": finished_at.isoformat(timespec="seconds"),
        "tests": [
            {
                "name": t.nodeid,
                "status": _V3_STATUS[t.outcome],
                "outcome": t.outcome,
                "message": t.message or None,
                "task_id": t.part,
                "bench": t.bench,
                "bound": t.bound,
                "seconds": round(t.seconds, 4),
            }
            for t in tests
        ],
        "parts": parts,
        "benchmarks": [asdict(b) for b in benches],
    }


def write(document: dict[str, Any], home: Path | None = None) -> Path:
    """Write one results document under `<home>/results/<exercise>/`; return its path.

    The file name is the UTC time to the microsecond, so two runs in one second never collide.
    """
    folder = (home or prep_home()) / "results" / str(document["exercise"]).replace("/", "-")
    folder.mkdir(parents=True, exist_ok=True)
    stamp = datetime.now(UTC).strftime("%Y%m%dT%H%M%S%fZ")
    path = folder / f"{stamp}.json"
    temporary = path.with_suffix(".tmp")
    temporary.write_text(json.dumps(document, indent=2) + "\n", encoding="utf-8")
    temporary.replace(path)  # atomic: a reader never sees half a file
    return path


def read_history(exercise: str, home: Path | None = None) -> list[dict[str, Any]]:
    """Every readable results document for `exercise`, oldest first; corrupt files are skipped."""
    folder = (home or prep_home()) / "results" / exercise.replace("/", "-")
    documents = []
    for path in sorted(folder.glob("*.json")):
        try:
            documents.append(json.loads(path.read_text(encoding="utf-8")))
        except (OSError, json.JSONDecodeError):
            continue
    return documents
