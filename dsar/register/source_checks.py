"""Checks of each source against the register: references, covered categories, erasure, joins."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from dsar.register.activities import Activity
from dsar.register.datasources import (
    EMAIL_KEY,
    Column,
    Erasure,
    FieldSpec,
    FileField,
    FileSource,
    ManualSource,
    SqlSource,
    SqlTable,
)
from dsar.register.problems import Problem, duplicates, unknown_reference
from dsar.register.schema import Register


def activities_without_source(register: Register) -> list[Problem]:
    """Each activity no source holds, so a search would never reach it."""
    held: set[str] = set()
    for source in register.sources:
        if isinstance(source, ManualSource):
            held.update(source.activities)
        else:
            for container, fields in _containers(source):
                held.update(container.activities)
                held.update(a for f in fields for a in f.activities or [])
    return [
        (f"activities[{i}]", f"{a.id!r} is held in no source: staff would never search it")
        for i, a in enumerate(register.activities)
        if a.id not in held
    ]


def _containers(source: SqlSource | FileSource) -> list[tuple[Any, Sequence[FieldSpec]]]:
    if isinstance(source, SqlSource):
        return [(table, table.columns) for table in source.tables]
    return [(source, source.fields)]


def source_problems(register: Register, source: Any, at: str) -> list[Problem]:
    """The source's broken references, uncovered categories, erasure rules and joins."""
    activities = {a.id: a for a in register.activities}
    categories = {c.id for c in register.categories}
    keys = {EMAIL_KEY} | {k.id for k in register.lookup_keys}
    if isinstance(source, ManualSource):
        typed = keys - {EMAIL_KEY}
        return _holds(at, source.activities, source.categories, activities, categories) + [
            problem
            for i, key in enumerate(source.verifiable)
            for problem in unknown_reference(
                f"{at}.verifiable[{i}]", key, typed, "a lookup_keys id"
            )
        ]
    problems: list[Problem] = []
    if isinstance(source, FileSource):
        problems += duplicates(source.fields, f"{at}.fields", "name")
        for i, match in enumerate(source.lookup):
            problems += unknown_reference(
                f"{at}.lookup[{i}].key", match.key, keys, "email or a lookup_keys id"
            )
        problems += _container(at, source, source.fields, "fields", activities, categories)
        return problems + _disclosures(register, source, source.fields, at)
    problems += duplicates(source.tables, f"{at}.tables", "name")
    for t, table in enumerate(source.tables):
        tat = f"{at}.tables[{t}]"
        problems += duplicates(table.columns, f"{tat}.columns", "name")
        for i, match in enumerate(table.lookup.match):
            problems += unknown_reference(
                f"{tat}.lookup.match[{i}].key", match.key, keys, "email or a lookup_keys id"
            )
            if match.verifiable_by is not None and table.column(match.verifiable_by) is None:
                problems.append(
                    (
                        f"{tat}.lookup.match[{i}].verifiable_by",
                        f"{match.verifiable_by!r} is not one of the table's columns",
                    )
                )
        problems += _container(tat, table, table.columns, "columns", activities, categories)
        problems += _disclosures(register, table, table.columns, tat)
    problems += _join_problems(source, at)
    return problems


def _holds(
    at: str,
    used: Sequence[str],
    cats: Sequence[str],
    activities: dict[str, Activity],
    categories: set[str],
) -> list[Problem]:
    """Activity and category references of one place, and categories its activities cover."""
    return _activity_refs(at, used, activities) + _covered(at, used, cats, activities, categories)


def _activity_refs(at: str, used: Sequence[str], activities: dict[str, Activity]) -> list[Problem]:
    problems: list[Problem] = []
    for i, activity_id in enumerate(used):
        problems += unknown_reference(
            f"{at}.activities[{i}]", activity_id, set(activities), "an activity id"
        )
    return problems


def _covered(
    at: str,
    used: Sequence[str],
    cats: Sequence[str],
    activities: dict[str, Activity],
    categories: set[str],
) -> list[Problem]:
    problems: list[Problem] = []
    covered = {c for a in used if a in activities for c in activities[a].data_categories}
    for i, cat in enumerate(cats):
        if cat not in categories:
            problems += unknown_reference(f"{at}.categories[{i}]", cat, categories, "a category id")
        elif cat not in covered:
            problems.append(
                (f"{at}.categories[{i}]", f"{cat!r} is in no data_categories of {_list(used)}")
            )
    return problems


