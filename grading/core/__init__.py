"""The core: what every graded run loads. Used by pytest (through conftest.py), by the exercise
tests and workflows, and by the two other rooms; it imports neither of them.

Exercise tests import only the names below, from `grading.core` itself:

    from grading.core import Compare, Workload, returned

They are loaded on first use (PEP 562), so a learner tool that needs only the catalogue does
not pay for pytest and Hypothesis.
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from grading.core.benchmarks import peak_memory
    from grading.core.comparison import Compare
    from grading.core.design import DesignDocumentChecks, field, read_design, written
    from grading.core.expect import plain, returned
    from grading.core.workloads import Workload

# public name -> the core module that defines it
PUBLIC = {
    "Compare": "comparison",
    "DesignDocumentChecks": "design",
    "read_design": "design",
    "written": "design",
    "field": "design",
    "Workload": "workloads",
    "peak_memory": "benchmarks",
    "plain": "expect",
    "returned": "expect",
}
__all__ = [
    "Compare",
    "DesignDocumentChecks",
    "Workload",
    "field",
    "peak_memory",
    "plain",
    "read_design",
    "returned",
    "written",
]


def __getattr__(name: str) -> Any:
    if name not in PUBLIC:
        raise AttributeError(f"module 'grading.core' has no public name {name!r}")
    return getattr(importlib.import_module(f"grading.core.{PUBLIC[name]}"), name)
