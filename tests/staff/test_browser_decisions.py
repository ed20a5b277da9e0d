"""The case page's decisions in headless chromium: a destructive one is folded, red, and the
browser does not send it until "I have checked …" is ticked."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

import pytest
from flask import Flask
from sqlalchemy import select

from dsar.accounts.models import Role
from dsar.controllers.models import Controller
from dsar.extensions import db
from dsar.requests.models import Request
from dsar.requests.workflow import Status
from tests.factories import make_request, make_staff
from tests.staff.test_browser import SECRET, _sign_in

pytestmark = pytest.mark.browser


@pytest.fixture
def request_id(live_app: Flask) -> int:
    """A new access request and a DPO (TOTP enrolled) to decide on it."""
    now = datetime.now(UTC)
    with live_app.app_context():
        user = make_staff(db.session, now, email="dana@example.org", role=Role.DPO)
        user.totp_secret = SECRET
        controller = db.session.execute(select(Controller)).scalars().first()
        assert controller is not None
        request = make_request(db.session, controller, now, subject_name="Anna")
        db.session.commit()
        return request.id


def test_withdrawal_is_folded_red_and_needs_the_tick(  # type: ignore[no-untyped-def]
    page, live_server: str, live_app: Flask, request_id: int, artifacts_dir: Path
) -> None:
    page.set_viewport_size({"width": 1280, "height": 800})
    _sign_in(page, live_server)
    page.goto(f"{live_server}/staff/requests/{request_id}#decisions")
    withdraw = page.locator("form[data-decision=withdraw] button")
    assert page.locator("form[data-decision=verify_identity] button").is_visible()
    assert not withdraw.is_visible()  # folded until its disclosure is opened
    page.click("#decide-withdraw > summary")
    assert withdraw.is_visible()
    red = withdraw.evaluate("b => getComputedStyle(b).backgroundColor")
    blue = page.locator("form[data-decision=verify_identity] button").evaluate(
        "b => getComputedStyle(b).backgroundColor"
    )
    assert red != blue
    page.screenshot(path=str(artifacts_dir / "staff-decisions.png"), full_page=True)
    withdraw.click()  # unticked: the browser keeps the form
    assert page.locator("form[data-decision=withdraw] input[name=confirmed]").evaluate(
        "c => !c.validity.valid"
    )
    with live_app.app_context():
        assert db.session.get(Request, request_id).status is Status.NEW  # type: ignore[union-attr]
    page.check("form[data-decision=withdraw] input[name=confirmed]")
    withdraw.click()
    page.wait_for_url(f"**/staff/requests/{request_id}")
    assert "Done: withdraw." in page.inner_text("body")
    with live_app.app_context():
        assert db.session.get(Request, request_id).status is Status.WITHDRAWN  # type: ignore[union-attr]
