"""Ping a pooled PostgreSQL connection before use only when it sat idle for a while.

SQLAlchemy's `pool_pre_ping` pings on every checkout: with psycopg that is a BEGIN, a
SELECT 1 and a ROLLBACK per web request, measured at about 0.8 ms of a 4 ms form POST
(benchmarks/intake.py). A connection that a request handed back moments ago is almost
surely alive; one that sat idle longer (the database restarted at night) is checked first,
and a dead one is replaced: raising DisconnectionError in a checkout listener makes the pool
retry with a fresh connection (SQLAlchemy's "pessimistic" disconnect handling, by event).
"""

from __future__ import annotations

import time
from typing import Any

from sqlalchemy import event, exc
from sqlalchemy.engine import Engine

IDLE_SECONDS = 10.0


def ping_idle_connections(engine: Engine, idle_seconds: float = IDLE_SECONDS) -> None:
    """Install the checkout check on `engine` (its pool must not pre-ping as well)."""
    dbapi_error = engine.dialect.loaded_dbapi.Error

    @event.listens_for(engine, "connect")
    def _fresh(_dbapi_connection: Any, record: Any) -> None:
        record.info.pop("returned_at", None)

    @event.listens_for(engine, "checkin")
    def _returned(_dbapi_connection: Any, record: Any) -> None:
        record.info["returned_at"] = time.monotonic()

    @event.listens_for(engine, "checkout")
    def _check(dbapi_connection: Any, record: Any, _proxy: Any) -> None:
        returned = record.info.get("returned_at")
        if returned is None or time.monotonic() - returned < idle_seconds:
            return
        try:
            cursor = dbapi_connection.cursor()
            cursor.execute("SELECT 1")
            cursor.close()
            dbapi_connection.rollback()
        except dbapi_error as error:
            raise exc.DisconnectionError(f"idle connection is gone: {error}") from error
