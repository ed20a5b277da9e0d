"""Reading back what an erasure did, and tallying it into the part reports."""

from __future__ import annotations

from collections.abc import Mapping, Sequence

from sqlalchemy import ColumnElement, Connection, Table, and_, func, or_, select

from dsar.changes.rules import Step
from dsar.changes.run import PartReport
from dsar.register.datasources import SqlSource


def count_left(
    connection: Connection,
    table: Table,
    criteria: ColumnElement[bool] | None,
    steps: Sequence[Step],
    tables: Mapping[str, Table] | None = None,
) -> list[str]:
    """What is still there that the steps should have removed or replaced, as reasons."""
    if criteria is None:
        return []
    problems = []
    for step in steps:
        if step.action == "delete":
            where = criteria
        elif step.action in ("anonymise", "set"):
            differs = [table.c[c].is_distinct_from(v) for c, v in step.values.items()]
            where = and_(criteria, or_(*differs))
        elif step.action in ("insert", "unmark"):
            name, column = (step.target or ".").split(".")
            marks = (tables or {})[name]
            marked = select(marks.c[column]).where(marks.c[column] == table.c[step.columns[0]])
            found = marked.exists()
            where = and_(criteria, ~found if step.action == "insert" else found)
        else:
            continue
        left = connection.execute(select(func.count()).select_from(table).where(where)).scalar()
        if left:
            problems.append(
                f"verify: {left} rows of {table.name} still hold what {step.rule} erases"
            )
    return problems


def tally(report: PartReport, step: Step, rows: int) -> None:
    """Count a step's rows (across every run of it) into the part's report."""
    if step.action == "delete":
        report.removed += rows
    elif step.action == "anonymise":
        report.anonymised += rows
    elif step.action in ("set", "insert", "unmark"):
        report.marked += rows
    else:
        report.kept = max(report.kept, rows)


def failed_below(source: SqlSource, part: str, reports: Sequence[PartReport]) -> str | None:
    """A table found through `part` (directly or further down) whose erasure failed, if any."""
    failed = {r.part for r in reports if r.failed}
    for name in failed:
        current = source.table(name)
        seen = 0
        while current is not None and current.lookup.join is not None and seen < 16:
            if current.lookup.join.table == part:
                return name
            current, seen = source.table(current.lookup.join.table), seen + 1
    return None
