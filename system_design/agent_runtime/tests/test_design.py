"""Part 4 — The design document.

Graded from the design document: your design.md, or the reference design when the reference (or a
variant of it kept in .meta/) is graded. The shape checks come from the grading layer; the checks
below hold the Estimates and the interactive SLO to PROMPT.md's platform and to your own Part 2
simulation (the `impl` fixture). The rest of the content is for RUBRIC.md and a reviewer.
"""

from __future__ import annotations

import functools
import math
import re
from pathlib import Path
from types import ModuleType
from typing import Any, ClassVar

import pytest

from grading.core import DesignDocumentChecks, field, read_design, written

# PROMPT.md's platform: jobs a day, peak factor, seconds a job holds its sandbox, per host, $/h.
JOBS_A_DAY, PEAK_FACTOR, HOLD_S, PER_HOST, SANDBOX_PRICE = 2_000_000, 3, 180, 32, 0.20
WAIT_PRICE = 30.0  # a person waiting on an interactive job, $/h
# PROMPT.md's burst: ten minutes of interactive jobs at the peak, 14 a second.
BURST, COLD_START_S, IDLE_TIMEOUT_S, MAX_SANDBOXES = [14] * 600, 20, 120, 12_500
TOLERANCE = 0.01  # PROMPT.md: "within 1%"

PEAK_SANDBOXES = PEAK_FACTOR * JOBS_A_DAY / 86_400 * HOLD_S  # 12,500
FORMULAS = {
    "Peak sandboxes": (PEAK_SANDBOXES, "3 x 2,000,000 / 86,400 jobs/s x 180 s"),
    "Hosts": (math.ceil(PEAK_SANDBOXES / PER_HOST), "peak sandboxes / 32, rounded up"),
    "Cost per day": (JOBS_A_DAY * HOLD_S / 3_600 * SANDBOX_PRICE, "2,000,000 x 180 s at $0.20/h"),
}

_NUMBER = re.compile(r"(\d[\d,]*(?:\.\d+)?)\s*([kKM](?![a-zA-Z]))?")
_DURATION = re.compile(
    r"(\d[\d,]*(?:\.\d+)?)\s*(ms|milliseconds?|msec|s|secs?|seconds?|min|minutes?)\b",
    re.IGNORECASE,
)
_ITEM_START = re.compile(r"^\s*(?:[-*+]|\d+[.)])\s+")


def first_number(text: str) -> float | None:
    """The first number of `text`: `$20,000/day` gives 20000.0, `12.5k` gives 12500.0."""
    match = _NUMBER.search(text)
    if match is None:
        return None
    scale = {"k": 1e3, "K": 1e3, "M": 1e6}.get(match.group(2) or "", 1.0)
    return float(match.group(1).replace(",", "")) * scale


def items(body: str) -> list[str]:
    """The bullets and paragraphs of a section, each joined into one line."""
    found: list[list[str]] = []
    for line in body.splitlines():
        if not line.strip():
            found.append([])
        elif _ITEM_START.match(line) or not found or not found[-1]:
            found.append([line.strip()])
        else:
            found[-1].append(line.strip())
    return [" ".join(lines) for lines in found if lines]


def first_duration_s(item: str, after: str) -> float | None:
    """The first duration in `item` after the word `after`, in seconds (`2 min` gives 120)."""
    start = item.lower().find(after)
    match = _DURATION.search(item, start + len(after))
    if match is None:
        return None
    value, unit = float(match.group(1).replace(",", "")), match.group(2).lower()
    if unit in ("ms", "msec") or unit.startswith("milli"):
        return value / 1_000
    return value * 60 if unit.startswith("min") else value


def warm_pool(design_doc: Path, body: str) -> int:
    """The `Warm pool:` line of the Estimates: a whole number of sandboxes, 0 to 12,500."""
    text = field(body, "Warm pool")
    got = first_number(text) if text else None
    assert got is not None and got.is_integer() and 0 <= got <= MAX_SANDBOXES, (
        f"{design_doc.name}, '## Estimates': "
        + (f"'Warm pool: {text[:60]}' reads {got}" if text else "no 'Warm pool: <number>' line")
        + "; PROMPT.md, Part 4: your warm pool, a whole number of sandboxes from 0 to 12,500, "
        "the number first after the colon"
    )
    return int(got)


@functools.cache
def burst(impl: ModuleType, pool: int) -> Any:
    """Your Part 2 on PROMPT.md's burst, with `pool` sandboxes kept ready (run once per pool)."""
    call = (
        f"simulate_autoscaler([14] * 600, {HOLD_S}, {COLD_START_S}, "
        f"ScalePolicy({pool}, {pool}, {IDLE_TIMEOUT_S}, {MAX_SANDBOXES:_}))"
    )
    try:
        policy = impl.ScalePolicy(pool, pool, IDLE_TIMEOUT_S, MAX_SANDBOXES)
        return impl.simulate_autoscaler(BURST, HOLD_S, COLD_START_S, policy), call
    except NotImplementedError:
        pytest.fail(
            f"design.md's numbers are checked against your code, and {call} still raises "
            "NotImplementedError: finish Part 2 first"
        )


