"""The statements of one batch: the next keys of the subject's rows, and what to change."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import date
from typing import Any

from sqlalchemy import (
    ColumnElement,
    Connection,
    Table,
    and_,
    bindparam,
    func,
    or_,
    select,
    tuple_,
)

from dsar.changes.keep import start_date
from dsar.changes.plan import ErasurePlan
from dsar.changes.rules import Step
from dsar.register.datasources import SqlSource
from dsar.sources.sql_schema import subject_criteria


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


def batch_bound(query: Any, key: str) -> Any:
    """How many rows the batch `query` selects, and its last key: one row to read."""
    batch = query.subquery()
    return select(func.count(), func.max(batch.c[key]))


def key_range(
    table: Table, names: Sequence[str], after: list[Any] | None, upto: list[Any]
) -> ColumnElement[bool]:
    """Rows whose key lies after `after` (None: from the start) and at most `upto`."""
    columns = [table.c[n] for n in names]
    key = columns[0] if len(columns) == 1 else tuple_(*columns)
    high = upto[0] if len(columns) == 1 else tuple_(*upto)
    if after is None:
        return key <= high
    low = after[0] if len(columns) == 1 else tuple_(*after)
    return and_(key > low, key <= high)


def in_keys(table: Table, names: Sequence[str], keys: list[list[Any]]) -> ColumnElement[bool]:
    if len(names) == 1:  # one expanding parameter: no per-value coercion while building it
        values = [k[0] for k in keys]
        return table.c[names[0]].in_(bindparam("batch_keys", values, expanding=True))
    return tuple_(*[table.c[n] for n in names]).in_([tuple(k) for k in keys])


def differs(table: Table, values: dict[str, Any]) -> ColumnElement[bool]:
    return or_(*[table.c[name].is_distinct_from(value) for name, value in values.items()])


def first_line(error: BaseException) -> str:
    lines = str(getattr(error, "orig", None) or error).strip().splitlines()
    return lines[0] if lines else type(error).__name__


def kept_children(
    connection: Connection,
    source: SqlSource,
    tables: Mapping[str, Table],
    plan: ErasurePlan,
    part: str,
    key: str,
    keys: Sequence[Any],
) -> list[tuple[Step, dict[Any, date]]]:
    """For each kept table joined to `part` by its key: the latest kept date per parent key."""
    found = []
    for other in plan.parts:
        spec = source.table(other.part)
        join = spec.lookup.join if spec is not None else None
        if join is None or join.table != part or join.parent_column != key:
            continue
        for step in other.steps:
            if step.action != "keep" or not step.date_column:
                continue
            child = tables[other.part]
            parent_key, when = child.c[join.column], child.c[step.date_column]
            query = select(parent_key, func.max(when)).where(parent_key.in_(list(keys)))
            latest = {
                row[0]: start
                for row in connection.execute(query.group_by(parent_key))
                if (start := start_date(row[1])) is not None
            }
            found.append((step, latest))
    return found


def latest_kept(
    connection: Connection, source: SqlSource, tables: Mapping[str, Table], plan: ErasurePlan,
    step: Step,
) -> date | None:  # fmt: skip
    """The latest date among the subject's rows kept, with a date, under `step`'s retention."""
    latest: list[date] = []
    for other in plan.parts:
        for s in other.steps:
            if s.action != "keep" or s.retention != step.retention or not s.date_column:
                continue
            subject = plan.the_subject()
            criteria = subject_criteria(source, tables, subject, other.part, plan.anchors)
            if criteria is not None:
                column = tables[other.part].c[s.date_column]
                value = connection.execute(select(func.max(column)).where(criteria)).scalar()
                latest += [found] if (found := start_date(value)) else []
    return max(latest, default=None)
