"""The inbox: drafts for the member's controllers, a draft's page, confirm and discard."""

from __future__ import annotations

from datetime import UTC, datetime

from flask import Flask
from sqlalchemy import select

from dsar.accounts.models import StaffEvent
from dsar.controllers.models import Controller
from dsar.files.models import FilePurpose
from dsar.files.storage import FileStore
from dsar.mailbox.models import InboundMail, InboundState
from dsar.mailbox.poll import store_message
from dsar.requests.models import Request, RequestEvent
from dsar.requests.workflow import Channel, RequestType

ARRIVED = datetime(2026, 2, 27, 16, 45, tzinfo=UTC)  # Friday 17:45 in Berlin
HTML_MAIL = (
    b"From: Zo\xc3\xab <zoe@example.org>\r\nMessage-ID: <d1@example.org>\r\n"
    b"Subject: Bitte um Auskunft\r\nMIME-Version: 1.0\r\nContent-Type: text/html; charset=utf-8\r\n"
    b"\r\n<p>Sehr geehrte Damen und Herren, ich bitte um <b>Auskunft</b>.</p>"
    b"<script>alert('x')</script><img src=x onerror=alert(1)>\r\n"
)


def draft(app: Flask, session, controller: Controller, now: datetime, raw: bytes = HTML_MAIL):  # type: ignore[no-untyped-def]
    store = FileStore.from_settings(app.config["DSAR_SETTINGS"])
    store_message(session, controller.id, 1, 1, raw, len(raw), ARRIVED, too_large=False,
                  store=store, now=now)  # fmt: skip
    return session.scalars(select(InboundMail)).one()


def test_the_queue_links_the_drafts_and_the_page_shows_text_never_html(  # type: ignore[no-untyped-def]
    app, session, controller, now, agent, as_user
) -> None:
    mail = draft(app, session, controller, now)
    client = as_user(agent)

    queue = client.get("/staff/queue").get_data(as_text=True)
    assert "E-mail waiting for a decision: 1" in queue
    listing = client.get("/staff/inbox").get_data(as_text=True)
    assert "Bitte um Auskunft" in listing and "zoe@example.org" in listing
    page = client.get(f"/staff/inbox/{mail.id}").get_data(as_text=True)

    assert "ich bitte um Auskunft." in page
    assert "<script>" not in page and "onerror" not in page and "<b>Auskunft" not in page
    assert "27 February 2026, 17:45" in page  # the arrival, in the controller's time
    assert 'value="access" selected' in page or '<option selected value="access">' in page
    eml = client.get(f"/staff/inbox/{mail.id}/eml")
    assert eml.data == HTML_MAIL and eml.mimetype == "application/octet-stream"


def test_confirming_creates_the_request_received_when_the_mail_arrived(  # type: ignore[no-untyped-def]
    app, session, controller, now, agent, as_user, no_csrf
) -> None:
    mail = draft(app, session, controller, now)
    form = {"type": "erasure", "language": "de", "subject_name": "Zoë Schmidt",
            "subject_email": "zoe@example.org"}  # fmt: skip

    answer = as_user(agent).post(f"/staff/inbox/{mail.id}/confirm", data=form)

    assert answer.status_code == 303
    session.expire_all()
    request = session.get(Request, mail.request_id)
    assert mail.state is InboundState.CONFIRMED and mail.decided_by == agent.email
    assert (request.type, request.channel, request.language) == (
        RequestType.ERASURE, Channel.EMAIL, "de")  # fmt: skip
    assert request.received_at == ARRIVED  # the deadline counts from the arrival
    assert mail.file.request_id == request.id and mail.file.purpose is FilePurpose.ORIGINAL_REQUEST
    actions = session.scalars(
        select(RequestEvent.action).where(RequestEvent.request_id == request.id)
    ).all()
    assert "original_attached" in actions
    staff = session.scalars(select(StaffEvent).where(StaffEvent.action == "mail.confirmed")).one()
    assert staff.actor == agent.email and staff.payload["request"] == request.reference

    again = as_user(agent).post(f"/staff/inbox/{mail.id}/confirm", data=form)
    assert again.status_code == 303
    assert session.scalar(select(Request.id).where(Request.id != request.id)) is None


