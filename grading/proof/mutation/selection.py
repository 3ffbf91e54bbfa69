"""Which mutants count: the seeded sample, and mutants inside annotations or in code the starter
ships as is."""

from __future__ import annotations

import ast
import hashlib
from collections.abc import Sequence

from grading.proof.mutation.model import Mutant

Span = tuple[tuple[int, int], tuple[int, int]]  # (line, column) from, to; columns in characters


def annotation_spans(source: str) -> list[Span]:
    """Where the type annotations of `source` are, if it has `from __future__ import annotations`.

    Under that import no annotation is ever evaluated, so a mutant inside one (`str | None` to
    `str & None`) is equivalent by construction: these are skipped instead of run. Without the
    import, annotations run at import time and such a mutant crashes, so nothing is skipped.
    """
    tree = ast.parse(source)
    future = any(
        isinstance(node, ast.ImportFrom)
        and node.module == "__future__"
        and any(alias.name == "annotations" for alias in node.names)
        for node in tree.body
    )
    if not future:
        return []
    lines = source.splitlines()
    spans = []
    for node in ast.walk(tree):
        found: list[ast.expr | None] = []
        if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef):
            arguments = node.args
            every = [*arguments.posonlyargs, *arguments.args, *arguments.kwonlyargs]
            every += [a for a in (arguments.vararg, arguments.kwarg) if a is not None]
            found = [node.returns, *(a.annotation for a in every)]
        elif isinstance(node, ast.AnnAssign):
            found = [node.annotation]
        for e in found:
            if e is not None and e.end_lineno is not None:
                start = (e.lineno, _column(lines, e.lineno, e.col_offset))
                end = (e.end_lineno, _column(lines, e.end_lineno, e.end_col_offset or 0))
                spans.append((start, end))
    return spans


def _column(lines: list[str], line: int, byte_offset: int) -> int:
    """ast counts columns in UTF-8 bytes, cosmic-ray (parso) in characters."""
    return len(lines[line - 1].encode("utf-8")[:byte_offset].decode("utf-8", errors="ignore"))


def given_spans(solution: str, starter: str) -> list[Span]:
    """Where `solution` has code that `starter` ships unchanged: the learner never writes it, so
    no test of the learner's work should grade it (records, constants, the `__main__` block).

    A top-level statement, or a method, is given when the starter has one with the same syntax
    tree (line numbers aside); a class that differs is looked into method by method, and its
    decorators are given when the starter's class of that name has the same ones.
    """
    mine, theirs = ast.parse(solution), ast.parse(starter)
    lines = solution.splitlines()
    found: list[Span] = []

    def span(node: ast.stmt) -> Span:
        decorators = getattr(node, "decorator_list", [])
        first = min([node.lineno, *(d.lineno for d in decorators)])
        last = node.end_lineno or node.lineno
        return (first, 0), (last, len(lines[last - 1]) + 1)

    def walk(body: list[ast.stmt], given: list[ast.stmt]) -> None:
        dumps = {ast.dump(node) for node in given}
        classes = {n.name: n for n in given if isinstance(n, ast.ClassDef)}
        for node in body:
            if ast.dump(node) in dumps:
                found.append(span(node))
            elif isinstance(node, ast.ClassDef) and node.name in classes:
                twin = classes[node.name]
                if [ast.dump(d) for d in node.decorator_list] == [
                    ast.dump(d) for d in twin.decorator_list
                ]:
                    for decorator in node.decorator_list:
                        end = decorator.end_lineno or decorator.lineno
                        found.append(((decorator.lineno, 0), (end, len(lines[end - 1]) + 1)))
                walk(node.body, twin.body)

    walk(mine.body, theirs.body)
    return found


def inside(line: int, column: int, spans: Sequence[Span]) -> bool:
    """True when (line, column) lies within one of `spans`."""
    return any(start <= (line, column) < end for start, end in spans)


def sample(mutants: Sequence[Mutant], size: int | None, seed: int) -> set[Mutant]:
    """A seeded uniform sample of at most `size` of `mutants` (all of them when size is None).

    Chosen by a hash of each mutant's identity (operator, occurrence, place), not by cosmic-ray's
    random job ids, so the same code, size and seed always give the same sample.
    """
    if size is None or size >= len(mutants):
        return set(mutants)

    def key(m: Mutant) -> str:
        identity = f"{seed}:{m.operator}:{m.occurrence}:{m.line}:{m.column}"
        return hashlib.sha256(identity.encode()).hexdigest()

    return set(sorted(mutants, key=key)[:size])
