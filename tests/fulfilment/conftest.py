"""Fixtures for fulfilment tests: the demo shop in the app's instance folder, verified requests."""

from __future__ import annotations

from datetime import datetime
from pathlib import Path
from typing import Any

import pytest
from flask import Flask
from sqlalchemy.orm import Session

from dsar.demo.shop import ensure_shop
from dsar.models import Controller, Request
from dsar.services.requests import apply_action
from dsar.workflow import Action
from tests.factories import make_request

GOLDEN_EMAIL = "kunde042@example.org"
GOLDEN_NUMBER = "K-100042"


@pytest.fixture
def shop(app: Flask) -> Path:
    """The demo shop database the demo register reads (generated once per test app)."""
    ensure_shop(Path(app.instance_path))
    return Path(app.instance_path) / "demo_shop.sqlite3"


@pytest.fixture
def verified_request(session: Session, controller: Controller, now: datetime, shop: Path):  # type: ignore[no-untyped-def]
    """make(**fields) -> a request whose identity is verified (default: demo customer 42)."""

    def make(**fields: Any) -> Request:
        values: dict[str, Any] = {
            "subject_email": GOLDEN_EMAIL,
            "subject_name": "Zoë Andersson",
            "details": {"lookup_keys": {"customer_number": GOLDEN_NUMBER}},
        }
        values.update(fields)
        request = make_request(session, controller, now, **values)
        request.reference = request.reference or "R-TEST"
        apply_action(session, request, Action.VERIFY_IDENTITY, actor="test", now=now)
        return request

    return make
