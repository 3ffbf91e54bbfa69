"""Workloads declared by an exercise load by name, and bad declarations say what to fix."""

from __future__ import annotations

import dataclasses
import re
from pathlib import Path

import pytest

from grading.core import catalog, workloads


def test_easy_declares_its_workloads() -> None:
    easy = catalog.load().get("code_challenge/easy")
    names = [w.name for w in workloads.load(easy)]
    assert names == [
        "parse_log",
        "summarize",
        "slowest_runs",
        "slowest_runs_memory",
        "summarize_stream",
    ]
    assert workloads.find(easy, "slowest_runs").target == "O(n log k)"


def test_unknown_workload_lists_the_known_ones() -> None:
    easy = catalog.load().get("code_challenge/easy")
    with pytest.raises(
        workloads.WorkloadError, match="has no workload 'nope'; it has: parse_log, summarize"
    ):
        workloads.find(easy, "nope")


def test_an_exercise_without_workloads_says_how_to_declare_them() -> None:
    bare = catalog.parse(
        {"exercise": [{"path": "code_challenge/x", "title": "X", "weeks": [1], "parts": ["A"]}]}
    ).exercises[0]
    with pytest.raises(
        workloads.WorkloadError, match=re.escape('add `workloads = "tests/workloads.py"`')
    ):
        workloads.load(bare)


def test_find_matches_the_name_exactly_even_when_built_at_run_time() -> None:
    easy = catalog.load().get("code_challenge/easy")
    typed = "".join(["summarize", "_stream"])  # like a name read from the command line
    assert workloads.find(easy, typed).name == "summarize_stream", "exact name match expected"
    assert workloads.find(easy, "".join(["slowest", "_runs"])).name == "slowest_runs"
    with pytest.raises(workloads.WorkloadError, match="has no workload 'zzz'"):
        workloads.find(easy, "zzz")


def test_workloads_are_frozen_values() -> None:
    easy = catalog.load().get("code_challenge/easy")
    first = workloads.load(easy)[0]
    with pytest.raises(dataclasses.FrozenInstanceError):
        first.name = "renamed"  # type: ignore[misc]
    assert hash(first) == hash(first), "a frozen workload is hashable"


def bare_with_workloads(file: Path) -> catalog.Exercise:
    return catalog.Exercise(
        path="code_challenge/x",
        title="X",
        weeks=(1,),
        minutes=30,
        parts=(catalog.Part(1, "A", False),),
        timeout_seconds=10,
        workloads=str(file),  # absolute: the exercise folder does not matter
    )


@pytest.mark.parametrize(
    "declaration",
    [
        'WORKLOADS = ("not a workload",)',
        "WORKLOADS = []",
        "WORKLOADS = None",
        "OTHER = ()",
    ],
    ids=["tuple-of-strings", "list", "none", "missing"],
)
def test_workloads_must_be_a_tuple_of_workload(tmp_path: Path, declaration: str) -> None:
    file = tmp_path / "workloads.py"
    file.write_text(declaration + "\n")
    with pytest.raises(workloads.WorkloadError, match="must define WORKLOADS, a tuple of"):
        workloads.load(bare_with_workloads(file))
