"""A rectification's plan: each item the subject gave, mapped by staff to a register column and
rows, with the values there before (read now, through the read connection) and the new value
checked against the column. Reads only.

Only a column the register lists with personal-data categories can be mapped; anything else
is refused (RegisterMismatch) before a value is read. A SQL source without `write_url`, or a
manual source, makes the item a step done by hand, which staff record.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import String

from dsar.changes.plan import anchor_columns
from dsar.changes.rectification_values import InvalidValue, LiveColumn, parse_value, shown
from dsar.core.words import N_, said_of
from dsar.register import Register
from dsar.register.datasources import (
    Column,
    FieldSpec,
    FileField,
    FileSource,
    ManualSource,
    SqlSource,
)
from dsar.register.disclosures import Disclosures
from dsar.sources import Connector, RegisterMismatch, SqlConnector, Subject

ConnectorFactory = Callable[[SqlSource | FileSource | ManualSource], Connector | None]
MAX_ROWS = 200  # the subject's rows read per table for the page; a rectification names fewer
MAX_BEFORE = 20  # distinct values before kept per item


@dataclass
class Candidate:
    """A column the subject has rows in, offered for an item: `target` is source|part|column."""

    target: str
    where: str  # for people: "Shop database · Customer account · Last name"
    current: list[str]  # the values there now, as people read them
    keys: list[str] = field(default_factory=list)  # the rows' register keys (one row's choice)


@dataclass(frozen=True)
class ItemMapping:
    """Staff's choice for one of the subject's items: where, which rows ("": all), the value."""

    index: int
    target: str  # source|part|column, or source for a manual source
    row: str
    value: str


class PlanRefused(Exception):
    """Some items cannot be planned; `errors` gives each item's reason by its index."""

    def __init__(self, errors: dict[int, str]) -> None:
        self.errors = errors
        super().__init__("; ".join(f"item {i + 1}: {why}" for i, why in sorted(errors.items())))


def field_spec(source: SqlSource | FileSource, part: str, column: str) -> FieldSpec:
    """The register's column; RegisterMismatch unless it is listed with categories."""
    if isinstance(source, SqlSource):
        table = source.table(part)
        if table is None:
            raise RegisterMismatch(
                N_(
                    "source %(source)s: no table %(part)r in the register",
                    source=source.id,
                    part=part,
                )
            )
        spec: FieldSpec | None = table.column(column)
    else:
        if part != source.id:
            raise RegisterMismatch(
                N_(
                    "source %(source)s: no part %(part)r in the register",
                    source=source.id,
                    part=part,
                )
            )
        spec = next((f for f in source.fields if f.name == column), None)
    if spec is None:
        raise RegisterMismatch(
            N_(
                "column %(column)s is not in the register (%(source)s)",
                column=f"{part}.{column}",
                source=source.id,
            )
        )
    if not spec.categories:
        raise RegisterMismatch(
            N_(
                "column %(column)s holds no personal-data category in the register: "
                "only those are rectified",
                column=f"{part}.{column}",
            )
        )
    return spec


def row_key(source: SqlSource | FileSource, part: str) -> str | None:
    """The register's `key` of a table or file: what tells one of the subject's rows apart."""
    if isinstance(source, FileSource):
        return source.key
    table = source.table(part)
    return table.key if table is not None else None


def candidates(
    register: Register, subject: Subject, connectors: Callable[[Any], Connector | None], lang: str
) -> list[Candidate]:
    """Every rectifiable column where the subject has rows, with the values there now."""
    found: list[Candidate] = []
    fallback = register.controller.languages[0]
    for source in register.sources:
        if isinstance(source, ManualSource):
            continue
        connector = connectors(source)
        assert connector is not None
        try:
            for part, part_label, columns in _parts(source, lang, fallback):
                rows = _read(connector, subject, part)
                if not rows:
                    continue
                key = row_key(source, part)
                keys = [str(r.get(key)) for r in rows] if key else []
                for column in (c for c in columns if c.categories):
                    label = column.label.get(lang, fallback) if column.label else column.name
                    values = dict.fromkeys(shown(column, r.get(column.name)) for r in rows)
                    where = f"{_name(source, lang, fallback)} · {part_label} · {label}"
                    target = f"{source.id}|{part}|{column.name}"
                    found.append(Candidate(target, where, list(values)[:MAX_BEFORE], keys))
        finally:
            connector.close()
    return found


