"""What an export holds: the parts (tables, files) and columns it takes from the register.

Pure: from the Register and plain values; labels and value types in the copy's language.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

from dsar.fulfilment import art15
from dsar.fulfilment.parts import PartWritten, PlannedPart
from dsar.register import Register
from dsar.register.datasources import Column, FileField, ManualSource, SqlSource

ColumnFilter = Callable[[Register, Any, list[str]], bool]


def plan_parts(
    register: Register, keep: ColumnFilter | None = None, *, language: str | None = None
) -> list[PlannedPart]:
    """Every table and file of the register with the columns `keep` accepts (default: all),
    labelled in `language` (default: the controller's first); the key column stays always."""
    language = language or register.controller.languages[0]
    plan = []
    for source in register.sources:
        if isinstance(source, ManualSource):
            continue
        items: list[tuple[str, Any, Sequence[Column | FileField]]]
        if isinstance(source, SqlSource):
            items = [(t.name, t, t.columns) for t in source.tables]
        else:
            items = [(source.id, source, source.fields)]
        for part, spec, columns in items:
            chosen = [
                c
                for c in columns
                if keep is None or keep(register, c, list(c.activities or spec.activities))
            ]
            if not chosen:
                continue
            if spec.key is not None and all(c.name != spec.key for c in chosen):
                chosen.insert(0, next(c for c in columns if c.name == spec.key))
            plan.append(
                PlannedPart(
                    source_id=source.id,
                    source_name=source.name,
                    source_type=source.type,
                    part=part,
                    columns=tuple(c.name for c in chosen),
                    column_info=tuple(_column_info(c, spec.activities, language) for c in chosen),
                    activities=tuple(
                        dict.fromkeys(a for c in chosen for a in (c.activities or spec.activities))
                    ),
                    label=art15.text(spec.label, language) or part,
                    source_label=art15.text(source.label, language) or source.name,
                    key=spec.key,
                )
            )
    return plan


def _column_info(
    column: Column | FileField, activities: list[str], language: str
) -> dict[str, Any]:
    info: dict[str, Any] = {
        "name": column.name,
        "label": art15.text(column.label, language) or column.name,
        "type": column.type,
        "categories": list(column.categories),
        "provided_by_you": column.provided,
        "activities": list(column.activities or activities),
    }
    if column.type == "money":
        info |= {"currency": column.currency, "scale": column.scale}
    if column.values:
        info["values"] = {
            code: art15.text(words, language) for code, words in column.values.items()
        }
    return info


def export_contents(parts: list[PartWritten], formats: Sequence[str]) -> list[dict[str, Any]]:
    """What the ZIP holds, per data part, for the letters: its files, label, rows, categories."""
    return [
        {
            "source": p.planned.source_id,
            "part": p.planned.part,
            "label": p.planned.label,
            "files": (["data.json"] if "json" in formats else [])
            + ([p.planned.filename] if "csv" in formats else []),
            "rows": p.rows,
            "categories": list(
                dict.fromkeys(c for info in p.planned.column_info for c in info["categories"])
            ),
            "columns": [info["label"] for info in p.planned.column_info],
        }
        for p in parts
        if p.rows
    ]
