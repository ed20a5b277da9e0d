"""Every right through the staff pages to a sent letter: the request closes only then.

Before the outbox has delivered the final letter (or staff recorded it as posted), the status
page claims no answer, the dashboard counts none and register.csv lists the request as open.
"""

from __future__ import annotations

import dataclasses
import re
import secrets
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import select

from dsar.accounts.models import Role
from dsar.changes.models import (
    Erasure,
    ErasureStatus,
    Rectification,
    RectificationStatus,
    Restriction,
    RestrictionStatus,
)
from dsar.demo.shop import ensure_shop
from dsar.fulfilment.models import ManualTask
from dsar.jobs.scheduler import run_job
from dsar.letters.models import Letter, LetterStatus
from dsar.requests.models import Request, RequestEvent
from dsar.requests.operations import hash_token
from dsar.requests.workflow import Channel, RequestType, Status
from tests.factories import make_request, make_staff
from tests.fulfilment.conftest import GOLDEN_EMAIL, GOLDEN_NUMBER

# What staff fill in on each final letter's page (the labelled fields), by right.
FILLED: dict[str, dict[str, str | list[str]]] = {
    "access": {},
    "portability": {},
    # dsar writes the street (the Rectification page, then the job): no by-hand day to record.
    "rectification": {"changes": "Your postal address now reads Hauptstr. 2."},
    # The newsletter service got the demo customer's erased rows (the search records it); its
    # Art. 19 notice is drafted but not sent here, so the letter needs why and says so.
    "erasure": {"untold": "Their contracts ended in 2025; they hold no copy."},
    # dsar restricts (the Restriction page): the ground and day are the record's.
    "restriction": {},
    # dsar stops the processing (the Processing page): when, which and the outcome are recorded.
    "objection": {},
    "consent_withdrawal": {},
}
# What the subject's form brought, by right.
ASKED: dict[str, dict[str, object]] = {
    "objection": {"objection": "direct_marketing"},
    "consent_withdrawal": {"activities": ["newsletter"]},
}
# What a rectification request asks to correct: dsar maps it on the Rectification page.
ITEMS: dict[str, dict[str, object]] = {
    "rectification": {"items": [{"wrong": "my street", "correct": "Hauptstr. 2"}]},
}
SEARCHED = ("access", "portability", "erasure")
RAW_NAMES = re.compile(r">\s*(withheld|note|changes|done on|done_on)\s*<")


def _with_token(request: Request) -> str:
    token = secrets.token_urlsafe(32)
    request.status_token_hash = hash_token(token)
    return token


def _decide(client, request: Request, decision: str, **fields: str):  # type: ignore[no-untyped-def]
    data = {"decision": decision, "version": str(request.version), **fields}
    return client.post(f"/staff/requests/{request.id}/decide", data=data)


def search_and_export(client, session, request: Request, kind: str | None) -> None:  # type: ignore[no-untyped-def]
    """The data page: search, finish the manual searches, build the export (if a copy)."""
    assert client.post(f"/staff/requests/{request.id}/data/search").status_code == 302
    tasks = select(ManualTask).where(
        ManualTask.request_id == request.id, ManualTask.done_at.is_(None)
    )
    for task in session.execute(tasks).scalars().all():
        done = {"note": "Searched by name", "outcome": "nothing_found"}
        client.post(f"/staff/requests/{request.id}/data/tasks/{task.id}", data=done)
    if kind:
        response = client.post(f"/staff/requests/{request.id}/data/export", data={"kind": kind})
        assert response.status_code == 302


def carry_out_erasure(app, session, as_user, planner, request: Request, now: datetime) -> None:  # type: ignore[no-untyped-def]
    """Plan on the Erasure page, approve as a second DPO, let the scheduler's job run."""
    planned = planner.post(f"/staff/requests/{request.id}/erasure/plan", data={"scope": "all"})
    assert planned.status_code == 302
    erasure = session.execute(select(Erasure).where(Erasure.request_id == request.id)).scalar_one()
    approver = make_staff(session, now, email=f"second-{request.id}@example.org", role=Role.DPO)
    as_user(approver).post(f"/staff/requests/{request.id}/erasure/{erasure.id}/approve")
    assert run_job(app, "erasures", now).done == 1
    session.refresh(erasure)
    assert erasure.status is ErasureStatus.DONE


