"""Fixtures: one app per database backend and test session, a rolled-back transaction per test.

Every test that uses the database runs on SQLite and on a real PostgreSQL server that this
file starts (`--db` chooses; default both).
"""

from __future__ import annotations

import contextlib
import itertools
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path

import pytest
from flask import Flask
from flask_sqlalchemy.session import Session as FlaskSQLAlchemySession
from sqlalchemy import select

from dsar import create_app
from dsar.controllers.models import Controller
from dsar.extensions import db, limiter
from tests.pg import PostgresServer, start_postgres
from tests.shops import demo_shop_template  # noqa: F401 - a session fixture for every package

BACKENDS = ("sqlite", "postgresql")
NOW = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)  # Mon 2 March 2026, 10:00 in Berlin


def pytest_addoption(parser: pytest.Parser) -> None:
    parser.addoption(
        "--db", default="sqlite,postgresql", help="comma-separated database backends to run against"
    )


@pytest.fixture(scope="session")
def postgres_server(request: pytest.FixtureRequest) -> Iterator[PostgresServer]:
    server = start_postgres()
    yield server
    server.stop()


_database_numbers = itertools.count(1)


def make_database_url(request: pytest.FixtureRequest, backend: str, tmp: Path) -> str:
    """A new, empty database on `backend`."""
    number = next(_database_numbers)
    if backend == "sqlite":
        return f"sqlite:///{tmp / f'test{number}.sqlite3'}"
    server: PostgresServer = request.getfixturevalue("postgres_server")
    import psycopg

    with psycopg.connect(server.url("postgres").replace("+psycopg", ""), autocommit=True) as conn:
        conn.execute(f"CREATE DATABASE test{number}")
    return server.url(f"test{number}")


def build_app(database_url: str, instance: Path, **overrides: object) -> Flask:
    """An app isolated from the developer's environment: only what the test gives counts."""
    environ = {"DSAR_ENV": "testing", "DSAR_DATABASE_URL": database_url}
    return create_app({"instance_path": instance, **overrides}, environ=environ)


@pytest.fixture(scope="session", params=BACKENDS)
def backend(request: pytest.FixtureRequest) -> str:
    if request.param not in request.config.getoption("--db").split(","):
        pytest.skip(f"backend {request.param} not selected with --db")
    return request.param


@pytest.fixture(scope="session")
def _app(
    backend: str, request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[Flask]:
    instance = tmp_path_factory.mktemp(f"instance-{backend}")
    app = build_app(make_database_url(request, backend, instance), instance)
    with app.app_context():
        # The models' schema; tests/test_migrations.py proves the migrations build the same.
        db.create_all()
    yield app
    with app.app_context():
        db.engine.dispose()


class _JoinedSession(FlaskSQLAlchemySession):
    """Flask-SQLAlchemy's session picks engines itself; in tests every query uses our connection."""

    def get_bind(self, mapper=None, clause=None, bind=None, **kwargs):  # type: ignore[no-untyped-def]
        return self.bind


@pytest.fixture
def app(_app: Flask) -> Iterator[Flask]:
    """The app with its session joined to an outer transaction that is rolled back afterwards.

    Services and views commit as usual; with join_transaction_mode="create_savepoint" their
    commits only release savepoints, so each test starts from the same empty database. The
    rate limiter's counters live as long as the app (all the session): each test starts with
    none, or the sign-ins and clicks of the tests before it count against it.
    """
    with _app.app_context():
        limiter.reset()
        connection = db.engine.connect()
        outer = connection.begin()
        original = db.session
        db.session = db._make_scoped_session(
            {
                "class_": _JoinedSession,
                "bind": connection,
                "join_transaction_mode": "create_savepoint",
            }
        )
        try:
            yield _app
        finally:
            db.session.remove()
            db.session = original
            outer.rollback()
            connection.close()


@pytest.fixture
def client(app: Flask):  # type: ignore[no-untyped-def]
    return app.test_client()


@pytest.fixture
def runner(app: Flask):  # type: ignore[no-untyped-def]
    """Run a `dsar` command against the test app: runner(["audit", "verify"])."""
    from dsar.cli import cli

    test_runner = app.test_cli_runner()
    return lambda args: test_runner.invoke(cli, args)


@pytest.fixture
def session(app: Flask):  # type: ignore[no-untyped-def]
    return db.session


@pytest.fixture
def now() -> datetime:
    return NOW


@pytest.fixture
def controller(app: Flask, now: datetime) -> Controller:
    """The demo controller from the built-in register, as a database row."""
    from dsar.controllers.operations import sync_controllers

    sync_controllers(db.session, app.extensions["dsar.registers"], now)
    return db.session.execute(select(Controller)).scalars().one()


class SMTPRecorder:
    """An aiosmtpd handler that keeps every message it accepts; can refuse recipients, or hang
    up on them (the connection drops mid-batch)."""

    def __init__(self) -> None:
        self.messages: list = []
        self.refuse: set[str] = set()
        self.hang_up: set[str] = set()

    async def handle_RCPT(self, server, session, envelope, address, rcpt_options):  # noqa: N802
        if address in self.hang_up:
            server.transport.close()
            return "421 closing"
        if address in self.refuse:
            return "550 5.1.1 mailbox unavailable"
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server, session, envelope):  # noqa: N802
        from email import message_from_bytes, policy

        self.messages.append(message_from_bytes(envelope.content, policy=policy.default))
        return "250 Message accepted for delivery"


