"""Where a subject's rows went: the distinct values of a table's disclosure column."""

from __future__ import annotations

from typing import Any

from sqlalchemy import Connection, Select, select

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
