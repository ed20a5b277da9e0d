"""Art. 19 notices drafted when an erasure is done on the demo shop, sent or posted, tracked
until confirmed or closed; the erasure's steps by hand (manual sources, Art. 17(2)) closed by
staff, and what the erasure letter then says (dsar/letters/recipient_notices.py,
dsar/changes/follow_up.py)."""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path
from typing import Any

from sqlalchemy import select

from dsar.demo.shop import ensure_shop
from dsar.letters.models import Letter, LetterStatus, RecipientNotice
from dsar.letters.notices import recipients_told
from dsar.letters.recipient_notices import draft_recipient_notices, notices_of
from dsar.requests.models import Request, RequestEvent
from dsar.requests.workflow import RequestType
from tests.factories import make_request
from tests.fulfilment.conftest import GOLDEN_EMAIL, GOLDEN_NUMBER
from tests.staff.test_answering import _decide, carry_out_erasure, dispatch, search_and_export

# Of the four recipients the search found got the demo customer's rows (register
# `disclosures`), only the newsletter service got rows the erasure removed: orders and
# invoices are kept under their retention, so the carrier, the payment service and the tax
# adviser get no notice of an erasure.
TOLD_OF_ERASURE = {"newsletter_tool"}


def _demo(app: Any) -> Any:
    return next(r for r in app.extensions["dsar.registers"] if r.controller.slug == "demo")


def _change_demo(app: Any, monkeypatch: Any, **update: Any) -> None:
    """The demo register with `update` applied (recipients, activities): this test's only."""
    registers = [
        r.model_copy(update=update) if r.controller.slug == "demo" else r
        for r in app.extensions["dsar.registers"]
    ]
    monkeypatch.setitem(app.extensions, "dsar.registers", registers)


def _erased(app, session, controller, now, dpo, as_user) -> tuple[Request, Any]:  # type: ignore[no-untyped-def]
    """An erasure request of the demo customer, searched and carried out by dsar."""
    ensure_shop(Path(app.instance_path))
    request = make_request(
        session,
        controller,
        now - timedelta(days=5),
        type=RequestType.ERASURE,
        subject_email=GOLDEN_EMAIL,
        details={"lookup_keys": {"customer_number": GOLDEN_NUMBER}},
    )
    staff = as_user(dpo)
    assert _decide(staff, request, "verify_identity").status_code == 303
    search_and_export(staff, session, request, None)
    carry_out_erasure(app, session, as_user, staff, request, now)
    return request, staff


def _notices(session, request: Request) -> dict[str, RecipientNotice]:  # type: ignore[no-untyped-def]
    rows = select(RecipientNotice).where(RecipientNotice.request_id == request.id)
    return {n.recipient_id: n for n in session.execute(rows).scalars()}


