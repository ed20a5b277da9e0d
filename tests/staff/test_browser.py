"""The staff workspace in headless chromium: TOTP sign-in, filtering, a full decision flow."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from pathlib import Path

import pyotp
import pytest
from flask import Flask
from sqlalchemy import select

from dsar.accounts.models import Role
from dsar.controllers.models import Controller
from dsar.extensions import db
from dsar.requests.models import Request
from dsar.requests.workflow import RequestType, Status
from tests.factories import PASSWORD, make_request, make_staff

pytestmark = pytest.mark.browser
SECRET = pyotp.random_base32()


@pytest.fixture
def seeded(live_app: Flask) -> dict[str, str]:
    now = datetime.now(UTC)
    with live_app.app_context():
        user = make_staff(db.session, now, email="dana@example.org", role=Role.DPO)
        user.totp_secret = SECRET
        controller = db.session.execute(select(Controller)).scalars().first()
        assert controller is not None
        access = make_request(db.session, controller, now - timedelta(days=3), subject_name="Anna")
        erasure = make_request(
            db.session,
            controller,
            now - timedelta(days=1),
            type=RequestType.ERASURE,
            subject_name="Bernd",
        )
        db.session.commit()
        return {"access": access.reference or "", "erasure": erasure.reference or ""}


def _sign_in(page, live_server: str) -> None:  # type: ignore[no-untyped-def]
    page.goto(f"{live_server}/staff/login")
    page.fill("#email", "dana@example.org")
    page.fill("#password", PASSWORD)
    page.click("button[type=submit]")
    page.wait_for_url("**/staff/login/totp")
    page.fill("#code", pyotp.TOTP(SECRET).now())
    page.click("button[type=submit]")
    page.wait_for_url("**/staff/queue")


def test_sign_in_with_totp_and_filter(  # type: ignore[no-untyped-def]
    page, live_server: str, seeded: dict[str, str], artifacts_dir: Path
) -> None:
    _sign_in(page, live_server)
    assert page.locator("input[name=ids]").count() == 2
    page.select_option("#f-type", "erasure")
    page.click("form.filters button[type=submit]")
    page.wait_for_url("**type=erasure**")
    rows = page.locator("input[name=ids]")
    assert rows.count() == 1
    assert rows.first.get_attribute("aria-label") == f"Select {seeded['erasure']}"
    page.screenshot(path=str(artifacts_dir / "staff-queue-filtered.png"), full_page=True)


def test_verify_identity_then_complete(  # type: ignore[no-untyped-def]
    page, live_server: str, live_app: Flask, seeded: dict[str, str], artifacts_dir: Path
) -> None:
    _sign_in(page, live_server)
    # An erasure request: completing an access request first needs its search and export.
    page.click(f"text={seeded['erasure']}")
    page.click("form[data-decision=verify_identity] button")
    page.wait_for_selector("text=Done: verify identity.")
    assert page.inner_text("#status") == "in progress"
    page.fill("#complete-comment", "Erased from the shop database")
    page.click("form[data-decision=complete] button")
    page.wait_for_selector("text=Done: complete.")
    assert page.inner_text("#status") == "completed"
    assert page.locator("li[data-action=complete]").count() == 1
    page.screenshot(path=str(artifacts_dir / "staff-decision-flow.png"), full_page=True)
    with live_app.app_context():
        request = db.session.execute(
            select(Request).where(Request.reference == seeded["erasure"])
        ).scalar_one()
        assert request.status is Status.COMPLETED
        assert [e.actor for e in request.events][-2:] == ["dana@example.org"] * 2
