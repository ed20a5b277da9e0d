"""Creating requests and moving them through the life cycle, with an audit event each time.

`create_request` is the one way a request comes into being, whatever the channel (the web
form, manual intake by staff, the demo data, the tests' factories).
"""

from __future__ import annotations

import hashlib
import secrets
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from dsar.audit.request_trail import record_event
from dsar.controllers.models import Controller
from dsar.files.models import FilePurpose, StoredFile
from dsar.files.storage import FileStore
from dsar.register import Register
from dsar.representatives.operations import NewRepresentation, record_representation
from dsar.requests.deadlines.legal_calendar import Jurisdiction
from dsar.requests.deadlines.local_holidays import extra_holidays
from dsar.requests.deadlines.rules import statutory_deadline
from dsar.requests.models import Request
from dsar.requests.workflow import Action, Channel, RequestType, Status, Verification, transition


def jurisdiction_of(controller: Controller) -> Jurisdiction:
    """Where the controller's days are counted: its country, region, time zone and holidays."""
    return Jurisdiction(
        controller.country,
        controller.subdivision or None,
        controller.timezone,
        municipality=controller.municipality,
        extra_holidays=extra_holidays(controller.extra_holidays or ()),
    )


def register_jurisdiction(register: Register) -> Jurisdiction:
    """The same, read from a loaded register instead of the controller's row."""
    place = register.jurisdiction
    return Jurisdiction(
        place.country,
        place.subdivision,
        place.timezone,
        municipality=place.municipality,
        extra_holidays=extra_holidays(h.model_dump(mode="json") for h in place.holidays),
    )


REFERENCE_ALPHABET = "0123456789ABCDEFGHJKMNPQRSTVWXYZ"  # Crockford's base 32: no I, L, O, U


def new_reference(now: datetime) -> str:
    """A fresh random reference such as DSAR-2026-7KQ3-M9XD (40 random bits).

    Random rather than counted: a reference tells nobody how many requests came in. A clash
    is drawn again (`create_request`).
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
    # Asked on the subject's behalf: subject_email is then the representative's (the contact).
    representation: NewRepresentation | None = None


@dataclass(frozen=True)
class NewFile:
    """A file that comes with a request: a form's upload, the original letter or e-mail."""

    filename: str
    content_type: str
    data: bytes
    purpose: FilePurpose
    delete_after: datetime | None = None


@dataclass(frozen=True)
class Created:
    request: Request
    status_token: str  # the status page's secret: shown once, stored hashed
    files: tuple[StoredFile, ...]


def create_request(
    session: Session,
    new: NewRequest,
    *,
    actor: str,
    now: datetime,
    files: Sequence[NewFile] = (),
    store: FileStore | None = None,
) -> Created:
    """Add a request, its first audit events and its files; flushes only.

    Every file's encrypted blob is written before the caller commits: a transaction that then
    fails leaves blobs without rows, which the daily sweep removes (dsar/jobs/orphans.py).
    """
    if files and store is None:
        raise ValueError("a request with files needs a FileStore")
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
        representation=None,  # a new request has none until record_representation: no query
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
    stored: list[StoredFile] = []
    for file in files:
        assert store is not None
        stored.append(
            store.save(
                session,
                file.data,
                filename=file.filename,
                content_type=file.content_type,
                purpose=file.purpose,
                now=now,
                request_id=request.id,
                delete_after=file.delete_after,
            )
        )
    session.flush()
    if new.representation is not None:
        proof = next((f for f in stored if f.purpose is FilePurpose.AUTHORITY_PROOF), None)
        record_representation(
            session, request, new.representation, proof=proof, actor=actor, now=now
        )
    return Created(request, token, tuple(stored))


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