def test_a_done_erasure_drafts_one_notice_per_recipient_and_none_twice(  # type: ignore[no-untyped-def]
    app, session, controller, now, dpo, as_user, no_csrf, private_shop
) -> None:
    request, staff = _erased(app, session, controller, now, dpo, as_user)

    notices = _notices(session, request)
    assert set(notices) == TOLD_OF_ERASURE
    for recipient_id, notice in notices.items():
        letter = notice.letter
        assert (letter.type, letter.status) == ("recipient_notice", LetterStatus.DRAFT)
        assert letter.details == {
            "recipient": recipient_id,
            "action": "erase",
            "action_on": now.date().isoformat(),
        }
        assert GOLDEN_NUMBER in letter.texts["identifier"]
        assert letter.texts["change"]  # the erased categories it received
    assert recipients_told(session, request) == ()  # drafted tells nobody
    case = staff.get(f"/staff/requests/{request.id}").get_data(as_text=True)
    assert 'id="recipient-notices"' in case
    assert case.count('class="notice-state">drafted') == len(TOLD_OF_ERASURE)

    # What dsar recorded stays: the form no longer offers the recipient, action or day, and a
    # posted one is ignored; the free text and the contact remain staff's to fill in.
    [notice] = notices.values()
    page = staff.get(f"/staff/letters/{notice.letter_id}").get_data(as_text=True)
    assert 'name="fact_recipient"' not in page and 'name="fact_action_on"' not in page
    forged = {"fact_recipient": "parcel", "fact_action": "restrict", "identifier": "K-1"}
    assert staff.post(f"/staff/letters/{notice.letter_id}/edit", data=forged).status_code == 302
    session.refresh(notice.letter)
    assert notice.letter.details == {
        "recipient": "newsletter_tool",
        "action": "erase",
        "action_on": now.date().isoformat(),
    }
    assert notice.letter.texts["identifier"] == "K-1"

    register = _demo(app)
    again = draft_recipient_notices(session, request, "erase", now.date(), register.recipients, now)
    others = {"hosting", "parcel", "payments", "tax_advisor"}
    assert {n.recipient_id for n in again} == others
    assert set(_notices(session, request)) == TOLD_OF_ERASURE | others
    assert (
        draft_recipient_notices(session, request, "erase", now.date(), register.recipients, now)
        == []
    )
    restrict = draft_recipient_notices(
        session, request, "restrict", now.date(), register.recipients[:1], now
    )
    assert [n.action for n in restrict] == ["restrict"]  # another action is noticed anew


def test_a_sent_notice_counts_as_told_and_is_tracked_to_confirmation(  # type: ignore[no-untyped-def]
    app, session, controller, now, dpo, agent, as_user, no_csrf, private_shop, smtp_server,
    monkeypatch,
) -> None:  # fmt: skip
    request, staff = _erased(app, session, controller, now, dpo, as_user)
    [parcel_recipient] = [r for r in _demo(app).recipients if r.id == "parcel"]
    [parcel] = draft_recipient_notices(
        session, request, "erase", now.date(), [parcel_recipient], now
    )
    session.commit()  # as the feature that drafts it would (a refused form rolls back)
    told_one = _notices(session, request)["newsletter_tool"]

    confirm = f"/staff/requests/{request.id}/notices/{told_one.id}/confirm"
    refused = staff.post(
        confirm, data={"confirmed_on": now.date().isoformat()}, follow_redirects=True
    )
    assert b"has not reached the recipient" in refused.data
    future = (now.date() + timedelta(days=2)).isoformat()
    later = staff.post(confirm, data={"confirmed_on": future}, follow_redirects=True)
    assert b"cannot be in the future" in later.data
    session.refresh(told_one)
    assert told_one.confirmed_on is None

    as_agent = as_user(agent)
    closing = {"reason": "The carrier no longer exists: telling it is impossible."}
    close = f"/staff/requests/{request.id}/notices/{parcel.id}/close"
    assert as_agent.post(close, data=closing).status_code == 403
    assert staff.post(close, data={"reason": " "}).status_code == 302
    session.refresh(parcel)
    assert parcel.closed_reason is None
    staff.post(close, data=closing)
    session.refresh(parcel)
    assert parcel.closed_reason == closing["reason"]

    sent = staff.post(f"/staff/letters/{told_one.letter_id}/send", follow_redirects=True)
    assert b"Approved and queued for privacy@examplemail.example" in sent.data
    assert recipients_told(session, request) == ()  # queued is not delivered
    states = {s.notice.recipient_id: s.state for s in notices_of(session, request)}
    assert states["newsletter_tool"] == "queued"

    dispatch(app, smtp_server, monkeypatch, now + timedelta(minutes=1))
    [told] = recipients_told(session, request)  # closed is not told
    assert (told.recipient, told.on) == ("newsletter_tool", now.date())
    states = {s.notice.recipient_id: (s.state, s.on) for s in notices_of(session, request)}
    assert states == {"newsletter_tool": ("sent", now.date()), "parcel": ("closed", None)}

    staff.post(confirm, data={"confirmed_on": now.date().isoformat(), "note": "Ticket 4711"})
    session.refresh(told_one)
    assert (told_one.confirmed_on, told_one.note) == (now.date(), "Ticket 4711")
    case = staff.get(f"/staff/requests/{request.id}").get_data(as_text=True)
    assert 'class="notice-state">confirmed (2 March 2026)' in case
    assert 'class="notice-state">closed: The carrier no longer exists' in case
    actions = (
        session.execute(select(RequestEvent.action).where(RequestEvent.request_id == request.id))
        .scalars()
        .all()
    )
    assert {
        "recipient_notice_drafted",
        "recipient_notice_confirmed",
        "recipient_notice_closed",
    } <= set(actions)


