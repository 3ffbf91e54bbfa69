"""Direct tests of grading/core/guards.py with tiny fakes.

Every test that changes process state (environment, random generators, module attributes,
resource limits) either goes through monkeypatch or restores it in a finally block; the memory
limit is never really lowered: resource.getrlimit/setrlimit are replaced with recorders.
"""

from __future__ import annotations

import os
import random
import sys
from types import ModuleType
from typing import Any

import pytest

from grading.core import guards

# --- memory_limit_mb and set_memory_limit ----------------------------------------------------


def test_memory_limit_defaults_to_6_gib_when_unset(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("PREP_MEMORY_LIMIT_MB", raising=False)
    assert guards.memory_limit_mb() == 6 * 1024, "default memory guard should be 6 GiB = 6144 MB"


def test_memory_limit_reads_the_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("PREP_MEMORY_LIMIT_MB", "512")
    assert guards.memory_limit_mb() == 512
    monkeypatch.setenv("PREP_MEMORY_LIMIT_MB", "0")
    assert guards.memory_limit_mb() == 0, "0 turns the guard off"
    monkeypatch.setenv("PREP_MEMORY_LIMIT_MB", "lots")
    assert guards.memory_limit_mb() == 6144, "a non-number falls back to the default"


class _FakeLimits:
    """Stands in for resource.getrlimit/setrlimit so no real limit is changed."""

    def __init__(self, soft: int, hard: int) -> None:
        self.current = (soft, hard)
        self.set_calls: list[tuple[int, tuple[int, int]]] = []

    def getrlimit(self, which: int) -> tuple[int, int]:
        return self.current

    def setrlimit(self, which: int, limits: tuple[int, int]) -> None:
        self.set_calls.append((which, limits))


def _fake_resource(
    monkeypatch: pytest.MonkeyPatch, soft: int, hard: int
) -> tuple[Any, _FakeLimits]:
    resource = pytest.importorskip("resource")
    if not hasattr(resource, "RLIMIT_DATA"):
        pytest.skip("platform has no RLIMIT_DATA")
    fake = _FakeLimits(soft, hard)
    monkeypatch.setattr(resource, "getrlimit", fake.getrlimit)
    monkeypatch.setattr(resource, "setrlimit", fake.setrlimit)
    return resource, fake


def test_set_memory_limit_sets_soft_limit_and_keeps_infinite_hard(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    resource, fake = _fake_resource(monkeypatch, -1, -1)
    monkeypatch.setattr(resource, "RLIM_INFINITY", -1)
    assert guards.set_memory_limit(100) is True
    assert fake.set_calls == [(resource.RLIMIT_DATA, (100 * 1024 * 1024, -1))], (
        f"expected soft limit 100 MiB with hard left infinite, got {fake.set_calls}"
    )


def test_set_memory_limit_never_asks_above_a_finite_hard_limit(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    hard = 50 * 1024 * 1024
    resource, fake = _fake_resource(monkeypatch, hard, hard)
    # Linux spells "no limit" as -1, macOS as 2**63 - 1: a finite hard limit must be honoured
    # under both spellings (asking above it makes setrlimit raise ValueError).
    for infinity in (-1, 2**63 - 1):
        monkeypatch.setattr(resource, "RLIM_INFINITY", infinity)
        fake.set_calls.clear()
        assert guards.set_memory_limit(100) is True
        assert fake.set_calls == [(resource.RLIMIT_DATA, (hard, hard))], (
            f"with RLIM_INFINITY={infinity} the soft limit should be clamped to the 50 MiB hard "
            f"limit, got {fake.set_calls}"
        )


def test_set_memory_limit_off_for_zero_or_negative(monkeypatch: pytest.MonkeyPatch) -> None:
    _resource, fake = _fake_resource(monkeypatch, -1, -1)
    assert guards.set_memory_limit(0) is False
    assert guards.set_memory_limit(-5) is False
    assert fake.set_calls == [], "no limit should be set when the guard is off"


# --- watched_modules -------------------------------------------------------------------------


def test_watched_modules_are_exactly_the_grading_package(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setitem(sys.modules, "gradingx", ModuleType("gradingx"))
    watched = guards.watched_modules()
    assert "grading" in watched and "grading.core.guards" in watched
    assert all(name == "grading" or name.startswith("grading.") for name in watched), (
        f"only grading modules should be watched, got {sorted(watched)[:5]}"
    )
    assert "builtins" not in watched and "abc" not in watched, "stdlib modules are not watched"
    assert "gradingx" not in watched, "a module merely named like grading is not watched"


# --- take / changes / restore ----------------------------------------------------------------


def _fake_modules() -> dict[str, ModuleType]:
    first = ModuleType("fake_first")
    first.helper = "first helper"  # type: ignore[attr-defined]
    second = ModuleType("fake_second")
    second.helper = "second helper"  # type: ignore[attr-defined]
    return {"fake_first": first, "fake_second": second}


def test_changes_is_empty_when_nothing_changed() -> None:
    modules = _fake_modules()
    before = guards.take(modules)
    assert guards.changes(before, modules) == [], "an untouched process should report no change"


def test_changes_checks_later_modules_after_a_missing_one() -> None:
    modules = _fake_modules()
    before = guards.take(modules)
    modules["fake_second"].helper = "swapped"  # type: ignore[attr-defined]
    still_loaded = {"fake_second": modules["fake_second"]}  # fake_first was unloaded
    assert guards.changes(before, still_loaded) == [
        "replaced fake_second.helper, a helper of the tests"
    ]


def test_restore_puts_back_replaced_helpers() -> None:
    modules = _fake_modules()
    before = guards.take(modules)
    modules["fake_first"].helper = "swapped"  # type: ignore[attr-defined]
    guards.restore(before, modules)
    assert modules["fake_first"].helper == "first helper", "restore should put the helper back"  # type: ignore[attr-defined]
    assert guards.changes(before, modules) == []


def test_restore_puts_back_the_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("PREP_GUARDS_TEST_VAR", raising=False)
    before = guards.take({})
    monkeypatch.setenv("PREP_GUARDS_TEST_VAR", "candidate")
    assert guards.changes(before, {}) == ["changed environment variables PREP_GUARDS_TEST_VAR"]
    guards.restore(before, {})
    assert "PREP_GUARDS_TEST_VAR" not in os.environ, (
        "restore should remove the candidate's variable"
    )


def test_changes_and_restore_cover_global_random() -> None:
    saved = random.getstate()
    try:
        before = guards.take({})
        random.random()
        assert guards.changes(before, {}) == ["reseeded or drew from the global `random` generator"]
        guards.restore(before, {})
        assert random.getstate() == before.random_state
    finally:
        random.setstate(saved)


def test_same_numpy_state_compares_by_value() -> None:
    np = pytest.importorskip("numpy")
    state = np.random.get_state()
    assert guards._same_numpy_state(np.random.get_state(), state), "an untouched state is the same"
    name, key, pos, has_gauss, gauss = state
    moved = (name, key, (pos + 1) % 624, has_gauss, gauss)
    assert not guards._same_numpy_state(moved, state), "a different position is a different state"
    assert not guards._same_numpy_state(state, moved)
    rekeyed = (name, key ^ 1, pos, has_gauss, gauss)
    assert not guards._same_numpy_state(rekeyed, state), "a different key is a different state"


def test_changes_and_restore_cover_numpy_random() -> None:
    np = pytest.importorskip("numpy")
    saved = np.random.get_state()
    try:
        before = guards.take({})
        assert guards.changes(before, {}) == []
        np.random.random()
        assert guards.changes(before, {}) == [
            "reseeded or drew from numpy's global random generator"
        ]
        guards.restore(before, {})
        assert guards.changes(before, {}) == []
    finally:
        np.random.set_state(saved)


# --- no_hard_exit ----------------------------------------------------------------------------


def test_no_hard_exit_turns_os_exit_into_an_error() -> None:
    original = os._exit
    with pytest.raises(guards.CandidateError, match=r"os\._exit\(3\)"), guards.no_hard_exit():
        os._exit(3)
    assert os._exit is original, "os._exit should be put back"


# --- truncate --------------------------------------------------------------------------------


def test_truncate_leaves_short_text_alone() -> None:
    assert guards.truncate("abcde", limit=10) == "abcde"
    assert guards.truncate("a" * 10, limit=10) == "a" * 10
    long_but_fits = "x" * 5000
    assert guards.truncate(long_but_fits, limit=8000) == long_but_fits


def test_truncate_keeps_both_ends_and_counts_the_cut() -> None:
    text = "ABCDE" + "m" * 15 + "VWXYZ"  # 25 characters, limit 10 keeps 5 + 5
    assert guards.truncate(text, limit=10) == (
        "ABCDE\n[... 15 characters of output cut ...]\nVWXYZ"
    )


def test_truncate_default_limit_formats_thousands() -> None:
    text = "h" * 4000 + "c" * 12_345 + "t" * 4000
    cut = guards.truncate(text)
    assert cut == "h" * 4000 + "\n[... 12,345 characters of output cut ...]\n" + "t" * 4000, (
        "default limit 8,000 should keep 4,000 characters at each end and report 12,345 cut"
    )
