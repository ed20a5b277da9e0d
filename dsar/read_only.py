"""Pages that only read run without BEGIN and ROLLBACK on PostgreSQL.

Under READ COMMITTED, PostgreSQL's default and dsar's, every statement reads its own snapshot
whether a transaction surrounds it or not: around a page that only reads, the transaction adds
two round trips (BEGIN, ROLLBACK) and nothing else. The staff pages people live in (queue,
request, dashboard) are such pages; benchmarks/queue.py measures them.

A page marked read-only that tried to write would commit statement by statement, so the guard
refuses anything but SELECT on its connection: the mistake fails loudly, in tests first.
SQLite gains nothing (no round trips) and keeps its transaction.
"""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from typing import Any

from sqlalchemy import event
from sqlalchemy.engine import Engine
from sqlalchemy.orm import Session, scoped_session

from dsar.one_statement import start_in_autocommit

_OPTION = "dsar_read_only"


class WriteOnReadOnlyPage(RuntimeError):
    """A page marked read-only sent a statement that is not a SELECT."""


def read_without_transaction(session: Session | scoped_session[Session]) -> bool:
    """Let the session's coming statements run in autocommit, refusing writes; True if they will
    (on PostgreSQL, before the session's transaction began: `start_in_autocommit`)."""
    return start_in_autocommit(session, **{_OPTION: True})


def guard_read_only(engine: Engine) -> None:
    """Refuse statements other than SELECT on connections opened by read_without_transaction."""

    @event.listens_for(engine, "before_cursor_execute")
    def _refuse_writes(conn, cursor, statement, parameters, context, executemany):  # type: ignore[no-untyped-def]
        if conn.get_execution_options().get(_OPTION) and statement.lstrip()[:6].upper() != "SELECT":
            raise WriteOnReadOnlyPage(f"a read-only page sent: {statement[:80]}")


def read_only_page(view: Callable[..., Any]) -> Callable[..., Any]:
    """Mark a view that only reads; put it above the login check, which reads the user."""
    from dsar.extensions import db

    @wraps(view)
    def wrapped(*args: Any, **kwargs: Any) -> Any:
        read_without_transaction(db.session)
        return view(*args, **kwargs)

    return wrapped
