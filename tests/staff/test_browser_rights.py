"""Every right other than access (tests/staff/test_browser.py) in headless chromium: from the
queue to a sent letter, filled in through the labels staff read; the request closes only once
the outbox has delivered it."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
from flask import Flask
from sqlalchemy import select

from dsar.accounts.models import Role
from dsar.changes.erasures import approve_erasure, erasures_of
from dsar.controllers.models import Controller
from dsar.demo.shop import ensure_shop
from dsar.extensions import db
from dsar.fulfilment.search import register_for
from dsar.jobs.scheduler import run_job
from dsar.requests.models import Request
from dsar.requests.workflow import RequestType, Status
from dsar.web.staff.labels import written_date
from tests.factories import make_request, make_staff
from tests.fulfilment.conftest import GOLDEN_EMAIL, GOLDEN_NUMBER
from tests.staff.test_answering import dispatch
from tests.staff.test_browser import SECRET, _sign_in

pytestmark = pytest.mark.browser
TODAY = "today"  # stands for the day the test runs, in ISO form
ACTIVITIES = "The processing activities concerned"

# What a DPO fills in on each final letter's page, by the label shown beside each field:
# (how, label, value); "check" ticks an activity in the activities fieldset.
FILLED: dict[str, tuple[tuple[str, str, str], ...]] = {
    "portability": (
        ("select", "The data is covered by the right to portability (Art. 20(1))", "yes"),
        ("select", "The data was transmitted directly to the new controller", "no"),
    ),
    "rectification": (
        # dsar writes the street (the Rectification page) and records its day.
        ("fill", "What was corrected or completed", "Your postal address now reads Hauptstr. 2."),
    ),
    "erasure": (
        # dsar carries the erasure out and records its day; the search found four recipients
        # got the data, and none was sent a notice here.
        ("fill", "could not be told of the erasure", "Their contracts ended; they hold no copy."),
    ),
    # dsar restricts (the Restriction page) and records the ground and the day.
    "restriction": (("check", ACTIVITIES, "Customer account"),),
    # dsar stops the processing (the Processing page) and records when, which and the outcome.
    "objection": (),
    "consent_withdrawal": (),
}
SEARCHED = {"portability": "Data found and export", "erasure": "Data found"}
# What the subject's form brought, by right.
ASKED: dict[str, dict[str, object]] = {
    "objection": {"objection": "direct_marketing"},
    "consent_withdrawal": {"activities": ["newsletter"]},
}
# What a rectification request asks to correct: dsar maps it on the Rectification page.
ITEMS: dict[str, dict[str, object]] = {
    "rectification": {"items": [{"wrong": "my street", "correct": "Hauptstr. 2"}]},
}


@pytest.fixture
def dpo(live_app: Flask) -> None:
    """The DPO who signs in with _sign_in; the demo shop that holds the customer's data."""
    ensure_shop(Path(live_app.instance_path))
    with live_app.app_context():
        user = make_staff(db.session, datetime.now(UTC), email="dana@example.org", role=Role.DPO)
        user.totp_secret = SECRET
        db.session.commit()


def _request_from_the_customer(live_app: Flask, right: str) -> str:
    with live_app.app_context():
        controller = db.session.execute(select(Controller)).scalars().first()
        assert controller is not None
        made = make_request(
            db.session,
            controller,
            datetime.now(UTC) - timedelta(days=4),
            type=RequestType(right),
            subject_name="Zoë Andersson",
            subject_email=GOLDEN_EMAIL,
            details={
                "lookup_keys": {"customer_number": GOLDEN_NUMBER},
                **ASKED.get(right, {}),
                **ITEMS.get(right, {}),
            },
        )
        db.session.commit()
        return made.reference or ""


def _stored(live_app: Flask, reference: str) -> tuple[Status, datetime | None]:
    with live_app.app_context():
        found = db.session.execute(
            select(Request).where(Request.reference == reference)
        ).scalar_one()
        return found.status, found.answered_at


def _search(page, right: str) -> None:  # type: ignore[no-untyped-def]
    """The data page: search, finish the demo's manual source, build the copy if one is owed."""
    page.get_by_role("link", name=SEARCHED[right], exact=True).click()
    page.click("text=Search all sources")
    page.check("input[name=outcome][value=nothing_found]")
    page.get_by_label("How it was searched").fill(
        "Searched the support mailbox by name and e-mail."
    )
    with page.expect_navigation():
        page.click("form:has(input[name=outcome]) button[type=submit]")
    if right == "portability":
        page.click("text=Build export and mail the link")  # back on the request's page
        page.wait_for_selector("text=the download link was mailed")
    else:
        page.click("#back-to-request")


def _erase(page, live_app: Flask, reference: str) -> None:  # type: ignore[no-untyped-def]
    """Plan on the Erasure page; a second DPO approves; the scheduler's job carries it out."""
    page.click("#erasure-link")
    page.click("text=Plan the erasure (preview, changes nothing)")
    page.wait_for_selector("#needs-second-dpo")
    assert "shop_db: contact_messages" in page.inner_text("#erasure-plan")
    with live_app.app_context():
        request = db.session.execute(
            select(Request).where(Request.reference == reference)
        ).scalar_one()
        erasure = erasures_of(db.session(), request)[0]
        second = make_staff(db.session, datetime.now(UTC), email="eve@example.org", role=Role.DPO)
        register = register_for(live_app.extensions["dsar.registers"], request)
        approve_erasure(db.session(), erasure, register, approver=second, now=datetime.now(UTC))
        db.session.commit()
    assert run_job(live_app, "erasures").done == 1
    page.reload()
    assert "removed 1" in page.inner_text("#erasure-report")


