"""Part 4 — The design document.

Graded from the design document, never from code: your design.md, or the reference design when
the reference (or a variant of it kept in .meta/) is graded. Only the shape is checked here; the
content is for RUBRIC.md and a reviewer.
"""

from __future__ import annotations

from typing import ClassVar

import pytest

from grading.core import DesignDocumentChecks


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
