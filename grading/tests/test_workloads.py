"""Workloads declared by an exercise load by name, and bad declarations say what to fix."""

from __future__ import annotations

import re

import pytest

from grading import catalog, workloads


def test_easy_declares_its_workloads() -> None:
    easy = catalog.load().get("code_challenge/easy")
    names = [w.name for w in workloads.load(easy)]
    assert names == ["summarize", "slowest_runs", "summarize_stream"]
    assert workloads.find(easy, "slowest_runs").target == "O(n log k)"


def test_unknown_workload_lists_the_known_ones() -> None:
    easy = catalog.load().get("code_challenge/easy")
    with pytest.raises(workloads.WorkloadError, match="has no workload 'nope'; it has: summarize"):
        workloads.find(easy, "nope")


def test_an_exercise_without_workloads_says_how_to_declare_them() -> None:
    bare = catalog.parse(
        {"exercise": [{"path": "code_challenge/x", "title": "X", "weeks": [1], "parts": ["A"]}]}
    ).exercises[0]
    with pytest.raises(
        workloads.WorkloadError, match=re.escape('add `workloads = "tests/workloads.py"`')
    ):
        workloads.load(bare)