@pytest.mark.part(4)
class TestPart4Design(DesignDocumentChecks):
    # What the diagram must name (PROMPT.md), with the words accepted for each.
    COMPONENTS: ClassVar[dict[str, tuple[str, ...]]] = {
        "job API": ("api",),
        "queue": ("queue",),
        "scheduler": ("scheduler",),
        "sandbox pool": ("sandbox", "microvm", "firecracker", "gvisor"),
        "autoscaler": ("autoscal", "scaler"),
        "idempotency ledger": ("idempotenc", "ledger", "dedup"),
        "dead-letter queue": ("dead-letter", "dead letter", "dlq"),
        "state store": ("state", "database", "postgres", "db"),
    }
    SLO_EXAMPLE: ClassVar[str] = "99% of interactive jobs start within 5 s, over 30 days"

    # The shape checks of grading/core/design.py, each tied to the sentence of PROMPT.md it pins.
    @pytest.mark.rule("4.1")
    def test_every_section_is_written(self, design_doc: Path) -> None:
        super().test_every_section_is_written(design_doc)

    @pytest.mark.rule("4.2")
    def test_architecture_has_a_mermaid_diagram(self, design_doc: Path) -> None:
        super().test_architecture_has_a_mermaid_diagram(design_doc)

    @pytest.mark.rule("4.2")
    def test_diagram_names_the_required_components(self, design_doc: Path) -> None:
        super().test_diagram_names_the_required_components(design_doc)

    @pytest.mark.rule("4.3")
    def test_slo_states_a_target_and_a_window(self, design_doc: Path) -> None:
        super().test_slo_states_a_target_and_a_window(design_doc)

    @pytest.mark.rule("4.4")
    def test_error_budget_is_an_amount(self, design_doc: Path) -> None:
        super().test_error_budget_is_an_amount(design_doc)

    @pytest.mark.rule("4.5")
    def test_at_least_two_trade_offs_name_the_rejected_alternative(self, design_doc: Path) -> None:
        super().test_at_least_two_trade_offs_name_the_rejected_alternative(design_doc)

    @pytest.mark.rule("4.6")
    def test_a_playbook_has_detection_mitigation_and_follow_up(self, design_doc: Path) -> None:
        super().test_a_playbook_has_detection_mitigation_and_follow_up(design_doc)

    @pytest.mark.rule("4.7")
    @pytest.mark.rule("4.8")
    @pytest.mark.parametrize("label", ["Peak sandboxes", "Hosts", "Cost per day", "Burst cost"])
    def test_estimates_agree_with_the_platform_and_your_model(
        self, design_doc: Path, impl: ModuleType, label: str
    ) -> None:
        body = written(read_design(design_doc), "Estimates")
        if label == "Burst cost":
            report, call = burst(impl, warm_pool(design_doc, body))
            how = f"policy_cost({call}, {SANDBOX_PRICE}, {WAIT_PRICE})"
            try:
                expected = impl.policy_cost(report, SANDBOX_PRICE, WAIT_PRICE)
            except NotImplementedError:
                pytest.fail(f"{how} still raises NotImplementedError: finish Part 2 first")
        else:
            expected, how = FORMULAS[label]
        text = field(body, label)
        assert text, (
            f"{design_doc.name}, '## Estimates': no '{label}: <number>' line (PROMPT.md, Part 4: "
            f"'write five lines as `label: number`'); it should read {expected:,.6g} ({how})"
        )
        got = first_number(text)
        assert got is not None and abs(got - expected) <= TOLERANCE * abs(expected), (
            f"{design_doc.name}, '## Estimates': '{label}: {text[:60]}' reads {got}, but "
            f"{expected:,.6g} is expected ({how}); PROMPT.md, Part 4: the number first after the "
            "colon, within 1%"
        )

    @pytest.mark.rule("4.9")
    def test_interactive_slo_is_one_your_warm_pool_meets(
        self, design_doc: Path, impl: ModuleType
    ) -> None:
        design = read_design(design_doc)
        body = written(design, "SLOs and error budget")
        item = next((i for i in items(body) if "interactive" in i.lower()), None)
        assert item is not None, (
            f"{design_doc.name}, '## SLOs and error budget': no item names 'interactive'; "
            f"PROMPT.md, Part 4, asks for its start target as a duration, e.g. '{self.SLO_EXAMPLE}'"
        )
        got = first_duration_s(item, "interactive")
        pool = warm_pool(design_doc, written(design, "Estimates"))
        report, call = burst(impl, pool)
        assert got is not None and got >= report.max_wait_s, (
            f"{design_doc.name}, '## SLOs and error budget': '{item[:140]}' states "
            f"{'no duration' if got is None else f'{got:g} s'}, but with your warm pool of {pool} "
            f"the burst's longest wait is {report.max_wait_s} s ({call}.max_wait_s); an SLO must "
            "be one your design meets"
        )
