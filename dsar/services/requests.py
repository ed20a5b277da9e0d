"""Creating requests and moving them through the life cycle, with an audit event each time."""

from __future__ import annotations

import functools
import hashlib
import secrets
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import bindparam, insert, select, update
from sqlalchemy.engine import Connection
from sqlalchemy.orm import Session

from dsar.audit import event_values, record_event
from dsar.deadlines import Jurisdiction, statutory_deadline
from dsar.models import Controller, Request, RequestEvent
from dsar.models.base import insert_for
from dsar.models.chain import GENESIS
from dsar.workflow import Action, Channel, RequestType, Status, Verification, transition


def jurisdiction_of(controller: Controller) -> Jurisdiction:
    return Jurisdiction(controller.country, controller.subdivision or None, controller.timezone)


REFERENCE_ALPHABET = "0123456789ABCDEFGHJKMNPQRSTVWXYZ"  # Crockford's base 32: no I, L, O, U


def new_reference(now: datetime) -> str:
    """A fresh random reference such as DSAR-2026-7KQ3-M9XD (40 random bits).

    Random rather than counted: a reference tells nobody how many requests came in, and it
    is known before the row exists, so the confirmation e-mail can be rendered before the
    write transaction starts (dsar/intake/service.py). A clash is drawn again by the caller.
    """
    chars = "".join(secrets.choice(REFERENCE_ALPHABET) for _ in range(8))
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


WEB_ROW_FIELDS = (
    "reference",
    "type",
    "status",
    "channel",
    "language",
    "subject_name",
    "subject_email",
    "details",
    "verification",
    "status_token_hash",
    "created_at",
    "updated_at",
)


class UnknownController(LookupError):
    """No controller row has this slug: its register was never synced (`dsar controllers sync`)."""


def insert_request_row(
    session: Session, controller_slug: str, values: dict[str, Any]
) -> int | None:
    """INSERT one request row for the controller with this slug, with Core; return its id.

    The fast path of the web form (dsar/intake/service.py), which has every value ready: one
    statement compiled once, no unit of work, and no read before it, so on SQLite the
    transaction starts by taking the write lock. `values` holds WEB_ROW_FIELDS. None means
    the (random) reference is taken: ON CONFLICT DO NOTHING, so the caller draws again.
    """
    connection = session.connection()
    statement = _insert_request(session.get_bind().dialect.name)
    request_id = connection.execute(statement, {**values, "slug": controller_slug}).scalar()
    if request_id is None and not _controller_exists(connection, controller_slug):
        raise UnknownController(controller_slug)
    return request_id


def start_chain(
    session: Session,
    request_id: int,
    action: str,
    *,
    actor: str,
    now: datetime,
    payload: dict[str, Any] | None = None,
) -> None:
    """Write the first event of a request inserted by `insert_request_row`, and its chain head."""
    event = event_values(request_id, 1, GENESIS, action, actor=actor, now=now, payload=payload)
    connection = session.connection()
    connection.execute(insert(RequestEvent.__table__), event)
    connection.execute(_set_chain_head, {"rid": request_id, "seq": 1, "head": event["hash"]})


@functools.cache
def _insert_request(dialect: str):  # type: ignore[no-untyped-def]
    """INSERT INTO request (...) SELECT controller.id, :reference, ... FROM controller
    WHERE slug = :slug ON CONFLICT (reference) DO NOTHING RETURNING id."""
    insert = insert_for(dialect)
    request, controller = Request.__table__, Controller.__table__
    rows = select(
        controller.c.id, *(bindparam(name, type_=request.c[name].type) for name in WEB_ROW_FIELDS)
    ).where(controller.c.slug == bindparam("slug"))
    return (
        insert(request)
        .from_select(["controller_id", *WEB_ROW_FIELDS], rows)
        .on_conflict_do_nothing(index_elements=[request.c.reference])
        .returning(request.c.id)
    )


def _controller_exists(connection: Connection, slug: str) -> bool:
    table = Controller.__table__
    return connection.execute(select(table.c.id).where(table.c.slug == slug)).first() is not None


_set_chain_head = (
    update(Request.__table__)
    .where(Request.__table__.c.id == bindparam("rid"))
    .values(event_seq=bindparam("seq"), chain_head=bindparam("head"))
)


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
