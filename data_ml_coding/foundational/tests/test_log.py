"""Part 4 — Experiment log and reproducibility."""

from __future__ import annotations

import contextlib
import importlib.abc
import importlib.machinery
import json
import os
import random
import shutil
import subprocess
import sys
from collections.abc import Iterator
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
    """Two run_experiment calls with the same seed into one fresh log, without mlflow, run from
    the working directory of another repository: git_commit must ask about the module's
    folder, not wherever the process happens to be."""
    log = tmp_path_factory.mktemp("runs") / "experiments.csv"
    elsewhere = tmp_path_factory.mktemp("another-repo")
    if shutil.which("git") is not None:
        git("init", "-q", cwd=elsewhere)
        git("commit", "-q", "--allow-empty", "-m", "not the exercise", cwd=elsewhere)
    with pytest.MonkeyPatch.context() as patch:
        patch.setitem(sys.modules, "mlflow", None)  # `import mlflow` fails, as when not installed
        patch.chdir(elsewhere)
        first = impl.run_experiment(oracle.penguins(), seed, log)
        second = impl.run_experiment(oracle.penguins(), seed, log)
    return log, first, second


@pytest.mark.part(4)
class TestPart4ExperimentLog:
    @pytest.mark.rule("4.1", "4.13", "4.14", "4.15")
    def test_first_append_writes_the_header_then_the_row(
        self, impl: ModuleType, tmp_path: Path
    ) -> None:
        log = tmp_path / "experiments.csv"  # the prompt does not ask append_run to make folders
        impl.append_run(log, record(impl))
        got = log.read_text(encoding="utf-8")
        expected = HEADER + line(FIELDS)
        assert got == expected, (
            "append_run(<a log that does not exist yet>, record): the LOG_COLUMNS header, then "
            "one line; floats as repr() so that they read back exactly, csv quoting for the JSON "
            "params"
        )

    @pytest.mark.rule("4.13")
    def test_an_empty_log_first_gets_the_header(self, impl: ModuleType, tmp_path: Path) -> None:
        log = tmp_path / "experiments.csv"
        log.write_bytes(b"")
        impl.append_run(log, record(impl))
        got = log.read_text(encoding="utf-8")
        expected = HEADER + line(FIELDS)
        assert got == expected, (
            "append_run(<an empty log file>, record): a new (or empty) file first gets the "
            "header line, then the row"
        )

    @pytest.mark.rule("4.19")
    def test_the_log_is_synced_to_disk(
        self, impl: ModuleType, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
    ) -> None:
        synced: list[int] = []
        real_fsync = os.fsync

        def fsync(fd: Any) -> None:
            synced.append(1)
            real_fsync(fd)

        monkeypatch.setattr(os, "fsync", fsync)
        impl.append_run(tmp_path / "experiments.csv", record(impl))
        assert synced, (
            "append_run(log, record) never called os.fsync: without it a power cut can lose a "
            "row the call already returned for ('fsync before closing')"
        )

    @pytest.mark.rule("4.17")
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

    @pytest.mark.rule("4.15", "4.21")
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

    @pytest.mark.rule("4.15", "4.21")
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

    @pytest.mark.rule("4.17", "4.20", "4.22", "4.23")
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

    @pytest.mark.rule("4.17", "4.18", "4.32")
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

    @pytest.mark.rule("4.16")
    @pytest.mark.parametrize(
        "changes",
        [{"model": "Logistic\nRegression"}, {"params": '{"C":\r1.0}'}],
        ids=["newline in model", "carriage return in params"],
    )
    def test_a_line_break_in_a_value_is_refused(
        self, impl: ModuleType, tmp_path: Path, changes: dict[str, str]
    ) -> None:
        log = tmp_path / "experiments.csv"
        impl.append_run(log, record(impl))
        before = log.read_bytes()
        with pytest.raises(ValueError):
            impl.append_run(log, record(impl, **changes))
        assert log.read_bytes() == before, (
            f"append_run(log, <record with {changes!r}>) raised but changed the log"
        )

    @pytest.mark.rule("4.24")
    def test_read_log_refuses_a_file_without_the_header(
        self, impl: ModuleType, tmp_path: Path
    ) -> None:
        log = tmp_path / "experiments.csv"
        log.write_text(line(FIELDS), encoding="utf-8")
        with pytest.raises(ValueError, match="header"):
            impl.read_log(log)

    @pytest.mark.rule("4.11")
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
        middle = frame.copy()
        middle.loc[170, "body_mass_g"] += 1  # a row that a printed frame leaves out
        raw_hashes = {impl.data_hash(oracle.raw()) for _ in range(2)}
        assert len(raw_hashes) == 1, (
            "data_hash(load_penguins()) differs between two fresh loads of the raw table (text "
            "columns as str/object): hash the values, not the objects' memory"
        )
        got = {
            "a copy": impl.data_hash(frame.copy()),
            "a fresh load": impl.data_hash(oracle.penguins()),
            "one body mass + 1 g": impl.data_hash(changed_cell),
            "row 170's body mass + 1 g": impl.data_hash(middle),
            "missing bill lengths filled": impl.data_hash(filled),
            "last row dropped": impl.data_hash(frame.iloc[:-1]),
            "year renamed": impl.data_hash(renamed),
        }
        expected = {
            "a copy": base,
            "a fresh load": base,
            "one body mass + 1 g": "≠",
            "row 170's body mass + 1 g": "≠",
            "missing bill lengths filled": "≠",
            "last row dropped": "≠",
            "year renamed": "≠",
        }
        got_marks = {k: base if v == base else "≠" for k, v in got.items()}
        assert got_marks == expected, (
            "data_hash(<penguins, then changed>): equal content gives the same hash, any change "
            "to a value, a missing cell, the rows or a column name gives another"
        )

    @pytest.mark.rule("4.12")
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
        empty = tmp_path / "no-commit"
        empty.mkdir()
        git("init", "-q", cwd=empty)
        with pytest.MonkeyPatch.context() as patch:
            patch.setenv("PATH", str(tmp_path / "no-bin"))  # no git to be found
            without_git = impl.git_commit(repo)
        got = (impl.git_commit(repo), impl.git_commit(outside), impl.git_commit(empty), without_git)
        expected = (git("rev-parse", "HEAD", cwd=repo), "", "", "")
        assert got == expected, (
            "(git_commit(<a repository>), git_commit(<a folder outside any repository>), "
            "git_commit(<a repository with no commit yet>), git_commit(<a repository, no git on "
            "PATH>)): HEAD's full hash, and '' when there is no git, no repository or no commit"
        )

    @pytest.mark.rule("4.26")
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

    @pytest.mark.rule("4.25", "4.28")
    @pytest.mark.parametrize("before", [None, "false"], ids=["unset", "set to false"])
    def test_with_mlflow_the_file_store_switch_is_set_for_the_call_only(
        self, impl: ModuleType, tmp_path: Path, before: str | None
    ) -> None:
        stand_in = AnyMlflow()
        # Everything set here is put back before the test returns: the grader's guard checks
        # that the environment after the call is what it was before.
        with stand_in.installed(), pytest.MonkeyPatch.context() as patch:
            if before is None:
                patch.delenv(SWITCH, raising=False)
            else:
                patch.setenv(SWITCH, before)
            logged = impl.log_to_mlflow(record(impl), tmp_path / "mlruns")
            after = os.environ.get(SWITCH)
        got = (logged, "true" in stand_in.switch_seen, after)
        expected = (True, True, before)
        assert got == expected, (
            f"log_to_mlflow(record, tracking_dir) with mlflow importable and "
            f"{SWITCH}={before!r} before: (returns True, {SWITCH}=true while mlflow is called, "
            f"{SWITCH} afterwards); the prompt: set it for the call and put the environment "
            f"back after. Seen during mlflow calls: {sorted(stand_in.switch_seen, key=str)}"
        )

    @pytest.mark.rule("4.27")
    def test_with_mlflow_creating_tracking_dir_is_left_to_mlflow(
        self, impl: ModuleType, tmp_path: Path
    ) -> None:
        tracking = tmp_path / "state" / "mlruns"
        with AnyMlflow().installed(), library_state_kept():
            logged = impl.log_to_mlflow(record(impl), tracking)
        got = (logged, tracking.exists(), tracking.parent.exists())
        expected = (True, False, False)
        assert got == expected, (
            f"log_to_mlflow(record, {tracking}) with an mlflow that writes nothing: (returns "
            "True, tracking_dir exists, its parent exists); leave creating tracking_dir to "
            "MLflow: in an empty folder made beforehand, start_run() finds no experiment 0"
        )

    @pytest.mark.rule("4.25", "4.28")
    def test_with_mlflow_the_run_lands_in_the_local_file_store(
        self, impl: ModuleType, tmp_path: Path
    ) -> None:
        pytest.importorskip("mlflow", reason="mlflow is an optional extra, not installed here")
        elsewhere = tmp_path / "cwd"
        elsewhere.mkdir()
        tracking = tmp_path / "state" / "mlruns"  # as run_experiment passes it: not there yet
        with library_state_kept(), pytest.MonkeyPatch.context() as patch:
            patch.delenv(SWITCH, raising=False)
            patch.delenv("MLFLOW_TRACKING_URI", raising=False)
            patch.chdir(elsewhere)
            logged = impl.log_to_mlflow(record(impl), tracking)
            after = os.environ.get(SWITCH)
        runs = stored_runs(tracking)
        assert (logged, len(runs)) == (True, 1), (
            f"log_to_mlflow(record, {tracking}) with mlflow installed returned {logged!r} and "
            f"left {len(runs)} run(s) in that folder's file store; expected True and one run"
        )
        run = runs[0]
        got = {
            "params['seed']": run["params"].get("seed"),
            "metrics": {name: run["metrics"].get(name) for name in METRICS},
            "tags": {name: run["tags"].get(name) for name in ("git_commit", "data_hash")},
            SWITCH: after,
            "written in the working directory": sorted(p.name for p in elsewhere.iterdir()),
        }
        expected = {
            "params['seed']": "7",
            "metrics": {name: FIELDS[name] for name in METRICS},
            "tags": {name: FIELDS[name] for name in ("git_commit", "data_hash")},
            SWITCH: None,
            "written in the working directory": [],
        }
        assert got == expected, (
            "log_to_mlflow(record, tracking_dir) with the real mlflow: what landed in the file "
            "store in tracking_dir; the prompt asks for the parameters (the seed among them), "
            "the metrics, and the commit and data hash as tags, and the environment put back"
        )

    @pytest.mark.rule("4.30")
    def test_run_experiment_logs_to_mlflow_beside_the_log(
        self, impl: ModuleType, seed: int, tmp_path: Path
    ) -> None:
        log = tmp_path / "runs" / "experiments.csv"
        log.parent.mkdir()
        stand_in = AnyMlflow()
        with stand_in.installed(), library_state_kept():
            impl.run_experiment(oracle.penguins(), seed, log)
        tracking = str((log.parent / "mlruns").resolve())
        got = any(tracking in text for text in stand_in.arguments)
        assert got, (
            f"run_experiment(<penguins>, {seed}, {log}) with mlflow importable never handed "
            f"mlflow the tracking folder {tracking} (log_path.parent / 'mlruns'); it passed "
            f"{sorted(stand_in.arguments)[:8]}"
        )

    @pytest.mark.rule("4.2", "4.29", "4.31")
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

    @pytest.mark.rule("4.8", "4.9", "4.10", "4.29", "4.30")
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

    @pytest.mark.rule("4.3", "4.4", "4.5", "4.6", "4.7")
    def test_the_record_names_code_data_seed_and_model(
        self, impl: ModuleType, two_runs: tuple[Path, Any, Any], seed: int
    ) -> None:
        _, first, _ = two_runs
        r = first.record
        model = impl.candidate(seed)
        module_folder = Path(getattr(impl, "__file__", None) or EXERCISE).resolve().parent
        head = head_or_empty(module_folder)
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
            f"run_experiment(<penguins>, {seed}, log), run from inside another repository: the "
            "record's seed, data_hash(frame), the commit checked out at the folder of your "
            f"module ({module_folder}, not the working directory), the candidate's class name "
            "and get_params()"
        )
        stamp = datetime.fromisoformat(r.timestamp)
        assert stamp.utcoffset() is not None and stamp.utcoffset().total_seconds() == 0, (
            f"run_experiment(...).record.timestamp is {r.timestamp!r}; ISO 8601 in UTC"
        )


