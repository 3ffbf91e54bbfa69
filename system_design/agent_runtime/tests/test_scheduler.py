"""Part 1 — Queue and scheduler."""

from __future__ import annotations

from collections import Counter
from itertools import pairwise
from types import ModuleType
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

from grading.core import plain, returned

from .workloads import PROPERTY, JobRow, job_mix

# PROMPT.md's worked example: 2 workers, tenant "a" may run 1 job at a time.
PROMPT_JOBS: tuple[JobRow, ...] = (
    ("j1", "a", 1, 0, 10),
    ("j2", "a", 0, 0, 5),
    ("j3", "b", 2, 0, 3),
    ("j4", "b", 0, 2, 4),
    ("j5", "c", 1, 3, 2),
)
PROMPT_QUOTAS = {"a": 1}
PROMPT_PLACEMENTS = [
    ("j2", 0, 0, 5),
    ("j3", 1, 0, 3),
    ("j4", 1, 3, 7),
    ("j1", 0, 5, 15),
    ("j5", 1, 7, 9),
]

MIX, WORKERS = 3_000, 120
MIX_QUOTAS = {"tenant-0": 30, "tenant-1": 20, "tenant-3": 4}


def jobs_of(impl: ModuleType, rows: tuple[JobRow, ...] | list[JobRow]) -> list[Any]:
    return [impl.Job(*row) for row in rows]


def quadruples(placements: list[Any]) -> list[tuple[str, int, int, int]]:
    return [(p.job_id, p.worker, p.start, p.end) for p in placements]


def violations(
    rows: list[JobRow],
    placed: list[tuple[str, int, int, int]],
    workers: int,
    quotas: dict[str, int],
) -> list[str]:
    """Every broken promise of a schedule, in words (empty when it keeps them all)."""
    jobs = {row[0]: row for row in rows}
    problems = []
    counts = Counter(job_id for job_id, *_ in placed)
    lost = sorted(set(jobs) - set(counts))
    if lost:
        problems.append(f"jobs never placed: {lost[:5]}")
    twice = sorted(j for j, c in counts.items() if c > 1)
    if twice:
        problems.append(f"jobs placed more than once: {twice[:5]}")
    for job_id, worker, start, end in placed:
        _, _, _, arrival, duration = jobs[job_id]
        if start < arrival or end != start + duration or not 0 <= worker < workers:
            problems.append(f"{job_id} placed on worker {worker} at {start}..{end}: {jobs[job_id]}")
    by_worker: dict[int, list[tuple[int, int]]] = {}
    for _, worker, start, end in placed:
        by_worker.setdefault(worker, []).append((start, end))
    for worker, spans in by_worker.items():
        spans.sort()
        for (_, end), (start, _) in pairwise(spans):
            if start < end:
                problems.append(f"worker {worker} runs two jobs at once at t={start}")
    # Sweep the moments when something happens; after all events at t, check the state.
    changes: dict[int, list[tuple[str, int]]] = {}  # t -> (tenant, +1 start / -1 end / 0 arrival)
    for job_id, _, start, end in placed:
        tenant = jobs[job_id][1]
        changes.setdefault(start, []).append((tenant, 1))
        changes.setdefault(end, []).append((tenant, -1))
    for row in jobs.values():
        changes.setdefault(row[3], []).append((row[1], 0))
    active: Counter[str] = Counter()
    waiting: Counter[str] = Counter()
    for t in sorted(changes):
        for tenant, change in changes[t]:
            active[tenant] += change
            waiting[tenant] += 1 if change == 0 else -1 if change == 1 else 0
        over = {a: n for a, n in active.items() if n > quotas.get(a, workers)}
        if over:
            problems.append(f"at t={t} tenants exceed their quota: {over}")
        eligible = [a for a, n in waiting.items() if n > 0 and active[a] < quotas.get(a, workers)]
        if sum(active.values()) < workers and eligible:
            problems.append(f"at t={t} a worker idles while a job of {eligible[0]} may run")
    return problems[:3]


schedules = st.lists(
    st.tuples(
        st.sampled_from(("a", "b", "c")),
        st.integers(0, 2),
        st.integers(0, 20),
        st.integers(1, 8),
    ),
    max_size=14,
).map(lambda rows: [(f"j{i}", *row) for i, row in enumerate(rows)])


