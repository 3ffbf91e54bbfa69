"""Part 4 — Experiment log and reproducibility."""

from __future__ import annotations

import contextlib
import importlib.machinery
import json
import shutil
import subprocess
import sys
from datetime import datetime
from pathlib import Path
from types import ModuleType
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from grading.core import plain, returned

from . import oracle

EXERCISE = Path(__file__).resolve().parent.parent
HEADER = ",".join(oracle.LOG_COLUMNS) + "\n"
FIELDS: dict[str, Any] = {
    "run_id": "run-1",
    "timestamp": "2026-11-26T09:30:00+00:00",
    "git_commit": "0123456789abcdef0123456789abcdef01234567",
    "data_hash": "f" * 64,
    "seed": 7,
    "model": "LogisticRegression",
    "params": '{"C": 1.0, "max_iter": 1000}',
    "cv_f1_mean": 0.1 + 0.2,
    "cv_f1_std": 0.015681432601169647,
    "holdout_f1": 1.0,
    "holdout_accuracy": 0.9767441860465116,
    "baseline_holdout_f1": 0.20430107526881722,
}
METRICS = oracle.LOG_COLUMNS[7:]


def record(impl: ModuleType, **changes: Any) -> Any:
    return impl.RunRecord(**(FIELDS | changes))


def line(values: dict[str, Any]) -> str:
    """The CSV line PROMPT.md prescribes for these values (floats as repr), built by hand."""
    cells = [repr(v) if isinstance(v, float) else str(v) for v in values.values()]
    quoted = ['"' + c.replace('"', '""') + '"' if any(ch in c for ch in ',"') else c for c in cells]
    return ",".join(quoted) + "\n"


class Exploding(float):
    """A metric that raises as soon as anything formats it: a crash in the middle of append_run,
    as far as the log file can tell."""

    def _explode(self, *args: object) -> str:
        raise RuntimeError("simulated crash while writing the row")

    __repr__ = __str__ = __format__ = _explode


def git(*args: str, cwd: Path) -> str:
    identity = ["-c", "user.name=t", "-c", "user.email=t@example.com", "-c", "commit.gpgsign=false"]
    done = subprocess.run(
        ["git", *identity, *args], cwd=cwd, capture_output=True, text=True, check=True
    )
    return done.stdout.strip()


def head_or_empty(folder: Path) -> str:
    """What git_commit must say for `folder`, asked of git directly."""
    try:
        return git("rev-parse", "HEAD", cwd=folder)
    except (OSError, subprocess.CalledProcessError):
        return ""


@pytest.fixture(scope="module")
def two_runs(
    impl: ModuleType, seed: int, tmp_path_factory: pytest.TempPathFactory
) -> tuple[Path, Any, Any]:
    """Two run_experiment calls with the same seed into one fresh log, without mlflow."""
    log = tmp_path_factory.mktemp("runs") / "experiments.csv"
    with pytest.MonkeyPatch.context() as patch:
        patch.setitem(sys.modules, "mlflow", None)  # `import mlflow` fails, as when not installed
        first = impl.run_experiment(oracle.penguins(), seed, log)
        second = impl.run_experiment(oracle.penguins(), seed, log)
    return log, first, second


