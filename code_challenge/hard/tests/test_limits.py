"""Part 5 — Rate limits and priorities (stretch)."""

from __future__ import annotations

from types import ModuleType

import pytest

from .scripted import run, shape, task


@pytest.mark.part(5)
class TestPart5TokenBucket:
    @pytest.mark.rule("5.2", "5.3")
    def test_a_full_bucket_lets_a_burst_through_then_spaces_callers(self, impl: ModuleType) -> None:
        bucket = impl.TokenBucket(rate=1.0, burst=2)
        got = [bucket.reserve(0.0) for _ in range(5)]
        expected = [0.0, 0.0, 1.0, 2.0, 3.0]
        assert got == expected, "TokenBucket(rate=1, burst=2): reserve(0.0) five times"

    @pytest.mark.rule("5.3")
    def test_waiting_callers_queue_in_order(self, impl: ModuleType) -> None:
        bucket = impl.TokenBucket(rate=2.0, burst=1)
        got = [bucket.reserve(now) for now in (0.0, 0.0, 0.25, 0.25, 3.0)]
        expected = [0.0, 0.5, 1.0, 1.5, 3.0]
        assert got == expected, (
            "TokenBucket(rate=2, burst=1): reserve at 0, 0, 0.25, 0.25, 3; each waiting caller "
            "starts 1/rate after the one before"
        )

    @pytest.mark.rule("5.2")
    def test_tokens_refill_over_time(self, impl: ModuleType) -> None:
        bucket = impl.TokenBucket(rate=0.5, burst=3)
        got = [bucket.reserve(now) for now in (0.0, 0.0, 0.0, 4.0, 4.0, 4.0)]
        expected = [0.0, 0.0, 0.0, 4.0, 4.0, 6.0]
        assert got == expected, (
            "TokenBucket(rate=0.5, burst=3): three at 0 empty it, four seconds refill two tokens"
        )

    @pytest.mark.rule("5.2")
    def test_the_bucket_never_holds_more_than_its_burst(self, impl: ModuleType) -> None:
        bucket = impl.TokenBucket(rate=1.0, burst=2)
        got = [bucket.reserve(now) for now in (0.0, 100.0, 100.0, 100.0, 100.0)]
        expected = [0.0, 100.0, 100.0, 101.0, 102.0]
        assert got == expected, (
            "TokenBucket(rate=1, burst=2): reserve at 0, then four at 100; after a long idle "
            "the bucket is full (2 tokens), not 100 tokens"
        )