def carry_out_rectification(app, session, staff, request: Request, now: datetime) -> None:  # type: ignore[no-untyped-def]
    """Map the subject's item on the Rectification page, approve it, let the job apply it."""
    data = {"target_0": "shop_db|customers|street", "row_0": "", "value_0": "Hauptstr. 2"}
    assert (
        staff.post(f"/staff/requests/{request.id}/rectification/plan", data=data).status_code == 302
    )
    rectification = session.execute(
        select(Rectification).where(Rectification.request_id == request.id)
    ).scalar_one()
    staff.post(f"/staff/requests/{request.id}/rectification/{rectification.id}/approve")
    assert run_job(app, "rectifications", now).done == 1
    session.refresh(rectification)
    assert rectification.status is RectificationStatus.DONE


def carry_out_restriction(app, session, staff, request: Request, now: datetime) -> None:  # type: ignore[no-untyped-def]
    """Place it on the Restriction page, let the scheduler's job set the marks, record the
    by-hand steps."""
    placed = staff.post(
        f"/staff/requests/{request.id}/restriction/place",
        data={"ground": "18.1.a", "end_condition": "until the address is checked", "where": "all"},
    )
    assert placed.status_code == 302
    restriction = session.execute(
        select(Restriction).where(Restriction.request_id == request.id)
    ).scalar_one()
    assert run_job(app, "marks", now).done == 1
    session.refresh(restriction)
    session.refresh(request)  # the job wrote its event on the request's chain
    for index in range(len(restriction.manual)):
        url = f"/staff/requests/{request.id}/restriction/{restriction.id}/by-hand/{index}"
        assert staff.post(url).status_code == 302
    session.refresh(restriction)
    assert restriction.status is RestrictionStatus.ACTIVE


def dispatch(app, smtp_server, monkeypatch, now: datetime) -> Any:  # type: ignore[no-untyped-def]
    """The scheduler's dispatch job against the test's SMTP server."""
    settings = dataclasses.replace(
        app.config["DSAR_SETTINGS"], smtp_host="127.0.0.1", smtp_port=smtp_server.port
    )
    monkeypatch.setitem(app.config, "DSAR_SETTINGS", settings)
    return run_job(app, "dispatch_outbox", now)


def _not_answered(client, staff, request: Request, token: str) -> None:  # type: ignore[no-untyped-def]
    status = client.get(f"/c/demo/status/{token}").get_data(as_text=True)
    assert "has been answered" not in status and 'id="answered-on"' not in status
    dashboard = staff.get("/staff/dashboard").get_data(as_text=True)
    assert '<strong id="in-time">—</strong>' in dashboard
    assert '<strong id="median-days">—</strong>' in dashboard
    register = staff.get("/staff/register.csv").get_data(as_text=True)
    row = next(line for line in register.splitlines() if line.startswith(request.reference))
    assert row.endswith(",,,open")  # not closed, not answered


