"""Hypothesis strategies, shared settings and the worked example of PROMPT.md, for the tests.

Like the realistic logs in `workloads.py`, generated latencies are multiples of 0.25 ms and
timestamps whole milliseconds, so sums and differences are exact in floating point.
"""

from __future__ import annotations

import json
from typing import Any

from hypothesis import settings
from hypothesis import strategies as st

from .workloads import BAD_LINES, START_MS, STATUSES, TOOLS, Row, line_of

FIELDS = ("ts_ms", "run_id", "tool", "status", "latency_ms")

PROPERTY = settings(max_examples=60)  # on top of the grading profile (derandomized, no explain)

# --- Hypothesis strategies -----------------------------------------------------------------------

# A handful of runs and tools, so that groups, ties and repeated keys actually happen.
latencies = st.integers(min_value=0, max_value=400_000).map(lambda q: q / 4)
rows_strategy = st.tuples(
    st.integers(min_value=START_MS, max_value=START_MS + 100_000),
    st.sampled_from(("r-1", "r-2", "r-3", "r-10", "r-7", "a", "B")),
    st.sampled_from(TOOLS[:5]),
    st.sampled_from(STATUSES),
    latencies,
)
common_percentiles = st.sampled_from((0, 1, 5, 10, 25, 50, 75, 90, 95, 99, 100))

_values: dict[str, st.SearchStrategy[Any]] = {
    "ts_ms": st.one_of(
        st.integers(min_value=0, max_value=2 * START_MS),
        st.booleans(),
        st.floats(allow_nan=False, allow_infinity=False),
        st.just("1764000000000"),
        st.none(),
    ),
    "run_id": st.one_of(st.sampled_from(("r-1", "r-2", "")), st.integers(0, 9), st.none()),
    "tool": st.one_of(st.sampled_from(TOOLS[:3]), st.lists(st.just("search"), max_size=1)),
    "status": st.one_of(
        st.sampled_from(STATUSES), st.sampled_from(("OK", "failed", "")), st.just(0)
    ),
    "latency_ms": st.one_of(
        latencies,
        st.integers(min_value=-10, max_value=10_000),
        st.floats(allow_nan=True, allow_infinity=True),
        st.booleans(),
        st.just("12.5"),
        st.none(),
    ),
}


@st.composite
def _record_line(draw: st.DrawFn) -> str:
    """A JSON object that is usually valid, sometimes with a field missing or of the wrong kind."""
    if draw(st.integers(0, 2)) == 0:  # a third are clean lines
        return line_of(draw(rows_strategy))
    record = {name: draw(_values[name]) for name in FIELDS}
    for name in draw(st.lists(st.sampled_from(FIELDS), max_size=2)):
        record.pop(name, None)
    if draw(st.booleans()):
        record["trace_id"] = draw(st.sampled_from(("t-1", 0, None)))
    return json.dumps(record) + draw(st.sampled_from(("", "\n")))


log_lines = st.lists(
    st.one_of(
        _record_line(),
        st.sampled_from((*BAD_LINES, "null", '"search"', "42", "{}", "   \n", "\n", "{'a': 1}")),
        st.text(max_size=12),
    ),
    max_size=25,
)


def within_one_percent(got: float, exact: float) -> bool:
    """Part 4's accuracy rule: within 1% of the exact value, or anywhere in [0, 1] below 1 ms."""
    if exact < 1:
        return 0 <= got <= 1
    return abs(got - exact) <= 0.01 * exact * (1 + 1e-9)


# --- the worked example of PROMPT.md (timestamps shortened for reading) --------------------------

PROMPT_LINES = (
    '{"ts_ms": 1000, "run_id": "r-1", "tool": "search", "status": "ok", "latency_ms": 120.5}\n',
    '{"ts_ms": 1200, "run_id": "r-1", "tool": "fetch", "status": "timeout", "latency_ms": 3000, '
    '"attempt": 2}\n',
    "\n",
    '{"ts_ms": 1300, "run_id": "r-2", "tool": "search", "status": "ok", "latency_ms": 80}\n',
    '{"ts_ms": 1350, "run_id": "r-2", "tool": "search", "status": "ok", "latency_ms": \n',
    '{"ts_ms": 1400, "run_id": "r-2", "tool": "search", "status": "error", "latency_ms": 95}\n',
    '{"ts_ms": 1500, "run_id": "r-3", "tool": "search", "status": "ok", "latency_ms": NaN}\n',
    '{"ts_ms": 1600, "run_id": "r-3", "status": "ok", "latency_ms": 12}\n',
    '["ts_ms", 1700]\n',
    '{"ts_ms": 1800, "run_id": "r-3", "tool": "search", "status": "OK", "latency_ms": 300}\n',
    '{"ts_ms": 1900, "run_id": "r-3", "tool": "search", "status": "ok", "latency_ms": 300}\n',
    '{"ts_ms": 2000, "run_id": "r-3", "tool": "fetch", "status": "ok", "latency_ms": 450}\n',
    '{"ts_ms": 2100, "run_id": "r-3", "tool": "fetch", "status": "ok", "latency_ms": -1}\n',
)
PROMPT_ROWS: tuple[Row, ...] = (
    (1000, "r-1", "search", "ok", 120.5),
    (1200, "r-1", "fetch", "timeout", 3000.0),
    (1300, "r-2", "search", "ok", 80.0),
    (1400, "r-2", "search", "error", 95.0),
    (1900, "r-3", "search", "ok", 300.0),
    (2000, "r-3", "fetch", "ok", 450.0),
)
PROMPT_ERRORS = (
    (5, "bad_json"),
    (7, "wrong_type"),
    (8, "missing_field"),
    (9, "not_object"),
    (10, "unknown_status"),
    (13, "negative_latency"),
)
