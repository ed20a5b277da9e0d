"""Issue 23's first "done when": a request e-mailed to the controller's mailbox appears in its
queue received when the mail arrived, and is answered in the thread; the subject's e-mail reply
joins that thread. A real IMAP server (dovecot), the staff pages, the outbox."""

from __future__ import annotations

from datetime import UTC, datetime

from flask import Flask
from sqlalchemy import select
from sqlalchemy.orm import Session

from dsar.accounts.models import StaffUser
from dsar.config import Settings
from dsar.controllers.models import Controller
from dsar.mailbox.models import InboundMail
from dsar.mailbox.poll import poll_mailboxes
from dsar.messages.models import Author, Message
from dsar.outbox.models import OutboxMessage
from dsar.requests.models import Request
from tests.mailbox.conftest import Dovecot, dovecot, mail_settings  # noqa: F401 (fixtures)
from tests.mailbox.mails import mail

ARRIVED = datetime(2026, 2, 27, 16, 45, tzinfo=UTC)  # Friday 17:45 in Berlin
ANSWER = "Guten Tag, wir haben Ihre Anfrage erhalten und suchen Ihre Daten heraus."


def test_an_emailed_request_is_queued_from_its_arrival_and_answered_in_the_thread(  # type: ignore[no-untyped-def]
    app: Flask,
    session: Session,
    controller: Controller,
    dovecot: Dovecot,  # noqa: F811
    mail_settings: Settings,  # noqa: F811
    now: datetime,
    agent: StaffUser,
    as_user,
    no_csrf,
) -> None:
    dovecot.append(mail(sender="Zoë Schmidt <zoe@example.org>"), ARRIVED)
    assert poll_mailboxes(session, mail_settings, now, after_each=session.commit).drafts == 1
    inbound = session.scalars(select(InboundMail)).one()
    client = as_user(agent)

    confirmed = client.post(
        f"/staff/inbox/{inbound.id}/confirm",
        data={
            "type": "access",
            "language": "de",
            "subject_name": "Zoë Schmidt",
            "subject_email": "zoe@example.org",
        },  # fmt: skip
    )
    assert confirmed.status_code == 303
    session.expire_all()
    request = session.get(Request, inbound.request_id)
    assert request is not None and request.received_at == ARRIVED
    assert request.reference in client.get("/staff/queue").get_data(as_text=True)

    answered = client.post(f"/staff/requests/{request.id}/messages", data={"body": ANSWER})
    assert answered.status_code == 303
    session.expire_all()
    [ours] = session.scalars(select(Message).where(Message.request_id == request.id)).all()
    assert (ours.author, ours.body) == (Author.STAFF, ANSWER)
    notice = session.scalars(
        select(OutboxMessage).where(OutboxMessage.request_id == request.id)
    ).all()[-1]
    assert notice.recipient == "zoe@example.org" and request.reference in notice.subject
    assert "Daten heraus" not in notice.body_text  # the notice never carries the message

    # Zoë answers the notice by e-mail: the reply joins the thread as her message.
    dovecot.append(
        mail(
            subject=f"Re: {notice.subject}",
            body="Danke, bitte auch meine Bestellungen.",
            sender="zoe@example.org",
        ),  # fmt: skip
        ARRIVED,
    )
    assert poll_mailboxes(session, mail_settings, now, after_each=session.commit).joined == 1
    thread = session.scalars(
        select(Message).where(Message.request_id == request.id).order_by(Message.id)
    ).all()
    assert [(m.author, m.channel) for m in thread] == [
        (Author.STAFF, "web"),
        (Author.SUBJECT, "email"),
    ]
    page = client.get(f"/staff/requests/{request.id}").get_data(as_text=True)
    assert "bitte auch meine Bestellungen" in page
