"""PURE: placeholders that must never reach a letter, found field by field in a register.

One home for the rule: `dsar register check` reports these findings and letters refuse to
print a field that holds one (dsar.letters.checks).
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import TYPE_CHECKING, Any

from pydantic import BaseModel

from dsar.register.primitives import Text
from dsar.register.problems import Problem

if TYPE_CHECKING:
    from dsar.register.schema import Register

# Markers a register author leaves where a fact is missing. Upper-case markers must be upper
# case ("todo" can be a word in a text); the "... in the policy" notes match in any case.
_MARKERS = re.compile(
    r"\bNOT STATED\b|\bTODO\b|\bFIXME\b|\bTBD\b|\bX{3,}\b"
    r"|(?i:\b(?:not|no\s+\w+)\s+(?:stated|named|given|specified)\s+in\s+the\s+(?:privacy\s+)?policy\b)"
    r"|(?i:\blorem\s+ipsum\b)"
)
# A postcode of zeros, optionally with the Dutch letters: "00000", "0000 AA".
_ZERO_POSTCODE = re.compile(r"0{4,}(?:\s*[A-Za-z]{2})?")
_EMAIL = re.compile(r"[\w.+-]+@([\w-]+(?:\.[\w-]+)+)")
_URL = re.compile(r"\bhttps?://([^/\s:?#]+)")
# RFC 2606 (and RFC 6761): reserved for documentation and tests, never a real controller's.
_RESERVED_TLDS = frozenset({"example", "test", "invalid", "localhost"})
_RESERVED_DOMAINS = frozenset({"example.com", "example.org", "example.net"})

# The parts of a register whose words a letter or the intake form can print.
PRINTED_PARTS = (
    "controller",
    "dpo",
    "supervisory_authority",
    "categories",
    "subject_categories",
    "recipients",
    "activities",
)


def reserved_domain(domain: str) -> bool:
    """True for a domain reserved for examples (RFC 2606): `.example`, `example.com`, ..."""
    labels = domain.lower().rstrip(".").split(".")
    return labels[-1] in _RESERVED_TLDS or ".".join(labels[-2:]) in _RESERVED_DOMAINS


def placeholder_in(value: str, *, field: str = "", fictional: bool = False) -> str | None:
    """Why `value` is a placeholder, or None; `fictional` allows example domains."""
    marker = _MARKERS.search(value)
    if marker:
        return f"holds a placeholder ({marker.group(0)!r})"
    if field == "postcode" and _ZERO_POSTCODE.fullmatch(value.strip()):
        return f"holds a placeholder postcode ({value!r})"
    if not fictional:
        for pattern in (_EMAIL, _URL):
            for match in pattern.finditer(value):
                if reserved_domain(match.group(1)):
                    return (
                        f"holds an address on a domain reserved for examples (RFC 2606): "
                        f"{match.group(0)!r}; give the real one, or set controller.fictional: "
                        "true if the controller is invented"
                    )
    return None


def placeholders(register: Register) -> list[Problem]:
    """Each printed field of `register` that holds a placeholder, as `(path, why)`."""
    fictional = register.controller.fictional
    problems = []
    for part in PRINTED_PARTS:
        for path, field, value in _strings(getattr(register, part), part):
            why = placeholder_in(value, field=field, fictional=fictional)
            if why:
                problems.append((path, why))
    return problems


def _strings(node: Any, path: str, field: str = "") -> Iterator[tuple[str, str, str]]:
    """(path, field name, value) of every string below `node`."""
    if isinstance(node, str):
        yield path, field, node
    elif isinstance(node, Text):
        for language, value in node.root.items():
            yield f"{path}.{language}", field, value
    elif isinstance(node, BaseModel):
        for name in type(node).model_fields:
            yield from _strings(getattr(node, name), f"{path}.{name}", name)
    elif isinstance(node, list):
        for index, item in enumerate(node):
            yield from _strings(item, f"{path}[{index}]", field)
