"""When a kept session or an equivalents entry no longer describes the code: fingerprints and stale
entries."""

from __future__ import annotations

import hashlib
from collections.abc import Iterable, Sequence
from pathlib import Path

from grading.proof.mutation.model import Equivalent, Mutant, Target

# The campaign tools: never imported by a test run of the code they judge.
CAMPAIGN_TOOLS = ("grading/proof/mutation", "grading/proof/flakes")


def stale(
    equivalents: Sequence[Equivalent], mutants: Sequence[Mutant], targets: Iterable[str]
) -> list[tuple[Equivalent, str]]:
    """Entries for the targets that ran that match no survivor: (entry, why) — the line changed,
    or a test now kills that mutant (then the entry was wrong, or the code changed). In a sampled
    target an entry matching nothing may be a mutant the sample left out (cosmic-ray has no text
    for a mutant it never applied), so only entries matching a mutant that ran are judged there."""
    ran = set(targets)
    sampled = {m.target for m in mutants if m.outcome == "unsampled"}
    found = []
    for entry in equivalents:
        if entry.target not in ran:
            continue
        matching = [m for m in mutants if entry.matches(m)]
        if not matching:
            if entry.target not in sampled:
                found.append((entry, "no such mutant any more"))
        elif all(m.outcome != "survived" for m in matching):
            found.append((entry, f"now {matching[0].outcome}"))
    return found


def fingerprint(root: Path, target: Target, command: str) -> str:
    """A digest of everything a mutant's verdict depends on: the test command, the mutated file,
    its tests, the grading layer they load and the repository's configuration. An exercise's
    tests load only the core (the layering is checked in lint), so a change to a learner tool or
    a proof leaves the exercises' sessions fresh; a grading module's tests may load any room."""
    files = [root / target.source, root / "conftest.py", root / "pyproject.toml"]
    layer_root = root / "grading" if target.source.startswith("grading/") else root / "grading/core"
    layer = sorted(
        p
        for p in layer_root.rglob("*.py")
        if "tests" not in p.relative_to(root / "grading").parts
        and not p.relative_to(root).as_posix().startswith(CAMPAIGN_TOOLS)
    )
    if layer_root != root / "grading":
        layer.append(root / "grading" / "__init__.py")
    files += [root / "exercises.toml", *layer]
    for test in target.tests:
        path = root / test
        # .meta/ holds the reference (hashed above) and candidates these tests never load.
        skip = {"__pycache__", ".meta"}
        files += (
            sorted(p for p in path.rglob("*.py") if not skip & set(p.parts))
            if path.is_dir()
            else [path]
        )
    digest = hashlib.sha256(command.encode())
    for file in files:
        digest.update(file.read_bytes() if file.is_file() else b"")
    return digest.hexdigest()