def _rectify(page, live_app: Flask) -> None:  # type: ignore[no-untyped-def]
    """Map the item on the Rectification page, preview, approve; the scheduler's job applies it."""
    page.click("#rectification-link")
    page.select_option("#target_0", value="shop_db|customers|street")
    page.click("text=Preview before and after (changes nothing)")
    page.wait_for_selector("#approve-rectification")
    assert "Hauptstr. 2" in page.inner_text("#rectification-diff")
    page.click("#approve-rectification")
    page.wait_for_selector("text=Approved: waiting for the scheduler")
    assert run_job(live_app, "rectifications").done == 1
    page.reload()
    assert "read back" in page.inner_text("#rectification-diff")


def _restrict(page, live_app: Flask) -> None:  # type: ignore[no-untyped-def]
    """Place it on the Restriction page; the scheduler's job sets the flag; record by hand."""
    page.click("#restriction-link")
    page.check("input[name=ground][value='18.1.a']")
    page.get_by_label("Until when it lasts").fill("until the address is checked")
    page.click("#place-form button[type=submit]")
    page.wait_for_selector("text=Placed: waiting for the scheduler")
    assert run_job(live_app, "marks").done == 1
    page.reload()
    while page.locator("text=I restricted it by hand").count():
        with page.expect_navigation():
            page.locator("text=I restricted it by hand").first.click()
    assert page.inner_text("#restriction-status") == "Active"


def _stop(page, live_app: Flask) -> None:  # type: ignore[no-untyped-def]
    """Confirm the stop on the Processing page; the scheduler's job runs the stop rules."""
    page.click("#processing-link")
    page.click("#decide-stop")
    page.wait_for_selector("text=Confirmed: waiting for the scheduler")
    assert run_job(live_app, "marks").done == 1
    page.reload()
    assert page.inner_text("#stop-status") == "Stopped"


def _fill_in(page, right: str, today: str) -> None:  # type: ignore[no-untyped-def]
    for how, label, value in FILLED[right]:
        if how == "check":
            page.get_by_role("group", name=label).get_by_label(value, exact=True).check()
        elif how == "select":
            page.get_by_label(label).select_option(label=value)
        else:
            page.get_by_label(label).fill(today if value == TODAY else value)


@pytest.mark.parametrize("right", list(FILLED))
def test_each_right_from_the_queue_to_a_delivered_letter(  # type: ignore[no-untyped-def]
    page, live_server, live_app, dpo, smtp_server, monkeypatch, artifacts_dir, right
) -> None:
    reference = _request_from_the_customer(live_app, right)
    today = datetime.now(UTC).date().isoformat()
    _sign_in(page, live_server)
    page.click(f"text={reference}")
    case_url = page.url
    assert page.inner_text("#checklist li.next").startswith("○")
    assert "Identity settled" in page.inner_text("#checklist li.next")
    page.click("form[data-decision=verify_identity] button")
    page.wait_for_selector("text=Done: verify identity.")
    if right in SEARCHED:
        _search(page, right)
    if right == "erasure":
        _erase(page, live_app, reference)
        page.goto(case_url)
    if right == "rectification":
        _rectify(page, live_app)
        page.goto(case_url)
    if right == "restriction":
        _restrict(page, live_app)
        page.goto(case_url)
    if right in ASKED:
        _stop(page, live_app)
        page.goto(case_url)
    assert "Nothing is missing: prepare the answer below." in page.inner_text("#answer")
    page.click("form[data-decision=prepare_answer] button")
    page.wait_for_url("**/staff/letters/*")

    _fill_in(page, right, today)
    page.click("#letter-form button[type=submit]")
    page.wait_for_selector("text=Saved.")
    letter = page.frame_locator("iframe[title='Letter preview']")
    for how, label, value in FILLED[right]:
        shown = today if value == TODAY else value
        if how == "fill" and value != TODAY:  # a free text: it is in the letter itself
            assert letter.get_by_text(shown).count() == 1, (label, shown)
        else:  # a case fact: the facts table shows it beside its label
            row = page.locator("#facts tr").filter(has=page.get_by_role("rowheader", name=label))
            assert row.locator("td").inner_text() == shown, label
    assert "is incomplete" not in page.content()
    assert page.locator(".flash.error, [role=alert], ul.missing").count() == 0
    page.click("#approve-send")
    page.wait_for_selector("text=Approved and queued for")
    assert "the request closes once the outbox has delivered it" in page.inner_text("#sent")
    assert _stored(live_app, reference) == (Status.ANSWERING, None)

    assert dispatch(live_app, smtp_server, monkeypatch, datetime.now(UTC)).answered == 1
    page.reload()
    local_today = datetime.now(ZoneInfo("Europe/Berlin")).date()  # the demo controller's day
    assert f"The request was answered on {written_date(local_today)}" in page.inner_text("#sent")
    page.screenshot(path=str(artifacts_dir / f"staff-answered-{right}.png"), full_page=True)
    page.goto(case_url)
    assert page.inner_text("#status") == "completed"
    assert page.locator("#checklist li.todo, #checklist li.next").count() == 0  # all done
    # The controller's day, like the sentence above (between 23:00 and 24:00 UTC it is not UTC's).
    assert page.get_attribute("#answered-on", "data-date") == local_today.isoformat()
    assert "Answered on" in page.inner_text("#answer")
    status, answered_at = _stored(live_app, reference)
    assert status is Status.COMPLETED and answered_at is not None
