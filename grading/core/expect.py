"""Small checks that make test failures read like the prompt, for exercise test suites."""

from __future__ import annotations

import dataclasses
from typing import Any, TypeVar

T = TypeVar("T")


def returned(got: Any, kind: type[T], call: str) -> T:
    """Check that `call` returned a `kind`; the message names the call and what came back."""
    assert isinstance(got, kind), f"{call} returned {_short(got)}; expected a {kind.__name__}"
    return got


def plain(value: Any) -> Any:
    """Dataclasses and tuples turned into dicts and lists, so results from two different modules
    (yours and the reference's) compare by value rather than by class identity."""
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        return {f.name: plain(getattr(value, f.name)) for f in dataclasses.fields(value)}
    if isinstance(value, list | tuple):
        return [plain(v) for v in value]
    if isinstance(value, dict):
        return {k: plain(v) for k, v in value.items()}
    return value


def _short(value: Any, width: int = 80) -> str:
    text = repr(value)
    return text if len(text) <= width else text[: width - 1] + "…"
