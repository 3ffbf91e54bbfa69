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
    SLO_EXAMPLE: ClassVar[str] = "99.9% of spans queryable within 60 s, over 30 days"
