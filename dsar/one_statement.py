"""A transaction of one statement, sent without BEGIN and COMMIT on PostgreSQL.

A single statement is atomic on its own. With psycopg, BEGIN and COMMIT are round trips of
their own, so a web form whose whole write is one statement (dsar/services/web_requests.py)
spends three round trips where one would do: measured at about 0.2 ms of CPU and 0.3 ms of
latency per POST (benchmarks/intake.py). SQLAlchemy treats "AUTOCOMMIT" as an isolation
level of the connection: the session's commit and rollback still run and do nothing, and
the pool restores the default level when the connection is checked in.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy.engine import Engine
from sqlalchemy.orm import Session, scoped_session


def autocommit_one_statement(session: Session | scoped_session[Session]) -> bool:
    """Let the session's coming transaction run in autocommit; True if it will.

    The caller promises that the transaction writes with one statement: anything it runs
    after that statement is a transaction of its own.
    """
    return start_in_autocommit(session)


def start_in_autocommit(session: Session | scoped_session[Session], **options: Any) -> bool:
    """Open the session's connection in autocommit (with further execution `options`); True if
    it did. Only on PostgreSQL (SQLite needs no round trips), and only before the session's
    transaction began on an engine; a session bound to a connection (tests join an outer
    transaction) keeps its transaction. Also used by the read-only pages (dsar/read_only.py).
    """
    bind = session.get_bind()
    if not isinstance(bind, Engine) or bind.dialect.name != "postgresql":
        return False
    own = session() if isinstance(session, scoped_session) else session
    if own.in_transaction():
        return False
    session.connection(execution_options={"isolation_level": "AUTOCOMMIT", **options})
    return True
