"""The staff accounts' append-only, hash-chained trail: one chain for all accounts.

Account creation, role, controller and activity changes, password and TOTP resets, TOTP
enrolment, sign-in, sign-out, failed sign-ins and locks each append one event. The chain's
head (last seq and hash) is kept in `audit_head`, outside the chain, so deleting the last
events is found like a changed row. No password, hash or TOTP secret goes into a payload.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from dsar.accounts.models import AuditHead, StaffEvent
from dsar.audit.chain import GENESIS
from dsar.audit.request_trail import BrokenLink, fields_hash, jsonable, link_fault
from dsar.core.db import dialect_insert

STAFF_CHAIN = "staff"


def staff_event_hash(
    *,
    seq: int,
    action: str,
    actor: str,
    subject: str,
    payload: dict[str, Any],
    created_at: datetime,
    prev_hash: str,
) -> str:
    """SHA-256 over a canonical JSON form of the event's fields."""
    return fields_hash(
        {
            "chain": STAFF_CHAIN,
            "seq": seq,
            "action": action,
            "actor": actor,
            "subject": subject,
            "payload": payload,
            "created_at": created_at.isoformat(timespec="microseconds"),
            "prev_hash": prev_hash,
        }
    )


def record_staff_event(
    session: Session,
    action: str,
    *,
    actor: str,
    subject: str,
    now: datetime,
    payload: dict[str, Any] | None = None,
) -> StaffEvent:
    """Append an event to the staff chain; never commits.

    The head row stays locked until the commit (FOR UPDATE on PostgreSQL; SQLite has one
    writer at a time), so concurrent appenders queue instead of forking the chain; the unique
    `seq` makes any that slipped past fail.
    """
    head = _locked_head(session)
    values: dict[str, Any] = {
        "seq": head.seq + 1,
        "action": action,
        "actor": actor,
        "subject": subject,
        "payload": jsonable(payload or {}),
        "created_at": now,
        "prev_hash": head.head,
    }
    event = StaffEvent(**values, hash=staff_event_hash(**values))
    head.seq, head.head = event.seq, event.hash
    session.add(event)
    return event


def _locked_head(session: Session) -> AuditHead:
    # The INSERT comes first on purpose: it starts a new chain's head, and on SQLite it takes
    # the write lock before the head is read (a transaction that read earlier and lost the
    # race fails here instead of forking the chain).
    session.execute(
        dialect_insert(session, AuditHead)
        .values(chain=STAFF_CHAIN, seq=0, head=GENESIS)
        .on_conflict_do_nothing(index_elements=["chain"])
    )
    return session.execute(
        select(AuditHead)
        .where(AuditHead.chain == STAFF_CHAIN)
        .with_for_update()
        .execution_options(populate_existing=True)  # what the previous lock holder committed
    ).scalar_one()


def account_history(
    session: Session, subject: str | None = None, limit: int = 100
) -> list[StaffEvent]:
    """The latest account events, newest first; only `subject`'s when given."""
    query = select(StaffEvent).order_by(StaffEvent.seq.desc()).limit(limit)
    if subject is not None:
        query = query.where(StaffEvent.subject == subject)
    return list(session.execute(query).scalars())


def verify_staff_chain(session: Session) -> BrokenLink | None:
    """Walk the staff chain in order, then compare its end with the stored head."""
    query = select(StaffEvent).order_by(StaffEvent.seq).execution_options(yield_per=1000)
    with session.execute(query).scalars() as events:
        broken, last = _first_broken(events)
    if broken is not None:
        return broken
    head = session.get(AuditHead, STAFF_CHAIN)
    last_seq, last_hash, event_id = last
    seq, stored = (head.seq, head.head) if head is not None else (0, GENESIS)
    if head is None and last_seq:
        return BrokenLink(None, last_seq, event_id, "the chain's head row is missing")
    if (seq, stored) != (last_seq, last_hash):
        reason = f"the chain head is event #{seq}, the trail ends at #{last_seq}"
        if seq == last_seq:
            reason = "the chain head does not match its last event"
        return BrokenLink(None, last_seq, event_id, reason)
    return None


def _first_broken(events: Iterable[StaffEvent]) -> tuple[BrokenLink | None, tuple[int, str, int]]:
    expected_seq, prev, last = 1, GENESIS, (0, GENESIS, 0)
    for event in events:
        recomputed = staff_event_hash(
            seq=event.seq,
            action=event.action,
            actor=event.actor,
            subject=event.subject,
            payload=event.payload,
            created_at=event.created_at,
            prev_hash=event.prev_hash,
        )
        if fault := link_fault(event, expected_seq, prev, recomputed):
            return BrokenLink(None, event.seq, event.id, fault), last
        prev, expected_seq, last = event.hash, expected_seq + 1, (event.seq, event.hash, event.id)
    return None, last
