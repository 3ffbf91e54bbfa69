"""The results JSON: exercism v3 shape, atomic unique files, tolerant history."""

from __future__ import annotations

import json
from datetime import UTC, datetime
from pathlib import Path

from grading import results
from grading.results import BenchRecord, TestRecord


def document(*outcomes: str) -> dict:
    tests = [
        TestRecord(f"t{i}", "code_challenge/easy", 1, False, o, "") for i, o in enumerate(outcomes)
    ]  # type: ignore[arg-type]
    bench = BenchRecord("code_challenge/easy", 1, "parse", "time", 100, 1.1, "ok", True)
    return results.to_json(
        "code_challenge/easy", "starter", 7, tests, [], [bench], datetime(2026, 1, 1, tzinfo=UTC)
    )


def test_v3_status_pass_fail_error() -> None:
    assert document("passed", "skipped")["status"] == "pass"
    assert document("passed", "not_started")["status"] == "fail"
    assert document("timed_out")["status"] == "fail"
    assert document("import_error", "passed")["status"] == "error"


def test_v3_fields_and_our_additions() -> None:
    got = document("passed", "failed")
    assert got["version"] == 3
    assert {"name", "status", "message", "task_id"} <= set(got["tests"][0])
    assert got["tests"][1]["status"] == "fail" and got["tests"][1]["task_id"] == 1
    assert got["benchmarks"][0]["ratio"] == 1.1


def test_two_writes_in_the_same_second_keep_both(tmp_path: Path) -> None:
    first = results.write(document("passed"), home=tmp_path)
    second = results.write(document("failed"), home=tmp_path)
    assert first != second and first.exists() and second.exists()
    assert first.parent == tmp_path / "results" / "code_challenge-easy"


def test_history_skips_corrupt_files(tmp_path: Path) -> None:
    results.write(document("passed"), home=tmp_path)
    (tmp_path / "results" / "code_challenge-easy" / "00000000-broken.json").write_text("{not json")
    history = results.read_history("code_challenge/easy", home=tmp_path)
    assert [d["status"] for d in history] == ["pass"]
    assert json.loads(json.dumps(history[0]))["exercise"] == "code_challenge/easy"
