"""The staff accounts' append-only, hash-chained trail: one chain for all accounts.

Account creation, role, controller and activity changes, password and TOTP resets, TOTP
enrolment, sign-in, sign-out, failed sign-ins and locks each append one event. An event hashes
the fields of every chain (dsar/audit/chain.py), the chain's name and the account it concerns.
The chain's head (last seq and hash) is kept in `audit_head`, outside the chain, so deleting
the last events is found like a changed row. No password, hash or TOTP secret goes into a
payload.
"""

from __future__ import annotations

from collections.abc import Collection
from datetime import datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from dsar.accounts.models import AuditHead, StaffEvent
from dsar.audit.chain import GENESIS, BrokenLink, Fault, head_break, link_hash, next_event, walk
from dsar.audit.keys import earliest, first_keyed_id, key_for
from dsar.core.db import locked_row

STAFF_CHAIN = "staff"
_NAME = "staff chain"  # in the verifier's report


def staff_event_hash(event: StaffEvent) -> str:
    """The hash of a staff event: the chain's fields, the chain's name and the account, keyed by
    its scheme."""
    return link_hash(event, key_for(event), chain=STAFF_CHAIN, subject=event.subject)


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
    event = StaffEvent(
        subject=subject,
        **next_event(head.seq, head.head, action, actor=actor, now=now, payload=payload),
    )
    event.hash = staff_event_hash(event)
    head.seq, head.head = event.seq, event.hash
    session.add(event)
    return event


def _locked_head(session: Session) -> AuditHead:
    # A new chain's head is inserted first; on SQLite that takes the write lock before the head
    # is read (a transaction that read earlier and lost the race fails instead of forking).
    values = {"chain": STAFF_CHAIN, "seq": 0, "head": GENESIS}
    return locked_row(session, AuditHead, "chain", values)


def account_history(
    session: Session,
    subject: str | None = None,
    limit: int = 100,
    among: Collection[str] | None = None,
) -> list[StaffEvent]:
    """The latest account events, newest first; only `subject`'s when given, only those of the
    accounts `among` when given."""
    query = select(StaffEvent).order_by(StaffEvent.seq.desc()).limit(limit)
    if subject is not None:
        query = query.where(StaffEvent.subject == subject)
    if among is not None:
        query = query.where(StaffEvent.subject.in_(sorted(among)))
    return list(session.execute(query).scalars())


def verify_staff_chain(session: Session, keyed_from: int | None = None) -> BrokenLink | None:
    """Walk the staff chain in order, then compare its end with the stored head.

    Events from `keyed_from` on (a signed checkpoint's word), or from the first keyed event,
    must be keyed.
    """
    keyed_from = earliest(keyed_from, first_keyed_id(session, StaffEvent))
    query = select(StaffEvent).order_by(StaffEvent.seq).execution_options(yield_per=1000)
    with session.execute(query).scalars() as events:
        broken, end = walk(_NAME, events, staff_event_hash, keyed_from)
    if broken is not None:
        return broken
    head = session.get(AuditHead, STAFF_CHAIN)
    if head is None:
        missing = "the chain's head row is missing"
        return BrokenLink(_NAME, end.seq, end.event_id, Fault.HEAD, missing) if end.seq else None
    return head_break(_NAME, "the chain head", head.seq, head.head, end)
