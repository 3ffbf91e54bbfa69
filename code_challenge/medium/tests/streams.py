"""Shared test material: Hypothesis strategies, the adversarial value sets of Part 3, the exact
oracles (`collections.Counter`, `numpy.percentile`) and the checks that turn a sketch's answers
into a list of broken promises, which every test expects to be empty.

Timestamps are multiples of 1/8 s and windows whole or half seconds, so `now - window` is exact in
floating point and no answer depends on how an implementation writes its comparison.
"""

from __future__ import annotations

import math
import random
from collections import Counter
from collections.abc import Iterable, Sequence
from types import ModuleType
from typing import Any

import numpy as np
from hypothesis import settings
from hypothesis import strategies as st

PROPERTY = settings(max_examples=60)  # on top of the grading profile (derandomized, no explain)
RELATIVE_ERROR = 0.01  # Part 3's promise, as PROMPT.md states it

# --- Part 1: window scripts ----------------------------------------------------------------------

# A script is what a caller does, in time order: ("add", timestamp, key) or ("count", key, now).
Step = tuple[str, Any, Any]


def replay(module: ModuleType, window: float, script: Sequence[Step]) -> list[int]:
    """Run `script` on a fresh SlidingWindowCounter of `module`; the answer of every count."""
    counter = module.SlidingWindowCounter(window)
    answers = []
    for action, first, second in script:
        if action == "add":
            counter.add(first, second)
        else:
            answers.append(counter.count(first, second))
    return answers


def show(script: Sequence[Step]) -> str:
    """`add(0, 'a'); count('a', 10)`: the calls of a script, for a failure message."""
    calls = [
        f"add({a!r}, {b!r})" if action == "add" else f"count({a!r}, {b!r})"
        for action, a, b in script
    ]
    text = "; ".join(calls)
    return text if len(text) <= 400 else text[:399] + "…"


@st.composite
def scripts(draw: st.DrawFn) -> list[Step]:
    """Adds and counts in time order: gaps of 0 to 3 s in steps of 1/8 s (equal times happen),
    a handful of keys, a count after any step."""
    now = 0.0
    script: list[Step] = []
    for _ in range(draw(st.integers(0, 40))):
        now += draw(st.integers(0, 24)) / 8
        key = draw(st.sampled_from("abcd"))
        if draw(st.integers(0, 2)):
            script.append(("add", now, key))
        else:
            script.append(("count", key, now))
    return script


windows = st.sampled_from((0.5, 1.0, 2.0, 5.0, 10.0))

# --- Part 2: the heavy-hitter guarantee ----------------------------------------------------------

KEYS = st.sampled_from(("a", "a", "a", "b", "b", "c", "d", "e", "f", "g", "h"))  # skewed


def guarantee_problems(sketch: Any, stream: Iterable[str], capacity: int) -> list[str]:
    """Every way in which `sketch` (after adding `stream`) breaks the promise of Part 2, checked
    against exact counts; [] when it keeps it. n / m is compared as n <= m * err, in integers."""
    true = Counter(stream)
    n, m = true.total(), capacity
    problems = []
    held = sketch.heavy_hitters()
    if len(held) > m:
        problems.append(f"heavy_hitters() holds {len(held)} keys, more than m = {m}")
    for key in sorted(true):
        if true[key] * m > n and key not in held:
            problems.append(
                f"{key!r} has {true[key]} of n = {n} events, more than n/m = {n / m:g}, "
                "but heavy_hitters() leaves it out"
            )
    for key in [*sorted(true), "never-seen"]:
        estimate = sketch.estimate(key)
        if abs(estimate - true[key]) * m > n:
            problems.append(
                f"estimate({key!r}) is {estimate}, true count {true[key]}: off by more than "
                f"n/m = {n / m:g}"
            )
    for key, count in sorted(held.items()):
        estimate = sketch.estimate(key)
        if count != estimate:
            problems.append(
                f"heavy_hitters()[{key!r}] is {count} but estimate({key!r}) is {estimate}"
            )
    for key in [*sorted(set(true) - set(held)), "never-seen"]:
        estimate = sketch.estimate(key)
        if estimate != 0:
            problems.append(
                f"estimate({key!r}) is {estimate}, but heavy_hitters() does not hold {key!r}: "
                "the estimate of a key it does not hold is 0"
            )
    # Asking is not adding: every estimate() above was a query, and must leave the summary as it
    # was (a defaultdict that inserts a 0 counter per query would hold more than m keys).
    after = sketch.heavy_hitters()
    if after != held:
        problems.append(
            f"heavy_hitters() was {brief_dict(held)} before the estimate() calls and "
            f"{brief_dict(after)} after them ({len(after)} keys, m = {m}): estimate() must not "
            "change the summary"
        )
    return problems


