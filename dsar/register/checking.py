"""Check a valid register against its live sources: tables, columns, indexes, files; and
review its content as a DPO would (dsar.register.review).

Only SQLAlchemy reflection is used, with the read URL; no SQL is built from register text.
"""

from __future__ import annotations

import csv
import json
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from sqlalchemy import create_engine, inspect
from sqlalchemy.engine import URL, Inspector, make_url
from sqlalchemy.exc import SQLAlchemyError

from dsar.register.datasources import FileSource, ManualSource, SqlSource, SqlTable
from dsar.register.problems import Finding
from dsar.register.review import review
from dsar.register.schema import Register


@dataclass
class CheckResult:
    """What `check_register` found; each problem is `path: what`, like validation problems;
    the review's findings carry their severity."""

    register: Register
    problems: list[str] = field(default_factory=list)
    findings: list[Finding] = field(default_factory=list)
    tables_checked: int = 0
    files_checked: int = 0
    manual_sources: int = 0

    @property
    def errors(self) -> int:
        """Source problems and review errors: each fails the check."""
        return len(self.problems) + sum(f.severity == "error" for f in self.findings)

    @property
    def warnings(self) -> int:
        return sum(f.severity == "warning" for f in self.findings)


def check_register(register: Register, *, connect_timeout: int = 5) -> CheckResult:
    """Review the register, connect to each SQL source, open each file source; report what
    does not match."""
    result = CheckResult(register, findings=review(register))
    for index, source in enumerate(register.sources):
        at = f"sources[{index}]"
        if isinstance(source, SqlSource):
            _check_sql(source, at, connect_timeout, result)
        elif isinstance(source, FileSource):
            _check_file(source, at, result)
        elif isinstance(source, ManualSource):
            result.manual_sources += 1
    return result


def safe_url(url: str) -> str:
    """The URL with its password hidden, for messages."""
    try:
        return make_url(url).render_as_string(hide_password=True)
    except Exception:  # noqa: BLE001 - a message must never fail
        return "<unparseable URL>"


def _check_sql(source: SqlSource, at: str, timeout: int, result: CheckResult) -> None:
    url = make_url(source.read_url)
    where = f"{at}.read_url"
    missing = _missing_sqlite_file(url)
    if missing:
        result.problems.append(f"{where}: cannot connect to {safe_url(source.read_url)}: {missing}")
        return
    try:
        engine = create_engine(url, connect_args=_connect_args(url, timeout))
    except (SQLAlchemyError, ImportError) as error:
        result.problems.append(f"{where}: cannot use {safe_url(source.read_url)}: {error}")
        return
    try:
        with engine.connect() as connection:
            inspector = inspect(connection)
            known = set(inspector.get_table_names(schema=source.db_schema))
            views = set(inspector.get_view_names(schema=source.db_schema))
            for t, table in enumerate(source.tables):
                tat = f"{at}.tables[{t}]"
                if table.name not in known | views:
                    result.problems.append(f"{tat}.name: table {table.name!r} does not exist")
                    continue
                _check_table(inspector, source, table, tat, table.name in views, result)
                result.tables_checked += 1
    except SQLAlchemyError as error:
        reason = _first_line(getattr(error, "orig", None) or error)
        result.problems.append(f"{where}: cannot connect to {safe_url(source.read_url)}: {reason}")
    finally:
        engine.dispose()


def _missing_sqlite_file(url: URL) -> str | None:
    # Connecting would create an empty database file; say that it is missing instead.
    database = url.database or ""
    if url.get_backend_name() != "sqlite" or database in ("", ":memory:"):
        return None
    if database.startswith("file:"):
        return None
    return None if Path(database).is_file() else f"database file {database} does not exist"


def _connect_args(url: URL, timeout: int) -> dict[str, Any]:
    backend = url.get_backend_name()
    if backend == "sqlite":
        return {"timeout": timeout}
    if backend in ("postgresql", "mysql", "mariadb"):
        return {"connect_timeout": timeout}
    return {}


def _first_line(error: object) -> str:
    text = str(error).strip()
    return text.splitlines()[0] if text else type(error).__name__