@pytest.mark.parametrize("right", list(FILLED))
def test_each_right_closes_only_once_its_letter_is_delivered(  # type: ignore[no-untyped-def]
    app,
    client,
    session,
    controller,
    now,
    dpo,
    as_user,
    no_csrf,
    smtp_server,
    monkeypatch,
    private_shop,
    right,
) -> None:
    ensure_shop(Path(app.instance_path))
    request = make_request(
        session,
        controller,
        now - timedelta(days=5),
        type=RequestType(right),
        subject_email=GOLDEN_EMAIL,
        details={
            "lookup_keys": {"customer_number": GOLDEN_NUMBER},
            **ASKED.get(right, {}),
            **ITEMS.get(right, {}),
        },
    )
    token = _with_token(request)
    staff = as_user(dpo)
    assert _decide(staff, request, "verify_identity").status_code == 303
    if right in SEARCHED:
        search_and_export(staff, session, request, right if right != "erasure" else None)
    if right == "erasure":  # dsar erases: the letter states what it recorded
        carry_out_erasure(app, session, as_user, staff, request, now)
    if right == "rectification":  # dsar corrects: the letter states what it recorded
        carry_out_rectification(app, session, staff, request, now)
    if right == "restriction":  # dsar restricts: the letter states what it recorded
        carry_out_restriction(app, session, staff, request, now)
    if right in ASKED:  # dsar stops the processing: the letter states what it recorded
        assert staff.post(f"/staff/requests/{request.id}/processing/decide").status_code == 302
        assert run_job(app, "marks", now).done == 1
    session.refresh(request)
    prepared = _decide(staff, request, "prepare_answer")
    assert prepared.status_code == 303, prepared.get_data(as_text=True)
    answer = select(Letter).where(Letter.request_id == request.id, Letter.type == right)
    letter = session.execute(answer).scalar_one()  # an erasure also drafted Art. 19 notices
    assert prepared.headers["Location"].endswith(f"/staff/letters/{letter.id}")
    session.refresh(request)
    assert request.status is Status.ANSWERING

    page = staff.get(f"/staff/letters/{letter.id}").get_data(as_text=True)
    assert not RAW_NAMES.search(page), RAW_NAMES.search(page)
    filled = {k: v or now.date().isoformat() for k, v in FILLED[right].items()}
    if filled:
        assert staff.post(f"/staff/letters/{letter.id}/edit", data=filled).status_code == 302
        shown = staff.get(f"/staff/letters/{letter.id}").get_data(as_text=True)
        assert "is incomplete" not in shown
        if any(name.startswith("fact_") for name in filled):
            assert 'id="facts"' in shown  # the recorded facts, shown back
    _not_answered(client, staff, request, token)

    sent = staff.post(f"/staff/letters/{letter.id}/send", follow_redirects=True)
    assert b"Approved and queued for" in sent.data, sent.get_data(as_text=True)
    session.refresh(letter)
    session.refresh(request)
    assert (letter.status, request.status, request.answered_at) == (
        LetterStatus.SENT,
        Status.ANSWERING,
        None,
    )
    _not_answered(client, staff, request, token)  # queued is not delivered

    delivered_at = now + timedelta(minutes=3)
    result = dispatch(app, smtp_server, monkeypatch, delivered_at)
    assert result.answered == 1
    session.refresh(request)
    assert (request.status, request.answered_at) == (Status.COMPLETED, delivered_at)
    assert [e.action for e in request.events][-1] == "complete"
    status = client.get(f"/c/demo/status/{token}").get_data(as_text=True)
    assert "has been answered" in status and 'id="answered-on"' in status
    register = staff.get("/staff/register.csv").get_data(as_text=True)
    row = next(line for line in register.splitlines() if line.startswith(request.reference))
    assert row.endswith(f",{delivered_at.isoformat(timespec='seconds')},completed")
    dashboard = staff.get("/staff/dashboard").get_data(as_text=True)
    assert '<strong id="median-days">5.0</strong>' in dashboard
    case = staff.get(f"/staff/requests/{request.id}").get_data(as_text=True)
    on = delivered_at.date()
    assert f'<strong id="answered-on" data-date="{on.isoformat()}">{on:%-d %B %Y}</strong>' in case
    assert f"in time (due {request.effective_due_date:%-d %B %Y})" in case
    assert dispatch(app, smtp_server, monkeypatch, delivered_at).answered == 0  # once only


