"""Reads a design document (design.md) into its sections and checks its shape: the shared design
part of every system_design prompt.

The template marks every section with a `TODO (design)` line. A section still carrying that line,
or with nothing in it, is a placeholder. A document whose sections are all placeholders is the
untouched template: `read_design` raises NotImplementedError, so the part reads "not started".
Only the shape is checked here (sections written, diagram, SLO, trade-offs, playbook); the
content is judged with RUBRIC.md.

A prompt's tests subclass `DesignDocumentChecks`, mark it with its part and name the components
its diagram must show; the `design_doc` fixture of grading/core/plugin.py supplies the document.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path
from typing import ClassVar

MARKER = "TODO (design)"
SECTIONS = (
    "Requirements",
    "Estimates",
    "API",
    "Data model",
    "Architecture",
    "Deep dives",
    "Trade-offs",
    "SLOs and error budget",
    "Failure modes and playbooks",
)
_HEADING = re.compile(r"^## +(.+?)\s*$", re.MULTILINE)
_SUBHEADING = re.compile(r"^### +(.+?)\s*$", re.MULTILINE)
_COMMENT = re.compile(r"<!--.*?-->", re.DOTALL)
_MERMAID = re.compile(r"^```mermaid[ \t]*\n(.*?)^```", re.DOTALL | re.MULTILINE)
_PERCENT = re.compile(r"\d+(?:\.\d+)?\s*%")
_WINDOW = re.compile(
    r"\b\d+\s*-?\s*(?:d|days?|h|hours?|weeks?|w|min|minutes?|months?)\b", re.IGNORECASE
)


@dataclass(frozen=True)
class Design:
    path: Path
    sections: dict[str, str]  # required section -> its body (comments removed), "" when absent
    present: frozenset[str]  # required sections whose heading was found


def _key(heading: str) -> str:
    """A heading reduced for matching: `## 7. Trade-offs` and `## trade-offs` both match."""
    return re.sub(r"^[\d.\s]+", "", heading).strip().lower()


def is_placeholder(body: str) -> bool:
    return MARKER in body or not body.strip()


def read_design(path: Path) -> Design:
    """The sections of the design document at `path`; NotImplementedError for the template."""
    if not path.is_file():
        raise AssertionError(f"{path} is missing: copy it back from git (git checkout {path.name})")
    text = _COMMENT.sub("", path.read_text(encoding="utf-8"))
    headings = list(_HEADING.finditer(text))
    bodies: dict[str, str] = {}
    for i, match in enumerate(headings):
        end = headings[i + 1].start() if i + 1 < len(headings) else len(text)
        bodies[_key(match.group(1))] = text[match.end() : end]
    sections = {name: bodies.get(name.lower(), "") for name in SECTIONS}
    if all(is_placeholder(body) for body in sections.values()):
        raise NotImplementedError(
            f"{path.name} is still the template: replace the `{MARKER}` line of each section "
            "with your design, starting with Requirements"
        )
    present = frozenset(name for name in SECTIONS if name.lower() in bodies)
    return Design(path, sections, present)


def written(design: Design, section: str) -> str:
    """The body of `section`; fails (naming the section) while it is still the placeholder."""
    body = design.sections[section]
    assert not is_placeholder(body), (
        f"{design.path.name}, '## {section}': still the placeholder; write the section (and "
        f"delete its `{MARKER}` line) before this check can pass"
    )
    return body


def mermaid_blocks(body: str) -> list[str]:
    """The ```mermaid blocks of a section."""
    return _MERMAID.findall(body)


def subsections(body: str) -> list[tuple[str, str]]:
    """The `### ` subsections of a section: (title, body) pairs."""
    found = list(_SUBHEADING.finditer(body))
    return [
        (m.group(1), body[m.end() : found[i + 1].start() if i + 1 < len(found) else len(body)])
        for i, m in enumerate(found)
    ]


def field(body: str, name: str) -> str:
    """The text after `name:` on a line of `body` (`- **Rejected:** x` gives "x"); "" if absent.

    Placeholders left from the template (`...`, `TODO`) count as absent."""
    pattern = re.compile(
        rf"^[ \t]*(?:[-*][ \t]+)?(?:\*\*)?{re.escape(name)}(?:\*\*)?[ \t]*:(?:\*\*)?[ \t]*(.*)$",
        re.IGNORECASE | re.MULTILINE,
    )
    match = pattern.search(body)
    value = match.group(1).strip() if match else ""
    return "" if value.strip(".… ") == "" or MARKER in value or value.upper() == "TODO" else value


