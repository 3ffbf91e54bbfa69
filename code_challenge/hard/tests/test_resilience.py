"""Part 3 — Retries, timeouts and a deadline.

On virtual time a task that hangs forever costs nothing: its timeout or the deadline is one jump
of the clock away. Without either, the test loop reports a deadlock instead of hanging.
"""

from __future__ import annotations

import random
from types import ModuleType

import pytest

from .scripted import prompt_example, run, shape, task

NO_JITTER = {"base": 1.0, "factor": 2.0, "cap": 60.0, "jitter": 0.0}


def approx(values: list[float]) -> list[float]:
    """Times that went through a jittered delay: equal to 1e-9 s."""
    return [pytest.approx(v, abs=1e-9) for v in values]


@pytest.mark.part(3)
class TestPart3RetryDelay:
    @pytest.mark.rule("3.1", "3.2")
    @pytest.mark.parametrize(
        ("backoff", "expected"),
        [
            ({"base": 1.0, "factor": 2.0, "cap": 60.0}, [1.0, 2.0, 4.0, 8.0, 16.0]),
            ({"base": 0.5, "factor": 3.0, "cap": 60.0}, [0.5, 1.5, 4.5, 13.5, 40.5]),
            ({"base": 1.0, "factor": 2.0, "cap": 5.0}, [1.0, 2.0, 4.0, 5.0, 5.0]),
            ({"base": 2.0, "factor": 1.0, "cap": 60.0}, [2.0, 2.0, 2.0, 2.0, 2.0]),
        ],
        ids=["doubling", "tripling from 0.5", "capped at 5", "constant"],
    )
    def test_grows_exponentially_up_to_the_cap(
        self, impl: ModuleType, backoff: dict[str, float], expected: list[float]
    ) -> None:
        given = impl.Backoff(**backoff, jitter=0.0)
        got = [impl.retry_delay(given, 0, "a", attempt) for attempt in range(1, 6)]
        assert got == expected, f"[retry_delay({given}, 0, 'a', attempt) for attempt in 1..5]"

    @pytest.mark.rule("3.3")
    @pytest.mark.parametrize(("task_id", "attempt"), [("a", 1), ("fetch", 2), ("fetch", 3)])
    def test_jitter_comes_from_a_random_seeded_by_seed_task_and_attempt(
        self, impl: ModuleType, seed: int, task_id: str, attempt: int
    ) -> None:
        given = impl.Backoff(base=1.0, factor=2.0, cap=60.0, jitter=0.25)
        got = impl.retry_delay(given, seed, task_id, attempt)
        u = random.Random(f"{seed}:{task_id}:{attempt}").random()
        expected = 2.0 ** (attempt - 1) * (1 + 0.25 * u)
        assert got == pytest.approx(expected, abs=1e-12), (
            f"retry_delay({given}, {seed}, {task_id!r}, {attempt}): "
            f"{2.0 ** (attempt - 1)} * (1 + 0.25 * u), u = random.Random('{seed}:{task_id}:{attempt}').random()"
        )

    @pytest.mark.rule("3.2")
    def test_the_cap_applies_before_the_jitter(self, impl: ModuleType) -> None:
        given = impl.Backoff(base=1.0, factor=2.0, cap=3.0, jitter=0.5)
        got = impl.retry_delay(given, 7, "a", 4)
        u = random.Random("7:a:4").random()
        expected = 3.0 * (1 + 0.5 * u)
        assert got == pytest.approx(expected, abs=1e-12), f"retry_delay({given}, 7, 'a', 4)"

    @pytest.mark.rule("3.3")
    def test_the_same_inputs_give_the_same_delay(self, impl: ModuleType) -> None:
        given = impl.Backoff(jitter=0.5)
        got = [impl.retry_delay(given, 11, "x", 2) for _ in range(3)]
        expected = [got[0]] * 3
        assert got == expected, f"retry_delay({given}, 11, 'x', 2) three times"


