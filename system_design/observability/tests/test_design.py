"""Part 5 — The design document.

Graded from the design document: your design.md, or the reference design when the reference (or a
variant of it kept in .meta/) is graded. The shape checks come from grading/core/design.py. On top
of them, the numbers of '## Estimates' must agree with what your own Part 1 and Part 4 functions
compute for the platform, and the agent-run SLO of '## SLOs and error budget' must be one your own
Part 3 simulation meets (PROMPT.md, Part 5). The rest of the content is for RUBRIC.md.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from pathlib import Path
from types import ModuleType
from typing import ClassVar

import pytest

from grading.core import DesignDocumentChecks, read_design, written

from .series import DAY, sli_series
from .test_cardinality import PROMPT_METRICS, metrics_of
from .test_volume import PLATFORM, PLATFORM_TEXT

TOLERANCE = 0.01  # PROMPT.md, Part 5: "within 1%"
BUDGET_TB = 6.0  # PROMPT.md's storage budget
DECISION_WAIT_S = 30.0  # PROMPT.md: "a 30 s wait needs 2.5 GB"
HEALTHY_ERROR_RATE = 0.0005  # the tests' healthy platform: 0.05% of runs fail (Part 3's tests)
OUTAGE_RATE = 0.05  # an hour-long 5% outage
PAGE_WITHIN = 20  # minutes

# A number as people write one: 41,667 · 83.3 · 2.5e9 · 41.7k · 3.95 million.
_NUMBER = (
    r"(?<![\w.,/])(\d+(?:,\d{3})*(?:\.\d+)?(?:[eE][+-]?\d+)?)"
    r"(?:\s*(k|K|M|B|bn|thousand|million|billion)(?![A-Za-z]))?"
)
_SCALE = {"k": 1e3, "K": 1e3, "thousand": 1e3, "M": 1e6, "million": 1e6}
_SCALE |= {"B": 1e9, "bn": 1e9, "billion": 1e9}
_MARKUP = r"[\s*_`~]*"  # **41,667 spans/s**, `2.5 GB`
UNITS = {
    "spans/s": r"spans?\s*(?:/\s*s(?:ec(?:ond)?)?\b|per\s+sec(?:ond)?\b)",
    "MB/s": r"MB\s*(?:/\s*s(?:ec(?:ond)?)?\b|per\s+sec(?:ond)?\b)",
    "TB": r"TB\b",
    "GB": r"GB\b",
    "series": r"(?:[\w-]+\s+){0,2}?series\b",
}
_PERCENT = re.compile(r"(\d+(?:\.\d+)?)\s*%")
_FRACTION = re.compile(r"(?<![\w.])(\d+)\s*/\s*(\d+)(?![\w.])")
# The SLO window, as PROMPT.md writes it ("over 30 days"), in minutes per unit.
_WINDOW = re.compile(r"\b(\d+)\s*-?\s*(days?|d|weeks?|w|months?|hours?|h)\b", re.IGNORECASE)
_WINDOW_MINUTES = {"d": DAY, "w": 7 * DAY, "m": 30 * DAY, "h": 60}


def _value(number: str, scale: str | None) -> float:
    return float(number.replace(",", "")) * _SCALE.get(scale or "", 1.0)


def stated(body: str, unit: str) -> list[float]:
    """Every number of `body` written with `unit` after it (markup between is allowed)."""
    pattern = re.compile(_NUMBER + _MARKUP + UNITS[unit])
    return [_value(m.group(1), m.group(2)) for m in pattern.finditer(body)]


def stated_fractions(body: str) -> list[float]:
    """Every fraction of `body`: 1/6, 0.167, 16.7%."""
    found = [int(a) / int(b) for a, b in _FRACTION.findall(body) if int(b)]
    found += [float(p) / 100 for p in _PERCENT.findall(body)]
    found += [
        v for m in re.finditer(_NUMBER, body) if 0 < (v := _value(m.group(1), m.group(2))) <= 1
    ]
    return found


def agrees(values: list[float], expected: float) -> bool:
    return any(abs(v - expected) <= TOLERANCE * abs(expected) for v in values)


def statements(body: str) -> list[str]:
    """The paragraphs and list items of a section, each joined onto one line."""
    out: list[str] = []
    for paragraph in re.split(r"\n\s*\n", body):
        items = re.split(r"\n(?=\s*(?:[-*+]|\d+\.)\s)", paragraph)
        out += [" ".join(item.split()) for item in items if item.strip()]
    return out


def agent_run_slo(body: str) -> tuple[float, int, str] | None:
    """(target, window in minutes, the statement) of the first statement that names agent runs
    with a percentage and a window; the target is the largest percentage below 100 on it."""
    for text in statements(body):
        if not re.search(r"agent[\s-]+runs?\b", text, re.IGNORECASE):
            continue
        percents = [float(f"{p}e-2") for p in _PERCENT.findall(text) if float(p) < 100]
        window = _WINDOW.search(text)
        if percents and window:
            minutes = int(window.group(1)) * _WINDOW_MINUTES[window.group(2)[0].lower()]
            return max(percents), minutes, text
    return None


def yours(compute: Callable[[], float], what: str) -> float:
    """A number from your own functions; a failure that says so while they are not written."""
    try:
        return compute()
    except NotImplementedError:
        pytest.fail(
            f"Part 5 checks your design against your own {what}, which still raises "
            "NotImplementedError: write that part first"
        )


# (what PROMPT.md names, the unit the Estimates write it in, what computes it from `impl`)
ESTIMATES: tuple[tuple[str, str, Callable[[ModuleType], float]], ...] = (
    (
        "average spans/s",
        "spans/s",
        lambda m: m.estimate_traces(m.TraceLoad(*PLATFORM)).spans_per_second,
    ),
    (
        "peak spans/s",
        "spans/s",
        lambda m: m.estimate_traces(m.TraceLoad(*PLATFORM)).peak_spans_per_second,
    ),
    (
        "peak collector ingest",
        "MB/s",
        lambda m: m.estimate_traces(m.TraceLoad(*PLATFORM)).peak_ingest_mb_per_s,
    ),
    (
        "stored TB over the retention at full volume",
        "TB",
        lambda m: m.estimate_traces(m.TraceLoad(*PLATFORM)).stored_tb,
    ),
    (
        "keep fraction the 6 TB budget allows",
        "fraction",
        lambda m: m.max_keep_fraction(m.TraceLoad(*PLATFORM), BUDGET_TB),
    ),
    (
        "tail-sampler memory for a 30 s decision wait",
        "GB",
        lambda m: m.tail_buffer_gb(m.TraceLoad(*PLATFORM), DECISION_WAIT_S),
    ),
    (
        "worst-case series of Part 4's four metrics",
        "series",
        lambda m: m.total_series(metrics_of(m, PROMPT_METRICS)),
    ),
)
CALLS = {
    "average spans/s": f"estimate_traces({PLATFORM_TEXT}).spans_per_second",
    "peak spans/s": f"estimate_traces({PLATFORM_TEXT}).peak_spans_per_second",
    "peak collector ingest": f"estimate_traces({PLATFORM_TEXT}).peak_ingest_mb_per_s",
    "stored TB over the retention at full volume": f"estimate_traces({PLATFORM_TEXT}).stored_tb",
    "keep fraction the 6 TB budget allows": f"max_keep_fraction({PLATFORM_TEXT}, 6.0)",
    "tail-sampler memory for a 30 s decision wait": f"tail_buffer_gb({PLATFORM_TEXT}, 30.0)",
    "worst-case series of Part 4's four metrics": "total_series(<PROMPT.md's 4 metrics>)",
}


@pytest.mark.part(5)
class TestPart5Design(DesignDocumentChecks):
    # What the diagram must name (PROMPT.md), with the words accepted for each.
    COMPONENTS: ClassVar[dict[str, tuple[str, ...]]] = {
        "agent runtime": ("agent",),
        "collector": ("collector", "otel", "opentelemetry"),
        "tail sampler": ("sampler", "tail sampl", "tail-sampl"),
        "trace store": (
            "trace store",
            "trace storage",
            "trace db",
            "tempo",
            "jaeger",
            "span store",
        ),
        "metrics store": ("metric", "tsdb", "prometheus", "mimir", "thanos", "victoria"),
        "log store": ("log store", "logs", "log storage", "loki", "elasticsearch", "opensearch"),
        "alerting": ("alert",),
        "dashboards": ("dashboard", "grafana", "query"),
    }
    SLO_EXAMPLE: ClassVar[str] = "99.9% of agent runs succeed, over 30 days"

    # The shape checks of grading/core/design.py, each tied to its words in PROMPT.md.
    @pytest.mark.rule("5.1")
    def test_every_section_is_written(self, design_doc: Path) -> None:
        super().test_every_section_is_written(design_doc)

    @pytest.mark.rule("5.5")
    def test_architecture_has_a_mermaid_diagram(self, design_doc: Path) -> None:
        super().test_architecture_has_a_mermaid_diagram(design_doc)

    @pytest.mark.rule("5.5")
    def test_diagram_names_the_required_components(self, design_doc: Path) -> None:
        super().test_diagram_names_the_required_components(design_doc)

    @pytest.mark.rule("5.6")
    def test_slo_states_a_target_and_a_window(self, design_doc: Path) -> None:
        super().test_slo_states_a_target_and_a_window(design_doc)

    @pytest.mark.rule("5.7")
    def test_error_budget_is_an_amount(self, design_doc: Path) -> None:
        super().test_error_budget_is_an_amount(design_doc)

    @pytest.mark.rule("5.8")
    def test_at_least_two_trade_offs_name_the_rejected_alternative(self, design_doc: Path) -> None:
        super().test_at_least_two_trade_offs_name_the_rejected_alternative(design_doc)

    @pytest.mark.rule("5.9")
    def test_a_playbook_has_detection_mitigation_and_follow_up(self, design_doc: Path) -> None:
        super().test_a_playbook_has_detection_mitigation_and_follow_up(design_doc)

    @pytest.mark.rule("5.2")
    @pytest.mark.parametrize(
        ("what", "unit", "compute"), ESTIMATES, ids=[what for what, _, _ in ESTIMATES]
    )
    def test_estimates_agree_with_your_own_functions(
        self,
        design_doc: Path,
        impl: ModuleType,
        what: str,
        unit: str,
        compute: Callable[[ModuleType], float],
    ) -> None:
        body = written(read_design(design_doc), "Estimates")
        expected = yours(lambda: compute(impl), "Part 1 and Part 4 functions")
        got = stated_fractions(body) if unit == "fraction" else stated(body, unit)
        form = "as 1/6, 0.167 or 16.7%" if unit == "fraction" else f"followed by '{unit}'"
        assert agrees(got, expected), (
            f"{design_doc.name}, '## Estimates': no number {form} is within 1% of the {what} "
            f"your {CALLS[what]} returns, {expected:,.6g} (numbers written {form}: "
            f"{[f'{v:,.6g}' for v in got][:8]}); PROMPT.md, Part 5: the Estimates state it, "
            "within 1% of what your own functions compute"
        )

    @pytest.mark.rule("5.3")
    def test_slo_names_agent_runs_with_a_target_and_a_window(self, design_doc: Path) -> None:
        body = written(read_design(design_doc), "SLOs and error budget")
        got = agent_run_slo(body)
        assert got is not None, (
            f"{design_doc.name}, '## SLOs and error budget': no sentence or bullet names agent "
            f"runs with a target and a window, e.g. '{self.SLO_EXAMPLE}' (PROMPT.md, Part 5)"
        )

    @pytest.mark.rule("5.4")
    def test_your_simulation_meets_the_slo_on_a_healthy_platform(
        self, design_doc: Path, impl: ModuleType, seed: int
    ) -> None:
        slo = agent_run_slo(written(read_design(design_doc), "SLOs and error budget"))
        if slo is None:
            pytest.fail(f"{design_doc.name}: no agent-run SLO stated (see the test before)")
        target, window, text = slo
        rows = sli_series(window, seed, error_rate=HEALTHY_ERROR_RATE)
        series = [impl.Minute(good, total) for good, total in rows]
        remaining = yours(lambda: impl.budget_remaining(series, target), "Part 3 functions")
        alerts = yours(
            lambda: impl.evaluate_alerts(series, target, impl.DEFAULT_RULES), "Part 3 functions"
        )
        got = (remaining >= 0, [(a.rule, a.start, a.end) for a in alerts][:3])
        expected = (True, [])
        assert got == expected, (
            f"{design_doc.name} states {text[:90]!r}: target {target:.4%} over {window:,} "
            f"minutes. Over {window:,} healthy minutes (seed {seed}, {HEALTHY_ERROR_RATE:.2%} of "
            f"runs failing) your budget_remaining(series, {target}) is {remaining:.3f} and your "
            f"evaluate_alerts(series, {target}, DEFAULT_RULES) raised {got[1]}; PROMPT.md, Part "
            "5: the SLO you state must be one the healthy platform meets (budget left, no alert)"
        )

    @pytest.mark.rule("5.4")
    def test_your_alerts_page_for_an_outage_at_the_slo(
        self, design_doc: Path, impl: ModuleType, seed: int
    ) -> None:
        slo = agent_run_slo(written(read_design(design_doc), "SLOs and error budget"))
        if slo is None:
            pytest.fail(f"{design_doc.name}: no agent-run SLO stated (see the tests before)")
        target, window, text = slo
        start = window // 2
        rows = sli_series(
            window, seed, error_rate=HEALTHY_ERROR_RATE, incidents=((start, 60, OUTAGE_RATE),)
        )
        series = [impl.Minute(good, total) for good, total in rows]
        alerts = yours(
            lambda: impl.evaluate_alerts(series, target, impl.DEFAULT_RULES), "Part 3 functions"
        )
        pages = [a.start - start for a in alerts if a.rule.startswith("page-1h") and a.end >= start]
        got = pages[0] if pages else None
        assert got is not None and 0 <= got <= PAGE_WITHIN, (
            f"{design_doc.name} states {text[:90]!r}: target {target:.4%}. With a 5% outage "
            f"from minute {start:,} for an hour (seed {seed}), your evaluate_alerts(series, "
            f"{target}, DEFAULT_RULES) paged (page-1h) {got} minutes after it began; PROMPT.md, "
            f"Part 5: at the SLO you state, your alerts page within {PAGE_WITHIN} minutes"
        )
