"""A reply from a request's own contact joins that request instead of becoming a draft."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from dsar.audit.request_trail import lock_request, record_event
from dsar.mailbox.models import InboundMail, InboundState
from dsar.requests.models import Request

MAILBOX_ACTOR = "mailbox"


def replied_request(session: Session, inbound: InboundMail) -> Request | None:
    """The request this message answers: its reference is in the subject and it comes from the
    request's own contact address, at the same controller; None otherwise."""
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


def join_reply(session: Session, request: Request, inbound: InboundMail, now: datetime) -> None:
    """Attach the reply's .eml to the request and record it in the request's trail; flushes only.

    The one place a reply joins a request: the message thread (issue 23) takes it from here.
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
    record_event(session, request, "mail.reply", actor=MAILBOX_ACTOR, now=now, payload=payload)
    session.flush()
