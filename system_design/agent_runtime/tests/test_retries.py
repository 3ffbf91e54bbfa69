"""Part 3 — Exactly-once effects under retries."""

from __future__ import annotations

import random
from types import ModuleType
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

from grading.core import plain, returned

from .workloads import PROPERTY, FaultyWorld

EFFECTS = ("charge_card", "send_email", "commit_code", "post_comment", "write_file", "open_pr")


def agent_jobs(n: int, seed: int) -> list[tuple[str, tuple[str, ...]]]:
    """`n` jobs of 1 to 6 steps each, as (job_id, steps) rows."""
    rng = random.Random(seed)
    return [
        (f"job-{i:04d}", tuple(rng.choice(EFFECTS) for _ in range(rng.randint(1, 6))))
        for i in range(n)
    ]


def of(impl: ModuleType, rows: list[tuple[str, tuple[str, ...]]]) -> list[Any]:
    return [impl.AgentJob(*row) for row in rows]


def world(impl: ModuleType, seed: int, p_before: float, p_after: float) -> FaultyWorld:
    return FaultyWorld(seed, p_before, p_after, crash=impl.Crash)


def broken_promises(
    rows: list[tuple[str, tuple[str, ...]]], report: dict, w: FaultyWorld
) -> list[str]:
    """What a fault-injected run must never do: lose a job, repeat an effect, skip one."""
    ids = [job_id for job_id, _ in rows]
    completed, dead = report["completed"], report["dead_lettered"]
    problems = []
    lost = sorted(set(ids) - set(completed) - set(dead))
    if lost:
        problems.append(f"jobs lost (neither completed nor dead-lettered): {lost[:5]}")
    both = sorted(set(completed) & set(dead))
    if both or len(completed) != len(set(completed)):
        problems.append(f"jobs reported twice: {both[:5] or completed[:5]}")
    repeated = sorted(k for k, n in w.performed.items() if n > 1)
    if repeated:
        problems.append(f"effects performed more than once: {repeated[:5]}")
    steps = dict(rows)
    for job_id in completed:
        done = [w.effects.get(f"{job_id}/{i}") for i in range(len(steps[job_id]))]
        if done != list(steps[job_id]):
            problems.append(
                f"{job_id} completed, but its effects are {done}, not {list(steps[job_id])}"
            )
            break
    return problems