def plan_items(
    register: Register,
    subject: Subject,
    items: Sequence[dict[str, str]],
    mappings: Sequence[ItemMapping],
    connectors: ConnectorFactory,
) -> tuple[list[dict[str, Any]], dict[str, dict[str, list[Any]]]]:
    """The planned items with their values before, and each SQL source's anchors (the join
    keys of the subject's rows, which still find them after a lookup column changed).

    PlanRefused gives every item's reason: a wrong target, a value of the wrong type."""
    planned: list[dict[str, Any]] = []
    errors: dict[int, str] = {}
    anchors: dict[str, dict[str, list[Any]]] = {}
    for mapping in mappings:
        if not 0 <= mapping.index < len(items):
            errors[mapping.index] = N_("the subject gave no such item")
            continue
        try:
            planned.append(_plan_one(register, subject, items[mapping.index], mapping, connectors))
        except (RegisterMismatch, InvalidValue) as error:
            errors[mapping.index] = said_of(error) or str(error)
    if not planned and not errors:
        errors[-1] = N_("map at least one of the subject's items to where it is wrong")
    if errors:
        raise PlanRefused(errors)
    for source_id in dict.fromkeys(i["source"] for i in planned if i["how"] == "sql"):
        source = register.source(source_id)
        assert isinstance(source, SqlSource)
        connector = connectors(source)
        distinct = getattr(connector, "distinct_values", None)
        try:
            anchors[source_id] = {
                f"{t}.{c}": list(distinct(subject, t, c))
                for t, c in anchor_columns(source)
                if distinct is not None
            }
        finally:
            if connector is not None:
                connector.close()
    return planned, anchors


def _plan_one(
    register: Register,
    subject: Subject,
    item: dict[str, str],
    mapping: ItemMapping,
    connectors: ConnectorFactory,
) -> dict[str, Any]:
    source_id, _, rest = mapping.target.partition("|")
    source = register.source(source_id)
    base = {"index": mapping.index, "wrong": item.get("wrong", ""), "correct": item.get("correct"),
            "typed": mapping.value.strip(), "added": bool(item.get("added"))}  # fmt: skip
    if isinstance(source, ManualSource):
        return {**base, "source": source.id, "part": None, "column": None, "row": None,
                "key_column": None, "before": [], "rows": None, "value": mapping.value.strip(),
                "how": "by_hand", "recipients": []}  # fmt: skip
    if source is None:
        raise RegisterMismatch(N_("source %(source)r is not in the register", source=source_id))
    part, _, column = rest.partition("|")
    spec = field_spec(source, part, column)
    key = row_key(source, part)
    row = mapping.row.strip() or None
    if row is not None and key is None:
        raise RegisterMismatch(
            N_("%(part)s has no key in the register: rectify all the rows", part=part)
        )
    connector = connectors(source)
    assert connector is not None
    try:
        live = (
            _live(connector.table(part).c[column]) if isinstance(connector, SqlConnector) else None
        )
        value = parse_value(f"{part}.{column}", spec, mapping.value, live)
        rows = [r for r in _read(connector, subject, part) if row is None or _is_row(r, key, row)]
    finally:
        connector.close()
    if not rows:
        raise RegisterMismatch(
            N_("the subject has no row %(row)r in %(part)s", row=row, part=part)
            if row
            else N_("the subject has no rows in %(part)s", part=part)
        )
    writable = isinstance(source, FileSource) or bool(source.write_url)
    before = list(dict.fromkeys(r.get(column) for r in rows))[:MAX_BEFORE]
    return {
        **base, "source": source.id, "part": part, "column": column, "row": row,
        "key_column": key, "before": before, "rows": len(rows), "value": value,
        "shown": {"before": [shown(spec, v) for v in before], "after": shown(spec, value)},
        "how": ("sql" if isinstance(source, SqlSource) else "file") if writable else "by_hand",
        "recipients": _recipients(source_disclosures(source, part), rows),
    }  # fmt: skip


def _is_row(row: dict[str, Any], key: str | None, value: str) -> bool:
    return key is not None and str(row.get(key)) == value


def source_disclosures(source: SqlSource | FileSource, part: str) -> Disclosures | None:
    if isinstance(source, FileSource):
        return source.disclosures
    table = source.table(part)
    return table.disclosures if table is not None else None


def _recipients(disclosures: Disclosures | None, rows: list[dict[str, Any]]) -> list[str]:
    """The register recipients the rows went to (dsar.register.datasources.Disclosures)."""
    if disclosures is None:
        return []
    column = disclosures.column
    return disclosures.recipients(r.get(column) for r in rows if column)[0]


def _live(column: Any) -> LiveColumn:
    length = column.type.length if isinstance(column.type, String) else None
    return LiveColumn(length, bool(column.nullable))


def _read(connector: Connector, subject: Subject, part: str) -> list[dict[str, Any]]:
    return connector.page(subject, part, 0, MAX_ROWS)


def _parts(
    source: SqlSource | FileSource, lang: str, fallback: str
) -> list[tuple[str, str, list[Column | FileField]]]:
    """(part, its name for people, its columns) of a source."""
    if isinstance(source, FileSource):
        return [(source.id, _name(source, lang, fallback), list(source.fields))]
    return [
        (t.name, (t.label.get(lang, fallback) if t.label else None) or t.name, list(t.columns))
        for t in source.tables
    ]


def _name(source: SqlSource | FileSource, lang: str, fallback: str) -> str:
    return (source.label.get(lang, fallback) if source.label else None) or source.name
