"""The statements of one batch: the next keys of the subject's rows, and what to change."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import date
from typing import Any

from sqlalchemy import (
    ColumnElement,
    Connection,
    Table,
    bindparam,
    delete,
    func,
    insert,
    or_,
    select,
    tuple_,
    update,
)

from dsar.changes.keep import start_date
from dsar.changes.plan import ErasurePlan
from dsar.changes.rules import Step
from dsar.register.datasources import SqlSource
from dsar.sources.sql_schema import subject_criteria


@dataclass(frozen=True)
class BatchStatements:
    """A step's statements, built once and run with parameters for every batch: reading the
    next batch and changing it, from the start or after a key (`after_<i>`, `upto_<i>`).

    Built once, SQLAlchemy reuses their cache keys: built per batch, dsar's CPU time on SQLite
    was 2.3x the hand-written batches' instead of 1.5x (BENCHMARKS.md, erasure)."""

    read_first: Any
    read_after: Any
    change_first: Any | None  # None: keep changes nothing
    change_after: Any | None
    bound_only: bool  # read gives (row count, last key), not the rows


def batch_statements(
    table: Table,
    names: Sequence[str],
    criteria: ColumnElement[bool],
    step: Step,
    size: int,
    tables: Mapping[str, Table] | None = None,
) -> BatchStatements:
    """SELECT the next `size` keys of the subject's rows; DELETE or UPDATE them by key range
    and criteria (an update only where a value still differs)."""
    columns = [table.c[n] for n in names]
    key = columns[0] if len(columns) == 1 else tuple_(*columns)

    def bound(prefix: str) -> Any:
        values = [bindparam(f"{prefix}_{i}", type_=c.type) for i, c in enumerate(columns)]
        return values[0] if len(values) == 1 else tuple_(*values)

    after, upto = key > bound("after"), key <= bound("upto")
    dated = [table.c[step.date_column]] if step.action == "keep" and step.date_column else []
    bound_only = len(columns) == 1 and step.action != "keep"

    def read(lower: list[Any]) -> Any:
        query = select(*columns, *dated).where(criteria, *lower).order_by(*columns).limit(size)
        if not bound_only:
            return query
        batch = query.subquery()  # only its size and last key: one row to read, not 1,000
        return select(func.count(), func.max(batch.c[names[0]]))

    def change(lower: list[Any]) -> Any | None:
        if step.action == "keep":
            return None
        if step.action == "delete":
            return delete(table).where(*lower, upto, criteria)
        if step.action in ("insert", "unmark"):
            marks, column, own = restriction_table(table, step, tables or {})
            chosen = select(own).where(*lower, upto, criteria)
            if step.action == "unmark":
                return delete(marks).where(column.in_(chosen))
            missing = ~select(column).where(column == own).exists()
            # RETURNING counts the rows added: psycopg reports no rowcount for INSERT ... SELECT
            added = insert(marks).from_select([column.name], chosen.where(missing))
            return added.returning(column)
        where = (*lower, upto, criteria, differs(table, step.values))
        return update(table).where(*where).values(step.values)

    return BatchStatements(read([]), read([after]), change([]), change([after]), bound_only)


def restriction_table(
    table: Table, step: Step, tables: Mapping[str, Table]
) -> tuple[Table, Any, Any]:
    """A restriction table's step: that table, its column, and the marked table's key column."""
    name, column = (step.target or ".").split(".")
    marks = tables[name]
    return marks, marks.c[column], table.c[step.columns[0]]


def key_params(prefix: str, values: Sequence[Any]) -> dict[str, Any]:
    return {f"{prefix}_{i}": value for i, value in enumerate(values)}


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
