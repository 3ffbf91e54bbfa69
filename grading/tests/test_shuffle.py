"""The seeded shuffle the flakes campaign runs the tests in: the order function on plain data, then
the pytest plugin in real runs over a tiny test folder (`--collect-only`: the order is set at
collection, so nothing needs to run)."""

from __future__ import annotations

import os
import random
import subprocess
import sys
from pathlib import Path

import pytest

from grading import shuffle
from grading.catalog import ROOT

# (module, class, test): class None is a module-level function, in both modules, as in real suites.
ITEMS = (
    ("m1", "A", 1),
    ("m1", "A", 2),
    ("m1", "B", 3),
    ("m1", None, 4),
    ("m2", None, 5),
    ("m2", None, 6),
    ("m2", "A", 7),
)
LEVELS = (lambda item: item[0], lambda item: item[1])


def runs_of(keys: list[object]) -> list[object]:
    """`keys` with each run of equal neighbours collapsed to one."""
    return [key for i, key in enumerate(keys) if i == 0 or key != keys[i - 1]]


class TestShuffled:
    def test_same_seed_same_order_and_nothing_lost(self) -> None:
        first = shuffle.shuffled(ITEMS, 7, LEVELS)
        assert first == shuffle.shuffled(ITEMS, 7, LEVELS)
        assert sorted(first, key=lambda item: item[2]) == list(ITEMS)

    def test_modules_and_classes_within_them_stay_together(self) -> None:
        for seed in range(30):
            got = shuffle.shuffled(ITEMS, seed, LEVELS)
            modules = runs_of([item[0] for item in got])
            classes = runs_of([item[:2] for item in got])
            assert len(modules) == 2 and len(classes) == 5, (
                f"shuffled(ITEMS, {seed}) split a module or a class: {got}"
            )

    def test_some_seed_changes_each_level(self) -> None:
        orders = {tuple(shuffle.shuffled(ITEMS, seed, LEVELS)) for seed in range(30)}
        assert any(o[0][0] == "m2" for o in orders), "modules never reordered"
        assert any(o[0][1] == "B" for o in orders), "classes never reordered"
        assert any(o[0][2] == 2 for o in orders), "tests never reordered"

    def test_global_random_is_left_alone(self) -> None:
        state = random.getstate()
        shuffle.shuffled(ITEMS, 3, LEVELS)
        assert random.getstate() == state


# --- the plugin, in real pytest runs --------------------------------------------------------

SUITE = {
    "test_a.py": (
        "def test_a1(): pass\n"
        "def test_a2(): pass\n"
        "class TestK:\n"
        "    def test_k1(self): pass\n"
        "    def test_k2(self): pass\n"
        "    def test_k3(self): pass\n"
        "def test_a3(): pass\n"
    ),
    "test_b.py": "def test_b1(): pass\ndef test_b2(): pass\ndef test_b3(): pass\n",
}
IN_FILE_ORDER = [
    "test_a.py::test_a1",
    "test_a.py::test_a2",
    "test_a.py::TestK::test_k1",
    "test_a.py::TestK::test_k2",
    "test_a.py::TestK::test_k3",
    "test_a.py::test_a3",
    "test_b.py::test_b1",
    "test_b.py::test_b2",
    "test_b.py::test_b3",
]
# Reverses the collected order: a plugin that reorders, registered before the shuffle.
REVERSER = "def pytest_collection_modifyitems(items):\n    items.reverse()\n"


def expected(node_ids: list[str], seed: int) -> list[str]:
    """What the plugin must make of `node_ids`: modules, then classes, then tests shuffled."""
    levels = (
        lambda n: n.split("::")[0],
        lambda n: n.split("::")[1] if n.count("::") == 2 else None,
    )
    return shuffle.shuffled(node_ids, seed, levels)


@pytest.fixture
def suite(tmp_path: Path) -> Path:
    for name, text in SUITE.items():
        (tmp_path / name).write_text(text)
    (tmp_path / "reverser.py").write_text(REVERSER)
    return tmp_path


def pytest_in(folder: Path, *args: str, env_seed: str | None = None) -> str:
    """`pytest --collect-only *args` over `folder` with the shuffle loaded; returns its output."""
    env = {k: v for k, v in os.environ.items() if k != shuffle.SEED_VARIABLE}
    env["PYTHONPATH"] = os.pathsep.join([str(ROOT), str(folder)])
    if env_seed is not None:
        env[shuffle.SEED_VARIABLE] = env_seed
    done = subprocess.run(
        [
            *(sys.executable, "-m", "pytest", "--collect-only"),
            *("-p", "no:randomly", "-p", "no:cacheprovider", *args, "-p", "grading.shuffle"),
            *("test_a.py", "test_b.py"),
        ],
        cwd=folder,
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    output = done.stdout + done.stderr
    assert done.returncode == 0, output
    return output


def collect(folder: Path, *args: str, env_seed: str | None = None) -> list[str]:
    """The node ids of `folder` in the order the run would take them."""
    output = pytest_in(folder, "-q", *args, env_seed=env_seed)
    return [line for line in output.splitlines() if "::" in line]


def test_without_a_seed_the_order_is_left_as_collected(suite: Path) -> None:
    got = collect(suite)
    assert got == IN_FILE_ORDER, f"no --shuffle-seed: expected file order, got {got}"
    header = pytest_in(suite)
    assert "shuffled" not in header, header


def test_a_seed_shuffles_modules_classes_and_tests_and_says_so(suite: Path) -> None:
    want = expected(IN_FILE_ORDER, 3)
    assert want != IN_FILE_ORDER, "seed 3 must move something for this test to mean anything"
    got = collect(suite, "--shuffle-seed", "3")
    assert got == want, f"--shuffle-seed 3: expected {want}, got {got}"
    header = pytest_in(suite, "--shuffle-seed", "3")
    assert "prep: test order shuffled with --shuffle-seed=3" in header, header


def test_the_seed_can_come_from_the_environment(suite: Path) -> None:
    got = collect(suite, env_seed="3")
    assert got == expected(IN_FILE_ORDER, 3), f"{shuffle.SEED_VARIABLE}=3: got {got}"
    header = pytest_in(suite, env_seed="3")
    assert "prep: test order shuffled with --shuffle-seed=3" in header, header


def test_the_shuffle_has_the_last_word_on_the_order(suite: Path) -> None:
    # The grading plugin deselects before the shuffle runs; any plugin reordering does too.
    got = collect(suite, "-p", "reverser", "--shuffle-seed", "3")
    want = expected(IN_FILE_ORDER[::-1], 3)
    assert got == want, f"a reordering plugin ran after the shuffle: expected {want}, got {got}"
