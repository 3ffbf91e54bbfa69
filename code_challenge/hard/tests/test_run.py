"""Part 2 — Run under a concurrency limit.

Every run happens on virtual time (see workloads.py): `takes=2` is two seconds of loop time that
cost no wall time, and every time below is exact.
"""

from __future__ import annotations

from types import ModuleType
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from grading.core import returned

from .scripted import Recorder, prompt_example, run, shape, task
from .workloads import layered_dag

PROPERTY = settings(max_examples=40)


def diamond(impl: ModuleType, **takes: float) -> list[Any]:
    """a -> (b, c) -> d, each task taking takes[id] seconds (default 1)."""
    return [
        task(impl, "a", takes=takes.get("a", 1.0)),
        task(impl, "b", "a", takes=takes.get("b", 1.0)),
        task(impl, "c", "a", takes=takes.get("c", 1.0)),
        task(impl, "d", "b", "c", takes=takes.get("d", 1.0)),
    ]


@pytest.mark.part(2)
class TestPart2Run:
    @pytest.mark.rule("2.1", "2.13")
    def test_returns_a_task_result_per_task_in_plan_order(self, impl: ModuleType) -> None:
        given_tasks = list(reversed(diamond(impl)))
        results = returned(run(impl, given_tasks, limit=4).results, dict, "execute(...)")
        got = [(tid, type(r).__name__, r.status) for tid, r in results.items()]
        expected = [(tid, "TaskResult", "succeeded") for tid in ["a", "b", "c", "d"]]
        assert got == expected, f"execute({shape(given_tasks)}, limit=4): (key, type, status)"

    @pytest.mark.rule("2.13", "2.17", "2.10")
    def test_prompt_example(self, impl: ModuleType) -> None:
        given_tasks = prompt_example(impl)
        outcome = run(impl, given_tasks, limit=4)
        assert outcome.results is not None
        got = (
            [
                (
                    tid,
                    r.status,
                    r.start,
                    r.end,
                    r.value,
                    r.error if r.status == "failed" else "",
                    r.blocked_by,
                )
                for tid, r in outcome.results.items()
            ],
            outcome.returned_at,
        )
        expected = (
            [
                ("calendar", "failed", 0.0, 0.5, None, "RuntimeError: calendar is down", None),
                ("email", "skipped", None, None, None, "", "calendar"),
                ("search", "succeeded", 0.0, 1.0, ["url-a", "url-b"], "", None),
                ("fetch_a", "succeeded", 1.0, 3.0, "page a", "", None),
                ("fetch_b", "succeeded", 1.0, 2.0, "page b", "", None),
                ("summarize", "succeeded", 3.0, 6.0, "summary", "", None),
            ],
            6.0,
        )
        assert got == expected, (
            f"execute(<the example of PROMPT.md: {shape(given_tasks)}>, limit=4): "
            "((key, status, start, end, value, error, blocked_by) in order, return time)"
        )

    @pytest.mark.rule("2.6")
    def test_each_task_receives_its_dependencies_results(self, impl: ModuleType) -> None:
        given_tasks = [
            task(impl, "search", value=["url1", "url2"]),
            task(impl, "fetch", "search", value="page"),
            task(impl, "summarize", "fetch", "search", value="summary"),
        ]
        outcome = run(impl, given_tasks, limit=4)
        got = {call.task: call.inputs for call in outcome.calls}
        expected = {
            "search": {},
            "fetch": {"search": ["url1", "url2"]},
            "summarize": {"fetch": "page", "search": ["url1", "url2"]},
        }
        assert got == expected, f"execute({shape(given_tasks)}): the inputs each tool received"

    @pytest.mark.rule("2.7")
    def test_a_succeeded_result_holds_the_tools_value(self, impl: ModuleType) -> None:
        given_tasks = [task(impl, "a", value={"rows": 3})]
        result = run(impl, given_tasks).results["a"]  # type: ignore[index]
        got = (result.status, result.value, result.error, result.attempts)
        expected = ("succeeded", {"rows": 3}, "", 1)
        assert got == expected, f"execute({shape(given_tasks)}): (status, value, error, attempts)"

    @pytest.mark.rule("2.3")
    def test_a_task_starts_as_soon_as_its_dependencies_finish(self, impl: ModuleType) -> None:
        given_tasks = diamond(impl, a=1, b=2, c=2, d=0.5)
        outcome = run(impl, given_tasks, limit=4)
        got = ({c.task: c.start for c in outcome.calls}, outcome.returned_at)
        expected = ({"a": 0.0, "b": 1.0, "c": 1.0, "d": 3.0}, 3.5)
        assert got == expected, f"execute({shape(given_tasks)}, limit=4): (starts, return time)"

    @pytest.mark.rule("2.5")
    def test_a_slot_freed_while_others_still_run_is_used_at_once(self, impl: ModuleType) -> None:
        # Three ready tasks, two slots. Whichever two start first (not graded until Part 5), the
        # third takes the slot of the first of them to settle, while the other still runs.
        given_tasks = [task(impl, "p", takes=1), task(impl, "q", takes=3), task(impl, "r", takes=2)]
        outcome = run(impl, given_tasks, limit=2)
        calls = sorted(outcome.calls, key=lambda c: c.start)
        first_two, third = calls[:2], calls[2:]
        freed = min((c.end for c in first_two if c.end is not None), default=None)
        got = ([c.start for c in first_two], [c.start for c in third])
        expected = ([0.0, 0.0], [freed])
        assert got == expected, (
            f"execute({shape(given_tasks)}, limit=2): (starts of the first two calls, start of the "
            f"third); the first two were {[c.task for c in first_two]}, the first slot freed at "
            f"{freed}: when a task settles, its slot goes to a ready task at once, not when every "
            "running task is done"
        )

    @pytest.mark.rule("2.4")
    def test_independent_tasks_run_at_the_same_time(self, impl: ModuleType) -> None:
        given_tasks = [task(impl, name, takes=2) for name in "pqrs"]
        outcome = run(impl, given_tasks, limit=8)
        got = (outcome.starts(), outcome.peak, outcome.returned_at)
        expected = ([0.0, 0.0, 0.0, 0.0], 4, 2.0)
        assert got == expected, f"execute({shape(given_tasks)}, limit=8): (starts, peak, return)"

    @pytest.mark.rule("2.1")
    def test_the_limit_is_eight_by_default(self, impl: ModuleType) -> None:
        given_tasks = [task(impl, f"t{i:02d}", takes=1) for i in range(12)]
        outcome = run(impl, given_tasks)
        got = (outcome.peak, outcome.returned_at)
        expected = (8, 2.0)
        assert got == expected, (
            f"execute({shape(given_tasks)}) without limit=: (most calls in flight, return time); "
            "the signature's default is limit=8"
        )

    @pytest.mark.rule("2.4")
    def test_concurrency_never_exceeds_the_limit(self, impl: ModuleType) -> None:
        given_tasks = [task(impl, f"t{i}", takes=0.25 * (1 + i % 5)) for i in range(12)]
        outcome = run(impl, given_tasks, limit=3)
        got = outcome.peak
        expected = 3
        assert got == expected, (
            f"execute({shape(given_tasks)}, limit=3): most tool calls in flight at once; with "
            "12 tasks ready, exactly the limit"
        )

    @pytest.mark.rule("2.5")
    def test_a_freed_slot_is_used_at_once(self, impl: ModuleType) -> None:
        given_tasks = [task(impl, f"t{i}", takes=1) for i in range(6)]
        outcome = run(impl, given_tasks, limit=2)
        got = (sorted(outcome.starts()), outcome.returned_at)
        expected = ([0.0, 0.0, 1.0, 1.0, 2.0, 2.0], 3.0)
        assert got == expected, f"execute({shape(given_tasks)}, limit=2): (starts, return time)"

    @pytest.mark.rule("2.4")
    def test_the_limit_holds_when_tasks_fail(self, impl: ModuleType) -> None:
        given_tasks = [
            task(impl, f"t{i}", takes=1 + (i % 3) * 0.5, script="f" if i % 2 else "o")
            for i in range(12)
        ]
        outcome = run(impl, given_tasks, limit=2)
        got = outcome.peak
        expected = 2
        assert got == expected, (
            f"execute({shape(given_tasks)}, limit=2): most tool calls in flight at once; with "
            "12 tasks ready, exactly the limit, however many fail (is a slot given back twice?)"
        )

    @pytest.mark.rule("2.8")
    def test_a_failed_task_reports_its_error(self, impl: ModuleType) -> None:
        given_tasks = [task(impl, "a", script="f", takes=2)]
        result = run(impl, given_tasks).results["a"]  # type: ignore[index]
        got = (result.status, result.error, result.attempts, result.value)
        expected = ("failed", "ToolError: a attempt 1 failed", 1, None)
        assert got == expected, f"execute({shape(given_tasks)}): (status, error, attempts, value)"

    @pytest.mark.rule("2.8", "2.9")
    @pytest.mark.parametrize(
        ("error", "message"),
        [
            (ValueError, "ValueError: a attempt 1 failed"),
            (KeyError, "KeyError: 'a attempt 1 failed'"),
        ],
        ids=["ValueError", "KeyError"],
    )
    def test_a_tool_exception_never_escapes_execute(
        self, impl: ModuleType, error: type[Exception], message: str
    ) -> None:
        given_tasks = [task(impl, "a", script="f", error=error), task(impl, "b")]
        outcome = run(impl, given_tasks, limit=2)
        got = {tid: (r.status, r.error) for tid, r in outcome.results.items()}  # type: ignore[union-attr]
        expected = {"a": ("failed", message), "b": ("succeeded", "")}
        assert got == expected, (
            f"execute({shape(given_tasks)}) where a's tool raises {error.__name__}: "
            "error is '<ExceptionType>: <str(exception)>'"
        )

    @pytest.mark.rule("2.10", "2.11")
    def test_dependents_of_a_failed_task_are_skipped(self, impl: ModuleType) -> None:
        given_tasks = [
            task(impl, "a", script="f"),
            task(impl, "b", "a"),
            task(impl, "c", "b"),
            task(impl, "x"),
        ]
        outcome = run(impl, given_tasks, limit=4)
        got = (
            {tid: (r.status, r.blocked_by) for tid, r in outcome.results.items()},  # type: ignore[union-attr]
            sorted({c.task for c in outcome.calls}),
        )
        expected = (
            {
                "a": ("failed", None),
                "b": ("skipped", "a"),
                "c": ("skipped", "b"),
                "x": ("succeeded", None),
            },
            ["a", "x"],
        )
        assert got == expected, (
            f"execute({shape(given_tasks)}): ((status, blocked_by) per task, tools called)"
        )

    @pytest.mark.rule("2.12")
    def test_independent_branches_keep_running_after_a_failure(self, impl: ModuleType) -> None:
        given_tasks = [
            task(impl, "a", script="f", takes=1),
            task(impl, "x", takes=1),
            task(impl, "b", "a", takes=3),
            task(impl, "y", "x", takes=3),
            task(impl, "z", "y", takes=1),
            task(impl, "w", "a", "y"),
        ]
        outcome = run(impl, given_tasks, limit=4)
        got = (outcome.statuses(), {c.task: c.start for c in outcome.calls}, outcome.returned_at)
        expected = (
            {
                "a": "failed",
                "b": "skipped",
                "w": "skipped",
                "x": "succeeded",
                "y": "succeeded",
                "z": "succeeded",
            },
            {"a": 0.0, "x": 0.0, "y": 1.0, "z": 4.0},
            5.0,
        )
        assert got == expected, f"execute({shape(given_tasks)}): (statuses, starts, return time)"

    @pytest.mark.rule("2.10")
    def test_a_task_with_two_failed_dependencies_names_one(self, impl: ModuleType) -> None:
        given_tasks = [
            task(impl, "p", script="f", takes=1),
            task(impl, "q", script="f", takes=2),
            task(impl, "r", "p", "q"),
        ]
        result = run(impl, given_tasks, limit=4).results["r"]  # type: ignore[index]
        got = (result.status, result.blocked_by in ("p", "q"), result.attempts)
        expected = ("skipped", True, 0)
        assert got == expected, (
            f"execute({shape(given_tasks)}): r is skipped, blocked_by one of its failed deps "
            f"(got blocked_by={result.blocked_by!r})"
        )

    @pytest.mark.rule("2.10")
    def test_skipped_tasks_have_no_times(self, impl: ModuleType) -> None:
        given_tasks = [task(impl, "a", script="f"), task(impl, "b", "a")]
        result = run(impl, given_tasks).results["b"]  # type: ignore[index]
        got = (result.attempts, result.start, result.end, tuple(result.spans), result.value)
        expected = (0, None, None, (), None)
        assert got == expected, (
            f"execute({shape(given_tasks)}): b's (attempts, start, end, spans, value)"
        )

    @pytest.mark.rule("2.6")
    def test_times_match_what_the_tools_saw(self, impl: ModuleType) -> None:
        given_tasks = diamond(impl, a=0.5, b=1.5, c=2, d=1)
        outcome = run(impl, given_tasks, limit=4)
        assert outcome.results is not None
        got = {
            tid: (r.start, r.end, [tuple(span) for span in r.spans])
            for tid, r in outcome.results.items()
        }
        expected = {c.task: (c.start, c.end, [(c.start, c.end)]) for c in outcome.calls}
        assert got == expected, (
            f"execute({shape(given_tasks)}): (start, end, spans) in seconds since execute started, "
            "read from the event loop's clock"
        )

    def test_times_stay_relative_to_the_call_in_a_long_run(self, impl: ModuleType) -> None:
        given_tasks = [task(impl, "a", takes=700), task(impl, "b", "a", takes=700)]
        outcome = run(impl, given_tasks, limit=2)
        assert outcome.results is not None
        got = {
            tid: (r.start, r.end, [tuple(s) for s in r.spans]) for tid, r in outcome.results.items()
        }
        expected = {"a": (0.0, 700.0, [(0.0, 700.0)]), "b": (700.0, 1400.0, [(700.0, 1400.0)])}
        assert got == expected, (
            f"execute({shape(given_tasks)}, limit=2): (start, end, spans); every time is the "
            "loop's clock minus its value when execute was called, however long the run"
        )

    @pytest.mark.rule("2.2")
    def test_an_invalid_plan_raises_before_any_call(self, impl: ModuleType) -> None:
        given_tasks = [task(impl, "a"), task(impl, "b", "c"), task(impl, "c", "b")]
        recorder = Recorder()
        with pytest.raises(impl.PlanError):
            run(impl, given_tasks, recorder=recorder)
        got = recorder.calls
        expected: list[Any] = []
        assert got == expected, (
            f"execute({shape(given_tasks)}) must raise PlanError, calling nothing"
        )

    @pytest.mark.rule("2.2")
    @pytest.mark.parametrize("limit", [0, -1])
    def test_a_limit_below_one_raises(self, impl: ModuleType, limit: int) -> None:
        with pytest.raises(ValueError, match="limit"):
            run(impl, [task(impl, "a")], limit=limit)

    @pytest.mark.rule("2.13")
    def test_no_tasks(self, impl: ModuleType) -> None:
        outcome = run(impl, [], limit=2)
        got = (outcome.results, outcome.returned_at)
        expected = ({}, 0.0)
        assert got == expected, "execute([], {}, limit=2): (results, return time)"

    @pytest.mark.rule("2.14", "2.6")
    def test_ten_thousand_tasks(self, impl: ModuleType, seed: int) -> None:
        nodes = layered_dag(10_000, seed)
        outcome = run(impl, nodes, limit=64)
        assert outcome.results is not None
        deps = {node.id: node.deps for node in nodes}
        wrong_inputs = [
            c.task for c in outcome.calls if c.inputs != {d: f"{d}!" for d in deps[c.task]}
        ][:3]
        got = (
            sum(r.status == "succeeded" for r in outcome.results.values()),
            len(outcome.calls),
            outcome.peak <= 64,
            wrong_inputs,
        )
        expected = (10_000, 10_000, True, [])
        assert got == expected, (
            f"execute(<10,000 tasks in levels of 100, seed {seed}>, limit=64): "
            f"(succeeded, tool calls, peak {outcome.peak} <= 64, tasks given wrong inputs)"
        )

    @pytest.mark.rule("2.4", "2.10", "2.3")
    @PROPERTY
    @given(data=st.data())
    def test_statuses_agree_with_the_reference(
        self, impl: ModuleType, reference: ModuleType, data: st.DataObject
    ) -> None:
        spec = data.draw(dags())
        limit = data.draw(st.integers(1, 4))
        mine = [
            task(impl, tid, *deps, takes=takes, script=script) for tid, deps, takes, script in spec
        ]
        theirs = [
            task(reference, tid, *deps, takes=takes, script=script)
            for tid, deps, takes, script in spec
        ]
        outcome = run(impl, mine, limit=limit)
        exact = run(reference, theirs, limit=limit)
        assert outcome.results is not None and exact.results is not None
        blocked_wrong = [
            tid
            for tid, r in outcome.results.items()
            if r.status == "skipped"
            and (r.blocked_by is None or outcome.results[r.blocked_by].status == "succeeded")
        ]
        got = (
            {tid: (r.status, r.value, r.attempts) for tid, r in outcome.results.items()},
            blocked_wrong,
            outcome.peak <= limit,
        )
        expected = (
            {tid: (r.status, r.value, r.attempts) for tid, r in exact.results.items()},
            [],
            True,
        )
        assert got == expected, (
            f"execute({shape(mine)}, limit={limit}): ((status, value, attempts) per task, "
            f"skipped tasks whose blocked_by is not a dependency that failed, peak {outcome.peak} <= limit)"
        )


@st.composite
def dags(draw: st.DrawFn) -> list[tuple[str, tuple[str, ...], float, str]]:
    """Up to 8 tasks; each may need earlier ones, take 0.25 to 2 s and fail (script "f")."""
    size = draw(st.integers(0, 8))
    spec = []
    for index in range(size):
        deps = draw(st.lists(st.integers(0, index - 1), max_size=2, unique=True)) if index else []
        takes = draw(st.sampled_from((0.25, 0.5, 1.0, 2.0)))
        script = draw(st.sampled_from(("o", "o", "f")))
        spec.append((f"t{index}", tuple(f"t{d}" for d in sorted(deps)), takes, script))
    return spec
