"""The fixtures exercise tests ask for: `impl`, `reference`, `design_doc` and `seed`."""

from __future__ import annotations

from pathlib import Path
from types import ModuleType

import pytest

from grading.core import loading
from grading.core.plugin import STATE, exercise_of


def load_choice(request: pytest.FixtureRequest, choice: str) -> ModuleType:
    """The module `choice` names for the requesting test's exercise (one call into the loader)."""
    exercise = exercise_of(request)
    try:
        return loading.implementation(
            choice, exercise.directory(), cwd=request.config.invocation_params.dir
        )
    except loading.ImplNotFound as error:
        raise pytest.UsageError(str(error)) from None


# Module scope, so that a test module may build module-scoped fixtures on them (train a model
# once, not once per test). Imports are cached per run whatever the scope.
@pytest.fixture(scope="module")
def impl(request: pytest.FixtureRequest) -> ModuleType:
    """The implementation under test (the learner's starter unless --impl says otherwise)."""
    return load_choice(request, request.config.stash[STATE].impl_choice)


@pytest.fixture(scope="module")
def reference(request: pytest.FixtureRequest) -> ModuleType:
    """The reference solution: the oracle for property tests."""
    return load_choice(request, "solution")


@pytest.fixture(scope="module")
def design_doc(request: pytest.FixtureRequest, impl: ModuleType) -> Path:
    """The design document graded with this implementation: the reference design for the
    solution and for candidates kept in `.meta/` (its variants), else the learner's design.md.
    Depends on `impl`, so a candidate that cannot be imported fails its design parts too."""
    exercise = exercise_of(request)
    state = request.config.stash[STATE]
    chosen = loading.resolve(
        state.impl_choice, exercise.directory(), cwd=request.config.invocation_params.dir
    )
    meta = exercise.directory() / ".meta"
    if chosen.resolve().is_relative_to(meta.resolve()):
        return meta / "reference_design.md"
    return exercise.directory() / "design.md"


@pytest.fixture(scope="session")
def seed(request: pytest.FixtureRequest) -> int:
    """The run's seed (exercises.toml, or PREP_SEED); printed in the header."""
    return request.config.stash[STATE].seed
