"""Staff decide on a draft: confirm it as a request (received when it arrived) or discard it.

Both are in the staff trail; a confirmed draft's request gets the .eml as its original and its
own trail records where it came from.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from dsar.accounts.models import StaffUser
from dsar.audit.request_trail import record_event
from dsar.audit.staff_trail import record_staff_event
from dsar.core.words import N_
from dsar.files.models import FilePurpose
from dsar.mailbox.models import InboundMail, InboundState
from dsar.requests.models import Request
from dsar.requests.operations import NewRequest, create_request
from dsar.requests.permissions import can_see, may_see_requests
from dsar.requests.workflow import Channel, RequestType


class DraftRefused(ValueError):
    """The draft cannot be decided as asked (already decided, not this member's controller)."""


def may_open(user: StaffUser, inbound: InboundMail) -> bool:
    """Drafts are read by those who work the requests of the draft's controller; a message that
    became or joined a request, only by those who may open that request."""
    if inbound.request is not None:
        return can_see(user, inbound.request)
    return may_see_requests(user) and user.may_work_for(inbound.controller_id)


def open_drafts(session: Session, user: StaffUser) -> list[InboundMail]:
    """The drafts of the controllers `user` works for, oldest arrival first."""
    if not may_see_requests(user):
        return []
    query = select(InboundMail).where(InboundMail.state == InboundState.DRAFT)
    if user.controller_ids:
        query = query.where(InboundMail.controller_id.in_(sorted(user.controller_ids)))
    return list(session.scalars(query.order_by(InboundMail.arrived_at, InboundMail.id)))


def draft_count(session: Session, user: StaffUser) -> int:
    """How many drafts wait for `user`'s controllers (the queue's link)."""
    if not may_see_requests(user):
        return 0
    query = select(func.count(InboundMail.id)).where(InboundMail.state == InboundState.DRAFT)
    if user.controller_ids:
        query = query.where(InboundMail.controller_id.in_(sorted(user.controller_ids)))
    return int(session.scalar(query) or 0)


@dataclass(frozen=True)
class Confirmation:
    type: RequestType
    language: str
    subject_name: str
    subject_email: str | None


def _check(user: StaffUser, inbound: InboundMail) -> None:
    if not may_open(user, inbound):
        raise DraftRefused(N_("you do not work for this controller"))
    if inbound.state is not InboundState.DRAFT:
        raise DraftRefused(N_("this message was already decided"))


def confirm_draft(
    session: Session, inbound: InboundMail, answer: Confirmation, *, user: StaffUser, now: datetime
) -> Request:
    """Create the request through `create_request`: channel e-mail, received when the message
    arrived, the .eml as its original; flushes only."""
    _check(user, inbound)
    if not answer.subject_name.strip():
        raise DraftRefused(N_("the data subject's name is needed"))
    created = create_request(
        session,
        NewRequest(
            controller=inbound.controller,
            type=answer.type,
            channel=Channel.EMAIL,
            language=answer.language,
            subject_name=answer.subject_name.strip(),
            subject_email=(answer.subject_email or "").strip().lower() or None,
            details={"description": inbound.subject or "", "recorded_by": user.email},
            received_at=inbound.arrived_at,
        ),
        actor=user.email,
        now=now,
    )
    request = created.request
    payload: dict[str, object] = {**inbound.summary(), "arrived_at": inbound.arrived_at.isoformat()}
    if inbound.file is not None:
        inbound.file.request_id = request.id
        inbound.file.purpose = FilePurpose.ORIGINAL_REQUEST
        payload |= {"file_id": inbound.file.id, "filename": inbound.file.filename,
                    "sha256": inbound.file.sha256}  # fmt: skip
    # a message too large to store left no .eml: the trail says so rather than "attached"
    action = "original_attached" if inbound.file is not None else "original_not_stored"
    record_event(session, request, action, actor=user.email, now=now, payload=payload)
    inbound.state, inbound.request_id = InboundState.CONFIRMED, request.id
    inbound.decided_by, inbound.decided_at = user.email, now
    record_staff_event(
        session, "mail.confirmed", actor=user.email, subject=user.email, now=now,
        payload={**inbound.summary(), "request": request.reference},
    )  # fmt: skip
    session.flush()
    return request


def discard_draft(
    session: Session, inbound: InboundMail, reason: str, *, user: StaffUser, now: datetime
) -> None:
    """Mark the draft discarded with the reason, who and when; flushes only. The mail and its
    .eml stay (nothing is deleted from the mailbox either)."""
    _check(user, inbound)
    if not reason.strip():
        raise DraftRefused(N_("say why the message is discarded"))
    inbound.state, inbound.discard_reason = InboundState.DISCARDED, reason.strip()[:2000]
    inbound.decided_by, inbound.decided_at = user.email, now
    record_staff_event(
        session, "mail.discarded", actor=user.email, subject=user.email, now=now,
        payload={**inbound.summary(), "reason": inbound.discard_reason},
    )  # fmt: skip
    session.flush()
