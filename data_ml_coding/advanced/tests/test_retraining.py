"""Part 4 — Automate retraining."""

from __future__ import annotations

import os
from pathlib import Path
from types import ModuleType
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from grading.core import returned

from . import simulator
from .helpers import (
    Environment,
    SimulatedCrash,
    close,
    differences,
    first,
    tasks_of,
    trajectory,
)

WORLD_SEED = 0  # fixed: drift is detected at exactly the known batches on this stream
LAST = 11  # the last batch of the stream


@pytest.fixture(scope="module")
def world(impl: ModuleType) -> simulator.RetrainingWorld:
    """The stream, its batches and trajectories built from the implementation's classes."""
    return simulator.RetrainingWorld(seed=WORLD_SEED, kinds=impl)


@pytest.fixture(scope="module")
def full_run(
    impl: ModuleType, world: simulator.RetrainingWorld, tmp_path_factory: pytest.TempPathFactory
) -> Any:
    """The implementation's loop over the whole stream, uninterrupted."""
    path = tmp_path_factory.mktemp("full") / "state.json"
    return impl.run_retraining(world.batches, path, *env(world))


@pytest.fixture(scope="module")
def reference_run(reference: ModuleType, tmp_path_factory: pytest.TempPathFactory) -> Any:
    """The reference's loop over the same stream, built from the reference's classes."""
    theirs = simulator.RetrainingWorld(seed=WORLD_SEED, kinds=reference)
    path = tmp_path_factory.mktemp("reference") / "state.json"
    return reference.run_retraining(theirs.batches, path, *env(theirs))


def env(world: simulator.RetrainingWorld, **options: Any) -> tuple[Any, Any]:
    environment = Environment(world, **options)
    return environment.train, environment.serve


def decisions(state: Any) -> list[tuple[int, tuple[str, ...], bool, int]]:
    return [(e.batch_id, tuple(e.reasons), e.promoted, e.champion_version) for e in state.audit]


def worst_model(world: simulator.RetrainingWorld) -> Any:
    """A trainer gone wrong: the weakest safe strategy for every category."""

    def train(batch: Any) -> dict[str, str]:
        success = simulator.REGIMES[world.regime_of(batch.batch_id)].success
        return {
            c: min(simulator.SAFE_STRATEGIES, key=lambda s, c=c: success[c][s])
            for c in simulator.CATEGORIES
        }

    return train


def reckless_model(batch: Any) -> dict[str, str]:
    """A trainer that maximizes success and ignores safety."""
    return {c: "aggressive" for c in simulator.CATEGORIES}


def tiny_stream(
    impl: ModuleType, second_batch: list[str], second_solved: int
) -> tuple[list[Any], Any, Any]:
    """Two hand-made batches and a `train`/`serve` pair whose outcomes depend only on the task.

    Batch 0 has live categories a, b, a, b and a holdout of 4 tasks, 3 solved: the bootstrap
    champion's reference mix is {a: 0.5, b: 0.5} and its reference success exactly 0.75. Batch 1
    has the live categories `second_batch`, of which the first `second_solved` are solved.
    Every number is exact in binary, so a threshold can be hit exactly.
    """
    solved = {"b00-h0", "b00-h1", "b00-h2", "b01-h0", "b01-h1"}
    solved |= {f"b01-t{i}" for i in range(second_solved)}

    def batch(number: int, live: list[str]) -> Any:
        tasks = tuple(impl.Task(f"b{number:02d}-t{i}", c) for i, c in enumerate(live))
        holdout = tuple(impl.Task(f"b{number:02d}-h{i}", "a") for i in range(4))
        return impl.Batch(number, tasks, holdout)

    def train(batch: Any) -> dict[str, str]:
        return {"a": f"trained-on-{batch.batch_id}", "b": f"trained-on-{batch.batch_id}"}

    def serve(model: Any, tasks: Any) -> list[Any]:
        return [
            trajectory(impl, task.task_id, task.task_id in solved, category=task.category)
            for task in tasks
        ]

    return [batch(0, ["a", "b", "a", "b"]), batch(1, second_batch)], train, serve


