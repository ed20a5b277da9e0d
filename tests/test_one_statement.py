"""A form POST whose write is one statement runs it in autocommit on PostgreSQL, and only then."""

from __future__ import annotations

import io
from collections.abc import Iterator
from datetime import datetime
from pathlib import Path

import pytest
from flask import Flask
from sqlalchemy import func, select

from dsar.audit import verify_chain
from dsar.extensions import db
from dsar.models import OutboxMessage, Request, StoredFile
from dsar.one_statement import autocommit_one_statement
from tests.conftest import committed_app, make_database_url, recorded_statements
from tests.intake.conftest import form_data

PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 64


@pytest.fixture
def real_app(
    request: pytest.FixtureRequest, backend: str, tmp_path: Path, now: datetime
) -> Iterator[Flask]:
    """An app on a fresh database of `backend` whose session is its own (not a test's join)."""
    url = make_database_url(request, backend, tmp_path)
    with committed_app(tmp_path, now, database_url=url) as app:
        app.config["WTF_CSRF_ENABLED"] = False
        yield app


@pytest.fixture
def statements(real_app: Flask) -> Iterator[list[tuple[str, bool]]]:
    with recorded_statements(real_app) as seen:
        yield seen


def _counts(app: Flask) -> tuple[int, int, int]:
    with app.app_context():
        return tuple(  # type: ignore[return-value]
            db.session.scalar(select(func.count()).select_from(table))
            for table in (Request, OutboxMessage, StoredFile)
        )


def test_the_form_write_is_one_autocommitted_statement_on_postgresql(
    real_app: Flask, backend: str, statements: list
) -> None:
    response = real_app.test_client().post(
        "/c/demo/request/access", data=form_data(key_customer_number="K-100042")
    )
    assert response.status_code == 302
    if backend == "postgresql":
        assert statements == [("WITH", True)]
    else:  # SQLite: four statements in one transaction (BEGIN comes from dsar/__init__.py)
        assert [name for name, _autocommit in statements] == [
            "BEGIN",
            "INSERT",
            "INSERT",
            "UPDATE",
            "INSERT",
        ]
    assert _counts(real_app) == (1, 1, 0)
    with real_app.app_context():
        assert verify_chain(db.session) is None
        # The connection went back to the pool in its usual mode: the next one is transactional.
        statements.clear()
        db.session.execute(select(1))
        assert all(not autocommit for _name, autocommit in statements)
        db.session.rollback()


def test_with_uploads_the_write_stays_one_transaction(
    real_app: Flask, backend: str, statements: list
) -> None:
    data = form_data(key_customer_number="K-100042")
    data["documents"] = [(io.BytesIO(PNG), "id.png")]
    response = real_app.test_client().post(
        "/c/demo/request/access", data=data, content_type="multipart/form-data"
    )
    assert response.status_code == 302
    assert len(statements) > 1
    assert all(not autocommit for _name, autocommit in statements)
    assert _counts(real_app) == (1, 1, 1)


def test_never_inside_a_begun_transaction(real_app: Flask) -> None:
    with real_app.app_context():
        db.session.execute(select(1))
        assert autocommit_one_statement(db.session) is False
        db.session.rollback()


def test_not_for_a_session_joined_to_a_connection(session) -> None:  # type: ignore[no-untyped-def]
    """The tests' sessions join an outer transaction, which autocommit would escape."""
    assert autocommit_one_statement(session) is False


def test_on_a_migrated_database_too(
    request: pytest.FixtureRequest, backend: str, tmp_path: Path, now: datetime
) -> None:
    """The statement names the request's id sequence: the migrations must create it as the
    models do (create_all), or the one-statement write fails in production only."""
    from flask_migrate import upgrade

    from dsar.services.controllers import sync_controllers
    from tests.conftest import build_app

    app = build_app(make_database_url(request, backend, tmp_path), tmp_path / "instance")
    app.config["WTF_CSRF_ENABLED"] = False
    with app.app_context():
        upgrade()
        sync_controllers(db.session, app.extensions["dsar.registers"], now)
        db.session.commit()
    try:
        response = app.test_client().post(
            "/c/demo/request/access", data=form_data(key_customer_number="K-100042")
        )
        assert response.status_code == 302
        assert _counts(app) == (1, 1, 0)
        with app.app_context():
            assert verify_chain(db.session) is None
    finally:
        with app.app_context():
            db.engine.dispose()
