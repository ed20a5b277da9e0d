"""Staff fixtures: one account per role, signing in without the form, a fixed clock."""

from __future__ import annotations

import shutil
from datetime import datetime
from pathlib import Path

import pytest
from flask import Flask, g
from flask.testing import FlaskClient

from dsar.accounts.models import Role, StaffUser
from dsar.core.clock import FixedClock
from dsar.demo.shop import SHOP_FILENAME, ensure_shop
from dsar.extensions import db, limiter, login_manager
from tests.factories import make_staff
from tests.shops import private_shop_url


@pytest.fixture(autouse=True)
def _fixed_clock_no_limits(app: Flask, now: datetime, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setitem(app.extensions, "dsar.core.clock", FixedClock(now))
    monkeypatch.setattr(limiter, "enabled", False)  # many sign-ins from 127.0.0.1 per session


@pytest.fixture
def no_csrf(app: Flask, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setitem(app.config, "WTF_CSRF_ENABLED", False)


@pytest.fixture
def agent(session, now: datetime) -> StaffUser:  # type: ignore[no-untyped-def]
    return make_staff(session, now, email="alex@example.org", role=Role.AGENT)


@pytest.fixture
def other_agent(session, now: datetime) -> StaffUser:  # type: ignore[no-untyped-def]
    return make_staff(session, now, email="olga@example.org", role=Role.AGENT)


@pytest.fixture
def dpo(session, now: datetime) -> StaffUser:  # type: ignore[no-untyped-def]
    return make_staff(session, now, email="dana@example.org", role=Role.DPO)


@pytest.fixture
def admin(session, now: datetime) -> StaffUser:  # type: ignore[no-untyped-def]
    return make_staff(session, now, email="ada@example.org", role=Role.ADMIN)


class StaffClient(FlaskClient):
    """The test app context outlives requests, and Flask-Login caches the user in `g`: drop it."""

    def open(self, *args, **kwargs):  # type: ignore[no-untyped-def]
        g.pop("_login_user", None)
        return super().open(*args, **kwargs)


def login_as(app: Flask, client: FlaskClient, user: StaffUser) -> FlaskClient:
    """Put `user` in the session as login_user does, with the strong-protection id."""
    db.session.commit()
    with app.test_request_context(environ_base=client.environ_base):
        identifier = login_manager._session_identifier_generator()
    with client.session_transaction() as sess:
        sess["_user_id"] = user.get_id()
        sess["_fresh"] = True
        sess["_id"] = identifier
        # signed in just now, by the app's clock (dsar/web/staff/session_life.py)
        signed_in = int(app.extensions["dsar.core.clock"].now().timestamp())
        sess["signed_in_at"] = sess["seen_at"] = signed_in
    return client


def signed_in_clients(app: Flask, user: StaffUser, count: int) -> list[FlaskClient]:
    """`count` clients signed in as `user`, as that many browser tabs would be."""
    return [
        login_as(app, StaffClient(app, app.response_class, use_cookies=True), user)
        for _ in range(count)
    ]


@pytest.fixture
def as_user(app: Flask):  # type: ignore[no-untyped-def]
    """as_user(user) -> a fresh test client signed in as `user`."""
    return lambda user: login_as(app, StaffClient(app, app.response_class, use_cookies=True), user)


@pytest.fixture
def private_shop(
    app: Flask,
    backend: str,
    tmp_path: Path,
    request: pytest.FixtureRequest,
    monkeypatch: pytest.MonkeyPatch,
) -> str:
    """The demo register reads and writes a demo shop of this test's own, on the test's
    database (a SQLite file, or a PostgreSQL database): an erasure carried out here leaves the
    app's shared shop (customer 42) as it was."""
    if backend == "postgresql":
        url = private_shop_url(backend, request.getfixturevalue("demo_shop_template"), request,
                               tmp_path)  # fmt: skip
    else:
        shared = ensure_shop(Path(app.instance_path)) or Path(app.instance_path) / SHOP_FILENAME
        copy = tmp_path / SHOP_FILENAME
        shutil.copy(shared, copy)
        url = f"sqlite:///{copy}"
    registers = []
    for register in app.extensions["dsar.registers"]:
        sources = [
            s.model_copy(update={"read_url": url, "write_url": url}) if s.id == "shop_db" else s
            for s in register.sources
        ]
        registers.append(register.model_copy(update={"sources": sources}))
    monkeypatch.setitem(app.extensions, "dsar.registers", registers)
    return url


@pytest.fixture
def erasure_by_hand(app: Flask, monkeypatch: pytest.MonkeyPatch) -> None:
    """The demo shop without a write credential: dsar cannot erase or rectify there, so staff
    record by hand what they did (the letter page's day) instead of dsar's recorded change."""
    registers = []
    for register in app.extensions["dsar.registers"]:
        sources = [
            s.model_copy(update={"write_url": None}) if s.id == "shop_db" else s
            for s in register.sources
        ]
        registers.append(register.model_copy(update={"sources": sources}))
    monkeypatch.setitem(app.extensions, "dsar.registers", registers)
