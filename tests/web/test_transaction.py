"""One transaction per web request: a view's work stays when it returns, none when it raises."""

from __future__ import annotations

from pathlib import Path

import pytest
from flask import abort, flash, get_flashed_messages
from sqlalchemy import create_engine, text
from sqlalchemy.exc import OperationalError
from sqlalchemy.orm.exc import StaleDataError

from dsar.extensions import db
from tests.conftest import build_app, make_database_url


@pytest.fixture
def probe_app(backend: str, request: pytest.FixtureRequest, tmp_path: Path):  # type: ignore[no-untyped-def]
    url = make_database_url(request, backend, tmp_path)
    app = build_app(url, tmp_path)
    app.config["WTF_CSRF_ENABLED"] = False

    def insert(value: int) -> None:
        db.session.execute(text("INSERT INTO probe (value) VALUES (:v)"), {"v": value})

    @app.post("/probe/returns/<int:value>")
    def returns(value: int):  # type: ignore[no-untyped-def]
        insert(value)
        return "ok", 200

    @app.post("/probe/refuses/<int:value>")
    def refuses(value: int):  # type: ignore[no-untyped-def]
        insert(value)  # e.g. a failed sign-in counted: the refusal page keeps it
        return "refused", 429

    @app.post("/probe/aborts/<int:value>")
    def aborts(value: int):  # type: ignore[no-untyped-def]
        insert(value)
        abort(403)

    @app.post("/probe/fails/<int:value>")
    def fails(value: int):  # type: ignore[no-untyped-def]
        insert(value)
        raise RuntimeError("half done")

    @app.post("/probe/stale/<int:value>")
    def stale(value: int):  # type: ignore[no-untyped-def]
        insert(value)
        flash("Done.", "ok")  # said before the commit failed: it must not stay
        raise StaleDataError("UPDATE ... expected to update 1 row(s); 0 were matched")

    engine = create_engine(url)
    with engine.begin() as connection:
        connection.execute(text("CREATE TABLE probe (value INTEGER)"))
    yield app, engine
    engine.dispose()
    with app.app_context():
        db.engine.dispose()


def _values(engine) -> list[int]:  # type: ignore[no-untyped-def]
    with engine.connect() as connection:  # another connection: sees only committed rows
        return sorted(connection.execute(text("SELECT value FROM probe")).scalars())


def test_a_view_that_returns_commits_whatever_its_status(probe_app) -> None:  # type: ignore[no-untyped-def]
    app, engine = probe_app
    client = app.test_client()
    assert client.post("/probe/returns/1").status_code == 200
    assert client.post("/probe/refuses/2").status_code == 429
    assert _values(engine) == [1, 2]


def test_a_view_that_raises_leaves_nothing(probe_app) -> None:  # type: ignore[no-untyped-def]
    app, engine = probe_app
    app.config["PROPAGATE_EXCEPTIONS"] = False
    client = app.test_client()
    assert client.post("/probe/aborts/3").status_code == 403
    assert client.post("/probe/fails/4").status_code == 500
    assert _values(engine) == []


def test_a_change_that_lost_to_another_is_a_409_that_keeps_nothing(probe_app) -> None:  # type: ignore[no-untyped-def]
    """Another transaction changed the same request first (the version check): the page says
    so in the visitor's language, nothing of the step stays, nor its "done" message."""
    app, engine = probe_app
    client = app.test_client()
    page = client.post("/probe/stale/5", headers={"Accept-Language": "de"})
    assert page.status_code == 409
    assert "Das wurde inzwischen geändert" in page.get_data(as_text=True)
    assert _values(engine) == []
    with client.session_transaction() as kept:
        assert "_flashes" not in kept
    with app.test_request_context():
        assert get_flashed_messages() == []


@pytest.mark.parametrize("backend", ["sqlite"], indirect=True)
def test_an_unsafe_request_is_the_sqlite_writer_from_its_first_read(probe_app) -> None:  # type: ignore[no-untyped-def]
    """A POST that reads before it writes holds SQLite's write lock from the read on, so no other
    writer can commit in between and make its write fail with "database is locked"; a GET
    reads without taking it."""
    app, engine = probe_app
    other = create_engine(str(engine.url), connect_args={"timeout": 0})
    outcomes: dict[str, str] = {}

    def read_then_let_another_write(method: str) -> str:
        db.session.execute(text("SELECT count(*) FROM probe")).scalar_one()
        try:
            with other.begin() as connection:
                connection.execute(text("INSERT INTO probe (value) VALUES (9)"))
        except OperationalError as error:
            outcomes[method] = "locked" if "locked" in str(error) else repr(error)
        else:
            outcomes[method] = "written"
        return "ok"

    app.add_url_rule("/probe/read", "read_get", lambda: read_then_let_another_write("GET"))
    app.add_url_rule(
        "/probe/read", "read_post", lambda: read_then_let_another_write("POST"), methods=["POST"]
    )
    client = app.test_client()
    assert client.get("/probe/read").status_code == 200
    assert client.post("/probe/read").status_code == 200
    other.dispose()
    assert outcomes == {"GET": "written", "POST": "locked"}
