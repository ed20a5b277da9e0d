"""What the SQL reader and the SQL writer share: the reflected tables and a subject's criteria.

Tables are reflected from the live database after every table and column the register names
was found there; criteria are built from `Table` columns and bound values, never SQL text.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from sqlalchemy import ColumnElement, Connection, MetaData, Table, inspect, or_, select
from sqlalchemy.exc import NoSuchTableError

from dsar.register.datasources import SqlSource, SqlTable
from dsar.sources.base import RegisterMismatch, Subject

MAX_JOIN_DEPTH = 8

# Values of a join's parent column ("customers.id") found for the subject before any change:
# they still find the children after the parent's match columns were anonymised.
Anchors = Mapping[str, Sequence[Any]]


def reflect_tables(connection: Connection, source: SqlSource, where: str) -> dict[str, Table]:
    """Reflect the tables the register names; RegisterMismatch lists every name not found."""
    schema = source.db_schema
    inspector = inspect(connection)
    existing = set(inspector.get_table_names(schema=schema))
    existing |= set(inspector.get_view_names(schema=schema))
    metadata = MetaData(schema=schema)
    tables: dict[str, Table] = {}
    problems: list[str] = []
    for spec in source.tables:
        if spec.name not in existing:
            problems.append(f"table {spec.name!r} does not exist")
            continue
        try:
            tables[spec.name] = Table(spec.name, metadata, autoload_with=connection)
        except NoSuchTableError:
            problems.append(f"table {spec.name!r} does not exist")
    for spec in source.tables:  # a restriction table dsar writes marks into
        marking = spec.restriction
        if marking is None or marking.table is None or marking.table in tables:
            continue
        if marking.table not in existing:
            problems.append(f"restriction table {marking.table!r} does not exist")
            continue
        tables[marking.table] = Table(marking.table, metadata, autoload_with=connection)
        if marking.column not in {c.name for c in tables[marking.table].columns}:
            problems.append(
                f"column {marking.column!r} does not exist in restriction table {marking.table!r}"
            )
    for spec in source.tables:
        if spec.name in tables:
            problems += _column_problems(spec, tables)
    if problems:
        raise RegisterMismatch(f"{where}: " + "; ".join(problems))
    return tables


def key_columns(table: Table) -> tuple[str, ...]:
    """The primary key's columns; () for a table without one."""
    return tuple(c.name for c in table.primary_key.columns)


def table_spec(source: SqlSource, part: str) -> SqlTable:
    spec = source.table(part)
    if spec is None:
        raise RegisterMismatch(f"source {source.id}: no table {part!r} in the register")
    return spec


def subject_criteria(
    source: SqlSource,
    tables: Mapping[str, Table],
    subject: Subject,
    part: str,
    anchors: Anchors | None = None,
    depth: int = 0,
) -> ColumnElement[bool] | None:
    """Which rows of `part` are the subject's: its lookup matches, or rows joined to them."""
    if depth > MAX_JOIN_DEPTH:
        raise RegisterMismatch(f"source {source.id}: the join path of {part!r} loops")
    spec = table_spec(source, part)
    table = tables[spec.name]
    clauses: list[ColumnElement[bool]] = []
    for match in spec.lookup.match:
        values = subject.values(match.key)
        if values:
            clauses.append(table.c[match.column].in_(values))
    for name, anchor_values in (anchors or {}).items():
        anchored, column = name.split(".")
        if anchored == spec.name and anchor_values:
            clauses.append(table.c[column].in_(list(anchor_values)))
    join = spec.lookup.join
    if join is not None:
        parent_criteria = subject_criteria(source, tables, subject, join.table, anchors, depth + 1)
        if parent_criteria is not None:
            parent = tables[join.table]
            parents = select(parent.c[join.parent_column]).where(parent_criteria)
            clauses.append(table.c[join.column].in_(parents))
    return or_(*clauses) if clauses else None


def _column_problems(spec: SqlTable, tables: dict[str, Table]) -> list[str]:
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


def distinct_values(
    connection: Connection,
    table: Table,
    criteria: ColumnElement[bool],
    column: str,
    limit: int | None = None,
) -> list[Any]:
    """The distinct non-null values of `column` among the rows `criteria` selects, sorted."""
    chosen = table.c[column]
    query = select(chosen).where(criteria, chosen.is_not(None)).distinct().order_by(chosen)
    return list(connection.execute(query.limit(limit)).scalars())
