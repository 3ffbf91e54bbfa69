"""Part 5 — The design document.

Graded from the design document: your design.md, or the reference design when the reference (or a
variant of it kept in .meta/) is graded. The shape checks come from the grading layer; the checks
below hold the Estimates and the SLOs to the capacity model of your own Parts 1–4 (the `impl`
fixture), for the traffic of PROMPT.md. The rest of the content is for RUBRIC.md and a reviewer.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from pathlib import Path
from types import ModuleType
from typing import Any, ClassVar

import pytest

from grading.core import DesignDocumentChecks, field, read_design, written

# PROMPT.md's traffic and replica.
PEAK, PROMPT, PREFIX, OUTPUT = 400.0, 1_500, 1_000, 250
PREFILL, DECODE, SLOTS, P99_TARGET = 12_000.0, 40.0, 32, 0.5
STEP_TARGET, BASE, PER_SEQ = 25.0, 15.0, 0.3125
MEMORY = (80.0, 16.0, 131_072, 1_750)
TRAFFIC, PRICES = (12_960_000, PROMPT, PREFIX, OUTPUT), (3.0, 0.3, 15.0)
TOLERANCE = 0.01  # PROMPT.md: "within 1%"

_NUMBER = re.compile(r"(\d[\d,]*(?:\.\d+)?)\s*([kKM](?![a-zA-Z]))?")
_DURATION = re.compile(
    r"(\d[\d,]*(?:\.\d+)?)\s*(ms|milliseconds?|msec|s|secs?|seconds?)\b", re.IGNORECASE
)
_ITEM_START = re.compile(r"^\s*(?:[-*+]|\d+[.)])\s+")


def first_number(text: str) -> float | None:
    """The first number of `text`: `$106,920/day` gives 106920.0, `85.9k` gives 85900.0."""
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
    """The first duration in `item` after the words `after`, in seconds (`50 ms` gives 0.05)."""
    start = item.lower().find(after)
    match = _DURATION.search(item, start + len(after))
    if match is None:
        return None
    value = float(match.group(1).replace(",", ""))
    return value / 1_000 if match.group(2).lower().startswith("m") else value


class Model:
    """What the implementation under test computes for PROMPT.md's traffic."""

    def __init__(self, impl: ModuleType) -> None:
        self.impl = impl

    def _call(self, text: str, fn: Callable[[], Any]) -> Any:
        try:
            return fn()
        except NotImplementedError:
            pytest.fail(
                f"design.md's numbers are checked against your code, and {text} still raises "
                "NotImplementedError: finish Parts 1-4 first"
            )

    def service_time(self) -> float:
        return self._call(
            f"service_time_s({PROMPT}, {OUTPUT}, {PREFILL}, {DECODE})",
            lambda: self.impl.service_time_s(PROMPT, OUTPUT, PREFILL, DECODE),
        )

    def replicas(self) -> int:
        service = self.service_time()
        return self._call(
            f"replicas_needed({PEAK}, {service}, {SLOTS}, {P99_TARGET})",
            lambda: self.impl.replicas_needed(PEAK, service, SLOTS, P99_TARGET),
        )

    def batch(self) -> int:
        memory = self._call(
            f"max_batch_for_memory{MEMORY}", lambda: self.impl.max_batch_for_memory(*MEMORY)
        )
        point = self._call(
            f"best_batch({STEP_TARGET}, {memory}, {BASE}, {PER_SEQ}, {OUTPUT})",
            lambda: self.impl.best_batch(STEP_TARGET, memory, BASE, PER_SEQ, OUTPUT),
        )
        assert point is not None, f"best_batch({STEP_TARGET}, {memory}, ...) returned None"
        return point.batch

    def cost_per_day(self) -> float:
        return self._call(
            f"cost_per_day(Traffic{TRAFFIC}, Prices{PRICES}, 0.0)",
            lambda: self.impl.cost_per_day(
                self.impl.Traffic(*TRAFFIC), self.impl.Prices(*PRICES), 0.0
            ),
        )

    def estimates(self) -> dict[str, tuple[float, str]]:
        """label -> (the model's value, how it was computed)."""
        service = self.service_time()
        return {
            "Service time": (service, f"service_time_s({PROMPT}, {OUTPUT}, {PREFILL}, {DECODE})"),
            "Offered load": (PEAK * service, f"{PEAK} x service time"),
            "Replicas": (self.replicas(), f"replicas_needed({PEAK}, {service}, {SLOTS}, 0.5)"),
            "Batch size": (self.batch(), f"best_batch({STEP_TARGET}, max_batch_for_memory...)"),
            "Cost per day": (self.cost_per_day(), "cost_per_day(Traffic, Prices, 0.0)"),
        }

    def time_to_first_token_s(self) -> float:
        service, replicas = self.service_time(), self.replicas()
        wait = self._call(
            f"wait_quantile_s({PEAK}, {service}, {replicas * SLOTS}, 0.99)",
            lambda: self.impl.wait_quantile_s(PEAK, service, replicas * SLOTS, 0.99),
        )
        return wait + PROMPT / PREFILL

    def step_s(self) -> float:
        batch = self.batch()
        point = self._call(
            f"batch_point({batch}, {BASE}, {PER_SEQ}, {OUTPUT})",
            lambda: self.impl.batch_point(batch, BASE, PER_SEQ, OUTPUT),
        )
        return point.step_ms / 1_000


