"""A reply that names its request's reference, from that request's contact, joins the request."""

from __future__ import annotations

from datetime import UTC, datetime

from flask import Flask
from sqlalchemy import select
from sqlalchemy.orm import Session

from dsar.audit.request_trail import verify_chain
from dsar.config import Settings
from dsar.controllers.models import Controller
from dsar.files.storage import FileStore
from dsar.mailbox.models import InboundMail, InboundState
from dsar.mailbox.poll import poll_mailboxes
from dsar.messages.models import Author, Message
from dsar.messages.operations import post_from_staff
from dsar.outbox.models import OutboxMessage
from dsar.requests.models import RequestEvent
from dsar.requests.workflow import Status
from tests.factories import make_request, make_staff
from tests.mailbox.conftest import Dovecot
from tests.mailbox.mails import mail

ARRIVED = datetime(2026, 2, 27, 16, 45, tzinfo=UTC)


def test_a_reply_from_the_contact_joins_its_request(
    session: Session,
    controller: Controller,
    dovecot: Dovecot,
    mail_settings: Settings,
    now: datetime,
) -> None:
    request = make_request(session, controller, now, subject_email="zoe@example.org")
    subject = f"Re: We have received your request {request.reference.lower()}"
    dovecot.append(mail(subject=subject, sender="ZOE@example.org"), ARRIVED)

    result = poll_mailboxes(session, mail_settings, now, after_each=session.commit)

    assert (result.joined, result.drafts) == (1, 0)
    [inbound] = session.scalars(select(InboundMail)).all()
    assert inbound.state is InboundState.JOINED and inbound.request_id == request.id
    assert inbound.file is not None and inbound.file.request_id == request.id
    event = session.scalars(
        select(RequestEvent).where(RequestEvent.request_id == request.id).order_by(RequestEvent.seq)
    ).all()[-1]
    assert (event.action, event.actor) == ("mail.reply", "mailbox")
    assert event.payload["file_id"] == inbound.file.id
    assert event.payload["arrived_at"] == ARRIVED.isoformat()
    assert verify_chain(session, request.id) is None
    # The reply is the subject's message in the thread, unread by staff.
    [message] = _thread(session, request.id)
    assert (message.author, message.channel, message.read_at) == (Author.SUBJECT, "email", None)
    assert "ich bitte um Auskunft" in message.body and message.attachments == []
    assert event.payload["thread_message"] == message.id


def _thread(session: Session, request_id: int) -> list[Message]:
    return list(session.scalars(select(Message).where(Message.request_id == request_id)))


PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


def test_a_replys_pdf_goes_into_the_thread_and_another_type_stays_in_the_eml(
    session: Session,
    controller: Controller,
    dovecot: Dovecot,
    mail_settings: Settings,
    now: datetime,
) -> None:
    with_pdf = make_request(session, controller, now, subject_email="zoe@example.org")
    with_bin = make_request(session, controller, now, subject_email="zoe@example.org")
    dovecot.append(
        mail(subject=f"Re: {with_pdf.reference}", attachment=PDF, filename="ausweis.pdf"), ARRIVED
    )
    dovecot.append(mail(subject=f"Re: {with_bin.reference}", attachment=b"\x00\x01"), ARRIVED)

    result = poll_mailboxes(session, mail_settings, now, after_each=session.commit)

    assert result.joined == 2
    [pdf_message] = _thread(session, with_pdf.id)
    assert [a.filename for a in pdf_message.attachments] == ["ausweis.pdf"]
    [text_only] = _thread(session, with_bin.id)  # the text alone; the .eml keeps the file
    assert text_only.attachments == [] and "Auskunft" in text_only.body
    [inbound] = session.scalars(select(InboundMail).where(InboundMail.request_id == with_bin.id))
    assert inbound.file is not None and inbound.file.request_id == with_bin.id


def test_a_reply_to_a_closed_request_is_kept_but_not_posted(
    session: Session,
    controller: Controller,
    dovecot: Dovecot,
    mail_settings: Settings,
    now: datetime,
) -> None:
    request = make_request(session, controller, now, subject_email="zoe@example.org")
    request.status = Status.COMPLETED
    session.commit()
    dovecot.append(mail(subject=f"Re: {request.reference}"), ARRIVED)

    result = poll_mailboxes(session, mail_settings, now, after_each=session.commit)

    assert result.joined == 1 and _thread(session, request.id) == []
    actions = session.scalars(
        select(RequestEvent.action).where(RequestEvent.request_id == request.id)
    ).all()
    assert "mail.reply" in actions


def test_a_reference_from_another_sender_becomes_a_draft_that_names_it(
    session: Session,
    controller: Controller,
    dovecot: Dovecot,
    mail_settings: Settings,
    now: datetime,
) -> None:
    request = make_request(session, controller, now, subject_email="zoe@example.org")
    dovecot.append(mail(subject=f"About {request.reference}", sender="eve@example.net"), ARRIVED)

    result = poll_mailboxes(session, mail_settings, now, after_each=session.commit)

    assert (result.joined, result.drafts) == (0, 1)
    [inbound] = session.scalars(select(InboundMail)).all()
    assert inbound.state is InboundState.DRAFT and inbound.request_id is None
    assert inbound.mentioned_reference == request.reference
    assert inbound.file is not None and inbound.file.request_id is None
    actions = session.scalars(
        select(RequestEvent.action).where(RequestEvent.request_id == request.id)
    ).all()
    assert "mail.reply" not in actions


def _replying_to(raw: bytes, message_id: str) -> bytes:
    head, body = raw.split(b"\r\n\r\n", 1)
    return (
        head
        + f"\r\nIn-Reply-To: {message_id}\r\nReferences: {message_id}".encode()
        + (b"\r\n\r\n" + body)
    )


def test_a_reply_whose_subject_lost_the_reference_joins_by_in_reply_to(
    app: Flask,
    session: Session,
    controller: Controller,
    dovecot: Dovecot,
    mail_settings: Settings,
    now: datetime,
) -> None:
    settings = app.config["DSAR_SETTINGS"]
    request = make_request(session, controller, now, subject_email="zoe@example.org")
    staff = make_staff(session, now)
    post_from_staff(
        session, request, staff, "Welche Daten meinen Sie?", [], now,
        FileStore.from_settings(settings), settings=settings,
    )  # fmt: skip
    notice = session.scalars(
        select(OutboxMessage).where(OutboxMessage.request_id == request.id)
    ).one()
    session.commit()
    dovecot.append(
        _replying_to(mail(subject="Antwort", sender="zoe@example.org"), notice.message_id), ARRIVED
    )
    dovecot.append(  # the same header from someone else: a draft, never joined
        _replying_to(mail(subject="Antwort", sender="eve@example.net"), notice.message_id), ARRIVED
    )

    result = poll_mailboxes(session, mail_settings, now, after_each=session.commit)

    assert (result.joined, result.drafts) == (1, 1)
    joined, other = session.scalars(select(InboundMail).order_by(InboundMail.uid)).all()
    assert joined.request_id == request.id and joined.mentioned_reference == request.reference
    assert other.state is InboundState.DRAFT and other.request_id is None
    assert [m.author for m in _thread(session, request.id)] == [Author.STAFF, Author.SUBJECT]