def test_discarding_needs_a_reason_and_records_who_and_when(  # type: ignore[no-untyped-def]
    app, session, controller, now, dpo, as_user, no_csrf
) -> None:
    mail = draft(app, session, controller, now)
    client = as_user(dpo)

    client.post(f"/staff/inbox/{mail.id}/discard", data={"reason": ""})
    session.expire_all()
    assert mail.state is InboundState.DRAFT

    client.post(f"/staff/inbox/{mail.id}/discard", data={"reason": "Newsletter"})
    session.expire_all()
    assert (mail.state, mail.discard_reason) == (InboundState.DISCARDED, "Newsletter")
    assert (mail.decided_by, mail.decided_at) == (dpo.email, now)
    event = session.scalars(select(StaffEvent).where(StaffEvent.action == "mail.discarded")).one()
    assert event.payload["reason"] == "Newsletter"
    assert client.get("/staff/inbox").get_data(as_text=True).count("Newsletter") == 0
    assert session.scalar(select(Request.id)) is None


def test_another_controllers_member_sees_no_draft(  # type: ignore[no-untyped-def]
    app, session, controller, now, agent, as_user, no_csrf
) -> None:
    mail = draft(app, session, controller, now)
    other = Controller(slug="aaa", name="Aaa AG", country="AT", timezone="Europe/Vienna",
                       languages=["de"], loaded_at=now)  # fmt: skip
    session.add(other)
    agent.controllers = [other]
    session.commit()
    client = as_user(agent)

    assert client.get(f"/staff/inbox/{mail.id}").status_code == 404
    assert "Bitte um Auskunft" not in client.get("/staff/inbox").get_data(as_text=True)
    assert client.post(f"/staff/inbox/{mail.id}/discard", data={"reason": "x"}).status_code == 404
    session.expire_all()
    assert mail.state is InboundState.DRAFT


def test_the_pages_are_in_german(app, session, controller, now, agent, as_user) -> None:  # type: ignore[no-untyped-def]
    mail = draft(app, session, controller, now)
    client = as_user(agent)
    client.post("/staff/language", data={"language": "de"})
    agent.language = "de"
    session.commit()
    page = client.get(f"/staff/inbox/{mail.id}").get_data(as_text=True)
    assert "Als Anfrage bestätigen" in page and "die Frist läuft ab diesem Zeitpunkt" in page


def test_a_joined_reply_shows_on_the_case_page(  # type: ignore[no-untyped-def]
    app, session, controller, now, agent, as_user
) -> None:
    from tests.factories import make_request

    request = make_request(session, controller, now, subject_email="zoe@example.org")
    raw = HTML_MAIL.replace(
        b"Subject: Bitte um Auskunft", f"Subject: Re: {request.reference}".encode()
    )
    mail = draft(app, session, controller, now, raw)
    assert mail.state is InboundState.JOINED
    session.commit()

    page = as_user(agent).get(f"/staff/requests/{request.id}").get_data(as_text=True)

    assert "The subject replied by e-mail (attached)" in page
    assert f"/staff/requests/{request.id}/files/{mail.file_id}" in page
    assert "e-mail received" in page


def test_a_draft_too_large_to_store_says_so(app, session, controller, now, agent, as_user) -> None:  # type: ignore[no-untyped-def]
    store = FileStore.from_settings(app.config["DSAR_SETTINGS"])
    header = HTML_MAIL.split(b"\r\n\r\n")[0] + b"\r\n\r\n"
    store_message(session, controller.id, 1, 1, header, 31_000_000, ARRIVED, too_large=True,
                  store=store, now=now)  # fmt: skip
    mail = session.scalars(select(InboundMail)).one()
    client = as_user(agent)

    page = client.get(f"/staff/inbox/{mail.id}").get_data(as_text=True)

    assert "Not stored: the message is larger than the configured ceiling." in page
    assert "too large to store: read it in the mailbox" in page
    assert client.get(f"/staff/inbox/{mail.id}/eml").status_code == 404