@pytest.fixture
def smtp_server():  # type: ignore[no-untyped-def]
    """A real SMTP server on 127.0.0.1 (aiosmtpd); `.port`, `.handler.messages`, `.stop()`."""
    from aiosmtpd.controller import Controller as SMTPController

    from tests.pg import free_port

    handler = SMTPRecorder()
    server = SMTPController(handler, hostname="127.0.0.1", port=free_port())
    server.start()
    yield server
    with contextlib.suppress(AssertionError):  # already stopped by the test
        server.stop()


@pytest.fixture
def connections(monkeypatch: pytest.MonkeyPatch) -> list[tuple[str, int]]:
    """Every socket connection Python code attempts meanwhile, as (host, port); only those
    to 127.0.0.1 are made, any other is refused before a packet leaves, and host names are
    not looked up (tests must never send traffic to another address, DNS included)."""
    import ipaddress
    import socket

    real_connect, real_getaddrinfo = socket.socket.connect, socket.getaddrinfo
    attempts: list[tuple[str, int]] = []

    def recorded(sock: socket.socket, address: tuple[str, int]) -> None:
        attempts.append((address[0], address[1]))
        if address[0] != "127.0.0.1":
            raise ConnectionRefusedError(f"test: no traffic to {address[0]}")
        real_connect(sock, address)

    def no_lookup(host, *args, **kwargs):  # type: ignore[no-untyped-def]
        try:
            ipaddress.ip_address(str(host).split("%", 1)[0])
        except ValueError:
            raise socket.gaierror(socket.EAI_NONAME, f"test: no DNS lookup of {host}") from None
        return real_getaddrinfo(host, *args, **kwargs)  # a literal address: nothing is sent

    monkeypatch.setattr(socket.socket, "connect", recorded)
    monkeypatch.setattr(socket, "getaddrinfo", no_lookup)
    return attempts


@pytest.fixture(scope="session")
def browser_type_launch_args(browser_type_launch_args):  # type: ignore[no-untyped-def]
    """Debian's chromium, never a downloaded browser (see ENVIRONMENT.md)."""
    return {
        **browser_type_launch_args,
        "executable_path": "/usr/bin/chromium",
        "args": [
            "--headless",
            "--no-sandbox",
            "--disable-gpu",
            "--disable-quic",
            "--no-first-run",
            "--disable-background-networking",
            "--disable-component-update",
            "--disable-sync",
        ],
    }


@contextlib.contextmanager
def committed_app(
    folder: Path, now: datetime, database_url: str | None = None, **overrides: object
) -> Iterator[Flask]:
    """An app on its own database (an SQLite file unless given) with the controllers synced,
    for real commits."""
    from dsar.controllers.operations import sync_controllers

    url = database_url or f"sqlite:///{folder / 'live.sqlite3'}"
    app = build_app(url, folder / "instance", **overrides)
    with app.app_context():
        db.create_all()
        sync_controllers(db.session, app.extensions["dsar.registers"], now)
        db.session.commit()
    try:
        yield app
    finally:
        with app.app_context():
            db.engine.dispose()


@pytest.fixture
def committed_db_app(
    backend: str, request: pytest.FixtureRequest, tmp_path: Path, now: datetime
) -> Iterator[Flask]:
    """An app on a fresh database of `backend` (SQLite file or PostgreSQL) with real commits:
    for threads, which the savepoint-per-test session (one connection) cannot serve.

    While it lives, `db.session` is a plain one again, even where an autouse fixture set up
    the `app` fixture's joined session first (tests/intake/conftest.py).
    """
    joined = db.session
    db.session = db._make_scoped_session({})
    try:
        with committed_app(tmp_path, now, make_database_url(request, backend, tmp_path)) as app:
            yield app
    finally:
        db.session = joined  # the plain one's sessions ended with their app contexts


@pytest.fixture
def racing_app(committed_db_app: Flask, monkeypatch: pytest.MonkeyPatch) -> Flask:
    """`committed_db_app` for clicks released at once from one machine (tests/threads.py): the
    clock fixed at NOW, no CSRF token to fetch first, no rate limit on one address's posts."""
    from dsar.core.clock import FixedClock

    monkeypatch.setitem(committed_db_app.extensions, "dsar.core.clock", FixedClock(NOW))
    monkeypatch.setitem(committed_db_app.config, "WTF_CSRF_ENABLED", False)
    monkeypatch.setattr(limiter, "enabled", False)
    return committed_db_app


@contextlib.contextmanager
def serving(app: Flask) -> Iterator[str]:
    """Serve `app` on 127.0.0.1 in a thread; yields the base URL."""
    import threading

    from werkzeug.serving import make_server

    server = make_server("127.0.0.1", 0, app, threaded=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_port}"
    finally:
        server.shutdown()
        thread.join(timeout=5)


@pytest.fixture
def live_app(tmp_path: Path, now: datetime) -> Iterator[Flask]:
    """An app on its own SQLite file, with real commits, for a server in another thread."""
    with committed_app(tmp_path, now) as app:
        yield app


@pytest.fixture
def live_server(live_app: Flask) -> Iterator[str]:
    """Serve `live_app` on 127.0.0.1 in a thread; yields the base URL."""
    with serving(live_app) as url:
        yield url


@pytest.fixture(scope="session")
def artifacts_dir() -> Path:
    """Screenshots and other test artifacts, kept after the run in ./test-artifacts."""
    path = Path(__file__).resolve().parent.parent / "test-artifacts"
    path.mkdir(exist_ok=True)
    return path