@pytest.mark.part(5)
class TestPart5RateLimits:
    @pytest.mark.rule("5.4", "5.6")
    def test_a_rate_limited_tool_is_called_no_faster_than_its_bucket(
        self, impl: ModuleType
    ) -> None:
        given_tasks = [task(impl, f"s{i}", tool="search", takes=0.5) for i in range(5)]
        given_tasks.append(task(impl, "f", tool="fetch", takes=0.5))
        bucket = impl.TokenBucket(rate=1.0, burst=2)
        outcome = run(impl, given_tasks, limit=10, rate_limits={"search": bucket})
        got = (
            sorted(c.start for c in outcome.calls if c.task.startswith("s")),
            outcome.starts("f"),
            sorted(set(outcome.statuses().values())),
        )
        expected = ([0.0, 0.0, 1.0, 2.0, 3.0], [0.0], ["succeeded"])
        assert got == expected, (
            f"execute({shape(given_tasks)}, limit=10, rate_limits={{'search': TokenBucket(rate=1, "
            "burst=2)}}): (search call starts, fetch call starts, statuses)"
        )

    @pytest.mark.rule("5.1")
    def test_one_bucket_is_shared_across_the_dag(self, impl: ModuleType) -> None:
        given_tasks = [
            task(impl, "a", takes=1),
            task(impl, "b", takes=1),
            task(impl, "sa", "a", tool="search", takes=1),
            task(impl, "sb", "b", tool="search", takes=1),
        ]
        bucket = impl.TokenBucket(rate=0.5, burst=1)
        outcome = run(impl, given_tasks, limit=4, rate_limits={"search": bucket})
        got = sorted(c.start for c in outcome.calls if c.task in ("sa", "sb"))
        expected = [1.0, 3.0]
        assert got == expected, (
            f"execute({shape(given_tasks)}, rate_limits={{'search': TokenBucket(rate=0.5, "
            "burst=1)}}): the search call starts of two separate branches"
        )

    @pytest.mark.rule("5.4")
    def test_every_attempt_takes_a_token(self, impl: ModuleType) -> None:
        given_tasks = [task(impl, "a", tool="search", script="fo", takes=0.5, retries=1)]
        bucket = impl.TokenBucket(rate=0.5, burst=1)
        backoff = impl.Backoff(base=0.25, jitter=0.0)
        outcome = run(impl, given_tasks, backoff=backoff, rate_limits={"search": bucket})
        got = (outcome.starts("a"), outcome.statuses())
        expected = ([0.0, 2.0], {"a": "succeeded"})
        assert got == expected, (
            f"execute({shape(given_tasks)}, backoff base 0.25, rate_limits={{'search': "
            "TokenBucket(rate=0.5, burst=1)}}): the retry is ready at 0.75 but waits for a token"
        )

    @pytest.mark.rule("5.4", "5.5")
    def test_a_long_wait_for_a_token_is_waited_in_full(self, impl: ModuleType) -> None:
        given_tasks = [task(impl, "s1", tool="search"), task(impl, "s2", tool="search")]
        bucket = impl.TokenBucket(rate=0.001, burst=1)
        outcome = run(impl, given_tasks, limit=2, rate_limits={"search": bucket})
        got = sorted(outcome.starts())
        expected = [0.0, 1000.0]
        assert got == expected, (
            f"execute({shape(given_tasks)}, limit=2, rate_limits={{'search': "
            "TokenBucket(rate=0.001, burst=1)}}): call starts; the second waits 1 / rate = 1000 s"
        )

    @pytest.mark.rule("5.5")
    def test_the_timeout_starts_with_the_call_not_the_wait_for_a_token(
        self, impl: ModuleType
    ) -> None:
        # b waits 2 s for its token, then its 1 s call runs well inside its 1.5 s timeout.
        given_tasks = [
            task(impl, "a", tool="search", takes=1, timeout=1.5),
            task(impl, "b", tool="search", takes=1, timeout=1.5),
        ]
        bucket = impl.TokenBucket(rate=0.5, burst=1)
        outcome = run(impl, given_tasks, limit=2, rate_limits={"search": bucket})
        assert outcome.results is not None
        got = {
            tid: (r.status, r.start, r.end, [tuple(s) for s in r.spans])
            for tid, r in outcome.results.items()
        }
        expected = {
            "a": ("succeeded", 0.0, 1.0, [(0.0, 1.0)]),
            "b": ("succeeded", 2.0, 3.0, [(2.0, 3.0)]),
        }
        assert got == expected, (
            f"execute({shape(given_tasks)}, limit=2, rate_limits={{'search': "
            "TokenBucket(rate=0.5, burst=1)}}): (status, start, end, spans); the call starts once "
            "the token is there, and the timeout bounds the call, not the wait"
        )

    @pytest.mark.rule("5.4")
    def test_a_task_waiting_for_a_token_holds_its_slot(self, impl: ModuleType) -> None:
        # s1 and s2 take the two slots (ties by id); s2 waits for a token until 2 in its slot,
        # so x gets the slot s1 frees at 0.5, not one at 0.
        given_tasks = [
            task(impl, "s1", tool="search", takes=0.5),
            task(impl, "s2", tool="search", takes=0.5),
            task(impl, "x", tool="fetch", takes=1),
        ]
        bucket = impl.TokenBucket(rate=0.5, burst=1)
        outcome = run(impl, given_tasks, limit=2, rate_limits={"search": bucket})
        got = {c.task: c.start for c in outcome.calls}
        expected = {"s1": 0.0, "x": 0.5, "s2": 2.0}
        assert got == expected, (
            f"execute({shape(given_tasks)}, limit=2, rate_limits={{'search': "
            "TokenBucket(rate=0.5, burst=1)}}): call starts; a task waiting for its token "
            "keeps its slot"
        )

    @pytest.mark.rule("5.6")
    def test_tools_without_a_bucket_are_not_limited(self, impl: ModuleType) -> None:
        given_tasks = [task(impl, f"f{i}", tool="fetch", takes=1) for i in range(4)]
        bucket = impl.TokenBucket(rate=0.1, burst=1)
        outcome = run(impl, given_tasks, limit=4, rate_limits={"search": bucket})
        got = outcome.starts()
        expected = [0.0, 0.0, 0.0, 0.0]
        assert got == expected, f"execute({shape(given_tasks)}, rate_limits={{'search': ...}})"


