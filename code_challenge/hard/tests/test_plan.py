"""Part 1 — Plan the graph."""

from __future__ import annotations

import random
from types import ModuleType
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from grading.core import returned

PROPERTY = settings(max_examples=80)


def tasks_of(impl: ModuleType, graph: dict[str, str]) -> list[Any]:
    """{"b": "a c"} -> [Task("b", deps=("a", "c"))]: a graph written as id -> its deps."""
    return [
        impl.Task(id=tid, tool="search", deps=tuple(deps.split())) for tid, deps in graph.items()
    ]


def plan_error(impl: ModuleType, graph: dict[str, str]) -> tuple[str, tuple[str, ...]]:
    """(kind, nodes) of the PlanError that plan() raises for `graph`."""
    with pytest.raises(impl.PlanError) as caught:
        impl.plan(tasks_of(impl, graph))
    return caught.value.kind, tuple(caught.value.nodes)


def is_cycle(graph: dict[str, str], nodes: tuple[str, ...]) -> bool:
    """Each node depends on the next, the last on the first, no node twice."""
    if not nodes or len(set(nodes)) != len(nodes):
        return False
    return all(nodes[(i + 1) % len(nodes)] in graph.get(n, "").split() for i, n in enumerate(nodes))


# The example of PROMPT.md: an agent researching a question.
PROMPT_GRAPH = {
    "summarize": "fetch_a fetch_b",
    "fetch_b": "search",
    "search": "",
    "fetch_a": "search",
    "calendar": "",
}
PROMPT_ORDER = ["calendar", "search", "fetch_a", "fetch_b", "summarize"]