def brief_dict(counts: dict[str, int]) -> str:
    """A dict of counts, short enough for a failure message."""
    text = repr(dict(sorted(counts.items())))
    return text if len(text) <= 120 else f"<{len(counts)} keys: {text[:80]}…>"


def fed(module: ModuleType, capacity: int, stream: Iterable[str]) -> Any:
    """A fresh HeavyHitters of `module` with every key of `stream` added."""
    sketch = module.HeavyHitters(capacity)
    for key in stream:
        sketch.add(key)
    return sketch


def brief(stream: Sequence[str]) -> str:
    """A stream of keys, short enough for a failure message."""
    text = " ".join(stream)
    return repr(text) if len(text) <= 120 else f"<{len(stream)} keys: {text[:60]!r}…>"


# --- Part 3: percentiles against numpy.percentile ------------------------------------------------

# numpy's "inverted_cdf" method is the nearest-rank percentile of PROMPT.md: for these p it agrees
# with ceil(p * n / 100) for every n up to 4,000 (checked), which covers every test here.
PERCENTILES = (0, 1, 5, 10, 25, 50, 75, 90, 95, 99, 100)


def exact_percentiles(values: Sequence[float]) -> list[float]:
    """The exact nearest-rank percentiles of `values` at PERCENTILES, by numpy.percentile."""
    exact = np.percentile(np.asarray(values, dtype=float), PERCENTILES, method="inverted_cdf")
    return [float(v) for v in exact]


def within(got: float, exact: float) -> bool:
    """Part 3's rule: within 1% of the exact value (exactly 0 when that is 0)."""
    return abs(got - exact) <= RELATIVE_ERROR * exact * (1 + 1e-9)


def far_percentiles(sketch: Any, values: Sequence[float]) -> list[tuple[float, float, float]]:
    """(p, yours, exact) for every percentile of PERCENTILES that `sketch` gets wrong by more
    than 1%; [] when all are within."""
    far = []
    for p, exact in zip(PERCENTILES, exact_percentiles(values), strict=True):
        got = sketch.percentile(p)
        if not within(got, exact):
            far.append((p, got, exact))
    return far


def describe_far(far: Sequence[tuple[float, float, float]]) -> str:
    """`p99 is 3610851.9, exact 326958572.6`: the percentiles more than 1% off, for a message."""
    shown = [f"p{p:g} is {got!r}, exact {exact!r}" for p, got, exact in far[:3]]
    more = f" (and {len(far) - 3} more)" if len(far) > 3 else ""
    return "; ".join(shown) + more + " — each must be within 1% of the exact value"


def sketched(module: ModuleType, values: Iterable[float]) -> Any:
    """A fresh QuantileSketch of `module` with every value added."""
    sketch = module.QuantileSketch()
    for value in values:
        sketch.add(value)
    return sketch


def _adversarial() -> dict[str, list[float]]:
    rng = random.Random(20261126)
    n = 2000
    lognormal = [rng.lognormvariate(math.log(120), 0.9) for _ in range(n)]
    bimodal = [rng.lognormvariate(0, 0.1) for _ in range(n // 2)]
    bimodal += [rng.lognormvariate(math.log(2000), 0.1) for _ in range(n // 2)]
    rng.shuffle(bimodal)
    zeros = [0.0 if rng.random() < 0.3 else v for v in lognormal]
    return {
        "constant: 2,000 x 42 ms": [42.0] * n,
        "bimodal: cache hits near 1 ms, model calls near 2 s": bimodal,
        "heavy-tailed: Pareto alpha 0.6 from 1 s, up to ~1e9 ms": [
            1000 * rng.paretovariate(0.6) for _ in range(n)
        ],
        "sorted ascending": sorted(lognormal),
        "sorted descending": sorted(lognormal, reverse=True),
        "sub-millisecond: log-uniform from 1 ns to 1 ms": [
            10 ** rng.uniform(-6, 0) for _ in range(n)
        ],
        "30% zeros among lognormal latencies": zeros,
        "fifteen decades: log-uniform from 1e-6 to 1e9": [
            10 ** rng.uniform(-6, 9) for _ in range(n)
        ],
        "two values, 10 and 20 (p50 is 10, not 15)": [20.0, 10.0],
        "a single value": [7.25],
    }


ADVERSARIAL = _adversarial()

values_strategy = st.lists(
    st.one_of(
        st.just(0.0),
        st.floats(min_value=1e-6, max_value=1e9),
        st.integers(0, 4000).map(lambda q: q / 4),
    ),
    min_size=1,
    max_size=50,
)
