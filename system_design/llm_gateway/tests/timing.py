"""Growth of a call's CPU time over sizes, for the `bound` tests: judged as an exponent against the
reference's, measured in the same run, never against an absolute time."""

from __future__ import annotations

import math
import time
from collections.abc import Callable, Sequence


def per_call_seconds(call: Callable[[], object]) -> float:
    """The fastest CPU time of one `call()`, in seconds: calls are repeated until a sample lasts
    10 ms, and a short sample is taken three times."""
    number = 1
    while True:
        start = time.process_time()
        for _ in range(number):
            call()
        took = time.process_time() - start
        if took >= 0.01:
            break
        number *= 2
    best = took / number
    if took < 0.1:
        for _ in range(2):
            start = time.process_time()
            for _ in range(number):
                call()
            best = min(best, (time.process_time() - start) / number)
    return best


def growth_exponent(sizes: Sequence[int], seconds: Sequence[float]) -> float:
    """The least-squares slope of log(time) over log(size): ~0 for O(1), ~1 for O(n), ~2 for
    O(n^2)."""
    xs = [math.log(n) for n in sizes]
    ys = [math.log(max(t, 1e-9)) for t in seconds]
    mx, my = sum(xs) / len(xs), sum(ys) / len(ys)
    return sum((x - mx) * (y - my) for x, y in zip(xs, ys, strict=True)) / sum(
        (x - mx) ** 2 for x in xs
    )
