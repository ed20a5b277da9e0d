"""A session's connection opened in autocommit on PostgreSQL: no BEGIN and no COMMIT or
ROLLBACK round trips. Used only by the read-only staff pages (dsar/read_only.py).

SQLAlchemy treats "AUTOCOMMIT" as an isolation level of the connection: the session's commit
and rollback still run and do nothing, and the pool restores the default level when the
connection is checked in.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy.engine import Engine
from sqlalchemy.orm import Session, scoped_session


def start_in_autocommit(session: Session | scoped_session[Session], **options: Any) -> bool:
    """Open the session's connection in autocommit (with further execution `options`); True if
    it did. Only on PostgreSQL (SQLite needs no round trips), and only before the session's
    transaction began on an engine; a session bound to a connection (tests join an outer
    transaction) keeps its transaction.
    """
    bind = session.get_bind()
    if not isinstance(bind, Engine) or bind.dialect.name != "postgresql":
        return False
    own = session() if isinstance(session, scoped_session) else session
    if own.in_transaction():
        return False
    session.connection(execution_options={"isolation_level": "AUTOCOMMIT", **options})
    return True