def test_a_printed_letter_answers_on_the_day_it_was_posted(  # type: ignore[no-untyped-def]
    session, controller, now, dpo, as_user, no_csrf, erasure_by_hand
) -> None:
    request = make_request(
        session,
        controller,
        now - timedelta(days=2),
        type=RequestType.RECTIFICATION,
        channel=Channel.POST,
        subject_email=None,
        subject_address="Hauptstr. 1\n10115 Berlin",
    )
    staff = as_user(dpo)
    _decide(staff, request, "verify_identity")
    session.refresh(request)
    _decide(staff, request, "prepare_answer")
    letter = session.execute(select(Letter).where(Letter.request_id == request.id)).scalar_one()
    staff.post(
        f"/staff/letters/{letter.id}/edit",
        data={"changes": "New address recorded.", "fact_done_on": "2026-03-01"},
    )
    approved = staff.post(f"/staff/letters/{letter.id}/send", follow_redirects=True)
    assert b"print the PDF, post it, record the day" in approved.data
    session.refresh(request)
    assert request.status is Status.ANSWERING
    future = staff.post(
        f"/staff/letters/{letter.id}/posted",
        data={"posted_on": "2026-03-09"},
        follow_redirects=True,
    )
    assert b"cannot be in the future" in future.data
    early = staff.post(
        f"/staff/letters/{letter.id}/posted",
        data={"posted_on": "2026-03-01"},
        follow_redirects=True,
    )
    assert b"cannot be before the letter was approved" in early.data
    session.refresh(request)
    assert (request.status, request.answered_at) == (Status.ANSWERING, None)

    staff.post(f"/staff/letters/{letter.id}/posted", data={"posted_on": "2026-03-02"})
    session.refresh(request)
    session.refresh(letter)
    assert (letter.status, letter.posted_on.isoformat()) == (LetterStatus.SENT, "2026-03-02")
    assert request.status is Status.COMPLETED
    assert request.answered_at == now  # posted today: not later than now
    actions = [e.action for e in request.events]
    assert actions[-2:] == ["letter_posted", "complete"]


def test_an_access_answer_does_not_go_out_without_its_copy(  # type: ignore[no-untyped-def]
    app, session, controller, now, dpo, as_user, no_csrf
) -> None:
    ensure_shop(Path(app.instance_path))
    request = make_request(
        session,
        controller,
        now,
        subject_email=GOLDEN_EMAIL,
        details={"lookup_keys": {"customer_number": GOLDEN_NUMBER}},
    )
    staff = as_user(dpo)
    _decide(staff, request, "verify_identity")
    search_and_export(staff, session, request, "access")
    session.refresh(request)
    _decide(staff, request, "prepare_answer")
    letter = session.execute(select(Letter).where(Letter.request_id == request.id)).scalar_one()
    export = request_export(session, request)
    staff.post(f"/staff/requests/{request.id}/data/exports/{export.id}/revoke")
    events = session.execute(select(RequestEvent).where(RequestEvent.request_id == request.id))
    before = len(events.scalars().all())
    refused = staff.post(f"/staff/letters/{letter.id}/send", follow_redirects=True)
    text = refused.get_data(as_text=True)
    assert "Not sent: the answer cannot go out yet: the copy of the data is not available" in text
    session.refresh(letter)
    assert letter.status is LetterStatus.DRAFT
    events = session.execute(select(RequestEvent).where(RequestEvent.request_id == request.id))
    assert len(events.scalars().all()) == before
    page = staff.get(f"/staff/requests/{request.id}").get_data(as_text=True)
    assert "the copy of the data is not available" in page


def request_export(session, request: Request):  # type: ignore[no-untyped-def]
    from dsar.fulfilment.models import Export

    return session.execute(select(Export).where(Export.request_id == request.id)).scalar_one()