@pytest.mark.part(3)
class TestPart3Retries:
    @pytest.mark.rule("3.15", "3.16")
    def test_prompt_example(self, impl: ModuleType) -> None:
        given_tasks = prompt_example(impl, hang=True)
        outcome = run(impl, given_tasks, limit=4, backoff=impl.Backoff(jitter=0.0))
        assert outcome.results is not None
        got = (
            {
                tid: (r.status, r.start, r.end, [tuple(s) for s in r.spans])
                for tid, r in outcome.results.items()
                if tid in ("fetch_b", "summarize")
            },
            outcome.returned_at,
        )
        expected = (
            {
                "fetch_b": ("succeeded", 1.0, 8.0, [(1.0, 6.0), (7.0, 8.0)]),
                "summarize": ("succeeded", 8.0, 11.0, [(8.0, 11.0)]),
            },
            11.0,
        )
        assert got == expected, (
            f"execute(<the example of PROMPT.md, fetch_b hanging once: {shape(given_tasks)}>, "
            "limit=4, backoff=Backoff(jitter=0.0)): ((status, start, end, spans) of fetch_b and "
            "summarize, return time)"
        )

    @pytest.mark.rule("3.4")
    def test_a_task_is_retried_until_it_succeeds(
        self, impl: ModuleType, reference: ModuleType
    ) -> None:
        given_tasks = [task(impl, "a", script="ffo", takes=1, retries=3)]
        backoff = impl.Backoff(base=1.0, factor=2.0, cap=60.0, jitter=0.5)
        outcome = run(impl, given_tasks, backoff=backoff, seed=5)
        d1, d2 = (reference.retry_delay(backoff, 5, "a", k) for k in (1, 2))
        result = outcome.results["a"]  # type: ignore[index]
        got = (result.status, result.value, result.attempts, outcome.starts("a"))
        expected = ("succeeded", "a!", 3, approx([0.0, 1 + d1, 2 + d1 + d2]))
        assert got == expected, (
            f"execute({shape(given_tasks)}, backoff={backoff}, seed=5): "
            f"(status, value, attempts, start of each call); delays {d1:.4f}, {d2:.4f} s"
        )

    @pytest.mark.rule("3.4", "3.6")
    def test_a_task_out_of_retries_fails_with_its_last_error(self, impl: ModuleType) -> None:
        given_tasks = [task(impl, "a", script="f", takes=1, retries=2)]
        outcome = run(impl, given_tasks, backoff=impl.Backoff(**NO_JITTER))
        result = outcome.results["a"]  # type: ignore[index]
        got = (result.status, result.error, result.attempts, outcome.starts("a"), result.end)
        expected = ("failed", "ToolError: a attempt 3 failed", 3, [0.0, 2.0, 5.0], 6.0)
        assert got == expected, (
            f"execute({shape(given_tasks)}, backoff={NO_JITTER}): "
            "(status, error, attempts, call starts, end); no wait after the last attempt"
        )

    @pytest.mark.rule("3.4")
    def test_no_retries_by_default(self, impl: ModuleType) -> None:
        given_tasks = [task(impl, "a", script="fo")]
        result = run(impl, given_tasks).results["a"]  # type: ignore[index]
        got = (result.status, result.attempts)
        expected = ("failed", 1)
        assert got == expected, f"execute({shape(given_tasks)}): retries defaults to 0"

    @pytest.mark.rule("3.4")
    def test_result_spans_cover_each_attempt(self, impl: ModuleType) -> None:
        given_tasks = [task(impl, "a", script="fo", takes=1.5, retries=1)]
        result = run(impl, given_tasks, backoff=impl.Backoff(**NO_JITTER)).results["a"]  # type: ignore[index]
        got = (result.start, result.end, [tuple(s) for s in result.spans])
        expected = (0.0, 4.0, [(0.0, 1.5), (2.5, 4.0)])
        assert got == expected, f"execute({shape(given_tasks)}): (start, end, spans)"

    @pytest.mark.rule("3.5")
    def test_a_retried_task_holds_its_slot(self, impl: ModuleType) -> None:
        given_tasks = [task(impl, "a", script="fo", retries=1), task(impl, "b")]
        outcome = run(impl, given_tasks, limit=1, backoff=impl.Backoff(**NO_JITTER))
        got = sorted((c.start, c.task) for c in outcome.calls)
        expected = [(0.0, "a"), (2.0, "a"), (3.0, "b")]
        if outcome.calls and outcome.calls[0].task == "b":
            expected = [(0.0, "b"), (1.0, "a"), (3.0, "a")]
        assert got == expected, (
            f"execute({shape(given_tasks)}, limit=1): a task keeps its slot through its retries"
        )

    @pytest.mark.rule("3.4")
    def test_dependents_wait_for_the_retries(self, impl: ModuleType) -> None:
        given_tasks = [task(impl, "a", script="fo", retries=1), task(impl, "b", "a")]
        outcome = run(impl, given_tasks, backoff=impl.Backoff(**NO_JITTER))
        got = (outcome.statuses(), outcome.starts("b"))
        expected = ({"a": "succeeded", "b": "succeeded"}, [3.0])
        assert got == expected, f"execute({shape(given_tasks)}): (statuses, b's start)"


