"""Checks of the restriction marks and stop rules against the table or file they are on."""

from __future__ import annotations

from typing import Any

from dsar.register.datasources import FileSource, ManualSource, SqlSource
from dsar.register.problems import Problem


def marking_problems(source: SqlSource | FileSource | ManualSource, at: str) -> list[Problem]:
    """A restriction column or stop column the register does not list, and stop rules for
    activities the table or file does not hold."""
    if isinstance(source, ManualSource):
        return []
    if isinstance(source, FileSource):
        return _container(source, source.fields, at, "fields")
    problems: list[Problem] = []
    for t, table in enumerate(source.tables):
        problems += _container(table, table.columns, f"{at}.tables[{t}]", "columns")
    return problems


def _container(container: Any, fields: Any, at: str, kind: str) -> list[Problem]:
    names = {f.name for f in fields}
    held = set(container.activities) | {a for f in fields for a in f.activities or []}
    problems: list[Problem] = []
    mark = container.restriction
    if mark is not None and mark.table is None and mark.column not in names:
        problems.append(
            (f"{at}.restriction.column", f"{mark.column!r} is not one of the {kind} listed here")
        )
    if mark is not None and mark.table is not None:
        own = getattr(container, "name", None)
        if kind == "fields":
            problems.append((f"{at}.restriction.table", "a restriction table is for SQL tables"))
        elif mark.references != f"{own}.{mark.key}" or mark.key not in names:
            problems.append(
                (
                    f"{at}.restriction.references",
                    f"must name one of this table's columns ({own}.<column>), not "
                    f"{mark.references!r}",
                )
            )
    for activity, rule in container.stop.items():
        where = f"{at}.stop[{activity!r}]"
        if activity not in held:
            problems.append((where, f"{activity!r} is not an activity held here"))
        if rule.column is not None and rule.column not in names:
            problems.append(
                (f"{where}.column", f"{rule.column!r} is not one of the {kind} listed here")
            )
    return problems
