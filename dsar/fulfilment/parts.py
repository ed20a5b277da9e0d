"""The parts of an export as the writer plans and writes them: plain values, no database."""

from __future__ import annotations

from collections import Counter
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any


@dataclass(frozen=True)
class PlannedPart:
    """One table or file to export: which of its columns, with their categories."""

    source_id: str
    source_name: str
    source_type: str
    part: str
    columns: tuple[str, ...]
    column_info: tuple[dict[str, Any], ...]  # name, label, type, categories, provided, ...
    activities: tuple[str, ...]
    label: str = ""  # the table or file for people, in the copy's language
    source_label: str = ""
    key: str | None = None  # the column that tells rows apart for people (an order number)

    @property
    def filename(self) -> str:
        return f"{self.source_id}/{self.part}.csv"

    def column_label(self, name: str) -> str:
        """The label of column `name` (its name when the register gives none)."""
        info = next((c for c in self.column_info if c["name"] == name), None)
        return str((info or {}).get("label") or name)

    @property
    def headers(self) -> list[str]:
        """The CSV header: each column's label, with its name where two labels are the same."""
        labels = [str(c.get("label") or c["name"]) for c in self.column_info]
        return [
            f"{label} ({c['name']})" if labels.count(label) > 1 else label
            for label, c in zip(labels, self.column_info, strict=True)
        ]


@dataclass(frozen=True)
class Excluded:
    """What staff left out, per (source, part): row key -> reason code, and row key -> field
    -> reason code."""

    rows: Mapping[tuple[str, str], Mapping[str, str]] = field(default_factory=dict)
    fields: Mapping[tuple[str, str], Mapping[str, Mapping[str, str]]] = field(default_factory=dict)


@dataclass
class PartWritten:
    planned: PlannedPart
    rows: int = 0
    excluded: int = 0
    excluded_fields: int = 0
    reasons: Counter[tuple[str, str]] = field(default_factory=Counter)  # (field or "", reason)
    html_rows: list[list[Any]] = field(default_factory=list)


class _Withheld:
    """A field left out: index.html says so; the CSV cell is empty and data.json has no key."""


WITHHELD = _Withheld()


def exclusion_summary(parts: list[PartWritten]) -> list[dict[str, Any]]:
    """Each exclusion by file, what (a row, or a field's name), reason and count: no content."""
    return [
        {
            "source": p.planned.source_id,
            "part": p.planned.part,
            "field": name or None,
            "reason": reason,
            "count": count,
        }
        for p in parts
        for (name, reason), count in sorted(p.reasons.items())
    ]
