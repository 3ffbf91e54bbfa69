"""Part 4 — Automate retraining."""

from __future__ import annotations

from pathlib import Path
from types import ModuleType
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from grading.core import returned

from . import simulator
from .helpers import Environment, SimulatedCrash, close, differences, first, tasks_of

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


@pytest.mark.part(4)
class TestPart4Retraining:
    def test_category_mix(self, impl: ModuleType) -> None:
        got = impl.category_mix(tasks_of(impl, ["math", "coding", "math", "browsing"]))
        expected = {"browsing": 0.25, "coding": 0.25, "math": 0.5}
        assert got == expected, "category_mix(<tasks of categories math, coding, math, browsing>)"

    def test_category_mix_of_nothing(self, impl: ModuleType) -> None:
        got = impl.category_mix([])
        assert got == {}, "category_mix([])"

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

    def test_no_state_file_yet(self, impl: ModuleType, tmp_path: Path) -> None:
        got = impl.load_state(tmp_path / "state.json")
        assert got is None, "load_state(<a path with no file>)"

    def test_nothing_to_do_raises(
        self, impl: ModuleType, world: simulator.RetrainingWorld, tmp_path: Path
    ) -> None:
        with pytest.raises(ValueError):
            impl.run_retraining([], tmp_path / "state.json", *env(world))

    def test_first_batch_bootstraps_a_champion(self, impl: ModuleType, full_run: Any) -> None:
        returned(full_run, impl.LoopState, "run_retraining(<the 12 batches>, ...)")
        entry = full_run.audit[0]
        got = (entry.batch_id, tuple(entry.reasons), entry.promoted, entry.champion_version)
        assert got == (0, ("bootstrap",), True, 1), (
            "run_retraining(...).audit[0]: with no champion yet, batch 0 trains one and promotes it"
        )

    def test_one_audit_entry_per_batch(self, impl: ModuleType, full_run: Any) -> None:
        got = [e.batch_id for e in full_run.audit]
        assert got == list(range(LAST + 1)), "run_retraining(<the 12 batches>).audit batch ids"

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

    def test_ends_with_the_best_model(
        self, impl: ModuleType, full_run: Any, world: simulator.RetrainingWorld
    ) -> None:
        got = (dict(full_run.champion), full_run.champion_version)
        expected = (world.best_model(LAST), 3)
        assert got == expected, "run_retraining(...): (champion, champion_version) at the end"

    def test_agrees_with_the_reference(
        self,
        impl: ModuleType,
        reference: ModuleType,
        full_run: Any,
        world: simulator.RetrainingWorld,
        tmp_path: Path,
    ) -> None:
        theirs = simulator.RetrainingWorld(seed=WORLD_SEED, kinds=reference)
        expected = reference.run_retraining(
            theirs.batches, tmp_path / "reference.json", *env(theirs)
        )
        got = [(e.batch_id, round(e.drift, 9), round(e.success_rate, 9)) for e in full_run.audit]
        want = [(e.batch_id, round(e.drift, 9), round(e.success_rate, 9)) for e in expected.audit]
        assert (decisions(full_run), got) == (decisions(expected), want), (
            "run_retraining(...).audit: (batch, reasons, promoted, version) and (drift, "
            "success_rate) per batch"
        )

    def test_saved_state_is_the_returned_state(
        self, impl: ModuleType, world: simulator.RetrainingWorld, tmp_path: Path
    ) -> None:
        path = tmp_path / "state.json"
        returned_state = impl.run_retraining(world.batches, path, *env(world))
        wrong = differences(impl.load_state(path), returned_state)
        assert not wrong, f"load_state(path) after run_retraining(..., path, ...): {first(wrong)}"

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

    def test_replaying_the_stream_changes_nothing(
        self, impl: ModuleType, world: simulator.RetrainingWorld, tmp_path: Path
    ) -> None:
        path = tmp_path / "state.json"
        original = impl.run_retraining(world.batches, path, *env(world))
        before = path.read_bytes()
        environment = Environment(world)
        again = impl.run_retraining(world.batches, path, environment.train, environment.serve)
        got = (path.read_bytes() == before, environment.train_calls, close(again, original))
        assert got == (True, 0, True), (
            "run_retraining(<the same 12 batches again>, <the same state file>): "
            f"(state file unchanged, train calls, same state) = {got}"
        )

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
