"""Intake fixtures: a clean rate limiter per test, a fixed clock, helpers to post forms."""

from __future__ import annotations

import dataclasses
import re
from collections.abc import Iterator
from datetime import datetime
from typing import Any

import pytest
from flask import Flask

from dsar.core.clock import FixedClock
from dsar.extensions import db, limiter
from dsar.outbox.dispatch import dispatch_outbox


@pytest.fixture(autouse=True)
def _fresh_limits(app: Flask) -> Iterator[None]:
    """The limiter's memory outlives a test; every test starts with no hits counted."""
    with app.app_context():
        limiter.reset()
    yield


@pytest.fixture
def clock(app: Flask, now: datetime, monkeypatch: pytest.MonkeyPatch) -> FixedClock:
    fixed = FixedClock(now)
    monkeypatch.setitem(app.extensions, "dsar.core.clock", fixed)
    return fixed


@pytest.fixture
def no_csrf(app: Flask, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setitem(app.config, "WTF_CSRF_ENABLED", False)


def form_data(**overrides: Any) -> dict[str, Any]:
    """A valid common part of every form; a test adds the right's own fields."""
    data: dict[str, Any] = {
        "name": "Zoë Müller-Lüdenscheidt",
        "email": "zoe@example.org",
        "language": "en",
        "message": "",
        "website": "",
    }
    data.update(overrides)
    return {k: v for k, v in data.items() if v is not None}


def send_mail(app: Flask, smtp_server: Any, now: datetime) -> None:
    """Dispatch the outbox to the test's aiosmtpd server, as the scheduler would."""
    settings = dataclasses.replace(
        app.config["DSAR_SETTINGS"], smtp_host="127.0.0.1", smtp_port=smtp_server.port
    )
    dispatch_outbox(db.session, settings, now)
    db.session.commit()


def link_in(message: Any, pattern: str) -> str:
    """The first link in the plain-text body of a received e-mail that matches `pattern`."""
    text = message.get_body(("plain",)).get_content()
    found = re.search(r"https?://\S*" + pattern + r"\S*", text)
    assert found, text
    return found.group(0)
