"""A session starts in autocommit only on PostgreSQL, only on an engine, only before its
transaction began (the read-only pages rely on this: dsar/read_only.py)."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import datetime
from pathlib import Path

import pytest
from flask import Flask
from sqlalchemy import select

from dsar.extensions import db
from dsar.one_statement import start_in_autocommit
from tests.conftest import committed_app, make_database_url


@pytest.fixture
def real_app(
    request: pytest.FixtureRequest, backend: str, tmp_path: Path, now: datetime
) -> Iterator[Flask]:
    """An app on a fresh database of `backend` whose session is its own (not a test's join)."""
    with committed_app(tmp_path, now, make_database_url(request, backend, tmp_path)) as app:
        yield app


def test_only_on_postgresql_before_the_transaction_began(real_app: Flask, backend: str) -> None:
    with real_app.app_context():
        assert start_in_autocommit(db.session) is (backend == "postgresql")
        db.session.rollback()


def test_never_inside_a_begun_transaction(real_app: Flask) -> None:
    with real_app.app_context():
        db.session.execute(select(1))
        assert start_in_autocommit(db.session) is False
        db.session.rollback()


def test_not_for_a_session_joined_to_a_connection(session) -> None:  # type: ignore[no-untyped-def]
    """The tests' sessions join an outer transaction, which autocommit would escape."""
    assert start_in_autocommit(session) is False