@pytest.mark.part(1)
class TestPart1Scheduler:
    @pytest.mark.rule("1.1", "1.3", "1.4")
    def test_prompt_example(self, impl: ModuleType) -> None:
        got = impl.schedule(jobs_of(impl, PROMPT_JOBS), 2, dict(PROMPT_QUOTAS))
        returned(got, list, "schedule(<PROMPT.md's 5 jobs>, 2, {'a': 1})")
        assert quadruples(got) == PROMPT_PLACEMENTS, (
            "schedule(<PROMPT.md's 5 jobs>, 2, {'a': 1}): (job_id, worker, start, end); j1 waits "
            "for a's quota although it outranks j3, j4 outranks j5"
        )

    @pytest.mark.rule("1.3")
    def test_priority_then_arrival_then_id(self, impl: ModuleType) -> None:
        rows = [("z", "t", 1, 0, 5), ("y", "t", 1, 0, 5), ("x", "t", 1, 1, 5), ("w", "t", 0, 1, 5)]
        got = [p.job_id for p in impl.schedule(jobs_of(impl, rows), 1, {})]
        expected = ["y", "w", "z", "x"]
        assert got == expected, f"schedule(<Jobs {rows}>, 1, {{}}): order the jobs ran in"

    @pytest.mark.rule("1.3")
    def test_a_tenant_at_quota_does_not_block_others(self, impl: ModuleType) -> None:
        rows = [("a1", "a", 0, 0, 10), ("a2", "a", 0, 0, 10), ("b1", "b", 2, 0, 10)]
        got = quadruples(impl.schedule(jobs_of(impl, rows), 2, {"a": 1}))
        expected = [("a1", 0, 0, 10), ("b1", 1, 0, 10), ("a2", 0, 10, 20)]
        assert got == expected, f"schedule(<Jobs {rows}>, 2, {{'a': 1}})"

    @pytest.mark.rule("1.2")
    def test_a_freed_worker_is_reused_at_once(self, impl: ModuleType) -> None:
        rows = [("first", "t", 0, 0, 4), ("second", "t", 0, 0, 4), ("late", "u", 0, 4, 1)]
        got = quadruples(impl.schedule(jobs_of(impl, rows), 1, {}))
        expected = [("first", 0, 0, 4), ("second", 0, 4, 8), ("late", 0, 8, 9)]
        assert got == expected, (
            f"schedule(<Jobs {rows}>, 1, {{}}): at t=4 'first' frees its worker and 'second' "
            "(arrived at 0) starts at once, ahead of 'late' (arrived at 4)"
        )

    @pytest.mark.rule("1.5")
    @pytest.mark.parametrize(("workers", "quotas"), [(0, {}), (2, {"a": 0})])
    def test_impossible_settings_raise(
        self, impl: ModuleType, workers: int, quotas: dict[str, int]
    ) -> None:
        with pytest.raises(ValueError):
            impl.schedule(jobs_of(impl, PROMPT_JOBS), workers, quotas)

    @pytest.mark.rule("1.1", "1.3")
    def test_no_job_lost_and_every_promise_kept(self, impl: ModuleType, seed: int) -> None:
        rows = job_mix(MIX, seed)
        placed = quadruples(impl.schedule(jobs_of(impl, rows), WORKERS, dict(MIX_QUOTAS)))
        got = violations(rows, placed, WORKERS, MIX_QUOTAS)
        assert got == [], (
            f"schedule(<{MIX:,} jobs of 8 tenants over an hour, seed {seed}>, {WORKERS}, "
            f"{MIX_QUOTAS}): {got}"
        )

    @pytest.mark.rule("1.2", "1.3", "1.4")
    def test_matches_the_reference(
        self, impl: ModuleType, reference: ModuleType, seed: int
    ) -> None:
        rows = job_mix(MIX, seed)
        got = quadruples(impl.schedule(jobs_of(impl, rows), WORKERS, dict(MIX_QUOTAS)))
        expected = quadruples(
            reference.schedule(jobs_of(reference, rows), WORKERS, dict(MIX_QUOTAS))
        )
        first = next(
            (i for i, (a, b) in enumerate(zip(got, expected, strict=False)) if a != b), None
        )
        assert got == expected, (
            f"schedule(<{MIX:,} jobs, seed {seed}>, {WORKERS}, {MIX_QUOTAS}): first difference "
            f"at placement {first}: {got[first] if first is not None else None} vs the "
            f"reference's {expected[first] if first is not None else None}"
        )

    @pytest.mark.rule("1.6")
    def test_mean_wait_by_priority(self, impl: ModuleType) -> None:
        placements = [impl.Placement(*p) for p in PROMPT_PLACEMENTS]
        got = impl.mean_wait_by_priority(jobs_of(impl, PROMPT_JOBS), placements)
        expected = {0: 0.5, 1: 4.5, 2: 0.0}
        assert got == expected, "mean_wait_by_priority(<PROMPT.md's jobs and placements>)"

    @pytest.mark.rule("1.4")
    @PROPERTY
    @given(rows=schedules, workers=st.integers(1, 3), quota=st.sampled_from((None, 1, 2)))
    def test_agrees_with_the_reference(
        self,
        impl: ModuleType,
        reference: ModuleType,
        rows: list[JobRow],
        workers: int,
        quota: int | None,
    ) -> None:
        quotas = {} if quota is None else {"a": quota}
        got = plain(impl.schedule(jobs_of(impl, rows), workers, dict(quotas)))
        expected = plain(reference.schedule(jobs_of(reference, rows), workers, dict(quotas)))
        assert got == expected, f"schedule(<Jobs {rows}>, {workers}, {quotas})"