SWITCH = "MLFLOW_ALLOW_FILE_STORE"


@contextlib.contextmanager
def library_state_kept() -> Iterator[None]:
    """Put back what mlflow itself changes in the process: set_tracking_uri and set_experiment
    export MLFLOW_TRACKING_URI and MLFLOW_EXPERIMENT_ID, and a generated run name draws from
    `random`. The prompt asks the candidate to put back only the file-store switch, which the
    test reads before this restores anything."""
    environ = dict(os.environ)
    state = random.getstate()
    try:
        yield
    finally:
        os.environ.clear()
        os.environ.update(environ)
        random.setstate(state)


def stored_runs(tracking: Path) -> list[dict[str, dict[str, Any]]]:
    """The runs of an MLflow file store, read from its files (<experiment>/<run>/params|metrics|
    tags/<key>), whichever mlflow calls wrote them: each metric's last logged value."""
    runs = []
    for meta in sorted(tracking.glob("*/*/meta.yaml")):
        folder = meta.parent
        if folder.parent.name.startswith(".") or not (folder / "tags").is_dir():
            continue
        values: dict[str, dict[str, Any]] = {"params": {}, "metrics": {}, "tags": {}}
        for kind in values:
            for item in sorted((folder / kind).glob("*")) if (folder / kind).is_dir() else []:
                text = item.read_text(encoding="utf-8")
                if kind == "metrics":
                    values[kind][item.name] = float(text.strip().splitlines()[-1].split()[1])
                else:
                    values[kind][item.name] = text
        runs.append(values)
    return runs


