"""Idle PostgreSQL connections are checked before use; a dead one is replaced, not handed out."""

from __future__ import annotations

import psycopg
import pytest
from sqlalchemy import create_engine, text

from dsar.dbping import ping_idle_connections


@pytest.fixture
def postgres(request: pytest.FixtureRequest):  # type: ignore[no-untyped-def]
    if "postgresql" not in request.config.getoption("--db").split(","):
        pytest.skip("PostgreSQL not selected with --db")
    return request.getfixturevalue("postgres_server")


def _kill_other_connections(url: str) -> int:
    with psycopg.connect(url.replace("+psycopg", ""), autocommit=True) as admin:
        return admin.execute(
            "SELECT count(pg_terminate_backend(pid)) FROM pg_stat_activity"
            " WHERE datname = current_database() AND pid <> pg_backend_pid()"
        ).fetchone()[0]


def _engine(postgres, idle_seconds: float):  # type: ignore[no-untyped-def]
    engine = create_engine(postgres.url("postgres"), pool_size=1)
    ping_idle_connections(engine, idle_seconds=idle_seconds)
    return engine


def test_a_connection_killed_while_idle_is_replaced(postgres) -> None:  # type: ignore[no-untyped-def]
    engine = _engine(postgres, idle_seconds=0)  # every returned connection counts as idle
    with engine.connect() as connection:
        first_pid = connection.execute(text("SELECT pg_backend_pid()")).scalar()
    assert _kill_other_connections(postgres.url("postgres")) >= 1
    with engine.connect() as connection:
        assert connection.execute(text("SELECT pg_backend_pid()")).scalar() != first_pid
    engine.dispose()


def test_a_recently_used_connection_is_not_pinged(postgres) -> None:  # type: ignore[no-untyped-def]
    """The other side of the bargain, shown: within the idle time nothing checks the connection."""
    engine = _engine(postgres, idle_seconds=3600)
    with engine.connect() as connection:
        connection.execute(text("SELECT 1"))
    _kill_other_connections(postgres.url("postgres"))
    with pytest.raises(Exception, match="terminat|closed|lost"), engine.connect() as connection:
        connection.execute(text("SELECT 1"))
    engine.dispose()
