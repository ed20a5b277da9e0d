"""API fixtures: a fixed clock, no rate limits, keys for the demo controller and another."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from typing import Any

import pytest
from flask import Flask
from flask.testing import FlaskClient
from werkzeug.test import TestResponse

from dsar.api.keys import NewKey, create_key
from dsar.api.models import Scope
from dsar.controllers.models import Controller
from dsar.core.clock import FixedClock
from dsar.extensions import db, limiter
from tests.staff.conftest import as_user  # noqa: F401 - staff pages in API tests

ALL = [Scope.REQUESTS_READ.value, Scope.REQUESTS_WRITE.value]

Call = Callable[..., TestResponse]


@pytest.fixture(autouse=True)
def _fixed_clock_no_limits(app: Flask, now: datetime, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setitem(app.extensions, "dsar.core.clock", FixedClock(now))
    monkeypatch.setattr(limiter, "enabled", False)


@pytest.fixture
def other_controller(session, now: datetime) -> Controller:  # type: ignore[no-untyped-def]
    other = Controller(
        slug="other",
        name="Other Ltd",
        country="DE",
        subdivision="BE",
        timezone="Europe/Berlin",
        extra_holidays=[],
        languages=["de", "en"],
        loaded_at=now,
    )
    session.add(other)
    session.flush()
    return other


def make_key(session, controller: Controller, now: datetime, scopes=ALL) -> NewKey:  # type: ignore[no-untyped-def]
    return create_key(
        session, controller, name="shop", scopes=scopes, actor="ada@example.org", now=now
    )


@pytest.fixture
def key(session, controller: Controller, now: datetime) -> NewKey:  # type: ignore[no-untyped-def]
    return make_key(session, controller, now)


def bearer(secret: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {secret}"}


@pytest.fixture
def api(client: FlaskClient, key: NewKey) -> Call:
    """call("GET", "/requests", json=...) with the key; path relative to /api/v1."""

    def call(method: str, path: str, *, secret: str | None = None, **kwargs: Any) -> TestResponse:
        db.session.commit()  # what the test made is there before the call, as in production
        headers = {**bearer(secret or key.secret), **kwargs.pop("headers", {})}
        response = client.open(f"/api/v1{path}", method=method, headers=headers, **kwargs)
        db.session.expire_all()
        return response

    return call


FILING = {
    "right": "access",
    "subject_name": "Zoë Schmidt",
    "subject_email": "Zoe@Example.org",
    "language": "de",
    "account_id": "cust-4711",
    "description": "Please send me a copy.",
}