@pytest.mark.part(5)
class TestPart5Priorities:
    @pytest.mark.rule("5.7")
    def test_higher_priority_starts_first(self, impl: ModuleType) -> None:
        given_tasks = [
            task(impl, "a", priority=0),
            task(impl, "b", priority=5),
            task(impl, "c", priority=1),
            task(impl, "d", priority=5),
        ]
        outcome = run(impl, given_tasks, limit=1)
        got = [c.task for c in outcome.calls]
        expected = ["b", "d", "c", "a"]
        assert got == expected, (
            f"execute({shape(given_tasks)}, limit=1): call order; highest priority first, "
            "ties by id"
        )

    @pytest.mark.rule("5.7")
    def test_equal_priorities_go_by_id(self, impl: ModuleType) -> None:
        given_tasks = [task(impl, tid, takes=1) for tid in ("m", "b", "x", "a")]
        outcome = run(impl, given_tasks, limit=1)
        got = [c.task for c in outcome.calls]
        expected = ["a", "b", "m", "x"]
        assert got == expected, f"execute({shape(given_tasks)}, limit=1): call order"

    @pytest.mark.rule("5.7")
    def test_a_freed_slot_goes_to_the_highest_priority_waiting(self, impl: ModuleType) -> None:
        given_tasks = [
            task(impl, "a", takes=1, priority=9),
            task(impl, "b", takes=3, priority=8),
            task(impl, "c", takes=1, priority=0),
            task(impl, "d", takes=1, priority=7),
            task(impl, "e", takes=1, priority=1),
        ]
        outcome = run(impl, given_tasks, limit=2)
        got = {c.task: c.start for c in outcome.calls}
        expected = {"a": 0.0, "b": 0.0, "d": 1.0, "e": 2.0, "c": 3.0}
        assert got == expected, (
            f"execute({shape(given_tasks)}, limit=2): call starts; each freed slot goes to the "
            "highest priority still waiting"
        )

    @pytest.mark.rule("5.7")
    def test_a_task_ready_later_loses_a_tie_to_a_waiting_task_with_a_smaller_id(
        self, impl: ModuleType
    ) -> None:
        # z becomes ready at 1 (when p ends) and waits beside the root a: the slot q frees at 2
        # goes to a (same priority, smaller id), then z takes the next slot at 3.
        given_tasks = [
            task(impl, "p", takes=1, priority=4),
            task(impl, "q", takes=2, priority=4),
            task(impl, "r", takes=2, priority=3),
            task(impl, "a", takes=1, priority=0),
            task(impl, "z", "p", takes=1, priority=0),
        ]
        outcome = run(impl, given_tasks, limit=2)
        got = {c.task: c.start for c in outcome.calls}
        expected = {"p": 0.0, "q": 0.0, "r": 1.0, "a": 2.0, "z": 3.0}
        assert got == expected, (
            f"execute({shape(given_tasks)}, limit=2): call starts; at 2 the waiting a and z "
            "tie on priority, so the smaller id goes first"
        )

    @pytest.mark.rule("5.7")
    def test_tasks_ready_together_start_by_priority(self, impl: ModuleType) -> None:
        given_tasks = [
            task(impl, "s", takes=1),
            task(impl, "long", takes=5),
            task(impl, "v", "s", takes=2, priority=3),
            task(impl, "x", "s", takes=1, priority=1),
            task(impl, "y", "s", takes=1, priority=2),
        ]
        outcome = run(impl, given_tasks, limit=2)
        got = [c.task for c in outcome.calls if c.task in ("v", "x", "y")]
        expected = ["v", "y", "x"]
        assert got == expected, (
            f"execute({shape(given_tasks)}, limit=2): call order of s's dependents, which wait "
            "for the one free slot: highest priority first"
        )

    @pytest.mark.rule("5.7", "5.4")
    def test_priorities_do_not_break_dependencies(self, impl: ModuleType) -> None:
        given_tasks = [
            task(impl, "a", takes=1, priority=0),
            task(impl, "b", takes=1, priority=0),
            task(impl, "z", "a", takes=1, priority=100),
        ]
        outcome = run(impl, given_tasks, limit=1)
        got = [c.task for c in outcome.calls]
        expected_first = "a"
        assert got[:1] == [expected_first] and got.index("z") > got.index("a"), (
            f"execute({shape(given_tasks)}, limit=1): call order {got}; z waits for a, "
            "whatever its priority"
        )
