"""Part 5 — The design document.

Graded from the design document, never from code: your design.md, or the reference design when
the reference (or a variant of it kept in .meta/) is graded. Only the shape is checked here; the
content is for RUBRIC.md and a reviewer.
"""

from __future__ import annotations

from typing import ClassVar

import pytest

from grading.core import DesignDocumentChecks


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