@pytest.mark.part(3)
class TestPart3Timeouts:
    @pytest.mark.rule("3.7", "3.8")
    def test_a_hanging_attempt_times_out(self, impl: ModuleType) -> None:
        given_tasks = [task(impl, "a", script="h", timeout=5.0)]
        outcome = run(impl, given_tasks)
        result = outcome.results["a"]  # type: ignore[index]
        got = (result.status, result.error, result.end, outcome.returned_at)
        expected = ("failed", "timeout", 5.0, 5.0)
        assert got == expected, f"execute({shape(given_tasks)}): (status, error, end, return time)"

    @pytest.mark.rule("3.8")
    def test_the_timed_out_call_is_cancelled(self, impl: ModuleType) -> None:
        given_tasks = [task(impl, "a", script="h", timeout=5.0)]
        outcome = run(impl, given_tasks)
        got = [(c.outcome, c.end) for c in outcome.calls]
        expected = [("cancelled", 5.0)]
        assert got == expected, (
            f"execute({shape(given_tasks)}): the tool's own view of its call (outcome, end): "
            "a timeout cancels the tool's coroutine, it does not just stop waiting for it"
        )

    @pytest.mark.rule("3.8")
    def test_a_timed_out_attempt_is_retried(self, impl: ModuleType) -> None:
        given_tasks = [task(impl, "a", script="ho", takes=1, timeout=3.0, retries=1)]
        outcome = run(impl, given_tasks, backoff=impl.Backoff(**NO_JITTER))
        result = outcome.results["a"]  # type: ignore[index]
        got = (result.status, result.attempts, outcome.starts("a"), result.end)
        expected = ("succeeded", 2, [0.0, 4.0], 5.0)
        assert got == expected, f"execute({shape(given_tasks)}): (status, attempts, starts, end)"

    @pytest.mark.rule("3.7")
    def test_the_timeout_is_per_attempt(self, impl: ModuleType) -> None:
        given_tasks = [task(impl, "a", script="fo", takes=2, timeout=3.0, retries=1)]
        result = run(impl, given_tasks, backoff=impl.Backoff(**NO_JITTER)).results["a"]  # type: ignore[index]
        got = (result.status, result.end)
        expected = ("succeeded", 5.0)
        assert got == expected, f"execute({shape(given_tasks)}): two 2 s attempts, each under 3 s"

    @pytest.mark.rule("3.9")
    def test_a_timeout_error_raised_by_the_tool_is_the_tools_error(self, impl: ModuleType) -> None:
        given_tasks = [task(impl, "a", script="f", error=TimeoutError, takes=1, timeout=10.0)]
        result = run(impl, given_tasks).results["a"]  # type: ignore[index]
        got = (result.status, result.error)
        expected = ("failed", "TimeoutError: a attempt 1 failed")
        assert got == expected, (
            f"execute({shape(given_tasks)}): the tool raised TimeoutError itself after 1 s; "
            "only the task's own timeout expiring is reported as 'timeout'"
        )