def test_an_agent_opens_no_mail_of_a_colleagues_request(  # type: ignore[no-untyped-def]
    app, session, controller, now, agent, other_agent, as_user
) -> None:
    """A reply joined to a request is as closed to an agent as the request itself."""
    from tests.factories import make_request

    request = make_request(session, controller, now, subject_email="zoe@example.org")
    request.assignee = other_agent
    raw = HTML_MAIL.replace(
        b"Subject: Bitte um Auskunft", f"Subject: Re: {request.reference}".encode()
    )
    mail = draft(app, session, controller, now, raw)
    assert mail.state is InboundState.JOINED
    session.commit()

    assert as_user(agent).get(f"/staff/requests/{request.id}").status_code == 404
    assert as_user(agent).get(f"/staff/inbox/{mail.id}").status_code == 404
    assert as_user(agent).get(f"/staff/inbox/{mail.id}/eml").status_code == 404
    assert as_user(other_agent).get(f"/staff/inbox/{mail.id}").status_code == 200


def test_confirming_a_draft_too_large_to_store_attaches_nothing(  # type: ignore[no-untyped-def]
    app, session, controller, now, agent, as_user, no_csrf
) -> None:
    """The request's trail says the original was not stored, never that it was attached."""
    store = FileStore.from_settings(app.config["DSAR_SETTINGS"])
    header = HTML_MAIL.split(b"\r\n\r\n")[0] + b"\r\n\r\n"
    store_message(session, controller.id, 1, 1, header, 31_000_000, ARRIVED, too_large=True,
                  store=store, now=now)  # fmt: skip
    mail = session.scalars(select(InboundMail)).one()
    form = {"type": "access", "language": "de", "subject_name": "Zoë Schmidt"}

    client = as_user(agent)
    assert client.post(f"/staff/inbox/{mail.id}/confirm", data=form).status_code == 303

    session.expire_all()
    actions = session.scalars(
        select(RequestEvent.action).where(RequestEvent.request_id == mail.request_id)
    ).all()
    assert "original_not_stored" in actions and "original_attached" not in actions
    page = client.get(f"/staff/requests/{mail.request_id}").get_data(as_text=True)
    assert "Original e-mail too large to store: read it in the mailbox" in page
    assert "Original request attached" not in page


def test_only_a_draft_says_it_was_not_joined(  # type: ignore[no-untyped-def]
    app, session, controller, now, agent, as_user
) -> None:
    """A reference from another sender makes a draft that names it; a joined reply's page does
    not claim it was kept apart."""
    from tests.factories import make_request

    request = make_request(session, controller, now, subject_email="zoe@example.org")
    subject = f"Subject: Re: {request.reference}".encode()
    raw = HTML_MAIL.replace(b"Subject: Bitte um Auskunft", subject)
    joined = draft(app, session, controller, now, raw)
    stranger = raw.replace(b"zoe@example.org", b"mallory@example.org").replace(
        b"<d1@example.org>", b"<d2@example.org>"
    )
    store = FileStore.from_settings(app.config["DSAR_SETTINGS"])
    store_message(session, controller.id, 1, 2, stranger, len(stranger), ARRIVED,
                  too_large=False, store=store, now=now)  # fmt: skip
    kept_apart = session.scalars(select(InboundMail).where(InboundMail.id != joined.id)).one()
    assert (joined.state, kept_apart.state) == (InboundState.JOINED, InboundState.DRAFT)
    session.commit()
    client = as_user(agent)

    line = f"This message refers to {request.reference}; it was not joined to that request"
    assert line in client.get(f"/staff/inbox/{kept_apart.id}").get_data(as_text=True)
    assert line not in client.get(f"/staff/inbox/{joined.id}").get_data(as_text=True)


def test_a_bad_address_is_named_as_what_stops_the_confirmation(  # type: ignore[no-untyped-def]
    app, session, controller, now, agent, as_user, no_csrf
) -> None:
    mail = draft(app, session, controller, now)
    form = {"type": "access", "language": "de", "subject_name": "Zoë",
            "subject_email": "not an address"}  # fmt: skip
    page = as_user(agent).post(f"/staff/inbox/{mail.id}/confirm", data=form, follow_redirects=True)
    assert "Not confirmed: the e-mail address is not valid." in page.get_data(as_text=True)
    session.expire_all()
    assert mail.state is InboundState.DRAFT
