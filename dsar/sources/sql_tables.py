"""The register's tables in a live database: names the register gives that the database lacks,
and where a subject's rows went (the distinct values of a table's disclosure column)."""

from __future__ import annotations

from typing import Any

from sqlalchemy import Connection, Select, Table, select

from dsar.register.datasources import SqlTable
from dsar.sources.base import MAX_DISCLOSED


def disclosed_values(connection: Connection, spec: SqlTable, query: Select[Any]) -> tuple[str, ...]:
    """Distinct values of the table's disclosure column among the subject's rows (`query`)."""
    column = spec.disclosures.column if spec.disclosures else None
    if column is None:
        return ()
    rows = query.order_by(None).subquery()
    values = connection.execute(
        select(rows.c[column]).where(rows.c[column].is_not(None)).distinct().limit(MAX_DISCLOSED)
    ).scalars()
    return tuple(sorted({str(v).strip() for v in values if str(v).strip()}))


def column_problems(spec: SqlTable, tables: dict[str, Table]) -> list[str]:
    table = tables[spec.name]
    named = [c.name for c in spec.columns] + [m.column for m in spec.lookup.match]
    problems = [
        f"column {name!r} does not exist in table {spec.name!r}"
        for name in dict.fromkeys(named)
        if name not in table.c
    ]
    join = spec.lookup.join
    if join is not None:
        if join.column not in table.c:
            problems.append(f"column {join.column!r} does not exist in table {spec.name!r}")
        parent = tables.get(join.table)
        if parent is None:
            problems.append(f"join of {spec.name!r}: table {join.table!r} is not in this source")
        elif join.parent_column not in parent.c:
            problems.append(f"column {join.parent_column!r} does not exist in table {join.table!r}")
    return problems
