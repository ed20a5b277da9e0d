"""`RegisterError` and the turning of pydantic errors into `file: field.path: what` lines."""

from __future__ import annotations

import difflib
import re
from collections.abc import Iterable
from typing import Any

from pydantic import ValidationError

from dsar.register.primitives import StrictModel


class RegisterError(Exception):
    """A register cannot be used; `problems` holds one `file: field: what` line per problem."""

    def __init__(self, problems: Iterable[str]) -> None:
        self.problems = list(problems)
        super().__init__("\n".join(self.problems))


def problem_line(label: str, path: str, message: str) -> str:
    return f"{label}: {path}: {message}" if path else f"{label}: {message}"


def validation_problems(error: ValidationError, data: Any, label: str) -> list[str]:
    """One line per pydantic error, naming the file, the dotted field path and the problem."""
    lines: list[str] = []
    for item in error.errors(include_url=False):
        line = problem_line(label, _path(item["loc"], data), _message(item))
        if line not in lines:
            lines.append(line)
    return lines


def _path(loc: tuple[Any, ...], data: Any) -> str:
    """The loc as `a[2].b`, walking the raw data to drop union tags pydantic inserts."""
    path = ""
    current = data
    last = len(loc) - 1
    for position, part in enumerate(loc):
        if isinstance(current, dict) and part not in current and part == current.get("type"):
            continue  # the tag of the sources union: sources[0] is already the place
        if isinstance(current, dict) and part in current:
            current = current[part]
        elif isinstance(current, list) and isinstance(part, int) and part < len(current):
            current = current[part]
            path += f"[{part}]"
            continue
        elif not (isinstance(current, dict) and position == last):
            continue  # a union tag such as 'sql', not a key of the data
        path += f".{part}" if path else str(part)
    return path


def _message(item: Any) -> str:
    kind, ctx, value = item["type"], item.get("ctx") or {}, item.get("input")
    if kind == "missing":
        return "is required"
    if kind == "extra_forbidden":
        field = str(item["loc"][-1])
        close = difflib.get_close_matches(field, _known_fields(), n=1)
        return "unknown field" + (f"; did you mean {close[0]!r}?" if close else "")
    if kind == "literal_error":
        return f"{value!r} is not one of {ctx['expected'].replace(' or ', ', ')}"
    if kind == "union_tag_invalid":
        return f"type {ctx['tag']!r} is not one of {ctx['expected_tags']}"
    if kind == "union_tag_not_found":
        return "needs a type: 'sql', 'file' or 'manual'"
    message = str(item["msg"]).removeprefix("Value error, ")
    message = re.sub(r"a valid dictionary or instance of \w+", "a mapping of keys", message)
    if message.startswith("Input should be"):
        message = "should be" + message.removeprefix("Input should be")
        if isinstance(value, str | int | float | bool) and len(repr(value)) < 60:
            message += f", not {value!r}"
    if item["type"] == "value_error" and "email" in message and isinstance(value, str):
        message = f"{value!r} is not a valid e-mail address: {message.split(': ', 1)[-1]}"
    return message


def _known_fields() -> set[str]:
    names: set[str] = set()
    pending = list(StrictModel.__subclasses__())
    while pending:
        cls = pending.pop()
        names.update(cls.model_fields)
        pending.extend(cls.__subclasses__())
    return names