def test_a_recipient_without_an_email_address_gets_a_notice_to_post(  # type: ignore[no-untyped-def]
    app, session, controller, now, dpo, as_user, no_csrf, private_shop, monkeypatch
) -> None:
    postal = "Example Mail Inc.\n1 Market Street\nSan Francisco, CA 94105"
    recipients = [
        r.model_copy(update={"contact": None, "postal": postal}) if r.id == "newsletter_tool" else r
        for r in _demo(app).recipients
    ]
    _change_demo(app, monkeypatch, recipients=recipients)
    request, staff = _erased(app, session, controller, now, dpo, as_user)
    notice = _notices(session, request)["newsletter_tool"]  # not skipped for want of an address

    approved = staff.post(f"/staff/letters/{notice.letter_id}/send", follow_redirects=True)
    assert b"print the PDF, post it, record the day" in approved.data
    session.refresh(notice.letter)
    assert (notice.letter.status, notice.letter.recipient) == (LetterStatus.APPROVED, None)
    assert "1 Market Street" in (notice.letter.html or "")
    assert recipients_told(session, request) == ()
    assert {s.notice.recipient_id: s.state for s in notices_of(session, request)}[
        "newsletter_tool"
    ] == "to post"

    staff.post(
        f"/staff/letters/{notice.letter_id}/posted", data={"posted_on": now.date().isoformat()}
    )
    assert [(t.recipient, t.on) for t in recipients_told(session, request)] == [
        ("newsletter_tool", now.date())
    ]
    assert {s.notice.recipient_id: s.state for s in notices_of(session, request)}[
        "newsletter_tool"
    ] == "posted"


def test_the_erasure_letter_names_as_told_only_the_delivered_notices(  # type: ignore[no-untyped-def]
    app, session, controller, now, dpo, as_user, no_csrf, private_shop, smtp_server, monkeypatch
) -> None:
    request, staff = _erased(app, session, controller, now, dpo, as_user)
    staff.post(f"/staff/requests/{request.id}/letters", data={"letter_type": "erasure"})
    letter = session.execute(
        select(Letter).where(Letter.request_id == request.id, Letter.type == "erasure")
    ).scalar_one()
    page = staff.get(f"/staff/letters/{letter.id}").get_data(as_text=True)
    # Only the newsletter service got erased rows; the carrier's orders are kept, not erased.
    assert "missing the Art. 19 notice to Example Mail Inc., San Francisco, which" in page
    assert "Paket-Express" not in page.split("is incomplete")[1].split("</")[0]

    notice = _notices(session, request)["newsletter_tool"]
    staff.post(f"/staff/letters/{notice.letter_id}/send")
    page = staff.get(f"/staff/letters/{letter.id}").get_data(as_text=True)
    assert "missing the Art. 19 notice to Example Mail Inc." in page  # queued tells nobody

    dispatch(app, smtp_server, monkeypatch, now + timedelta(minutes=1))
    page = staff.get(f"/staff/letters/{letter.id}").get_data(as_text=True)
    assert "is incomplete" not in page
    assert (
        "We informed the recipients to whom we had disclosed this data of the erasure (Art. 19 "
        "GDPR): Example Mail Inc., San Francisco on 2 March 2026." in page
    )