def _list(ids: Sequence[str]) -> str:
    return ", ".join(ids) if ids else "no activity"


def _container(
    at: str,
    container: SqlTable | FileSource,
    fields: Sequence[Column | FileField],
    kind: str,
    activities: dict[str, Activity],
    categories: set[str],
) -> list[Problem]:
    problems = _activity_refs(at, container.activities, activities)
    names = {f.name for f in fields}
    problems += _erasure(f"{at}.erasure", container.erasure, container.activities, names, "table")
    level = container.erasure.action
    for i, field in enumerate(fields):
        fat = f"{at}.{kind}[{i}]"
        used = field.activities if field.activities is not None else container.activities
        problems += _activity_refs(fat, field.activities or [], activities)
        problems += _covered(fat, used, field.categories, activities, categories)
        if field.erasure is None:
            if level == "anonymise" and field.categories:
                problems.append(
                    (
                        f"{fat}.erasure",
                        "holds personal data but says nothing on erasure; the "
                        "table anonymises column by column",
                    )
                )
            continue
        if level == "delete":
            problems.append(
                (f"{fat}.erasure", "has no effect: the rows are deleted (erasure: delete)")
            )
            continue
        problems += _erasure(f"{fat}.erasure", field.erasure, used, names, "column")
    return problems


def _disclosures(
    register: Register,
    container: SqlTable | FileSource,
    fields: Sequence[Column | FileField],
    at: str,
) -> list[Problem]:
    """Recipients named by `disclosures` exist; its column is one the search reads."""
    disclosures = container.disclosures
    if disclosures is None:
        return []
    at = f"{at}.disclosures"
    recipients = {r.id for r in register.recipients}
    problems: list[Problem] = []
    for i, recipient in enumerate(disclosures.to):
        problems += unknown_reference(f"{at}.to[{i}]", recipient, recipients, "a recipients id")
    for value, recipient in disclosures.values.items():
        problems += unknown_reference(
            f"{at}.values[{value!r}]", recipient, recipients, "a recipients id"
        )
    if disclosures.column is not None and disclosures.column not in {f.name for f in fields}:
        problems.append(
            (f"{at}.column", f"{disclosures.column!r} is not one of the declared columns")
        )
    return problems


def _erasure(
    at: str, erasure: Erasure, used: Sequence[str], names: set[str], level: str
) -> list[Problem]:
    problems: list[Problem] = []
    has_value = "value" in erasure.model_fields_set
    if level == "column" and erasure.action == "delete":
        problems.append((f"{at}.action", "delete removes rows: use anonymise with value: null"))
    if erasure.action == "anonymise" and level == "column" and not has_value:
        problems.append((at, "anonymise needs a value (value: null empties the column)"))
    if erasure.action == "anonymise" and level == "table" and has_value:
        problems.append((f"{at}.value", "give anonymise values on the columns, not the table"))
    if erasure.retention is not None and erasure.retention not in used:
        problems.append((f"{at}.retention", f"{erasure.retention!r} is not one of {_list(used)}"))
    if erasure.date_column is not None and erasure.date_column not in names:
        problems.append(
            (f"{at}.date_column", f"{erasure.date_column!r} is not one of the declared columns")
        )
    return problems


def _join_problems(source: SqlSource, at: str) -> list[Problem]:
    tables = {t.name: t for t in source.tables}
    problems: list[Problem] = []
    for t, table in enumerate(source.tables):
        join = table.lookup.join
        if join is None:
            continue
        jat = f"{at}.tables[{t}].lookup.join.references"
        if join.table == table.name:
            problems.append((jat, "a table cannot join itself"))
        elif join.table not in tables:
            problems.append((jat, f"table {join.table!r} is not declared in this source"))
        elif _loops(table, tables):
            problems.append(
                (
                    jat,
                    f"the join path from {table.name!r} never reaches a table "
                    "with a match (it loops)",
                )
            )
    return problems


def _loops(table: SqlTable, tables: dict[str, SqlTable]) -> bool:
    """Whether following joins from `table` comes back round before reaching a match."""
    seen: set[str] = set()
    current: SqlTable | None = table
    while current is not None and not current.lookup.match:
        if current.name in seen:
            return True
        seen.add(current.name)
        join = current.lookup.join
        current = tables.get(join.table) if join else None
    return False  # reached a match, or a table reported as undeclared
