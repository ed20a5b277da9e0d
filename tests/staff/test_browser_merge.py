"""Merging in headless chromium: the decision opens, needs its box ticked, and lands on the kept
request; axe finds no serious violation on either case page."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from flask import Flask
from sqlalchemy import select

from dsar.accounts.models import Role
from dsar.controllers.models import Controller
from dsar.extensions import db
from tests.factories import make_request, make_staff
from tests.staff.test_browser import SECRET, _sign_in
from tests.staff.test_browser_axe import _serious

pytestmark = pytest.mark.browser


@pytest.fixture
def twins(live_app: Flask) -> tuple[int, int, str]:
    """An older and a newer access request of one subject: (older id, newer id, older ref)."""
    now = datetime.now(UTC)
    with live_app.app_context():
        user = make_staff(db.session, now, email="dana@example.org", role=Role.DPO)
        user.totp_secret = SECRET
        controller = db.session.execute(select(Controller)).scalars().first()
        assert controller is not None
        older = make_request(db.session, controller, now - timedelta(days=2))
        newer = make_request(db.session, controller, now, subject_email="ZOE@example.org")
        db.session.commit()
        return older.id, newer.id, older.reference or ""


def test_merge_the_newer_into_the_older(page, live_server: str, twins) -> None:  # type: ignore[no-untyped-def]
    older, newer, reference = twins
    page.set_viewport_size({"width": 1280, "height": 800})
    _sign_in(page, live_server)
    page.goto(f"{live_server}/staff/requests/{newer}")
    page.click(f"#decide-merge-{older} summary")
    assert _serious(page) == []
    form = page.locator(f"#decide-merge-{older} form")
    assert form.locator("input[name=keep]:checked").get_attribute("value") == "other"
    form.locator("button[type=submit]").click()  # not ticked: the browser holds it back
    assert page.url.endswith(f"/staff/requests/{newer}")
    form.locator("input[name=confirmed]").check()
    form.locator("button[type=submit]").click()
    page.wait_for_url(f"**/staff/requests/{older}")
    assert page.locator("#also-covers").is_visible()
    assert _serious(page) == []
    page.goto(f"{live_server}/staff/requests/{newer}")
    assert reference in page.locator("#merged-into").inner_text()
    assert _serious(page) == []