class AnyMlflow:
    """An importable `mlflow` that accepts every call, attribute and submodule (fluent API,
    singular or plural, MlflowClient, context managers) and notes the value of the file-store
    switch each time it is called. It knows no API, so it judges no choice of calls; what lands
    in a real store is the next test's job, with the real library."""

    def __init__(self) -> None:
        self.switch_seen: set[str | None] = set()
        self.arguments: set[str] = set()  # str() of every argument mlflow was called with

    @contextlib.contextmanager
    def installed(self) -> Iterator[None]:
        """`import mlflow` (and any `mlflow.x`) gives the stand-in until the block ends; the
        modules imported before are put back after."""
        anything = _Anything(self.switch_seen, self.arguments)

        class Module(ModuleType):
            def __getattr__(self, name: str) -> Any:
                if name.startswith("__"):
                    raise AttributeError(name)
                return anything

        class Finder(importlib.abc.MetaPathFinder, importlib.abc.Loader):
            def find_spec(self, name: str, path: object, target: object = None) -> Any:
                if name == "mlflow" or name.startswith("mlflow."):
                    return importlib.machinery.ModuleSpec(name, self, is_package=True)
                return None

            def create_module(self, spec: importlib.machinery.ModuleSpec) -> ModuleType:
                module = Module(spec.name)
                module.__path__ = []
                return module

            def exec_module(self, module: ModuleType) -> None:
                return None

        def ours(name: str) -> bool:
            return name == "mlflow" or name.startswith("mlflow.")

        saved = {name: module for name, module in sys.modules.items() if ours(name)}
        for name in saved:
            del sys.modules[name]
        finder = Finder()
        sys.meta_path.insert(0, finder)
        try:
            yield
        finally:
            sys.meta_path.remove(finder)
            for name in [name for name in sys.modules if ours(name)]:
                del sys.modules[name]
            sys.modules.update(saved)


class _Anything:
    """Every attribute, call, item and context of it is again itself."""

    def __init__(self, seen: set[str | None], arguments: set[str]) -> None:
        self._seen = seen
        self._arguments = arguments

    def __call__(self, *args: object, **kwargs: object) -> _Anything:
        self._seen.add(os.environ.get(SWITCH))
        self._arguments.update(str(a) for a in (*args, *kwargs.values()))
        return self

    def __getattr__(self, name: str) -> _Anything:
        if name.startswith("__"):
            raise AttributeError(name)
        return self

    def __getitem__(self, key: object) -> _Anything:
        return self

    def __enter__(self) -> _Anything:
        self._seen.add(os.environ.get(SWITCH))
        return self

    def __exit__(self, *exc: object) -> bool:
        return False

    def __iter__(self) -> Any:
        return iter(())

    def __str__(self) -> str:
        return "stand-in"