def _check_table(
    inspector: Inspector,
    source: SqlSource,
    table: SqlTable,
    at: str,
    is_view: bool,
    result: CheckResult,
) -> None:
    schema = source.db_schema
    columns = {c["name"]: c for c in inspector.get_columns(table.name, schema=schema)}
    problems = result.problems
    for c, column in enumerate(table.columns):
        if column.name not in columns:
            problems.append(
                f"{at}.columns[{c}].name: column {column.name!r} does not exist in "
                f"table {table.name!r}"
            )
        elif (
            column.erasure is not None
            and column.erasure.action == "anonymise"
            and column.erasure.value is None
            and not columns[column.name]["nullable"]
        ):
            problems.append(
                f"{at}.columns[{c}].erasure: column {column.name!r} is NOT NULL, but erasure "
                "sets it to null"
            )
    indexed = set() if is_view else _leading_index_columns(inspector, table.name, schema)
    lookups = [
        (f"{at}.lookup.match[{i}].column", m.column) for i, m in enumerate(table.lookup.match)
    ]
    for i, match in enumerate(table.lookup.match):
        if match.verifiable_by is not None and match.verifiable_by not in columns:
            problems.append(
                f"{at}.lookup.match[{i}].verifiable_by: column {match.verifiable_by!r} does not "
                f"exist in table {table.name!r}"
            )
    join = table.lookup.join
    if join is not None:
        lookups.append((f"{at}.lookup.join.column", join.column))
        parent = {c["name"] for c in inspector.get_columns(join.table, schema=schema)}
        if join.parent_column not in parent:
            problems.append(
                f"{at}.lookup.join.references: column {join.parent_column!r} does not exist in "
                f"table {join.table!r}"
            )
    for where, name in lookups:
        if name not in columns:
            problems.append(f"{where}: column {name!r} does not exist in table {table.name!r}")
        elif not is_view and name not in indexed:
            problems.append(
                f"{where}: column {name!r} of table {table.name!r} has no index: finding a "
                f"person would read the whole table; add CREATE INDEX on {table.name}({name})"
            )


def _leading_index_columns(inspector: Inspector, table: str, schema: str | None) -> set[str]:
    """Columns a lookup can use: first column of the primary key, an index or a unique key."""
    leading: set[str] = set()
    primary = inspector.get_pk_constraint(table, schema=schema).get("constrained_columns") or []
    leading.update(primary[:1])
    for index in inspector.get_indexes(table, schema=schema):
        names = [n for n in index.get("column_names") or [] if n]
        leading.update(names[:1])
    for unique in inspector.get_unique_constraints(table, schema=schema):
        leading.update((unique.get("column_names") or [])[:1])
    return leading


def _check_file(source: FileSource, at: str, result: CheckResult) -> None:
    path = Path(source.path)
    if not path.is_file():
        result.problems.append(f"{at}.path: file {path} does not exist")
        return
    try:
        names = _csv_header(path) if source.format == "csv" else _json_keys(path)
    except (OSError, UnicodeDecodeError, ValueError) as error:
        result.problems.append(f"{at}.path: cannot read {path} as {source.format}: {error}")
        return
    result.files_checked += 1
    if names is None:
        return  # an empty JSON list: nothing to compare yet
    for i, match in enumerate(source.lookup):
        if match.field not in names:
            result.problems.append(f"{at}.lookup[{i}].field: {path} has no field {match.field!r}")
    for i, item in enumerate(source.fields):
        if item.name not in names:
            result.problems.append(f"{at}.fields[{i}].name: {path} has no field {item.name!r}")


def _csv_header(path: Path) -> set[str]:
    with path.open(newline="", encoding="utf-8-sig") as handle:
        header = next(csv.reader(handle), None)
    if not header:
        raise ValueError("the file is empty: the first line must name the fields")
    return {name.strip() for name in header}


def _json_keys(path: Path) -> set[str] | None:
    data = json.loads(path.read_text(encoding="utf-8"))
    if not isinstance(data, list) or not all(isinstance(r, dict) for r in data):
        raise ValueError("the file must hold a list of objects")
    if not data:
        return None
    return {key for record in data for key in record}