def test_a_refusal_counts_as_answered_once_its_letter_is_delivered(  # type: ignore[no-untyped-def]
    app, client, session, controller, now, dpo, as_user, no_csrf, smtp_server, monkeypatch
) -> None:
    request = make_request(session, controller, now - timedelta(days=3))
    token = _with_token(request)
    staff = as_user(dpo)
    _decide(
        staff,
        request,
        "propose_refusal",
        ground="excessive",
        reason="Twelve requests.",
        confirmed="y",
    )
    session.refresh(request)
    _decide(staff, request, "approve_refusal", confirmed="y")
    session.refresh(request)
    assert (request.status, request.answered_at) == (Status.REFUSED, None)
    status = client.get(f"/c/demo/status/{token}").get_data(as_text=True)
    assert "our letter to you is on its way" in status and "We have answered" not in status
    assert '<strong id="median-days">—</strong>' in staff.get("/staff/dashboard").get_data(
        as_text=True
    )
    letter = session.execute(select(Letter).where(Letter.request_id == request.id)).scalar_one()
    assert letter.type == "refusal"
    # The draft carries what the proposal recorded: its ground and its facts.
    assert (letter.details, letter.texts) == (
        {"ground": "excessive"},
        {"facts": "Twelve requests."},
    )
    staff.post(
        f"/staff/letters/{letter.id}/edit",
        data={
            "facts": "Twelve requests this week.",
            "reasons": "Excessive (Art. 12(5)).",
            "fact_ground": "excessive",
        },
    )
    staff.post(f"/staff/letters/{letter.id}/send")
    assert dispatch(app, smtp_server, monkeypatch, now).answered == 1
    session.refresh(request)
    assert (request.status, request.answered_at) == (Status.REFUSED, now)
    assert [e.action for e in request.events][-1] == "answered"
    status = client.get(f"/c/demo/status/{token}").get_data(as_text=True)
    assert "We have answered your request" in status and 'id="answered-on"' in status
    dashboard = staff.get("/staff/dashboard").get_data(as_text=True)
    assert '<strong id="median-days">3.0</strong>' in dashboard


def test_a_letter_other_than_the_answer_closes_nothing(  # type: ignore[no-untyped-def]
    app, session, controller, now, dpo, as_user, no_csrf, smtp_server, monkeypatch
) -> None:
    request = make_request(session, controller, now, type=RequestType.OBJECTION)
    staff = as_user(dpo)
    _decide(staff, request, "verify_identity")
    session.refresh(request)
    _decide(staff, request, "prepare_answer")
    staff.post(f"/staff/requests/{request.id}/letters", data={"letter_type": "acknowledgement"})
    acknowledgement = session.execute(
        select(Letter).where(Letter.request_id == request.id, Letter.type == "acknowledgement")
    ).scalar_one()
    staff.post(f"/staff/letters/{acknowledgement.id}/send")
    session.refresh(acknowledgement)
    assert acknowledgement.status is LetterStatus.SENT
    assert dispatch(app, smtp_server, monkeypatch, now).answered == 0
    session.refresh(request)
    assert (request.status, request.answered_at) == (Status.ANSWERING, None)
    page = staff.get(f"/staff/requests/{request.id}").get_data(as_text=True)
    assert "The answer is prepared: approve and send the" in page
    assert "Back to work (the answer is not ready)" in page
    assert _decide(staff, request, "reopen").status_code == 303
    session.refresh(request)
    assert request.status is Status.IN_PROGRESS
    assert [e.action for e in request.events][-1] == "reopen"


def test_an_undeliverable_answer_is_posted_instead(  # type: ignore[no-untyped-def]
    session, controller, now, dpo, as_user, no_csrf, erasure_by_hand
) -> None:
    from dsar.outbox.models import OutboxMessage, OutboxStatus

    request = make_request(session, controller, now, type=RequestType.RECTIFICATION)
    staff = as_user(dpo)
    _decide(staff, request, "verify_identity")
    session.refresh(request)
    _decide(staff, request, "prepare_answer")
    letter = session.execute(select(Letter).where(Letter.request_id == request.id)).scalar_one()
    staff.post(
        f"/staff/letters/{letter.id}/edit",
        data={"changes": "Address corrected.", "fact_done_on": "2026-03-01"},
    )
    staff.post(f"/staff/letters/{letter.id}/send")
    message = session.execute(
        select(OutboxMessage).where(OutboxMessage.idempotency_key == f"letter:{letter.id}")
    ).scalar_one()
    message.status = OutboxStatus.FAILED  # the dispatcher gave up
    session.commit()
    case = staff.get(f"/staff/requests/{request.id}").get_data(as_text=True)
    assert "could not be delivered (see Mail)" in case
    page = staff.get(f"/staff/letters/{letter.id}").get_data(as_text=True)
    assert 'id="delivery-failed"' in page and 'id="posted-form"' in page
    staff.post(f"/staff/letters/{letter.id}/posted", data={"posted_on": "2026-03-02"})
    session.refresh(request)
    session.refresh(letter)
    assert (request.status, letter.posted_on.isoformat()) == (Status.COMPLETED, "2026-03-02")
    assert letter.sent_at == now  # queued then; the answer date is the posting
    assert request.answered_at.date().isoformat() == "2026-03-02"


