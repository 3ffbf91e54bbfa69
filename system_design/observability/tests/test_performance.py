"""Benchmarks (run with --bench): your functions beside the reference, measured in the same run
on the workloads declared in `workloads.py`. Verdicts are ratios to the reference, never absolute
times."""

from __future__ import annotations

import pytest

from grading.core import Compare


@pytest.mark.bench
@pytest.mark.part(3)
class TestPart3AlertsBench:
    @pytest.mark.rule("3.9")
    def test_evaluate_alerts_is_as_fast_as_the_reference(self, compare: Compare) -> None:
        # PROMPT.md: "so no window re-adding"; starter.py: "O(len(series)) per rule".
        compare.run("evaluate_alerts")
