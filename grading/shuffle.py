"""`-p grading.shuffle --shuffle-seed N`: run the tests in a seeded random order.

The flakes campaign (`python -m grading.flakes`) loads it to find tests that pass only in file
order. Like pytest-randomly, it shuffles test modules, then the classes within each module, then
the tests within each class, so a module-scoped fixture (a model trained once) still sets up once.
Unlike pytest-randomly, it never touches `random`, numpy or any other global state: a test that
leans on global randomness must show up as a flake, not be hidden by a reseed.

Without `--shuffle-seed` (or `PREP_SHUFFLE_SEED`) the order is left as collected. Loaded with
`-p`, it imports the `grading` package before conftest.py asks pytest to rewrite its asserts, so
pytest warns that `grading` could not be rewritten: harmless, its `__init__` holds no assert.
"""

from __future__ import annotations

import os
import random
from collections.abc import Callable, Hashable, Sequence
from typing import TypeVar

import pytest

T = TypeVar("T")
SEED_VARIABLE = "PREP_SHUFFLE_SEED"


def shuffled(items: Sequence[T], seed: int, levels: Sequence[Callable[[T], Hashable]]) -> list[T]:
    """`items` reordered by `seed`: groups by the first level's key are shuffled as blocks, then
    each group is shuffled the same way by the remaining levels, then the items themselves.

    Returns a new list; the same items, seed and levels always give the same order.
    """
    rng = random.Random(seed)  # a local generator: the tests' global `random` is left alone
    return _shuffle(list(items), rng, list(levels))


def _shuffle(items: list[T], rng: random.Random, levels: list[Callable[[T], Hashable]]) -> list[T]:
    if not levels:
        rng.shuffle(items)
        return items
    key, rest = levels[0], levels[1:]
    groups: dict[Hashable, list[T]] = {}
    for item in items:
        groups.setdefault(key(item), []).append(item)
    blocks = list(groups.values())  # insertion order: deterministic before the shuffle
    rng.shuffle(blocks)
    return [item for block in blocks for item in _shuffle(block, rng, rest)]


def pytest_addoption(parser: pytest.Parser) -> None:
    # Same title as grading/plugin.py's group: whichever registers first names it in --help.
    parser.getgroup("prep", "interview-prep grading").addoption(
        "--shuffle-seed",
        type=int,
        default=int(os.environ[SEED_VARIABLE]) if os.environ.get(SEED_VARIABLE) else None,
        help=f"run the tests in a random order drawn from this seed (default from {SEED_VARIABLE})",
    )


def pytest_report_header(config: pytest.Config) -> str | None:
    seed = config.getoption("shuffle_seed")
    return None if seed is None else f"prep: test order shuffled with --shuffle-seed={seed}"


@pytest.hookimpl(trylast=True)  # after the grading plugin has deselected what this run skips
def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    seed = config.getoption("shuffle_seed")
    if seed is not None:
        items[:] = shuffled(items, seed, (_module_of, _class_of))


def _module_of(item: pytest.Item) -> Hashable:
    return item.path


def _class_of(item: pytest.Item) -> Hashable:
    cls = getattr(item, "cls", None)
    return cls.__qualname__ if cls is not None else None
