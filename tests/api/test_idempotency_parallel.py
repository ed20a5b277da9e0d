"""The same Idempotency-Key sent by several calls at once (real commits, both databases):
one request is filed, every answer that says 201 names it, the others ask for a retry."""

from __future__ import annotations

import pytest
from flask import Flask
from sqlalchemy import func, select

from dsar.api.keys import create_key
from dsar.controllers.models import Controller
from dsar.core.clock import FixedClock
from dsar.extensions import db, limiter
from dsar.requests.models import Request
from tests.api.conftest import ALL, FILING, bearer
from tests.conftest import NOW
from tests.threads import at_once, summary

CALLS = 8


@pytest.fixture
def live_app(committed_db_app: Flask, monkeypatch: pytest.MonkeyPatch) -> Flask:
    monkeypatch.setitem(committed_db_app.extensions, "dsar.core.clock", FixedClock(NOW))
    monkeypatch.setattr(limiter, "enabled", False)
    return committed_db_app


def test_calls_at_once_with_one_key_file_one_request(live_app: Flask) -> None:
    with live_app.app_context():
        controller = db.session.execute(select(Controller)).scalars().first()
        assert controller is not None
        secret = create_key(
            db.session(), controller, name="shop", scopes=ALL, actor="t", now=NOW
        ).secret
        db.session.commit()
        db.session.remove()
    headers = {**bearer(secret), "Idempotency-Key": "checkout-42"}
    clients = [live_app.test_client() for _ in range(CALLS)]

    def post(i: int) -> tuple[int, str | None]:
        response = clients[i].post("/api/v1/requests", json=FILING, headers=headers)
        return response.status_code, (response.json or {}).get("reference")

    outcomes = at_once(CALLS, post)

    assert all(isinstance(o, tuple) for o in outcomes), summary(outcomes)
    statuses = {status for status, _reference in outcomes}  # type: ignore[misc]
    assert statuses <= {201, 409} and 201 in statuses, summary(outcomes)
    with live_app.app_context():
        filed = db.session.execute(select(Request.reference)).scalars().all()
        assert db.session.scalar(select(func.count()).select_from(Request)) == 1
        db.session.remove()
    assert {ref for status, ref in outcomes if status == 201} == set(filed)  # type: ignore[misc]
