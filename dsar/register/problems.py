"""The `(path, message)` problem of the register checks, the review's findings with their
severity, and the id checks every part shares."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any, Literal, NamedTuple

Problem = tuple[str, str]
Severity = Literal["error", "warning"]


class Finding(NamedTuple):
    """What the review (dsar.register.review) found: an error fails the check, a warning
    fails it only with --strict."""

    path: str
    message: str
    severity: Severity = "error"

    def line(self) -> str:
        return f"{self.path}: {self.severity}: {self.message}"


def duplicates(items: Sequence[Any], path: str, attr: str = "id") -> list[Problem]:
    """Each item whose `attr` an earlier item already uses."""
    seen: dict[str, int] = {}
    problems = []
    for index, item in enumerate(items):
        value = getattr(item, attr)
        if value in seen:
            problems.append(
                (f"{path}[{index}].{attr}", f"{value!r} is already used by {path}[{seen[value]}]")
            )
        seen.setdefault(value, index)
    return problems


def unknown_reference(path: str, value: str, known: set[str], what: str) -> list[Problem]:
    """A problem naming the known ids if `value` is not one of them, else none."""
    if value in known:
        return []
    hint = f": use one of {', '.join(sorted(known))}" if known else ""
    return [(path, f"{value!r} is not {what}{hint}")]


def repeated_values(values: Sequence[str], path: str) -> list[Problem]:
    """Each value listed a second time."""
    return [
        (f"{path}[{i}]", f"{value!r} is listed twice")
        for i, value in enumerate(values)
        if value in values[:i]
    ]