def has_slo_target(body: str) -> bool:
    """A line with a percentage and a window (`99.9% of runs ... over 30 days`)."""
    return any(_PERCENT.search(line) and _WINDOW.search(line) for line in body.splitlines())


def missing_components(blocks: list[str], components: dict[str, tuple[str, ...]]) -> list[str]:
    """The required components that no mermaid block names (by any of their accepted words)."""
    text = "\n".join(blocks).lower()
    return [name for name, words in components.items() if not any(w in text for w in words)]


class DesignDocumentChecks:
    """The design part's tests, shared by every prompt. Subclass it as `TestPartN...`, mark it
    `@pytest.mark.part(N)` and set COMPONENTS (name -> accepted words) and SLO_EXAMPLE."""

    COMPONENTS: ClassVar[dict[str, tuple[str, ...]]] = {}
    SLO_EXAMPLE: ClassVar[str] = "99.9% of requests succeed, over 30 days"

    def test_every_section_is_written(self, design_doc: Path) -> None:
        design = read_design(design_doc)
        missing = [s for s in SECTIONS if s not in design.present]
        assert not missing, (
            f"{design_doc.name} has no '## {missing[0]}' section; keep the template's headings"
        )
        got = [s for s in SECTIONS if is_placeholder(design.sections[s])]
        assert got == [], (
            f"{design_doc.name}: still the placeholder in {', '.join(repr(s) for s in got)}; "
            "replace each TODO line with your answer"
        )

    def test_architecture_has_a_mermaid_diagram(self, design_doc: Path) -> None:
        body = written(read_design(design_doc), "Architecture")
        got = len(mermaid_blocks(body))
        assert got >= 1, (
            f"{design_doc.name}, '## Architecture': no ```mermaid block; draw the components "
            "and the flows between them in one"
        )

    def test_diagram_names_the_required_components(self, design_doc: Path) -> None:
        body = written(read_design(design_doc), "Architecture")
        got = missing_components(mermaid_blocks(body), self.COMPONENTS)
        assert got == [], (
            f"{design_doc.name}: the mermaid diagram does not name {', '.join(got)}; "
            f"PROMPT.md asks for: {', '.join(self.COMPONENTS)}"
        )

    def test_slo_states_a_target_and_a_window(self, design_doc: Path) -> None:
        body = written(read_design(design_doc), "SLOs and error budget")
        assert has_slo_target(body), (
            f"{design_doc.name}, '## SLOs and error budget': no line states a target and a "
            f"window together, e.g. '{self.SLO_EXAMPLE}'"
        )

    def test_error_budget_is_an_amount(self, design_doc: Path) -> None:
        body = written(read_design(design_doc), "SLOs and error budget")
        got = [
            line
            for line in body.splitlines()
            if "error budget" in line.lower() and re.search(r"\d", line)
        ]
        assert got, (
            f"{design_doc.name}, '## SLOs and error budget': say how big the error budget is, on "
            "a line naming it ('error budget: 43 minutes per 30 days')"
        )

    def test_at_least_two_trade_offs_name_the_rejected_alternative(self, design_doc: Path) -> None:
        body = written(read_design(design_doc), "Trade-offs")
        got = [title for title, text in subsections(body) if field(text, "Rejected")]
        assert len(got) >= 2, (
            f"{design_doc.name}, '## Trade-offs': {len(got)} trade-off(s) name what was rejected; "
            "write at least 2 '### ' subsections, each with a 'Rejected:' line naming the "
            "alternative and why it lost"
        )

    def test_a_playbook_has_detection_mitigation_and_follow_up(self, design_doc: Path) -> None:
        body = written(read_design(design_doc), "Failure modes and playbooks")
        playbooks = subsections(body)
        got = [
            t
            for t, text in playbooks
            if all(field(text, n) for n in ("Detection", "Mitigation", "Follow-up"))
        ]
        assert got, (
            f"{design_doc.name}, '## Failure modes and playbooks': no '### ' playbook has all of "
            "'Detection:', 'Mitigation:' and 'Follow-up:' filled in "
            f"({len(playbooks)} subsection(s) found)"
        )