@pytest.mark.part(1)
class TestPart1Plan:
    @pytest.mark.rule("1.1")
    def test_returns_a_list_of_ids(self, impl: ModuleType) -> None:
        got = impl.plan(tasks_of(impl, {"a": ""}))
        returned(got, list, "plan([Task('a')])")

    @pytest.mark.rule("1.1", "1.9")
    def test_prompt_example(self, impl: ModuleType) -> None:
        got = impl.plan(tasks_of(impl, PROMPT_GRAPH))
        expected = PROMPT_ORDER
        assert got == expected, f"plan({PROMPT_GRAPH}) (id: its deps)"

    @pytest.mark.rule("1.9")
    def test_every_task_comes_after_its_dependencies(self, impl: ModuleType) -> None:
        graph = {"d": "b c", "b": "a", "c": "a", "a": ""}
        got = impl.plan(tasks_of(impl, graph))
        expected = ["a", "b", "c", "d"]
        assert got == expected, f"plan({graph})"

    @pytest.mark.rule("1.9")
    def test_ties_go_to_the_smallest_id(self, impl: ModuleType) -> None:
        graph = {"c": "", "a": "", "b": ""}
        got = impl.plan(tasks_of(impl, graph))
        expected = ["a", "b", "c"]
        assert got == expected, f"plan({graph}): independent tasks come out by id, not input order"

    @pytest.mark.rule("1.9")
    def test_smallest_available_id_not_smallest_overall(self, impl: ModuleType) -> None:
        # "a" needs "z": it waits, and "b" (available) goes before it, then "z", then "a".
        graph = {"a": "z", "b": "", "z": ""}
        got = impl.plan(tasks_of(impl, graph))
        expected = ["b", "z", "a"]
        assert got == expected, (
            f"plan({graph}): at each step the smallest id among the tasks whose deps are placed"
        )

    @pytest.mark.rule("1.9")
    def test_ids_compare_as_plain_strings(self, impl: ModuleType) -> None:
        # Plain str comparison: "B" < "a" (uppercase first) and "t10" < "t9" (no natural sort).
        graph = {"t9": "", "a": "", "t10": "", "B": ""}
        got = impl.plan(tasks_of(impl, graph))
        expected = ["B", "a", "t10", "t9"]
        assert got == expected, (
            f"plan({graph}): ties by the smallest id in plain string comparison (sorted(ids))"
        )

    @pytest.mark.rule("1.9")
    def test_a_task_freed_later_can_jump_ahead(self, impl: ModuleType) -> None:
        # Once "b" is placed, "a" (needs b) is available and smaller than the waiting "c".
        graph = {"a": "b", "b": "", "c": ""}
        got = impl.plan(tasks_of(impl, graph))
        expected = ["b", "a", "c"]
        assert got == expected, f"plan({graph}): a heap of available ids, not a fixed queue"

    @pytest.mark.rule("1.9")
    def test_input_order_does_not_matter(self, impl: ModuleType) -> None:
        items = list(PROMPT_GRAPH.items())
        random.Random(7).shuffle(items)
        got = impl.plan(tasks_of(impl, dict(items)))
        expected = PROMPT_ORDER
        assert got == expected, f"plan({dict(items)})"

    @pytest.mark.rule("1.1")
    def test_empty_plan(self, impl: ModuleType) -> None:
        got = impl.plan([])
        expected: list[str] = []
        assert got == expected, "plan([])"

    @pytest.mark.rule("1.12")
    def test_does_not_modify_its_input(self, impl: ModuleType) -> None:
        given_tasks = tasks_of(impl, PROMPT_GRAPH)
        before = list(given_tasks)
        impl.plan(given_tasks)
        got = given_tasks
        expected = before
        assert got == expected, "plan(tasks) must leave the list `tasks` as it was"

    @pytest.mark.rule("1.2", "1.8")
    def test_plan_error_is_a_value_error(self, impl: ModuleType) -> None:
        given_tasks = tasks_of(impl, {"search_web": ""}) * 2
        with pytest.raises(ValueError, match="search_web"):
            impl.plan(given_tasks)

    @pytest.mark.rule("1.8")
    @pytest.mark.parametrize(
        ("given", "extra"),
        [
            ({"search_web": "", "fetch_page": "search_web"}, {"search_web": ""}),
            ({"search_web": "", "summarize": "fetch_page"}, {}),
            ({"fetch_page": "parse_page", "parse_page": "fetch_page"}, {}),
        ],
        ids=["duplicate_id", "unknown_dependency", "cycle"],
    )
    def test_the_message_names_the_nodes(
        self, impl: ModuleType, given: dict[str, str], extra: dict[str, str]
    ) -> None:
        given_tasks = tasks_of(impl, given) + tasks_of(impl, extra)
        with pytest.raises(impl.PlanError) as caught:
            impl.plan(given_tasks)
        message = str(caught.value)
        got = [node for node in caught.value.nodes if node not in message]
        expected: list[str] = []
        assert got == expected, (
            f"plan({[t.id for t in given_tasks]}) raised PlanError({caught.value.kind!r}, "
            f"{tuple(caught.value.nodes)}, {message!r}): the message must name every node "
            "(like 'cycle: a -> c -> b -> a'); these are missing from it"
        )

    @pytest.mark.rule("1.2", "1.3")
    def test_duplicate_id(self, impl: ModuleType) -> None:
        given_tasks = tasks_of(impl, {"a": "", "b": "a"}) + tasks_of(impl, {"a": "b"})
        with pytest.raises(impl.PlanError) as caught:
            impl.plan(given_tasks)
        got = (caught.value.kind, tuple(caught.value.nodes))
        expected = ("duplicate_id", ("a",))
        assert got == expected, "plan([a, b <- a, a <- b]): a repeated id is checked first"

    @pytest.mark.rule("1.2", "1.3")
    def test_a_duplicate_is_reported_before_an_earlier_unknown_dependency(
        self, impl: ModuleType
    ) -> None:
        # The unknown dep comes first in input order, the repeated id later: checks run in the
        # prompt's order (duplicates over all tasks, then deps), not in one pass over the tasks.
        given_tasks = tasks_of(impl, {"a": "q"}) + tasks_of(impl, {"a": ""})
        with pytest.raises(impl.PlanError) as caught:
            impl.plan(given_tasks)
        got = (caught.value.kind, tuple(caught.value.nodes))
        expected = ("duplicate_id", ("a",))
        assert got == expected, (
            "plan([a <- q, a]): q is unknown and a appears twice; check 1 (duplicate_id) comes "
            "before check 2 (unknown_dependency), whatever the input order"
        )

    @pytest.mark.rule("1.3")
    def test_first_duplicate_in_input_order(self, impl: ModuleType) -> None:
        given_tasks = tasks_of(impl, {"y": "", "x": "", "b": ""}) + tasks_of(
            impl, {"x": "", "y": ""}
        )
        with pytest.raises(impl.PlanError) as caught:
            impl.plan(given_tasks)
        got = (caught.value.kind, tuple(caught.value.nodes))
        expected = ("duplicate_id", ("x",))
        assert got == expected, "plan([y, x, b, x, y]): the first id seen twice is 'x'"

    @pytest.mark.rule("1.4")
    def test_unknown_dependency(self, impl: ModuleType) -> None:
        graph = {"a": "", "b": "a zzz"}
        got = plan_error(impl, graph)
        expected = ("unknown_dependency", ("b", "zzz"))
        assert got == expected, f"plan({graph}): nodes = (the task, the missing id)"

    @pytest.mark.rule("1.4")
    def test_first_unknown_dependency_in_input_order(self, impl: ModuleType) -> None:
        graph = {"m": "a", "c": "q p", "a": "", "b": "n"}
        got = plan_error(impl, graph)
        expected = ("unknown_dependency", ("c", "q"))
        assert got == expected, f"plan({graph}): tasks in input order, each task's deps in order"

    @pytest.mark.rule("1.2", "1.4")
    def test_unknown_dependency_is_checked_before_cycles(self, impl: ModuleType) -> None:
        graph = {"a": "b", "b": "a", "c": "nope"}
        got = plan_error(impl, graph)
        expected = ("unknown_dependency", ("c", "nope"))
        assert got == expected, f"plan({graph})"

    @pytest.mark.rule("1.5")
    def test_cycle_names_its_nodes_in_dependency_order(self, impl: ModuleType) -> None:
        graph = {"b": "a", "a": "c", "c": "b", "d": ""}
        got = plan_error(impl, graph)
        expected = ("cycle", ("a", "c", "b"))
        assert got == expected, (
            f"plan({graph}): a needs c, c needs b, b needs a; start at the smallest id"
        )

    @pytest.mark.rule("1.5")
    def test_cycle_starts_at_its_smallest_id(self, impl: ModuleType) -> None:
        graph = {"q": "r", "r": "p", "p": "q"}
        got = plan_error(impl, graph)
        expected = ("cycle", ("p", "q", "r"))
        assert got == expected, f"plan({graph})"

    @pytest.mark.rule("1.5")
    def test_two_node_cycle(self, impl: ModuleType) -> None:
        graph = {"a": "b", "b": "a"}
        got = plan_error(impl, graph)
        expected = ("cycle", ("a", "b"))
        assert got == expected, f"plan({graph})"

    @pytest.mark.rule("1.6")
    def test_self_loop_is_a_cycle(self, impl: ModuleType) -> None:
        graph = {"a": "", "b": "a b", "c": "b"}
        got = plan_error(impl, graph)
        expected = ("cycle", ("b",))
        assert got == expected, f"plan({graph}): b depends on itself"

    @pytest.mark.rule("1.5")
    def test_tasks_downstream_of_a_cycle_are_not_in_it(self, impl: ModuleType) -> None:
        graph = {"a": "", "x": "m", "m": "n", "n": "m", "y": "x"}
        got = plan_error(impl, graph)
        expected = ("cycle", ("m", "n"))
        assert got == expected, f"plan({graph}): x and y only wait on the cycle m <-> n"

    @pytest.mark.rule("1.7")
    def test_with_several_cycles_names_one_of_them(self, impl: ModuleType) -> None:
        graph = {"a": "b", "b": "a", "c": "d", "d": "e", "e": "c", "f": "f"}
        kind, nodes = plan_error(impl, graph)
        got = (kind, is_cycle(graph, nodes))
        expected = ("cycle", True)
        assert got == expected, f"plan({graph}) named {nodes}, which is not one of its cycles"

    @pytest.mark.rule("1.11")
    def test_a_long_chain_needs_no_deep_recursion(self, impl: ModuleType) -> None:
        # 10,000 tasks, each needing the next: recursion this deep overflows Python's stack.
        n = 10_000
        given_tasks = [
            impl.Task(id=f"t{i:05d}", tool="search", deps=(f"t{i + 1:05d}",) if i + 1 < n else ())
            for i in range(n)
        ]
        got = impl.plan(given_tasks)
        expected = [f"t{i:05d}" for i in reversed(range(n))]
        assert got == expected, "plan(<a chain of 10,000 tasks, t00000 <- t00001 <- ...>)"

    @pytest.mark.rule("1.11", "1.5")
    def test_a_long_cycle_needs_no_deep_recursion(self, impl: ModuleType) -> None:
        n = 10_000
        given_tasks = [
            impl.Task(id=f"t{i:05d}", tool="search", deps=(f"t{(i + 1) % n:05d}",))
            for i in range(n)
        ]
        with pytest.raises(impl.PlanError) as caught:
            impl.plan(given_tasks)
        got = (caught.value.kind, tuple(caught.value.nodes))
        expected = ("cycle", tuple(f"t{i:05d}" for i in range(n)))
        assert got == expected, "plan(<a cycle of 10,000 tasks, t00000 <- t00001 <- ... <- t00000>)"

    @pytest.mark.rule("1.2", "1.9", "1.5")
    @PROPERTY
    @given(data=st.data())
    def test_agrees_with_the_reference(
        self, impl: ModuleType, reference: ModuleType, data: st.DataObject
    ) -> None:
        graph = data.draw(graphs(acyclic=data.draw(st.booleans())))
        try:
            expected: Any = reference.plan(tasks_of(reference, graph))
        except reference.PlanError as error:
            expected = error.kind
        try:
            got: Any = impl.plan(tasks_of(impl, graph))
        except impl.PlanError as error:
            got = error.kind
            if got == "cycle" and not is_cycle(graph, tuple(error.nodes)):
                got = f"cycle, but {tuple(error.nodes)} is not one of the graph's cycles"
        assert got == expected, f"plan({graph}) (id: its deps)"


@st.composite
def graphs(draw: st.DrawFn, acyclic: bool) -> dict[str, str]:
    """Up to 12 tasks named from a small alphabet; acyclic ones only depend on earlier tasks."""
    names = draw(st.lists(st.sampled_from("abcdefghijkl"), min_size=0, max_size=12, unique=True))
    graph = {}
    for index, name in enumerate(names):
        pool = names[:index] if acyclic else names
        deps = draw(st.lists(st.sampled_from(pool), max_size=3, unique=True)) if pool else []
        graph[name] = " ".join(deps)
    return graph
