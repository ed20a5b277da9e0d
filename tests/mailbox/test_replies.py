"""A reply that names its request's reference, from that request's contact, joins the request."""

from __future__ import annotations

from datetime import UTC, datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from dsar.audit.request_trail import verify_chain
from dsar.config import Settings
from dsar.controllers.models import Controller
from dsar.mailbox.models import InboundMail, InboundState
from dsar.mailbox.poll import poll_mailboxes
from dsar.requests.models import RequestEvent
from tests.factories import make_request
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
