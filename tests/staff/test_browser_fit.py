"""The queue and the case page at 1280x800 in headless chromium: no sideways scrolling with 30
requests of long names, every right and every status, and no raw value in the page's text."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from itertools import cycle
from pathlib import Path

import pytest
from flask import Flask
from sqlalchemy import select

from dsar.accounts.models import Role
from dsar.controllers.models import Controller
from dsar.extensions import db
from dsar.requests.workflow import RequestType, Status
from tests.factories import make_request, make_staff
from tests.staff.test_browser import SECRET, _sign_in

pytestmark = pytest.mark.browser
RAW = ("consent_withdrawal", "in_progress", "None", "{'")
LONG_NAME = "Maximiliane Theodora Freifrau von Hohenzollern-Sigmaringen-Württemberg {n}"
LONG_EMAIL = "maximiliane.theodora.von.hohenzollern-sigmaringen.{n}@eine-sehr-lange-domain.example"
DETAILS = {
    "form_version": 1,
    "lookup_keys": {"customer_number": "K-100042"},
    "message": None,
    "items": [{"wrong": "Hauptstraße 1, 10115 Berlin", "correct": "Hauptstraße 2, 10115 Berlin"}],
}

DETAILS_OF = {
    RequestType.RECTIFICATION: DETAILS,
    RequestType.CONSENT_WITHDRAWAL: {"form_version": 1, "activities": ["newsletter"]},
    RequestType.OBJECTION: {"objection": "direct_marketing", "grounds": None},
}


@pytest.fixture
def thirty(live_app: Flask) -> int:
    """30 requests, every right and status, long names; returns the rectification's id."""
    now = datetime.now(UTC)
    with live_app.app_context():
        user = make_staff(db.session, now, email="dana@example.org", role=Role.DPO)
        user.totp_secret = SECRET
        controller = db.session.execute(select(Controller)).scalars().first()
        assert controller is not None
        rights, statuses = cycle(RequestType), cycle(Status)
        for n in range(30):
            right = next(rights)
            request = make_request(
                db.session,
                controller,
                now - timedelta(days=n * 2),
                type=right,
                subject_name=LONG_NAME.format(n=n),
                subject_email=LONG_EMAIL.format(n=n),
                details=DETAILS_OF.get(right, {"form_version": 1, "message": None}),
            )
            request.status = next(statuses)
            if n % 3 == 0:
                request.assignee = user
        case = make_request(
            db.session,
            controller,
            now - timedelta(days=1),
            type=RequestType.RECTIFICATION,
            subject_name=LONG_NAME.format(n="case"),
            subject_email=LONG_EMAIL.format(n="case"),
            details=DETAILS,
        )
        db.session.commit()
        return case.id


def _fits_and_reads(page) -> str:  # type: ignore[no-untyped-def]
    fits = page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")
    widths = page.evaluate("[document.documentElement.scrollWidth, window.innerWidth]")
    assert fits, f"scrolls sideways: {widths} on {page.url}"
    text: str = page.inner_text("body")
    for raw in RAW:
        assert raw not in text, f"{raw!r} on {page.url}"
    return text


def test_queue_and_case_page_fit_1280_and_read(  # type: ignore[no-untyped-def]
    page, live_server: str, thirty: int, artifacts_dir: Path
) -> None:
    page.set_viewport_size({"width": 1280, "height": 800})
    _sign_in(page, live_server)
    for query in ("", "?status=all", "?status=all&overdue=1"):
        page.goto(f"{live_server}/staff/queue{query}")
        text = _fits_and_reads(page)
        assert "Assign to me" in text
        assert page.locator("#more-filters").evaluate("d => d.open") == ("overdue" in query)
    page.goto(f"{live_server}/staff/queue?status=all")
    assert page.locator("input[name=ids]").count() == 31
    page.screenshot(path=str(artifacts_dir / "staff-queue-1280.png"))
    # Every reference on one line: its cell is one line high.
    heights = page.eval_on_selector_all(
        "table.queue tbody td:nth-child(2) a", "links => links.map(a => a.getClientRects().length)"
    )
    assert heights and set(heights) == {1}
    button = page.locator("button.link", has_text="Assign to me").first.bounding_box()
    assert button is not None and button["x"] + button["width"] <= 1280
    page.goto(f"{live_server}/staff/requests/{thirty}")
    text = _fits_and_reads(page)
    assert "Customer number (typed)" in text and "form version" not in text
    assert "Hauptstraße 1, 10115 Berlin → Hauptstraße 2, 10115 Berlin" in text
    assert " CET" in text or " CEST" in text
    page.select_option("#assignee", label="dana@example.org")
    page.click("text=Save assignment")  # the timeline's "assignee: nobody → dana@…", no None
    text = _fits_and_reads(page)
    assert "assignee: nobody → dana@example.org" in text
    page.screenshot(path=str(artifacts_dir / "staff-case-1280.png"), full_page=True)
    page.goto(f"{live_server}/staff/queue?status=all&type=consent_withdrawal")
    page.locator("table.queue tbody td:nth-child(2) a").first.click()
    text = _fits_and_reads(page)
    assert "withdrawal of consent (Art. 7(3))" in text and "Consent withdrawn for" in text