@pytest.mark.part(3)
class TestPart3Deadline:
    @pytest.mark.rule("3.11", "3.12")
    def test_the_deadline_cancels_what_is_running(self, impl: ModuleType) -> None:
        given_tasks = [
            task(impl, "a", takes=2),
            task(impl, "x", takes=2),
            task(impl, "b", "a", takes=10),
            task(impl, "y", "x", script="h"),
            task(impl, "c", "b"),
        ]
        outcome = run(impl, given_tasks, deadline=5.0)
        assert outcome.results is not None
        got = {
            tid: (r.status, r.error if r.status == "cancelled" else "", r.end, r.blocked_by)
            for tid, r in outcome.results.items()
        }
        expected = {
            "a": ("succeeded", "", 2.0, None),
            "b": ("cancelled", "deadline", 5.0, None),
            "c": ("skipped", "", None, "b"),
            "x": ("succeeded", "", 2.0, None),
            "y": ("cancelled", "deadline", 5.0, None),
        }
        assert got == expected, (
            f"execute({shape(given_tasks)}, deadline=5): (status, error of the cancelled, end, "
            "blocked_by) per task"
        )

    @pytest.mark.rule("3.15", "3.16")
    def test_prompt_example(self, impl: ModuleType) -> None:
        given_tasks = prompt_example(impl, hang=True)
        outcome = run(impl, given_tasks, limit=4, deadline=10.0, backoff=impl.Backoff(jitter=0.0))
        assert outcome.results is not None
        got = (
            {
                tid: (r.status, r.error if r.status in ("failed", "cancelled") else "", r.end)
                for tid, r in outcome.results.items()
            },
            outcome.returned_at,
        )
        expected = (
            {
                "calendar": ("failed", "RuntimeError: calendar is down", 0.5),
                "email": ("skipped", "", None),
                "search": ("succeeded", "", 1.0),
                "fetch_a": ("succeeded", "", 3.0),
                "fetch_b": ("succeeded", "", 8.0),
                "summarize": ("cancelled", "deadline", 10.0),
            },
            10.0,
        )
        assert got == expected, (
            "execute(<the example of PROMPT.md, fetch_b hanging once>, limit=4, deadline=10, "
            "backoff=Backoff(jitter=0.0)): ((status, error if failed or cancelled, end) per "
            "task, return time)"
        )

    @pytest.mark.rule("3.11")
    def test_a_cancelled_task_keeps_the_start_of_its_first_call(self, impl: ModuleType) -> None:
        given_tasks = [task(impl, "a", script="fh", takes=1, retries=1)]
        outcome = run(impl, given_tasks, deadline=5.0, backoff=impl.Backoff(**NO_JITTER))
        result = outcome.results["a"]  # type: ignore[index]
        got = (result.status, result.attempts, result.start, result.end)
        expected = ("cancelled", 2, 0.0, 5.0)
        assert got == expected, (
            f"execute({shape(given_tasks)}, deadline=5, backoff base 1 without jitter): "
            "(status, attempts, start, end): start is the first call's start (0), not its end"
        )

    @pytest.mark.rule("3.10", "3.13")
    def test_execute_returns_at_the_deadline(self, impl: ModuleType) -> None:
        given_tasks = [task(impl, "a", script="h"), task(impl, "b", takes=100)]
        outcome = run(impl, given_tasks, deadline=5.0)
        got = outcome.returned_at
        expected = 5.0
        assert got == expected, (
            f"execute({shape(given_tasks)}, deadline=5): when it returned; it must not wait for "
            "running tasks to finish"
        )

    @pytest.mark.rule("3.11", "3.13")
    def test_cancelled_tools_see_the_cancellation(self, impl: ModuleType) -> None:
        given_tasks = [task(impl, "a", script="h"), task(impl, "b", takes=100)]
        outcome = run(impl, given_tasks, deadline=5.0)
        got = sorted((c.task, c.outcome, c.end) for c in outcome.calls)
        expected = [("a", "cancelled", 5.0), ("b", "cancelled", 5.0)]
        assert got == expected, (
            f"execute({shape(given_tasks)}, deadline=5): each tool's own view (task, outcome, "
            "end) when execute returned: cancelled, and done handling it"
        )

    @pytest.mark.rule("3.13")
    def test_no_task_outlives_execute(self, impl: ModuleType) -> None:
        given_tasks = [
            task(impl, "a", script="h"),
            task(impl, "b", takes=100),
            task(impl, "c", "b"),
        ]
        outcome = run(impl, given_tasks, deadline=5.0)
        got = outcome.leftovers
        expected: list[str] = []
        assert got == expected, (
            f"execute({shape(given_tasks)}, deadline=5): asyncio tasks still alive when it "
            "returned; cancel them and wait for them"
        )

    @pytest.mark.rule("3.12")
    def test_nothing_starts_after_the_deadline(self, impl: ModuleType) -> None:
        given_tasks = [task(impl, f"t{i}", takes=2) for i in range(5)]
        outcome = run(impl, given_tasks, limit=2, deadline=3.0)
        assert outcome.results is not None
        got = (
            sorted(outcome.starts()),
            sorted(r.status for r in outcome.results.values()),
            sorted(str(r.blocked_by) for r in outcome.results.values() if r.status == "skipped"),
        )
        expected = (
            [0.0, 0.0, 2.0, 2.0],
            ["cancelled", "cancelled", "skipped", "succeeded", "succeeded"],
            ["None"],
        )
        assert got == expected, (
            f"execute({shape(given_tasks)}, limit=2, deadline=3): (call starts, statuses, "
            "blocked_by of the skipped): a task still waiting for a slot is skipped"
        )

    @pytest.mark.rule("3.11", "3.12")
    def test_a_retry_due_after_the_deadline_never_starts(self, impl: ModuleType) -> None:
        given_tasks = [task(impl, "a", script="f", takes=1, retries=3)]
        backoff = impl.Backoff(base=4.0, factor=2.0, cap=60.0, jitter=0.0)
        outcome = run(impl, given_tasks, deadline=3.0, backoff=backoff)
        result = outcome.results["a"]  # type: ignore[index]
        got = (result.status, result.error, result.attempts, outcome.starts(), result.end)
        expected = ("cancelled", "deadline", 1, [0.0], 3.0)
        assert got == expected, (
            f"execute({shape(given_tasks)}, deadline=3, backoff base 4): (status, error, "
            "attempts, call starts, end): cancelled while waiting to retry"
        )

    @pytest.mark.rule("3.12")
    def test_a_deadline_of_zero_starts_nothing(self, impl: ModuleType) -> None:
        given_tasks = [task(impl, "a"), task(impl, "b", "a")]
        outcome = run(impl, given_tasks, deadline=0.0)
        got = (outcome.statuses(), outcome.calls)
        expected = ({"a": "skipped", "b": "skipped"}, [])
        assert got == expected, f"execute({shape(given_tasks)}, deadline=0): (statuses, calls)"

    @pytest.mark.rule("3.10")
    def test_no_deadline_by_default(self, impl: ModuleType) -> None:
        given_tasks = [task(impl, "a", takes=86_400.0)]
        outcome = run(impl, given_tasks)
        got = (outcome.statuses(), outcome.returned_at)
        expected = ({"a": "succeeded"}, 86_400.0)
        assert got == expected, f"execute({shape(given_tasks)}): (statuses, return time)"