@pytest.mark.part(5)
class TestPart5Design(DesignDocumentChecks):
    # What the diagram must name (PROMPT.md), with the words accepted for each.
    COMPONENTS: ClassVar[dict[str, tuple[str, ...]]] = {
        "clients": ("client", "sdk", "tenant app"),
        "gateway": ("gateway", "router", "api front"),
        "rate limiter": ("rate limit", "ratelimit", "token bucket", "quota"),
        "prefix cache": ("cache",),
        "queue": ("queue", "scheduler"),
        "model replicas": ("replica", "model server", "backend", "gpu"),
        "usage metering": ("meter", "usage", "billing"),
        "autoscaler": ("autoscal", "scaler"),
    }
    SLO_EXAMPLE: ClassVar[str] = "99.9% of requests get a first token within 2 s, over 30 days"

    # The shape checks of grading/core/design.py, each tied to the sentence of PROMPT.md it pins.
    @pytest.mark.rule("5.1")
    def test_every_section_is_written(self, design_doc: Path) -> None:
        super().test_every_section_is_written(design_doc)

    @pytest.mark.rule("5.2")
    def test_architecture_has_a_mermaid_diagram(self, design_doc: Path) -> None:
        super().test_architecture_has_a_mermaid_diagram(design_doc)

    @pytest.mark.rule("5.2")
    def test_diagram_names_the_required_components(self, design_doc: Path) -> None:
        super().test_diagram_names_the_required_components(design_doc)

    @pytest.mark.rule("5.3")
    def test_slo_states_a_target_and_a_window(self, design_doc: Path) -> None:
        super().test_slo_states_a_target_and_a_window(design_doc)

    @pytest.mark.rule("5.4")
    def test_error_budget_is_an_amount(self, design_doc: Path) -> None:
        super().test_error_budget_is_an_amount(design_doc)

    @pytest.mark.rule("5.5")
    def test_at_least_two_trade_offs_name_the_rejected_alternative(self, design_doc: Path) -> None:
        super().test_at_least_two_trade_offs_name_the_rejected_alternative(design_doc)

    @pytest.mark.rule("5.6")
    def test_a_playbook_has_detection_mitigation_and_follow_up(self, design_doc: Path) -> None:
        super().test_a_playbook_has_detection_mitigation_and_follow_up(design_doc)

    @pytest.mark.rule("5.7")
    @pytest.mark.rule("5.8")
    @pytest.mark.parametrize(
        "label", ["Service time", "Offered load", "Replicas", "Batch size", "Cost per day"]
    )
    def test_estimates_agree_with_your_model(
        self, design_doc: Path, impl: ModuleType, label: str
    ) -> None:
        body = written(read_design(design_doc), "Estimates")
        expected, how = Model(impl).estimates()[label]
        text = field(body, label)
        assert text, (
            f"{design_doc.name}, '## Estimates': no '{label}: <number>' line (PROMPT.md, Part 5: "
            f"'write five lines as `label: number`'); your code gives {expected:,.6g} ({how})"
        )
        got = first_number(text)
        assert got is not None and abs(got - expected) <= TOLERANCE * abs(expected), (
            f"{design_doc.name}, '## Estimates': '{label}: {text[:60]}' reads {got}, but your "
            f"code gives {expected:,.6g} ({how}); PROMPT.md, Part 5: the number first after the "
            "colon, within 1% of what your Parts 1-4 compute"
        )

    @pytest.mark.rule("5.9")
    @pytest.mark.parametrize("words", ["time to first token", "between tokens"])
    def test_slo_is_one_your_model_meets(
        self, design_doc: Path, impl: ModuleType, words: str
    ) -> None:
        body = written(read_design(design_doc), "SLOs and error budget")
        item = next((i for i in items(body) if words in i.lower()), None)
        assert item is not None, (
            f"{design_doc.name}, '## SLOs and error budget': no item names '{words}'; PROMPT.md, "
            "Part 5, asks for its target as a duration, e.g. "
            f"'{words.capitalize()}: 99% within {'1 s' if 'first' in words else '50 ms'}, "
            "over 30 days'"
        )
        got = first_duration_s(item, words)
        model = Model(impl)
        needed = model.time_to_first_token_s() if "first" in words else model.step_s()
        how = (
            "the p99 wait for a slot at your replicas + 1,500 / 12,000 s of prefill"
            if "first" in words
            else "your batch's step_ms"
        )
        assert got is not None and got >= needed, (
            f"{design_doc.name}, '## SLOs and error budget': '{item[:140]}' states "
            f"{'no duration' if got is None else f'{got:g} s'}, but your own model gives "
            f"{needed:.4g} s ({how}); an SLO must be one your design meets"
        )
