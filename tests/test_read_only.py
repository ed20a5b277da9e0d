"""Read-only staff pages skip BEGIN/ROLLBACK on PostgreSQL, and cannot write by mistake."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import datetime
from pathlib import Path

import pytest
from flask import Flask
from sqlalchemy import func, select

from dsar.extensions import db, login_manager
from dsar.models import Controller, Request, Role
from dsar.read_only import WriteOnReadOnlyPage, read_only_page, read_without_transaction
from tests.conftest import committed_app, make_database_url, recorded_statements
from tests.factories import make_request, make_staff


@pytest.fixture
def real_app(
    request: pytest.FixtureRequest, backend: str, tmp_path: Path, now: datetime
) -> Iterator[Flask]:
    """An app on a fresh database whose sessions are their own (not joined to a test's)."""
    with committed_app(tmp_path, now, make_database_url(request, backend, tmp_path)) as app:
        from dsar.clock import FixedClock

        app.extensions["dsar.clock"] = FixedClock(now)
        with app.app_context():
            controller = db.session.execute(select(Controller)).scalars().first()
            make_request(db.session, controller, now)
            staff = make_staff(db.session, now, email="dana@example.org", role=Role.DPO)
            db.session.commit()
            app.config["test.staff_id"] = staff.id
        yield app


@pytest.fixture
def statements(real_app: Flask) -> Iterator[list[tuple[str, bool]]]:
    with recorded_statements(real_app) as seen:
        yield seen


def signed_in(app: Flask):  # type: ignore[no-untyped-def]
    client = app.test_client()
    with app.test_request_context(environ_base=client.environ_base):
        identifier = login_manager._session_identifier_generator()
    with client.session_transaction() as sess:
        sess.update(
            {"_user_id": str(app.config["test.staff_id"]), "_fresh": True, "_id": identifier}
        )
    return client


@pytest.mark.parametrize("url", ["/staff/queue", "/staff/requests/1", "/staff/dashboard"])
def test_staff_pages_read_in_autocommit_on_postgresql_only(
    real_app: Flask, backend: str, statements: list, url: str
) -> None:
    response = signed_in(real_app).get(url)
    assert response.status_code == 200
    assert statements, "the page read nothing"
    assert {name for name, _ in statements} <= {"SELECT", "BEGIN"}
    if backend == "postgresql":
        assert all(autocommit for _name, autocommit in statements)
    else:  # SQLite keeps its transaction (and its BEGIN, from dsar/__init__.py)
        assert statements[0] == ("BEGIN", False)
    with real_app.app_context():  # the pooled connection went back transactional
        statements.clear()
        db.session.execute(select(1))
        assert all(not autocommit for _name, autocommit in statements)
        db.session.rollback()


def test_a_read_only_page_that_writes_fails_and_writes_nothing(
    real_app: Flask, backend: str, now: datetime
) -> None:
    if backend != "postgresql":
        pytest.skip("SQLite pages keep their transaction: a failed page rolls back anyway")

    @real_app.get("/test/writes")
    @read_only_page
    def writes():  # type: ignore[no-untyped-def]
        controller = db.session.execute(select(Controller)).scalars().first()
        make_request(db.session, controller, now, subject_name="Written")
        db.session.commit()
        return "written"

    real_app.config["PROPAGATE_EXCEPTIONS"] = True
    with pytest.raises(WriteOnReadOnlyPage):
        real_app.test_client().get("/test/writes")
    with real_app.app_context():
        assert db.session.scalar(select(func.count()).select_from(Request)) == 1


def test_not_for_a_session_joined_to_a_connection(session) -> None:  # type: ignore[no-untyped-def]
    assert read_without_transaction(session) is False  # the tests' outer transaction holds


def test_not_inside_a_begun_transaction(real_app: Flask) -> None:
    with real_app.app_context():
        db.session.execute(select(1))
        assert read_without_transaction(db.session) is False
        db.session.rollback()
