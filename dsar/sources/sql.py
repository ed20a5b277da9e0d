"""SQL sources: find a subject's rows through SQLAlchemy, read-only, streamed.

Every statement is built with `select()` from `Table` objects reflected from the live database,
after each table and column the register names was found there; values are bound parameters.
No SQL text is ever formatted from register or request values.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any
from urllib.parse import quote

from sqlalchemy import Connection, Engine, Select, Table, create_engine, func, select
from sqlalchemy.engine import URL, make_url
from sqlalchemy.exc import DBAPIError, OperationalError, SQLAlchemyError

from dsar.register.checking import safe_url
from dsar.register.datasources import SqlSource, SqlTable
from dsar.sources.base import (
    MAX_DISCLOSED,
    ClaimCheck,
    PartFound,
    PartSpec,
    SourceUnreachable,
    Subject,
)
from dsar.sources.base import jsonable as _jsonable
from dsar.sources.sql_schema import (
    distinct_values,
    key_columns,
    reflect_tables,
    subject_criteria,
    table_spec,
)

STREAM_BATCH = 1000


class SqlConnector:
    """One SQL source of a register; the engine and the reflected schema are made on first use."""

    def __init__(self, source: SqlSource, *, connect_timeout: int = 5) -> None:
        self.source = source
        self.source_id = source.id
        self._timeout = connect_timeout
        self._engine: Engine | None = None
        self._tables: dict[str, Table] | None = None

    def parts(self) -> list[PartSpec]:
        return [PartSpec(t.name, tuple(c.name for c in t.columns)) for t in self.source.tables]

    def search(self, subject: Subject, sample_size: int) -> list[PartFound]:
        found = []
        with self._connect() as connection:
            tables = self._checked_tables(connection)
            for spec in self.source.tables:
                columns = [c.name for c in spec.columns]
                keys = self._key_columns(tables[spec.name])
                query = self.statement(subject, spec.name)
                if query is None:
                    found.append(PartFound(spec.name, columns, 0, [], keys))
                    continue
                count = connection.execute(
                    select(func.count()).select_from(query.order_by(None).subquery())
                ).scalar_one()
                sample = [
                    {k: _jsonable(v) for k, v in row.items()}
                    for row in connection.execute(query.limit(sample_size)).mappings()
                ]
                disclosed = self._disclosed(connection, tables, subject, spec) if count else ()
                found.append(PartFound(spec.name, columns, count, sample, keys, disclosed))
        return found

    def rows(self, subject: Subject, part: str) -> Iterator[dict[str, Any]]:
        with self._connect() as connection:
            self._checked_tables(connection)
            query = self.statement(subject, part)
            if query is None:
                return
            result = connection.execution_options(
                stream_results=True, yield_per=STREAM_BATCH
            ).execute(query)
            for row in result.mappings():
                yield {k: _jsonable(v) for k, v in row.items()}

    def page(self, subject: Subject, part: str, offset: int, limit: int) -> list[dict[str, Any]]:
        with self._connect() as connection:
            self._checked_tables(connection)
            query = self.statement(subject, part)
            if query is None:
                return []
            result = connection.execute(query.offset(offset).limit(limit)).mappings()
            return [{k: _jsonable(v) for k, v in row.items()} for row in result]

    def claim_check(self, key: str, value: str) -> ClaimCheck:
        """Who the rows found by a typed key belong to: their count and e-mails on file."""
        rows, contacts, checkable = 0, set[str](), True
        with self._connect() as connection:
            tables = self._checked_tables(connection)
            for spec in self.source.tables:
                for match in (m for m in spec.lookup.match if m.key == key):
                    table = tables[spec.name]
                    where = table.c[match.column] == value
                    rows += connection.execute(
                        select(func.count()).select_from(table).where(where)
                    ).scalar_one()
                    if match.verifiable_by is None:
                        checkable = False
                        continue
                    column = table.c[match.verifiable_by]
                    found = connection.execute(select(column).where(where).distinct().limit(20))
                    contacts |= {str(v).strip() for v in found.scalars() if v not in (None, "")}
        return ClaimCheck(rows, frozenset(contacts), checkable)

    def values_of(self, part: str, column: str) -> Iterator[Any]:
        """Each distinct non-null value of `column` in `part`, streamed (finds erased subjects)."""
        with self._connect() as connection:
            table = self._checked_tables(connection)[self._spec(part).name]
            query = select(table.c[column]).where(table.c[column].is_not(None)).distinct()
            streamed = connection.execution_options(stream_results=True, yield_per=STREAM_BATCH)
            yield from streamed.execute(query).scalars()

    def distinct_values(self, subject: Subject, part: str, column: str) -> list[Any]:
        """The distinct values of `column` among the subject's rows of `part` (a join's key)."""
        with self._connect() as connection:
            tables = self._checked_tables(connection)
            criteria = subject_criteria(self.source, tables, subject, part)
            if criteria is None:
                return []
            return distinct_values(connection, tables[part], criteria, column)

    def _disclosed(
        self, connection: Connection, tables: dict[str, Table], subject: Subject, spec: SqlTable
    ) -> tuple[str, ...]:
        """Where the subject's rows went: the values of the register's disclosure column."""
        column = spec.disclosures.column if spec.disclosures else None
        criteria = subject_criteria(self.source, tables, subject, spec.name)
        if column is None or criteria is None:
            return ()
        values = distinct_values(connection, tables[spec.name], criteria, column, MAX_DISCLOSED)
        return tuple(sorted({str(v).strip() for v in values if str(v).strip()}))

    def table(self, part: str) -> Table:
        """The reflected table of `part` (its live columns' types, lengths, NOT NULL)."""
        with self._connect() as connection:
            return self._checked_tables(connection)[self._spec(part).name]

    def key_columns(self, part: str) -> tuple[str, ...]:
        if self._tables is None:
            with self._connect() as connection:
                self._checked_tables(connection)
        assert self._tables is not None
        return self._key_columns(self._tables[part])

    def statement(self, subject: Subject, part: str) -> Select[Any] | None:
        """The SELECT of the subject's rows of `part`, or None when no lookup key applies."""
        if self._tables is None:
            raise RuntimeError("reflect the schema first (search or rows)")
        spec = self._spec(part)
        table = self._tables[spec.name]
        criteria = subject_criteria(self.source, self._tables, subject, spec.name)
        if criteria is None:
            return None
        order = [table.c[name] for name in self._key_columns(table)] or [
            table.c[c.name] for c in spec.columns
        ]
        return select(*[table.c[c.name] for c in spec.columns]).where(criteria).order_by(*order)

    def close(self) -> None:
        if self._engine is not None:
            self._engine.dispose()
            self._engine = None

    def _spec(self, part: str) -> SqlTable:
        return table_spec(self.source, part)

    @staticmethod
    def _key_columns(table: Table) -> tuple[str, ...]:
        return key_columns(table)

    def _get_engine(self) -> Engine:
        if self._engine is None:
            url = _read_only_url(make_url(self.source.read_url))
            connect_args: dict[str, Any] = {}
            backend = url.get_backend_name()
            if backend == "sqlite":
                connect_args["timeout"] = self._timeout
            elif backend in ("postgresql", "mysql", "mariadb"):
                connect_args["connect_timeout"] = self._timeout
            try:
                self._engine = create_engine(url, connect_args=connect_args)
            except (SQLAlchemyError, ImportError) as error:
                raise SourceUnreachable(self._describe(error)) from None
        return self._engine

    @contextmanager
    def _connect(self) -> Iterator[Connection]:
        self._missing_file_check()
        try:
            connection = self._get_engine().connect()
        except SQLAlchemyError as error:
            raise SourceUnreachable(self._describe(error)) from None
        try:
            if connection.dialect.name == "postgresql":
                connection = connection.execution_options(postgresql_readonly=True)
            yield connection
        except DBAPIError as error:
            if error.connection_invalidated or isinstance(error, OperationalError):
                raise SourceUnreachable(self._describe(error)) from None
            raise
        finally:
            connection.close()

    def _checked_tables(self, connection: Connection) -> dict[str, Table]:
        """Reflect the tables the register names; RegisterMismatch lists every name not found."""
        if self._tables is None:
            where = f"source {self.source_id} ({safe_url(self.source.read_url)})"
            self._tables = reflect_tables(connection, self.source, where)
        return self._tables

    def _missing_file_check(self) -> None:
        url = make_url(self.source.read_url)
        database = url.database or ""
        local = url.get_backend_name() == "sqlite" and database not in ("", ":memory:")
        if local and not database.startswith("file:") and not Path(database).is_file():
            raise SourceUnreachable(
                f"source {self.source_id}: database file {database} does not exist"
            )

    def _describe(self, error: BaseException) -> str:
        reason = str(getattr(error, "orig", None) or error).strip().splitlines()
        first = reason[0] if reason else type(error).__name__
        return (
            f"source {self.source_id}: cannot connect to {safe_url(self.source.read_url)}: {first}"
        )


def _read_only_url(url: URL) -> URL:
    """SQLite files open in read-only mode, so even a bug here cannot write to them."""
    database = url.database or ""
    if url.get_backend_name() != "sqlite" or database in ("", ":memory:"):
        return url
    if database.startswith("file:"):
        return url
    return url.set(
        database=f"file:{quote(database)}", query={**url.query, "mode": "ro", "uri": "true"}
    )
