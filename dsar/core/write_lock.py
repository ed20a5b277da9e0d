"""Start a transaction as the database's writer, for a request that reads and then writes.

SQLite has one writer at a time, and a transaction that read first may not become it: when
another one committed after the first read, SQLite refuses at once ("database is locked")
instead of waiting. BEGIN IMMEDIATE takes the write lock at the start, waiting for it (the
engine's busy timeout), so the reads that follow see the latest commit and the writes cannot
fail that way. PostgreSQL locks rows instead (SELECT ... FOR UPDATE in the operation): this
does nothing there.

The web boundary (dsar/web/transaction.py) marks every request with an unsafe method (POST,
...) as a writer, so its transaction begins IMMEDIATE at its first statement; a GET that
writes (the download link, which the same person may click twice at once) calls
`begin_as_writer` itself.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from typing import Any

from sqlalchemy.engine import Engine
from sqlalchemy.orm import Session

OPTION = "dsar_write_lock"
_WRITER: ContextVar[bool] = ContextVar("dsar_writer", default=False)


@contextmanager
def writing() -> Iterator[None]:
    """Within this block, every SQLite transaction that begins takes the write lock first."""
    token = _WRITER.set(True)
    try:
        yield
    finally:
        _WRITER.reset(token)


def begin_as_writer(session: Session) -> bool:
    """Let the session's coming transaction start holding SQLite's write lock; True if it will.

    Call it before the transaction's first statement: a session that began its transaction
    keeps it as it is, as does one bound to a connection (tests join an outer transaction);
    the tests with parallel clicks on real commits show the lock is taken where it matters.
    """
    bind = session.get_bind()
    if not isinstance(bind, Engine) or bind.dialect.name != "sqlite":
        return False
    if session.in_transaction():
        return False
    session.connection(execution_options={OPTION: True})
    return True


def sqlite_begin(connection: Any) -> None:
    """The "begin" listener of SQLite engines (dsar/__init__.py): BEGIN, IMMEDIATE if asked."""
    immediate = connection.get_execution_options().get(OPTION) or _WRITER.get()
    connection.exec_driver_sql("BEGIN IMMEDIATE" if immediate else "BEGIN")