@pytest.mark.part(4)
class TestPart4Retraining:
    @pytest.mark.rule("4.1")
    def test_category_mix(self, impl: ModuleType) -> None:
        got = impl.category_mix(tasks_of(impl, ["math", "coding", "math", "browsing"]))
        expected = {"browsing": 0.25, "coding": 0.25, "math": 0.5}
        assert got == expected, "category_mix(<tasks of categories math, coding, math, browsing>)"
        assert list(got) == sorted(expected), (
            "category_mix(<tasks of categories math, coding, math, browsing>): keys "
            f"{list(got)}; the keys come in ascending order, {sorted(expected)}"
        )

    @pytest.mark.rule("4.1")
    def test_category_mix_of_nothing(self, impl: ModuleType) -> None:
        got = impl.category_mix([])
        assert got == {}, "category_mix([])"

    @pytest.mark.rule("4.2")
    @pytest.mark.parametrize(
        ("p", "q", "expected"),
        [
            ({"a": 0.5, "b": 0.5}, {"a": 0.5, "b": 0.5}, 0.0),
            ({"a": 1.0}, {"b": 1.0}, 1.0),
            ({"a": 0.4, "b": 0.6}, {"a": 0.7, "b": 0.3}, 0.3),
            ({"a": 0.5, "b": 0.5}, {"a": 0.5, "b": 0.25, "c": 0.25}, 0.25),
        ],
        ids=["identical", "disjoint", "shifted", "a category appears"],
    )
    def test_total_variation(
        self, impl: ModuleType, p: dict[str, float], q: dict[str, float], expected: float
    ) -> None:
        got = (impl.total_variation(p, q), impl.total_variation(q, p))
        assert got == pytest.approx((expected, expected)), (
            f"total_variation({p}, {q}) and the other way round: half the sum of |p - q|, a "
            "missing category counting as 0"
        )

    @pytest.mark.rule("4.2")
    @settings(max_examples=40)
    @given(
        p=st.dictionaries(st.sampled_from("abcd"), st.integers(1, 20), min_size=1),
        q=st.dictionaries(st.sampled_from("abcd"), st.integers(1, 20), min_size=1),
    )
    def test_total_variation_agrees_with_the_definition(
        self, impl: ModuleType, p: dict[str, int], q: dict[str, int]
    ) -> None:
        p_mix = {k: v / sum(p.values()) for k, v in p.items()}
        q_mix = {k: v / sum(q.values()) for k, v in q.items()}
        expected = sum(abs(p_mix.get(k, 0.0) - q_mix.get(k, 0.0)) for k in "abcd") / 2
        got = impl.total_variation(p_mix, q_mix)
        assert got == pytest.approx(expected, abs=1e-12), f"total_variation({p_mix}, {q_mix})"

    @pytest.mark.rule("4.16")
    def test_no_state_file_yet(self, impl: ModuleType, tmp_path: Path) -> None:
        got = impl.load_state(tmp_path / "state.json")
        assert got is None, "load_state(<a path with no file>)"

    @pytest.mark.rule("4.17")
    def test_nothing_to_do_raises(
        self, impl: ModuleType, world: simulator.RetrainingWorld, tmp_path: Path
    ) -> None:
        with pytest.raises(ValueError):
            impl.run_retraining([], tmp_path / "state.json", *env(world))

    @pytest.mark.rule("4.5", "4.7")
    def test_first_batch_bootstraps_a_champion(self, impl: ModuleType, full_run: Any) -> None:
        returned(full_run, impl.LoopState, "run_retraining(<the 12 batches>, ...)")
        entry = full_run.audit[0]
        got = (entry.batch_id, tuple(entry.reasons), entry.promoted, entry.champion_version)
        assert got == (0, ("bootstrap",), True, 1), (
            "run_retraining(...).audit[0]: with no champion yet, batch 0 trains one and promotes it"
        )

    @pytest.mark.rule("4.13")
    def test_one_audit_entry_per_batch(self, impl: ModuleType, full_run: Any) -> None:
        got = [e.batch_id for e in full_run.audit]
        assert got == list(range(LAST + 1)), "run_retraining(<the 12 batches>).audit batch ids"

    @pytest.mark.rule("4.9", "4.18")
    def test_retrains_exactly_at_the_drift_points(self, impl: ModuleType, full_run: Any) -> None:
        got = [(b, reasons, promoted) for b, reasons, promoted, _ in decisions(full_run) if reasons]
        expected = [
            (0, ("bootstrap",), True),
            (4, ("drift", "performance"), True),
            (8, ("performance",), True),
        ]
        assert got == expected, (
            f"run_retraining(RetrainingWorld(seed={WORLD_SEED})): (batch, reasons, promoted) of "
            f"every retrain = {got}. Batch 4 moves traffic to browsing and breaks its best "
            "strategy (the mix drifts, success drops); batch 8 breaks coding, retrieval and math "
            "strategies (same mix, success drops); nothing else changes"
        )

    @pytest.mark.rule("4.11", "4.18")
    def test_ends_with_the_best_model(
        self, impl: ModuleType, full_run: Any, world: simulator.RetrainingWorld
    ) -> None:
        got = (dict(full_run.champion), full_run.champion_version)
        expected = (world.best_model(LAST), 3)
        assert got == expected, "run_retraining(...): (champion, champion_version) at the end"

    @pytest.mark.rule("4.6", "4.7", "4.8", "4.9", "4.13")
    def test_agrees_with_the_reference(self, full_run: Any, reference_run: Any) -> None:
        expected = reference_run
        got = [(e.batch_id, round(e.drift, 9), round(e.success_rate, 9)) for e in full_run.audit]
        want = [(e.batch_id, round(e.drift, 9), round(e.success_rate, 9)) for e in expected.audit]
        assert (decisions(full_run), got) == (decisions(expected), want), (
            "run_retraining(...).audit: (batch, reasons, promoted, version) and (drift, "
            "success_rate) per batch"
        )

    @pytest.mark.rule("4.6", "4.10", "4.11")
    def test_promotions_take_the_gates_holdout_rate(
        self, full_run: Any, reference_run: Any
    ) -> None:
        def summary(state: Any) -> dict[str, Any]:
            return {
                "champion_version": state.champion_version,
                "champion": dict(state.champion),
                "reference_mix": dict(state.reference_mix),
                "reference_success": state.reference_success,
                "checks": [[(c.name, c.passed) for c in e.checks] for e in state.audit],
            }

        wrong = differences(summary(full_run), summary(reference_run))
        assert not wrong, (
            "run_retraining(RetrainingWorld(seed=0).batches, ...): the final champion, its "
            "reference mix and success, and the (name, passed) of every audited check: "
            f"{first(wrong)}. On a promotion the reference success is the gate's candidate_rate, "
            "from ship_gate(serve(champion, batch.holdout), serve(challenger, batch.holdout))"
        )

    @pytest.mark.rule("4.5", "4.13")
    def test_audits_checks_only_when_a_gate_ran(self, full_run: Any) -> None:
        got = [
            (e.batch_id, len(tuple(e.checks)))
            for e in full_run.audit
            if len(tuple(e.checks)) != (3 if set(e.reasons) - {"bootstrap"} else 0)
        ]
        assert got == [], (
            "run_retraining(...).audit: (batch, number of checks) where it is wrong: "
            f"{got}; `checks` holds the gate's three checks when a gate ran, `()` otherwise "
            "(the bootstrap and every batch that did not retrain)"
        )

    @pytest.mark.rule("4.8", "4.9")
    @pytest.mark.parametrize(
        ("max_drift", "expected"),
        [(0.25, ()), (0.2499, ("drift",))],
        ids=["drift equal to max_drift", "drift above max_drift"],
    )
    def test_drift_must_exceed_max_drift(
        self, impl: ModuleType, tmp_path: Path, max_drift: float, expected: tuple[str, ...]
    ) -> None:
        batches, train, serve = tiny_stream(impl, ["a", "a", "a", "b"], second_solved=3)
        triggers = impl.Triggers(max_drift=max_drift, max_drop=0.5)
        state = impl.run_retraining(batches, tmp_path / "state.json", train, serve, triggers)
        entry = state.audit[1]
        got = (entry.drift, tuple(entry.reasons))
        assert got == (pytest.approx(0.25, abs=1e-12), expected), (
            "run_retraining(<reference mix {a: 0.5, b: 0.5}, then a batch with mix {a: 0.75, "
            f"b: 0.25}}>, triggers=Triggers(max_drift={max_drift})): (drift, reasons) of the second "
            f"batch = {got}; retrain on drift only when drift > max_drift, strictly"
        )

    @pytest.mark.rule("4.6", "4.8", "4.9")
    @pytest.mark.parametrize(
        ("max_drop", "expected"),
        [(0.25, ()), (0.2499, ("performance",))],
        ids=["drop equal to max_drop", "drop above max_drop"],
    )
    def test_performance_must_fall_below_the_reference_minus_max_drop(
        self, impl: ModuleType, tmp_path: Path, max_drop: float, expected: tuple[str, ...]
    ) -> None:
        batches, train, serve = tiny_stream(impl, ["a", "b", "a", "b"], second_solved=2)
        triggers = impl.Triggers(max_drift=0.5, max_drop=max_drop)
        state = impl.run_retraining(batches, tmp_path / "state.json", train, serve, triggers)
        entry = state.audit[1]
        got = (entry.success_rate, tuple(entry.reasons))
        assert got == (0.5, expected), (
            "run_retraining(<reference success 0.75, then a batch the champion solves 2 of 4>, "
            f"triggers=Triggers(max_drop={max_drop})): (success_rate, reasons) of the second "
            f"batch = {got}; retrain on performance only when success_rate < reference_success "
            "- max_drop, strictly"
        )

    @pytest.mark.rule("4.9", "4.10", "4.12")
    def test_follows_the_guardrails_and_triggers_it_is_given(
        self, impl: ModuleType, world: simulator.RetrainingWorld, tmp_path: Path
    ) -> None:
        strict = impl.run_retraining(
            world.batches[:9],  # up to the second drift point
            tmp_path / "strict.json",
            *env(world),
            guardrails=impl.Guardrails(alpha=1e-300),
        )
        retrained = [e for e in strict.audit[1:] if e.reasons]
        got = (
            strict.champion_version,
            [e.batch_id for e in retrained if e.promoted],
            {c.name for e in retrained for c in e.checks if not c.passed},
        )
        assert retrained and got == (1, [], {"success"}), (
            "run_retraining(<batches 0..8>, ..., guardrails=Guardrails(alpha=1e-300)): "
            "(champion_version, "
            f"promoted batches, failed checks) = {got}; the gate must use the guardrails the loop "
            "was given, and no p-value is below 1e-300 here"
        )
        calm = impl.run_retraining(
            world.batches[:6],  # past the first drift point
            tmp_path / "calm.json",
            *env(world),
            triggers=impl.Triggers(max_drift=1.0, max_drop=1.0),
        )
        got_calm = [e.batch_id for e in calm.audit[1:] if e.reasons]
        assert got_calm == [], (
            "run_retraining(<batches 0..5>, ..., triggers=Triggers(max_drift=1.0, max_drop=1.0)): "
            "retrained at "
            f"batches {got_calm}; with those triggers nothing can fire"
        )

    @pytest.mark.rule("4.16")
    def test_loaded_state_equals_the_saved_one(
        self, impl: ModuleType, world: simulator.RetrainingWorld, tmp_path: Path
    ) -> None:
        path = tmp_path / "state.json"
        saved = impl.run_retraining(world.batches[:6], path, *env(world))
        loaded = impl.load_state(path)
        kinds = (
            None
            if loaded is None
            else sorted(
                {type(value).__name__ for e in loaded.audit for value in (e.reasons, e.checks)}
                | {type(loaded.audit).__name__}
            )
        )
        assert loaded == saved, (
            "load_state(path) after run_retraining(<batches 0..5>, path, ...) must == the state "
            f"returned (a LoopState equal to the one saved, its tuples still tuples); the audit "
            f"and its reasons and checks came back as {kinds}"
        )

    @pytest.mark.rule("4.15", "4.16", "4.17")
    def test_saved_state_is_the_returned_state(
        self, impl: ModuleType, world: simulator.RetrainingWorld, tmp_path: Path
    ) -> None:
        path = tmp_path / "state.json"
        returned_state = impl.run_retraining(world.batches, path, *env(world))
        wrong = differences(impl.load_state(path), returned_state)
        assert not wrong, f"load_state(path) after run_retraining(..., path, ...): {first(wrong)}"

    @pytest.mark.rule("4.12", "4.19")
    def test_a_worse_challenger_is_never_promoted(
        self, impl: ModuleType, world: simulator.RetrainingWorld, tmp_path: Path
    ) -> None:
        state = impl.run_retraining(
            world.batches, tmp_path / "state.json", *env(world, trainer=worst_model(world))
        )
        retrained = [e for e in state.audit[1:] if e.reasons]
        got = (
            state.champion_version,
            any(e.promoted for e in retrained),
            {c.name for e in retrained for c in e.checks if not c.passed},
        )
        assert retrained and got == (1, False, {"success"}), (
            "run_retraining(..., train=<the worst strategies after batch 0>): (champion_version, "
            f"promoted any, failed checks) = {got}; the gate must refuse every retrain on success"
        )

    @pytest.mark.rule("4.12", "4.19")
    def test_an_unsafe_challenger_is_never_promoted(
        self, impl: ModuleType, world: simulator.RetrainingWorld, tmp_path: Path
    ) -> None:
        state = impl.run_retraining(
            world.batches, tmp_path / "state.json", *env(world, trainer=reckless_model)
        )
        retrained = [e for e in state.audit[1:] if e.reasons]
        got = (
            state.champion_version,
            any(e.promoted for e in retrained),
            {c.name for e in retrained for c in e.checks if not c.passed},
        )
        assert retrained and got == (1, False, {"safety"}), (
            "run_retraining(..., train=<'aggressive' everywhere: more success, 6% violations>): "
            f"got (champion_version, promoted any, failed checks) = {got}"
        )

    @pytest.mark.rule("4.3", "4.4", "4.21")
    def test_replaying_the_stream_changes_nothing(
        self, impl: ModuleType, world: simulator.RetrainingWorld, tmp_path: Path
    ) -> None:
        path = tmp_path / "state.json"
        original = impl.run_retraining(world.batches, path, *env(world))
        before = path.read_bytes()
        written = path.stat().st_mtime_ns
        environment = Environment(world)
        again = impl.run_retraining(world.batches, path, environment.train, environment.serve)
        got = (
            path.read_bytes() == before,
            path.stat().st_mtime_ns == written,
            environment.train_calls,
            environment.serve_calls,
            close(again, original),
        )
        assert got == (True, True, 0, 0, True), (
            "run_retraining(<the same 12 batches again>, <the same state file>): "
            f"(state file unchanged, not rewritten, train calls, serve calls, same state) = {got}; "
            "a replay changes nothing: no audit entry, no write, no call to train or serve"
        )

    @pytest.mark.rule("4.4", "4.21")
    def test_a_replayed_batch_is_skipped(
        self, impl: ModuleType, world: simulator.RetrainingWorld, tmp_path: Path
    ) -> None:
        batches = list(world.batches[:6])
        replayed = [batches[i] for i in (0, 1, 1, 2, 0, 3, 4, 2, 5, 5)]
        once = impl.run_retraining(batches, tmp_path / "once.json", *env(world))
        twice = impl.run_retraining(replayed, tmp_path / "twice.json", *env(world))
        wrong = differences(twice, once)
        assert not wrong, (
            "run_retraining(<batches 0, 1, 1, 2, 0, 3, 4, 2, 5, 5>) must end like batches 0..5 (a "
            "batch_id not above the last one processed is a replay): audit batch ids "
            f"{[e.batch_id for e in twice.audit]}; {first(wrong)}"
        )

    @pytest.mark.rule("4.3", "4.14", "4.15", "4.20")
    def test_resumes_after_a_crash(
        self, impl: ModuleType, world: simulator.RetrainingWorld, full_run: Any, tmp_path: Path
    ) -> None:
        path = tmp_path / "state.json"
        with pytest.raises(SimulatedCrash):
            impl.run_retraining(world.batches, path, *env(world, crash_on_batch=6))
        on_disk = impl.load_state(path)
        saved = None if on_disk is None else (on_disk.last_batch_id, len(on_disk.audit))
        assert saved == (5, 6), (
            "load_state(path) after a crash during batch 6: the state of batches 0..5 must be on "
            f"disk (last_batch_id, audit entries) = (5, 6); got {saved}"
        )
        resumed = impl.run_retraining(world.batches, path, *env(world))
        wrong = differences(resumed, full_run)
        assert not wrong, (
            "run_retraining(<all 12 batches>) after a crash in batch 6 must end exactly like the "
            f"uninterrupted run: {first(wrong)}"
        )

    @pytest.mark.rule("4.3", "4.20")
    def test_resumes_after_a_crash_while_retraining(
        self, impl: ModuleType, world: simulator.RetrainingWorld, full_run: Any, tmp_path: Path
    ) -> None:
        path = tmp_path / "state.json"
        train, serve = env(world)
        crashing = Environment(world, crash_on_batch=8)
        with pytest.raises(SimulatedCrash):
            impl.run_retraining(world.batches, path, crashing.train, serve)
        resumed = impl.run_retraining(world.batches, path, train, serve)
        wrong = differences(resumed, full_run)
        assert not wrong, (
            "run_retraining(...) after a crash inside train() on batch 8 must end like the "
            f"uninterrupted run: {first(wrong)}"
        )

    @pytest.mark.rule("4.3")
    def test_runs_in_pieces_like_one_run(
        self, impl: ModuleType, world: simulator.RetrainingWorld, full_run: Any, tmp_path: Path
    ) -> None:
        path = tmp_path / "state.json"
        batches = list(world.batches)
        for start in range(0, len(batches), 5):
            state = impl.run_retraining(batches[start : start + 5], path, *env(world))
        wrong = differences(state, full_run)
        assert not wrong, (
            "run_retraining over batches 0-4, then 5-9, then 10-11 with one state file must end "
            f"like one run over all 12: {first(wrong)}"
        )

    @pytest.mark.rule("4.14", "4.20")
    def test_saves_through_a_temporary_file_and_os_replace(
        self,
        impl: ModuleType,
        world: simulator.RetrainingWorld,
        full_run: Any,
        tmp_path: Path,
        monkeypatch: pytest.MonkeyPatch,
    ) -> None:
        # The process dies after batch 6's new state is written to a temporary file but before
        # os.replace puts it in place: an atomic save leaves batches 0..5 on disk, intact.
        path = tmp_path / "state.json"
        real_replace = os.replace
        onto_state: list[str] = []

        def replace(source: Any, destination: Any, *args: Any, **kwargs: Any) -> None:
            if Path(destination).resolve() == path.resolve():
                onto_state.append(str(source))
                if len(onto_state) == 7:
                    raise SimulatedCrash("simulated crash just before os.replace of batch 6")
            real_replace(source, destination, *args, **kwargs)

        monkeypatch.setattr(os, "replace", replace)
        try:
            impl.run_retraining(world.batches, path, *env(world))
            crashed = False
        except SimulatedCrash:
            crashed = True
        monkeypatch.undo()
        assert crashed, (
            "run_retraining(<12 batches>, path, ...) called os.replace(<temporary file>, path) "
            f"{len(onto_state)} times; PROMPT.md Part 4 step 5: save the whole state atomically "
            "after every batch: write a temporary file, then os.replace it over the old one"
        )
        on_disk = impl.load_state(path)
        saved = None if on_disk is None else (on_disk.last_batch_id, len(on_disk.audit))
        assert saved == (5, 6), (
            "load_state(path) after a crash just before batch 6's os.replace: the state of "
            f"batches 0..5 must be on disk (last_batch_id, audit entries) = (5, 6); got {saved}"
        )
        resumed = impl.run_retraining(world.batches, path, *env(world))
        wrong = differences(resumed, full_run)
        assert not wrong, (
            "run_retraining(<all 12 batches>) after a crash before batch 6's os.replace must end "
            f"exactly like the uninterrupted run: {first(wrong)}"
        )
