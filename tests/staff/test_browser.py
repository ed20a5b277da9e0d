"""The staff workspace in headless chromium: TOTP sign-in, filtering, a full decision flow."""

from __future__ import annotations

import dataclasses
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pyotp
import pytest
from flask import Flask
from sqlalchemy import select

from dsar.accounts.models import Role
from dsar.controllers.models import Controller
from dsar.demo.shop import ensure_shop
from dsar.extensions import db
from dsar.jobs.scheduler import run_job
from dsar.requests.models import Request
from dsar.requests.workflow import RequestType, Status
from tests.factories import PASSWORD, make_request, make_staff
from tests.fulfilment.conftest import GOLDEN_EMAIL, GOLDEN_NUMBER

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
    # The checkbox's accessible name, as the browser computes it: the column's word and the
    # row's reference.
    assert page.get_by_role("checkbox", name=f"Select {seeded['erasure']}", exact=True).count() == 1
    page.screenshot(path=str(artifacts_dir / "staff-queue-filtered.png"), full_page=True)


def test_access_from_the_queue_to_a_delivered_answer(  # type: ignore[no-untyped-def]
    page, live_server: str, live_app: Flask, seeded: dict[str, str], smtp_server, artifacts_dir
) -> None:
    """The DPO's clicks from the queue to the sent answer; the request closes on delivery."""
    ensure_shop(Path(live_app.instance_path))
    with live_app.app_context():
        controller = db.session.execute(select(Controller)).scalars().first()
        assert controller is not None
        reference = make_request(
            db.session,
            controller,
            datetime.now(UTC) - timedelta(days=4),
            subject_name="Zoë Andersson",
            subject_email=GOLDEN_EMAIL,
            details={"lookup_keys": {"customer_number": GOLDEN_NUMBER}},
        ).reference
        db.session.commit()
    _sign_in(page, live_server)
    page.click(f"text={reference}")  # 1
    page.click("form[data-decision=verify_identity] button")  # 2
    page.wait_for_selector("text=Done: verify identity.")
    page.click("text=Data found and export")  # 3
    page.click("text=Search all sources")  # 4
    # The demo's one manual source: its result and how it was searched.
    page.check("input[name=outcome][value=nothing_found]")
    page.fill("textarea[name=note]", "Searched the support mailbox by name and e-mail.")
    page.click("form:has(textarea[name=note]) button[type=submit]")  # 5
    page.click("text=Build export and mail the link")  # 6: back on the request's page
    page.wait_for_selector("text=the download link was mailed")
    assert "Nothing is missing: prepare the answer below." in page.inner_text("#answer")
    page.click("form[data-decision=prepare_answer] button")  # 7: on to the drafted letter
    page.wait_for_url("**/staff/letters/*")
    page.screenshot(path=str(artifacts_dir / "staff-answer-letter.png"), full_page=True)
    page.click("#approve-send")  # 8
    page.wait_for_selector("text=Approved and queued for")
    assert "the request closes once the outbox has delivered it" in page.inner_text("#sent")
    with live_app.app_context():
        request = db.session.execute(
            select(Request).where(Request.reference == reference)
        ).scalar_one()
        assert (request.status, request.answered_at) == (Status.ANSWERING, None)
    settings = dataclasses.replace(
        live_app.config["DSAR_SETTINGS"], smtp_host="127.0.0.1", smtp_port=smtp_server.port
    )
    live_app.config["DSAR_SETTINGS"] = settings
    assert run_job(live_app, "dispatch_outbox").answered == 1
    page.reload()
    assert "The request was answered on" in page.inner_text("#sent")
    page.goto(f"{live_server}/staff/queue?status=all")
    page.click(f"text={reference}")
    assert page.inner_text("#status") == "completed"
    assert "Answered on" in page.inner_text("#answer")
    page.screenshot(path=str(artifacts_dir / "staff-answered.png"), full_page=True)
    with live_app.app_context():
        request = db.session.execute(
            select(Request).where(Request.reference == reference)
        ).scalar_one()
        assert request.status is Status.COMPLETED and request.answered_at is not None
        assert [e.action for e in request.events][-1] == "complete"
