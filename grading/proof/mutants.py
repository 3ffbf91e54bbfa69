"""`python -m grading.proof.mutants --convert <mutant.py>...`: turn full-copy mutants into edits.

A mutant file keeps its docstring (the bug, and `Caught by: Part N`) and two literals:

    BASE = "../solution.py"                   # the file it mutates, relative to the mutant
    REPLACE = (("rng = default_rng(seed)",    # each `old` must occur exactly once in BASE
                "rng = default_rng()"),)

so a fix to the reference reaches every mutant, and a mutant whose edit no longer applies is
reported by name instead of silently testing stale code. The loader (grading/core/loading.py)
applies the edits when a run asks for the mutant; this tool only writes them.
"""

from __future__ import annotations

import argparse
import ast
import difflib
import json
import sys
from pathlib import Path

from grading.core.loading import MutantError, Spec, apply, spec_of


def edits(base: str, mutated: str) -> list[tuple[str, str]]:
    """Replacements turning `base` into `mutated`, each `old` grown with context until unique."""
    base_lines, mutated_lines = base.splitlines(keepends=True), mutated.splitlines(keepends=True)
    matcher = difflib.SequenceMatcher(a=base_lines, b=mutated_lines, autojunk=False)
    found = []
    for tag, i1, i2, j1, j2 in reversed(matcher.get_opcodes()):  # from the end: indexes stay valid
        if tag == "equal":
            continue
        before = after = 0
        while True:
            old = "".join(base_lines[i1 - before : i2 + after])
            if old and base.count(old) == 1:
                break
            if i1 - before > 0:
                before += 1
            elif i2 + after < len(base_lines):
                after += 1
            else:
                raise MutantError("cannot find a unique context for an edit")
        new = "".join(
            base_lines[i1 - before : i1] + mutated_lines[j1:j2] + base_lines[i2 : i2 + after]
        )
        found.append((old, new))
    return list(reversed(found))


def _one_block(base: str, mutated: str) -> list[tuple[str, str]]:
    """A single replacement spanning every difference, for edits that overlap."""
    base_lines, mutated_lines = base.splitlines(keepends=True), mutated.splitlines(keepends=True)
    start = next(
        i for i, (a, b) in enumerate(zip(base_lines, mutated_lines, strict=False)) if a != b
    )
    end = 0
    while (
        end < min(len(base_lines), len(mutated_lines)) - start
        and base_lines[-1 - end] == mutated_lines[-1 - end]
    ):
        end += 1
    old = "".join(base_lines[start : len(base_lines) - end])
    new = "".join(mutated_lines[start : len(mutated_lines) - end])
    return [(old, new)]


def _body(text: str) -> tuple[str, str]:
    """(the module docstring's source, the rest of the module)."""
    tree = ast.parse(text)
    first = tree.body[0] if tree.body else None
    if (
        isinstance(first, ast.Expr)
        and isinstance(first.value, ast.Constant)
        and isinstance(first.value.value, str)
    ):
        lines = text.splitlines(keepends=True)
        assert first.end_lineno is not None
        return "".join(lines[: first.end_lineno]), "".join(lines[first.end_lineno :])
    return "", text


def convert(mutant: Path, bases: list[Path]) -> str:
    """The edit form of a full-copy `mutant`, against whichever of `bases` it differs least from."""
    docstring, body = _body(mutant.read_text(encoding="utf-8"))

    def distance(base: Path) -> int:
        _, base_body = _body(base.read_text(encoding="utf-8"))
        matcher = difflib.SequenceMatcher(
            a=base_body.splitlines(), b=body.splitlines(), autojunk=False
        )
        return sum(
            max(i2 - i1, j2 - j1) for tag, i1, i2, j1, j2 in matcher.get_opcodes() if tag != "equal"
        )

    base = min(bases, key=distance)
    base_text = base.read_text(encoding="utf-8")
    base_doc, _base_body = _body(base_text)
    try:
        pairs = edits(base_text, base_doc + body)
        apply(Spec(base, tuple(pairs)), mutant)
    except MutantError:  # edits whose contexts overlap: one block from the first to the last
        pairs = _one_block(base_text, base_doc + body)
    # JSON strings are Python literals in the double quotes `ruff format` prefers.
    lines = [
        docstring.rstrip("\n"),
        "",
        f"BASE = {json.dumps(_relative(base, mutant))}",
        "REPLACE = (",
    ]
    lines += [
        f"    (\n        {json.dumps(old, ensure_ascii=False)},\n        {json.dumps(new, ensure_ascii=False)},\n    ),"
        for old, new in pairs
    ]
    lines.append(")")
    converted = "\n".join(lines) + "\n"
    result = apply(spec_of(mutant, converted) or Spec(base, ()), mutant)
    if result != base_doc + body:
        raise MutantError(f"{mutant}: the edits do not reproduce the mutant; convert it by hand")
    return converted


def _relative(base: Path, mutant: Path) -> str:
    return Path("..", *base.resolve().relative_to(mutant.resolve().parent.parent).parts).as_posix()


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument(
        "--convert", nargs="+", type=Path, required=True, help="full-copy mutant files"
    )
    options = parser.parse_args(argv)
    for mutant in options.convert:
        meta = mutant.resolve().parent.parent
        bases = [meta / "solution.py", *sorted((meta / "alternatives").glob("*.py"))]
        try:
            text = convert(mutant, [b for b in bases if b.is_file()])
        except MutantError as error:
            print(f"mutants: {error}", file=sys.stderr)
            return 1
        mutant.write_text(text, encoding="utf-8")
        count = len(spec_of(mutant, text).replace)  # type: ignore[union-attr]
        print(f"{mutant}: {count} edit(s)")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
