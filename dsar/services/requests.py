"""Creating requests and moving them through the life cycle, with an audit event each time."""

from __future__ import annotations

import hashlib
import secrets
from dataclasses import dataclass
from datetime import datetime
from typing import Any, Protocol

from sqlalchemy import select
from sqlalchemy.orm import Session

from dsar.audit import record_event
from dsar.deadlines import statutory_deadline
from dsar.legal_calendar import Jurisdiction
from dsar.models import Controller, Request
from dsar.workflow import Action, Channel, RequestType, Status, Verification, transition


class Located(Protocol):
    """A controller row, or anything carrying its place (the staff menus' plain tuples)."""

    @property
    def country(self) -> str: ...
    @property
    def subdivision(self) -> str | None: ...
    @property
    def timezone(self) -> str: ...


def jurisdiction_of(controller: Located) -> Jurisdiction:
    return Jurisdiction(controller.country, controller.subdivision or None, controller.timezone)


REFERENCE_ALPHABET = "0123456789ABCDEFGHJKMNPQRSTVWXYZ"  # Crockford's base 32: no I, L, O, U


def new_reference(now: datetime) -> str:
    """A fresh random reference such as DSAR-2026-7KQ3-M9XD (40 random bits).

    Random rather than counted: a reference tells nobody how many requests came in, and it
    is known before the row exists, so the confirmation e-mail can be rendered before the
    write transaction starts (dsar/intake/service.py). A clash is drawn again by the caller.
    """
    bits = int.from_bytes(secrets.token_bytes(5))  # one read of the OS's randomness
    chars = "".join(REFERENCE_ALPHABET[(bits >> shift) & 31] for shift in range(35, -1, -5))
    return f"DSAR-{now.year}-{chars[:4]}-{chars[4:]}"


def hash_token(token: str) -> str:
    """Status-page tokens are 256-bit random values, so a plain SHA-256 is enough to store them."""
    return hashlib.sha256(token.encode()).hexdigest()


@dataclass(frozen=True)
class NewRequest:
    controller: Controller
    type: RequestType
    channel: Channel
    language: str
    subject_name: str
    subject_email: str | None
    details: dict[str, Any]
    subject_address: str | None = None
    subject_phone: str | None = None
    # None for the web form: the request is received when the e-mail address is confirmed.
    received_at: datetime | None = None


def create_request(
    session: Session, new: NewRequest, *, actor: str, now: datetime
) -> tuple[Request, str]:
    """Record a request and return it with its status-page token (shown once, stored hashed)."""
    token = secrets.token_urlsafe(32)
    awaiting = new.received_at is None
    reference = new_reference(now)
    while session.scalar(select(Request.id).where(Request.reference == reference)) is not None:
        reference = new_reference(now)
    request = Request(
        reference=reference,
        controller=new.controller,
        type=new.type,
        channel=new.channel,
        language=new.language,
        subject_name=new.subject_name,
        subject_email=new.subject_email,
        subject_address=new.subject_address,
        subject_phone=new.subject_phone,
        details=dict(new.details),
        status=Status.AWAITING_CONFIRMATION if awaiting else Status.NEW,
        verification=Verification.UNVERIFIED,
        status_token_hash=hash_token(token),
        created_at=now,
        updated_at=now,
    )
    session.add(request)
    session.flush()
    record_event(
        session,
        request,
        "created",
        actor=actor,
        now=now,
        payload={"type": new.type, "channel": new.channel, "status": request.status},
    )
    if new.received_at is not None:
        mark_received(session, request, new.received_at, actor=actor, now=now)
    return request, token


def mark_received(
    session: Session, request: Request, received_at: datetime, *, actor: str, now: datetime
) -> None:
    """Start the statutory clock: store the time of receipt and the due dates it gives."""
    jurisdiction = jurisdiction_of(request.controller)
    request.received_at = received_at
    request.due_date = statutory_deadline(received_at, jurisdiction)
    request.updated_at = now
    record_event(
        session,
        request,
        "received",
        actor=actor,
        now=now,
        payload={"received_at": received_at.isoformat(), "due_date": request.due_date},
    )


def apply_action(
    session: Session,
    request: Request,
    action: Action,
    *,
    actor: str,
    now: datetime,
    payload: dict[str, Any] | None = None,
) -> Status:
    """Move the request by `action` (IllegalTransition if not allowed) and record it."""
    before = request.status
    after = transition(before, action)
    request.status = after
    request.updated_at = now
    if not after.is_open:
        request.closed_at = now
    record_event(
        session,
        request,
        action.value,
        actor=actor,
        now=now,
        payload={"from": before, "to": after, **(payload or {})},
    )
    return after