@pytest.mark.part(4)
class TestPart4ExperimentLog:
    def test_first_append_writes_the_header_then_the_row(
        self, impl: ModuleType, tmp_path: Path
    ) -> None:
        log = tmp_path / "new" / "runs" / "experiments.csv"
        impl.append_run(log, record(impl))
        got = log.read_text(encoding="utf-8")
        expected = HEADER + line(FIELDS)
        assert got == expected, (
            "append_run(<new log in folders not yet created>, record): the LOG_COLUMNS header, "
            "then one line; floats as "
            "repr() so that they read back exactly, csv quoting for the JSON params"
        )

    def test_second_append_keeps_every_earlier_byte(self, impl: ModuleType, tmp_path: Path) -> None:
        log = tmp_path / "experiments.csv"
        impl.append_run(log, record(impl))
        before = log.read_bytes()
        impl.append_run(log, record(impl, run_id="run-2", seed=8))
        got = log.read_bytes()
        expected = before + line(FIELDS | {"run_id": "run-2", "seed": 8}).encode()
        assert got == expected, (
            "append_run(log, second record): the first bytes stay exactly as they were and one "
            "line is added at the end; a log is appended to, never rewritten"
        )

    def test_read_log_gives_back_exactly_what_was_appended(
        self, impl: ModuleType, tmp_path: Path
    ) -> None:
        log = tmp_path / "experiments.csv"
        records = [
            record(impl),
            record(impl, run_id="run-2", cv_f1_std=0.0, model='A "quoted", odd'),
        ]
        for r in records:
            impl.append_run(log, r)
        got = returned(impl.read_log(log), list, "read_log(log)")
        assert plain(got) == plain(records), (
            "read_log(<log of two appended records>): the same records, same types, floats "
            "identical to the last bit"
        )

    @settings(max_examples=30)
    @given(
        text=st.text(st.characters(exclude_categories=["Cs", "Cc", "Zl", "Zp"])),  # one line
        number=st.floats(allow_nan=False, allow_infinity=False),
        seed_value=st.integers(min_value=0, max_value=2**32),
    )
    def test_any_single_line_values_round_trip(
        self, impl: ModuleType, tmp_path: Path, text: str, number: float, seed_value: int
    ) -> None:
        log = tmp_path / "round-trip.csv"
        log.unlink(missing_ok=True)  # tmp_path is shared by every example
        given_record = record(impl, model=text, params=text, seed=seed_value, cv_f1_mean=number)
        impl.append_run(log, given_record)
        got = plain(impl.read_log(log))
        expected = [plain(given_record)]
        assert got == expected, f"read_log after append_run({given_record!r})"

    def test_a_torn_line_from_a_crash_is_skipped_and_does_not_swallow_the_next_row(
        self, impl: ModuleType, tmp_path: Path
    ) -> None:
        log = tmp_path / "experiments.csv"
        torn = 'run-0,2026-11-26T09:00:00+00:00,abc,def,7,LogisticRegression,"{""C"": 1.'
        log.write_text(HEADER + line(FIELDS) + torn, encoding="utf-8")
        before = log.read_bytes()
        impl.append_run(log, record(impl, run_id="run-2"))
        after = log.read_bytes()
        assert after.startswith(before), (
            "append_run(<log ending in a torn line, the trace of a crash>, record) changed the "
            "earlier bytes; append after them, never rewrite"
        )
        got = [r.run_id for r in impl.read_log(log)]
        expected = ["run-1", "run-2"]
        assert got == expected, (
            f"read_log(<header, run-1, a torn line ending inside a quote, then run-2 appended>) "
            f"gave {got}: the torn line is skipped, and the new row starts on a line of its own"
        )

    def test_a_crash_while_writing_leaves_the_log_as_it_was(
        self, impl: ModuleType, tmp_path: Path
    ) -> None:
        log = tmp_path / "experiments.csv"
        torn = "run-0,2026-11-26T09:00:00+00:00,abc"
        log.write_text(HEADER + line(FIELDS) + line(FIELDS | {"run_id": "r2"}) + torn)
        before = log.read_bytes()
        with contextlib.suppress(RuntimeError):
            impl.append_run(log, record(impl, run_id="run-3", holdout_f1=Exploding(0.5)))
        after = log.read_bytes()
        complete = [r.run_id for r in impl.read_log(log)]
        assert after == before or (after.startswith(before) and complete[-1] == "run-3"), (
            "append_run(log, <a record whose holdout_f1 raises while being formatted>): the log "
            "must hold exactly its earlier bytes (or those plus one whole row); build the whole "
            "line before touching the file, and never truncate it"
        )

    def test_a_line_break_in_a_value_is_refused(self, impl: ModuleType, tmp_path: Path) -> None:
        log = tmp_path / "experiments.csv"
        impl.append_run(log, record(impl))
        before = log.read_bytes()
        with pytest.raises(ValueError):
            impl.append_run(log, record(impl, model="Logistic\nRegression"))
        assert log.read_bytes() == before, (
            "append_run(log, <model 'Logistic\\nRegression'>) raised but changed the log"
        )

    def test_read_log_refuses_a_file_without_the_header(
        self, impl: ModuleType, tmp_path: Path
    ) -> None:
        log = tmp_path / "experiments.csv"
        log.write_text(line(FIELDS), encoding="utf-8")
        with pytest.raises(ValueError, match="header"):
            impl.read_log(log)

    def test_data_hash_follows_the_content(self, impl: ModuleType) -> None:
        frame = oracle.penguins()
        base = impl.data_hash(frame)
        returned(base, str, "data_hash(<penguins>)")
        int(base, 16)  # a hex digest
        changed_cell = frame.copy()
        changed_cell.loc[0, "body_mass_g"] += 1
        filled = frame.copy()
        filled["bill_length_mm"] = filled["bill_length_mm"].fillna(0.0)
        renamed = frame.rename(columns={"year": "season"})
        got = {
            "a copy": impl.data_hash(frame.copy()),
            "a fresh load": impl.data_hash(oracle.penguins()),
            "one body mass + 1 g": impl.data_hash(changed_cell),
            "missing bill lengths filled": impl.data_hash(filled),
            "last row dropped": impl.data_hash(frame.iloc[:-1]),
            "year renamed": impl.data_hash(renamed),
        }
        expected = {
            "a copy": base,
            "a fresh load": base,
            "one body mass + 1 g": "≠",
            "missing bill lengths filled": "≠",
            "last row dropped": "≠",
            "year renamed": "≠",
        }
        got_marks = {k: base if v == base else "≠" for k, v in got.items()}
        assert got_marks == expected, (
            "data_hash(<penguins, then changed>): equal content gives the same hash, any change "
            "to a value, a missing cell, the rows or a column name gives another"
        )

    def test_git_commit_is_head_in_a_repository_and_empty_outside(
        self, impl: ModuleType, tmp_path: Path
    ) -> None:
        if shutil.which("git") is None:
            pytest.skip("git is not installed here")
        repo = tmp_path / "repo"
        repo.mkdir()
        git("init", "-q", cwd=repo)
        git("commit", "-q", "--allow-empty", "-m", "first", cwd=repo)
        outside = tmp_path / "plain"
        outside.mkdir()
        got = (impl.git_commit(repo), impl.git_commit(outside))
        expected = (git("rev-parse", "HEAD", cwd=repo), "")
        assert got == expected, (
            "(git_commit(<a fresh repository>), git_commit(<a folder outside any repository>)): "
            "HEAD's full hash, and '' when there is no commit to name"
        )

    def test_without_mlflow_logging_to_it_does_nothing(
        self, impl: ModuleType, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
    ) -> None:
        monkeypatch.setitem(sys.modules, "mlflow", None)  # `import mlflow` fails
        tracking = tmp_path / "mlruns"
        got = (impl.log_to_mlflow(record(impl), tracking), tracking.exists())
        expected = (False, False)
        assert got == expected, (
            "log_to_mlflow(record, tracking_dir) without mlflow installed: (returns False, "
            "creates nothing); MLflow is an optional extra"
        )

    def test_with_mlflow_the_run_goes_to_a_local_file_store(
        self, impl: ModuleType, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
    ) -> None:
        calls = FakeMlflow()
        monkeypatch.setitem(sys.modules, "mlflow", calls.module())
        tracking = tmp_path / "mlruns"
        logged = impl.log_to_mlflow(record(impl), tracking)
        got = (logged, calls.uri, set(calls.metrics), calls.params.get("seed"))
        expected = (True, tracking.resolve().as_uri(), set(METRICS), 7)
        assert got == expected, (
            "log_to_mlflow(record, tracking_dir) with mlflow installed: (returns True, a file:// "
            "tracking URI for tracking_dir, every metric of the record, the seed as a param)"
        )

    def test_two_runs_with_one_seed_give_two_rows_and_identical_metrics(
        self, impl: ModuleType, two_runs: tuple[Path, Any, Any]
    ) -> None:
        log, _, _ = two_runs
        rows = impl.read_log(log)
        assert len(rows) == 2, f"run_experiment twice into one log: read_log found {len(rows)} rows"
        got = [
            [getattr(r, name) for name in ("seed", "data_hash", "model", "params", *METRICS)]
            for r in rows
        ]
        assert got[0] == got[1], (
            "run_experiment(<penguins>, seed, log) twice with the same seed: seed, data hash, "
            f"model, params and metrics must be identical; they differ: {got[0]} vs {got[1]}"
        )
        got_ids = (rows[0].run_id != rows[1].run_id, [rows[0].run_id, rows[1].run_id])
        assert got_ids[0], f"two runs logged the same run_id {got_ids[1]}; each run gets its own"
        assert not (log.parent / "mlruns").exists(), (
            "without mlflow, nothing but the log is written"
        )

    def test_the_logged_row_is_the_returned_record(
        self, impl: ModuleType, two_runs: tuple[Path, Any, Any], seed: int
    ) -> None:
        log, first, second = two_runs
        rows = impl.read_log(log)
        got = plain(rows)
        expected = plain([first.record, second.record])
        assert got == expected, "read_log(log) after two run_experiment calls: their two records"
        r, model_eval, base_eval = first.record, first.model, first.baseline
        got_metrics = [
            r.cv_f1_mean,
            r.cv_f1_std,
            r.holdout_f1,
            r.holdout_accuracy,
            r.baseline_holdout_f1,
        ]
        expected_metrics = [
            model_eval.cv.mean,
            model_eval.cv.std,
            model_eval.holdout_f1,
            model_eval.holdout_accuracy,
            base_eval.holdout_f1,
        ]
        assert got_metrics == expected_metrics, (
            "run_experiment(...).record: cv_f1_mean, cv_f1_std, holdout_f1, holdout_accuracy "
            "come from .model, baseline_holdout_f1 from .baseline"
        )

    def test_the_record_names_code_data_seed_and_model(
        self, impl: ModuleType, two_runs: tuple[Path, Any, Any], seed: int
    ) -> None:
        _, first, _ = two_runs
        r = first.record
        model = impl.candidate(seed)
        head = head_or_empty(EXERCISE)
        got = {
            "seed": r.seed,
            "data_hash": r.data_hash,
            "git_commit": r.git_commit,
            "model": r.model,
            "params": json.loads(r.params),
        }
        expected = {
            "seed": seed,
            "data_hash": impl.data_hash(oracle.penguins()),
            "git_commit": head,
            "model": type(model).__name__,
            "params": json.loads(json.dumps(model.get_params(), sort_keys=True, default=str)),
        }
        assert got == expected, (
            f"run_experiment(<penguins>, {seed}, log).record: the seed, data_hash(frame), the "
            "commit checked out at the exercise, the candidate's class name and get_params()"
        )
        stamp = datetime.fromisoformat(r.timestamp)
        assert stamp.utcoffset() is not None and stamp.utcoffset().total_seconds() == 0, (
            f"run_experiment(...).record.timestamp is {r.timestamp!r}; ISO 8601 in UTC"
        )


class FakeMlflow:
    """Records what an implementation asks of mlflow, standing in for the optional package."""

    def __init__(self) -> None:
        self.uri = ""
        self.params: dict[str, Any] = {}
        self.metrics: dict[str, float] = {}

    def module(self) -> ModuleType:
        fake = ModuleType("mlflow")
        fake.__spec__ = importlib.machinery.ModuleSpec("mlflow", None)
        fake.set_tracking_uri = lambda uri: setattr(self, "uri", uri)  # type: ignore[attr-defined]
        fake.set_experiment = lambda name: None  # type: ignore[attr-defined]
        fake.start_run = lambda **kwargs: contextlib.nullcontext()  # type: ignore[attr-defined]
        fake.set_tags = lambda tags: None  # type: ignore[attr-defined]
        fake.log_params = self.params.update  # type: ignore[attr-defined]
        fake.log_metrics = self.metrics.update  # type: ignore[attr-defined]
        return fake
