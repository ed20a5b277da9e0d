"""A reply from a request's own contact joins that request instead of becoming a draft."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from dsar.audit.request_trail import lock_request, record_event
from dsar.files.storage import FileStore
from dsar.mailbox.models import InboundMail, InboundState
from dsar.mailbox.reading import mail_attachments
from dsar.messages.models import Message
from dsar.messages.operations import MAX_BODY, MessageRejected, receive_from_subject
from dsar.outbox.models import OutboxMessage
from dsar.requests.models import Request

MAILBOX_ACTOR = "mailbox"


def replied_reference(
    session: Session, controller_id: int, replies_to: Sequence[str]
) -> str | None:
    """The reference of the request one of our e-mails named in In-Reply-To or References
    was about (a reply whose subject line lost the reference), at the same controller."""
    if not replies_to:
        return None
    return session.scalar(
        select(Request.reference)
        .join(OutboxMessage, OutboxMessage.request_id == Request.id)
        .where(OutboxMessage.message_id.in_(replies_to), Request.controller_id == controller_id)
        .order_by(OutboxMessage.id.desc())
        .limit(1)
    )


def replied_request(session: Session, inbound: InboundMail) -> Request | None:
    """The request this message answers: its reference is in the subject (or it replies to one
    of our e-mails about it) and it comes from the request's own contact address, at the same
    controller; None otherwise."""
    if not inbound.mentioned_reference or not inbound.sender:
        return None
    request = session.scalar(
        select(Request).where(
            Request.reference == inbound.mentioned_reference,
            Request.controller_id == inbound.controller_id,
        )
    )
    if request is None or (request.subject_email or "").lower() != inbound.sender.lower():
        return None
    return request


def join_reply(
    session: Session,
    request: Request,
    inbound: InboundMail,
    now: datetime,
    *,
    text: str,
    raw: bytes,
    store: FileStore,
    max_bytes: int,
) -> Message | None:
    """The reply joins `request`: its .eml attached to the request and recorded in the trail,
    and its text (and the attachments the thread's upload rules accept) posted in the thread
    as the subject's message, which staff see unread; flushes only.

    The .eml stays the record: when the thread refuses the attachments (a type or size the
    upload rules do not take, more than three), the text is posted alone and the case page
    keeps the whole e-mail; when the thread is closed, only the trail and the .eml take it.
    """
    request = lock_request(session, request.id)
    inbound.state = InboundState.JOINED
    inbound.request_id = request.id
    inbound.decided_by = MAILBOX_ACTOR
    inbound.decided_at = now
    payload: dict[str, object] = {
        **inbound.summary(),
        "arrived_at": inbound.arrived_at.isoformat(),
    }
    if inbound.file is not None:
        inbound.file.request_id = request.id
        payload |= {"file_id": inbound.file.id, "sha256": inbound.file.sha256}
    message = _into_thread(session, request, text, mail_attachments(raw), now, store, max_bytes)
    if message is not None:
        payload |= {"thread_message": message.id, "attachments_in_thread": len(message.attachments)}
    record_event(session, request, "mail.reply", actor=MAILBOX_ACTOR, now=now, payload=payload)
    session.flush()
    return message


def _into_thread(
    session: Session,
    request: Request,
    text: str,
    files: list[tuple[str, bytes]],
    now: datetime,
    store: FileStore,
    max_bytes: int,
) -> Message | None:
    body = text.strip()[:MAX_BODY]
    for attached in (files, []):
        try:
            with session.begin_nested():
                return receive_from_subject(
                    session,
                    request,
                    body=body,
                    files=attached,
                    channel="email",
                    now=now,
                    store=store,
                    max_bytes=max_bytes,
                )
        except MessageRejected:
            continue
    return None
