"""The results JSON: exercism v3 shape, atomic unique files, tolerant history."""

from __future__ import annotations

import json
from datetime import UTC, datetime
from pathlib import Path

import pytest

from grading.core import results
from grading.core.catalog import ROOT
from grading.core.results import BenchRecord, TestRecord


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


def test_test_record_is_not_collected_by_pytest() -> None:
    assert getattr(TestRecord, "__test__", True) is False, (
        "TestRecord is imported into test modules; __test__ = False keeps pytest from collecting it"
    )


def test_seconds_default_to_zero_in_the_document() -> None:
    assert document("passed")["tests"][0]["seconds"] == 0.0, (
        "a TestRecord made without seconds records 0.0 seconds"
    )


def test_prep_home_defaults_to_dot_prep_at_the_repository_root(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    monkeypatch.delenv("PREP_HOME", raising=False)
    assert results.prep_home() == ROOT / ".prep"
    monkeypatch.setenv("PREP_HOME", str(tmp_path))
    assert results.prep_home() == tmp_path


def test_the_message_is_the_first_import_error_not_a_failure_message() -> None:
    tests = [
        TestRecord("t0", "code_challenge/easy", 1, False, "failed", "assert 1 == 2"),
        TestRecord("t1", "code_challenge/easy", 2, False, "import_error", "No module named 'x'"),
    ]
    got = results.to_json(
        "code_challenge/easy", "starter", 7, tests, [], [], datetime(2026, 1, 1, tzinfo=UTC)
    )
    assert got["message"] == "No module named 'x'", got["message"]
    only_failed = results.to_json(
        "code_challenge/easy", "starter", 7, tests[:1], [], [], datetime(2026, 1, 1, tzinfo=UTC)
    )
    assert only_failed["message"] is None, "a failed test is not a run-level error message"
