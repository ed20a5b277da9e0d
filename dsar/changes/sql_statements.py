"""The statements of one batch: the next keys of the subject's rows, and what to change."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from sqlalchemy import ColumnElement, Table, or_, select, tuple_

from dsar.changes.rules import Step


def batch_query(
    table: Table,
    names: Sequence[str],
    criteria: ColumnElement[bool],
    step: Step,
    last: list[Any] | None,
    size: int,
) -> Any:
    columns = [table.c[n] for n in names]
    chosen = columns + (
        [table.c[step.date_column]] if step.action == "keep" and step.date_column else []
    )
    query = select(*chosen).where(criteria)
    if last is not None:  # deleted rows are gone anyway; the bound makes every run end
        query = query.where(
            columns[0] > last[0] if len(columns) == 1 else tuple_(*columns) > tuple_(*last)
        )
    return query.order_by(*columns).limit(size)


def in_keys(table: Table, names: Sequence[str], keys: list[list[Any]]) -> ColumnElement[bool]:
    if len(names) == 1:
        return table.c[names[0]].in_([k[0] for k in keys])
    return tuple_(*[table.c[n] for n in names]).in_([tuple(k) for k in keys])


def differs(table: Table, values: dict[str, Any]) -> ColumnElement[bool]:
    return or_(*[table.c[name].is_distinct_from(value) for name, value in values.items()])


def first_line(error: BaseException) -> str:
    lines = str(getattr(error, "orig", None) or error).strip().splitlines()
    return lines[0] if lines else type(error).__name__