@pytest.mark.part(3)
class TestPart3Cancellation:
    @pytest.mark.rule("3.14")
    def test_cancelling_execute_cancels_the_running_tools(self, impl: ModuleType) -> None:
        given_tasks = [
            task(impl, "a", takes=1),
            task(impl, "b", "a", takes=10),
            task(impl, "c", takes=1),
            task(impl, "d", "c", script="h"),
            task(impl, "e", "b"),
        ]
        outcome = run(impl, given_tasks, cancel_at=4.0)
        got = (outcome.raised, sorted((c.task, c.outcome, c.end) for c in outcome.calls))
        expected = (
            "CancelledError",
            [
                ("a", "returned", 1.0),
                ("b", "cancelled", 4.0),
                ("c", "returned", 1.0),
                ("d", "cancelled", 4.0),
            ],
        )
        assert got == expected, (
            f"execute({shape(given_tasks)}) cancelled by its caller at t=4: (what execute "
            "raised, each call's (task, outcome, end)); the cancellation must propagate"
        )

    @pytest.mark.rule("3.14")
    def test_cancelling_execute_leaves_no_task_behind(self, impl: ModuleType) -> None:
        given_tasks = [task(impl, "a", takes=10), task(impl, "b", script="h")]
        outcome = run(impl, given_tasks, cancel_at=2.0)
        got = (outcome.raised, outcome.leftovers, outcome.returned_at)
        expected = ("CancelledError", [], 2.0)
        assert got == expected, (
            f"execute({shape(given_tasks)}) cancelled by its caller at t=2: (raised, tasks "
            "still alive, when it returned)"
        )