@pytest.mark.part(3)
class TestPart3Retries:
    @pytest.mark.parametrize(
        ("job_id", "step", "expected"), [("job-7", 0, "job-7/0"), ("a/b", 12, "a/b/12")]
    )
    @pytest.mark.rule("3.2")
    def test_effect_key(self, impl: ModuleType, job_id: str, step: int, expected: str) -> None:
        got = impl.effect_key(job_id, step)
        assert got == expected, f"effect_key({job_id!r}, {step})"

    @pytest.mark.rule("3.1", "3.3")
    def test_execute_calls_every_step_under_its_key(self, impl: ModuleType) -> None:
        w = world(impl, 0, 0.0, 0.0)
        impl.execute(impl.AgentJob("job-1", ("charge_card", "send_email", "charge_card")), w)
        got = w.effects
        expected = {"job-1/0": "charge_card", "job-1/1": "send_email", "job-1/2": "charge_card"}
        assert got == expected, (
            "execute(AgentJob('job-1', ('charge_card', 'send_email', 'charge_card')), <world>): "
            "effects performed, by key"
        )

    @pytest.mark.rule("3.3")
    def test_execute_lets_a_crash_through(self, impl: ModuleType) -> None:
        w = world(impl, 0, 1.0, 0.0)
        with pytest.raises(impl.Crash):
            impl.execute(impl.AgentJob("job-1", ("charge_card",)), w)

    @pytest.mark.rule("3.4", "3.7")
    def test_prompt_example(self, impl: ModuleType) -> None:
        rows = [
            ("a", ("charge_card", "send_email")),
            ("b", ("open_pr",)),
            ("a", ("charge_card", "send_email")),
        ]
        w = world(impl, 1, 0.3, 0.3)
        report = impl.run_queue(of(impl, rows), w, 3)
        returned(report, impl.RunReport, "run_queue(<PROMPT.md's jobs>, <world seed 1>, 3)")
        kinds = (type(report.completed).__name__, type(report.dead_lettered).__name__)
        assert kinds == ("tuple", "tuple"), (
            f"run_queue(...).completed and .dead_lettered are {kinds}: RunReport's fields are "
            "tuple[str, ...] (starter.py), as in PROMPT.md's example"
        )
        got = (plain(report), dict(w.performed))
        expected = (
            {"completed": ["b", "a"], "dead_lettered": [], "attempts": {"a": 3, "b": 1}},
            {"a/0": 1, "a/1": 1, "b/0": 1},
        )
        assert got == expected, (
            "run_queue([a, b, a again], FaultyWorld(seed=1, p_before=0.3, p_after=0.3), 3): "
            "(report, effects performed per key); 'a' crashed twice, its retries found a/0 done"
        )

    @pytest.mark.rule("3.4")
    def test_without_faults_every_job_completes_once(self, impl: ModuleType, seed: int) -> None:
        rows = agent_jobs(50, seed)
        report = plain(impl.run_queue(of(impl, rows), world(impl, seed, 0.0, 0.0), 5))
        got = (report["completed"], report["dead_lettered"], set(report["attempts"].values()))
        expected = ([job_id for job_id, _ in rows], [], {1})
        assert got == expected, f"run_queue(<50 jobs, seed {seed}>, <a world without faults>, 5)"

    @pytest.mark.rule("3.7")
    def test_a_resubmitted_job_runs_once(self, impl: ModuleType) -> None:
        rows = [("j", ("send_email",)), ("k", ("send_email",)), ("j", ("send_email",))]
        report = plain(impl.run_queue(of(impl, rows), world(impl, 0, 0.0, 0.0), 5))
        got = (report["completed"], report["attempts"])
        expected = (["j", "k"], {"j": 1, "k": 1})
        assert got == expected, (
            f"run_queue(<AgentJobs {rows}>, <no faults>, 5): 'j' was submitted twice"
        )

    @pytest.mark.rule("3.5", "3.8")
    def test_faults_lose_no_job_and_repeat_no_effect(self, impl: ModuleType, seed: int) -> None:
        rows = agent_jobs(300, seed)
        w = world(impl, seed, 0.05, 0.05)
        report = plain(impl.run_queue(of(impl, rows), w, 25))
        got = (broken_promises(rows, report, w), len(report["completed"]))
        expected = ([], 300)
        assert got == expected, (
            f"run_queue(<300 jobs, seed {seed}>, <crash 5% before and 5% after each effect>, 25): "
            "(broken promises, jobs completed)"
        )

    @pytest.mark.rule("3.6", "3.8")
    def test_heavy_faults_dead_letter_after_the_last_attempt(
        self, impl: ModuleType, reference: ModuleType, seed: int
    ) -> None:
        rows = agent_jobs(200, seed)
        w = world(impl, seed, 0.15, 0.15)
        report = plain(impl.run_queue(of(impl, rows), w, 3))
        expected = plain(
            reference.run_queue(of(reference, rows), world(reference, seed, 0.15, 0.15), 3)
        )
        dead_attempts = {report["attempts"][j] for j in report["dead_lettered"]}
        got = (broken_promises(rows, report, w), dead_attempts, report == expected)
        assert got == ([], {3}, True), (
            f"run_queue(<200 jobs, seed {seed}>, <crash 15% before and 15% after each effect>, "
            "3): (broken promises, attempts of dead-lettered jobs, same report as the "
            f"reference); dead-lettered {len(report['dead_lettered'])}, the reference "
            f"{len(expected['dead_lettered'])}"
        )

    @PROPERTY
    @given(
        rows=st.lists(
            st.tuples(
                st.sampled_from("abcdef"),
                st.lists(st.sampled_from(EFFECTS[:3]), min_size=1, max_size=4).map(tuple),
            ),
            max_size=8,
        ),
        world_seed=st.integers(0, 1_000),
        p=st.sampled_from((0.0, 0.2, 0.5)),
        max_attempts=st.integers(1, 5),
    )
    @pytest.mark.rule("3.4", "3.5", "3.6")
    def test_agrees_with_the_reference(
        self,
        impl: ModuleType,
        reference: ModuleType,
        rows: list[tuple[str, tuple[str, ...]]],
        world_seed: int,
        p: float,
        max_attempts: int,
    ) -> None:
        w = world(impl, world_seed, p, p)
        got = plain(impl.run_queue(of(impl, rows), w, max_attempts))
        expected = plain(
            reference.run_queue(
                of(reference, rows), world(reference, world_seed, p, p), max_attempts
            )
        )
        call = f"run_queue(<AgentJobs {rows}>, <world seed {world_seed}, p={p}>, {max_attempts})"
        assert got == expected, call
        first_seen = {job_id: steps for job_id, steps in reversed(rows)}
        assert broken_promises(list(first_seen.items()), got, w) == [], call
