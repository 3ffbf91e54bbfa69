"""What the campaign mutates: every exercise's reference, and each unit-tested grading module
paired with its tests."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

from grading.core import catalog
from grading.proof.mutation.model import Target

# Modules without a unit-test module of their own, and the one that exercises them end to end:
# the pytest plugin is one plugin in six modules, driven as a whole by test_plugin*.py.
PLUGIN_PARTS = ("guards", "expect", "fixtures", "comparison", "outcomes", "timeouts", "summary")
TESTED_THROUGH = {
    **{part: ("plugin",) for part in PLUGIN_PARTS},
    # modules split out of a learner tool, tested with it
    "watching": ("timed",),
    "timed_record": ("timed",),
    "progress_history": ("progress",),
    "progress_table": ("progress",),
}
ROOMS = ("core", "learner", "proof")


def exercise_target(exercise: catalog.Exercise) -> Target | None:
    """The reference of `exercise` against its tests; None if it has no `.meta/solution.py`."""
    solution = exercise.directory() / ".meta" / "solution.py"
    if not solution.is_file():
        return None
    return Target(exercise.path, f"{exercise.path}/.meta/solution.py", (exercise.path,))


def grading_targets(
    modules: Sequence[str], test_files: Sequence[str]
) -> tuple[list[Target], list[str]]:
    """Grading modules (`grading/<room>/x.py`) paired with the unit-test modules whose name
    contains theirs (`test_x.py`, `test_x_end_to_end.py`), or their package's for a module of a
    package (`grading/proof/flakes/report.py` with `test_flakes.py`), or that TESTED_THROUGH names
    for them; returns (targets, modules with none)."""
    targets, untested = [], []
    for module in sorted(modules):
        stem, package = Path(module).stem, Path(module).parent.name
        words = {stem, *TESTED_THROUGH.get(stem, ())}
        if package not in (*ROOMS, "grading"):
            words.add(package)
        tests = tuple(t for t in sorted(test_files) if words & set(Path(t).stem.split("_")))
        if tests:
            targets.append(Target(module, module, tests))
        else:
            untested.append(module)
    return targets, untested