def test_an_unidentified_subject_is_told_why_and_the_notice_is_the_answer(  # type: ignore[no-untyped-def]
    app, client, session, controller, now, dpo, as_user, no_csrf, smtp_server, monkeypatch
) -> None:
    """Art. 11(2), 12(2): failing identity drafts the notice with the reason staff gave; the
    status page says a letter is on its way until it is delivered, then the request counts
    as answered on that day."""
    request = make_request(session, controller, now - timedelta(days=2))
    token = _with_token(request)
    staff = as_user(dpo)
    _decide(
        staff,
        request,
        "fail_identity",
        reason="No customer number matched the address.",
        confirmed="y",
    )
    session.refresh(request)
    assert (request.status, request.answered_at) == (Status.IDENTITY_FAILED, None)
    status = client.get(f"/c/demo/status/{token}?lang=en").get_data(as_text=True)
    assert "our letter explaining why is on its way" in status
    assert "please see our letter" not in status
    letter = session.execute(select(Letter).where(Letter.request_id == request.id)).scalar_one()
    assert letter.type == "identity_failed"
    assert letter.texts == {"unidentified": "No customer number matched the address."}
    staff.post(f"/staff/letters/{letter.id}/send")
    assert dispatch(app, smtp_server, monkeypatch, now).answered == 1
    session.refresh(request)
    assert (request.status, request.answered_at) == (Status.IDENTITY_FAILED, now)
    session.refresh(letter)
    assert "No customer number matched the address." in (letter.text or "")
    assert "Art. 11(2)" in (letter.text or "") and "Art. 77" in (letter.text or "")
    status = client.get(f"/c/demo/status/{token}?lang=en").get_data(as_text=True)
    assert "please see our letter" in status


def test_the_export_message_counts_what_staff_found_by_hand_too(  # type: ignore[no-untyped-def]
    app, session, controller, now, dpo, as_user, no_csrf
) -> None:
    """A copy made of manual entries is not announced as '0 rows'."""
    from dsar.fulfilment.manual_findings import add_finding
    from dsar.register import ManualSource

    ensure_shop(Path(app.instance_path))
    request = make_request(
        session,
        controller,
        now,
        subject_email=GOLDEN_EMAIL,
        details={"lookup_keys": {"customer_number": GOLDEN_NUMBER}},
    )
    staff = as_user(dpo)
    _decide(staff, request, "verify_identity")
    assert staff.post(f"/staff/requests/{request.id}/data/search").status_code == 302
    register = app.extensions["dsar.registers"][0]
    task = session.execute(
        select(ManualTask).where(ManualTask.request_id == request.id)
    ).scalar_one()
    source = register.source(task.source_id)
    assert isinstance(source, ManualSource)
    for description in ("Ticket 1", "Ticket 2"):
        add_finding(
            session, request, task, categories=source.categories, category=source.categories[0],
            description=description, rows=[{"subject": description}], file_id=None,
            actor=dpo.email, now=now,
        )  # fmt: skip
    session.commit()
    done = {"note": "Searched the mailbox", "outcome": "found"}
    staff.post(f"/staff/requests/{request.id}/data/tasks/{task.id}", data=done)
    page = staff.post(
        f"/staff/requests/{request.id}/data/export", data={"kind": "access"}, follow_redirects=True
    ).get_data(as_text=True)
    assert "2 entries from sources searched by hand" in page
    assert "rows from connected sources" in page
