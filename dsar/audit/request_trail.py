"""The append-only, hash-chained audit trail of each request, and the verifier of all chains.

Each event stores the hash of its predecessor in the same request's chain, and its own hash
over every field, so changing, deleting or reordering a row breaks the chain at that row.
Staff accounts have one chain of their own (dsar/audit/staff_trail.py); `verify_chain` checks it
too.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from dsar.audit.chain import GENESIS
from dsar.requests.models import Request, RequestEvent


def event_hash(
    *,
    request_id: int,
    seq: int,
    action: str,
    actor: str,
    payload: dict[str, Any],
    created_at: datetime,
    prev_hash: str,
) -> str:
    """SHA-256 over a canonical JSON form of the event's fields."""
    return fields_hash(
        _hashed_fields(request_id, seq, action, actor, payload, created_at, prev_hash)
    )


def _hashed_fields(
    request_id: int,
    seq: int,
    action: str,
    actor: str,
    payload: dict[str, Any],
    created_at: datetime,
    prev_hash: str,
) -> dict[str, Any]:
    return {
        "request_id": request_id,
        "seq": seq,
        "action": action,
        "actor": actor,
        "payload": payload,
        "created_at": created_at.isoformat(timespec="microseconds"),
        "prev_hash": prev_hash,
    }


def fields_hash(fields: dict[str, Any]) -> str:
    """SHA-256 over the canonical JSON form of `fields` (sorted keys, no spaces)."""
    return hashlib.sha256(canonical_json(fields).encode()).hexdigest()


def canonical_json(fields: dict[str, Any]) -> str:
    return json.dumps(
        fields, sort_keys=True, separators=(",", ":"), ensure_ascii=False, default=str
    )


def jsonable(payload: dict[str, Any]) -> dict[str, Any]:
    """Dates and enums become strings now, so the stored payload hashes the same when re-read."""
    return json.loads(json.dumps(payload, default=str))


def event_values(
    request_id: int,
    seq: int,
    prev_hash: str,
    action: str,
    *,
    actor: str,
    now: datetime,
    payload: dict[str, Any] | None = None,
) -> dict[str, Any]:
    """The column values of the event after `prev_hash` in a request's chain, hash included."""
    data = jsonable(payload or {})
    values: dict[str, Any] = {
        "request_id": request_id,
        "seq": seq,
        "action": action,
        "actor": actor,
        "payload": data,
        "created_at": now,
        "prev_hash": prev_hash,
    }
    return {**values, "hash": event_hash(**values)}


def record_event(
    session: Session,
    request: Request,
    action: str,
    *,
    actor: str,
    now: datetime,
    payload: dict[str, Any] | None = None,
) -> RequestEvent:
    """Append an event to the request's chain; never commits.

    The chain head lives on the request row, so no query for the predecessor is needed. A
    concurrent writer that appended first makes this insert violate (request_id, seq) and
    the request's version check: the transaction fails instead of forking the chain.
    """
    if request.id is None:
        session.flush()  # the event hashes the request's id
    seq, prev_hash = (request.event_seq or 0) + 1, request.chain_head or GENESIS
    event = RequestEvent(
        **event_values(request.id, seq, prev_hash, action, actor=actor, now=now, payload=payload)
    )
    request.event_seq, request.chain_head = seq, event.hash
    session.add(event)
    return event


@dataclass(frozen=True)
class BrokenLink:
    request_id: int | None  # None: the staff accounts' chain
    seq: int
    event_id: int
    reason: str

    def __str__(self) -> str:
        chain = "staff chain" if self.request_id is None else f"request {self.request_id}"
        return f"{chain}, event #{self.seq} (id {self.event_id}): {self.reason}"


def verify_chain(session: Session, request_id: int | None = None) -> BrokenLink | None:
    """Walk every chain (or one request's) in order; return the first broken link, or None.

    Without `request_id` the staff accounts' chain is checked too, after the requests' chains.
    """
    from dsar.audit.staff_trail import (
        verify_staff_chain,  # it builds on this module's hashing
    )

    query = select(RequestEvent).order_by(RequestEvent.request_id, RequestEvent.seq)
    if request_id is not None:
        query = query.where(RequestEvent.request_id == request_id)
    heads: dict[int, tuple[int, str, int]] = {}
    with session.execute(query.execution_options(yield_per=1000)).scalars() as events:
        broken = _first_broken(events, heads)
    if broken is None:
        broken = _first_wrong_head(session, heads, request_id)
    if broken is None and request_id is None:
        broken = verify_staff_chain(session)
    return broken


def _first_wrong_head(
    session: Session, heads: dict[int, tuple[int, str, int]], request_id: int | None
) -> BrokenLink | None:
    """A chain whose last events were deleted is intact up to its end: the request's head is not."""
    query = select(Request.id, Request.event_seq, Request.chain_head).order_by(Request.id)
    if request_id is not None:
        query = query.where(Request.id == request_id)
    for rid, seq, head in session.execute(query):
        last_seq, last_hash, event_id = heads.get(rid, (0, GENESIS, 0))
        if (seq, head) != (last_seq, last_hash):
            reason = f"the request's chain head is event #{seq}, the trail ends at #{last_seq}"
            if seq == last_seq:
                reason = "the request's chain head does not match its last event"
            return BrokenLink(rid, last_seq, event_id, reason)
    return None


def link_fault(event: Any, expected_seq: int, prev_hash: str, recomputed: str) -> str | None:
    """Why `event` does not follow its predecessor in a chain (None when it does).

    Shared by the request chains and the staff chain (dsar/audit/staff_trail.py).
    """
    if event.seq != expected_seq:
        return f"expected #{expected_seq}"
    if event.prev_hash != prev_hash:
        return "previous hash differs"
    if recomputed != event.hash:
        return "content does not match hash"
    return None


def _first_broken(
    events: Iterable[RequestEvent], heads: dict[int, tuple[int, str, int]]
) -> BrokenLink | None:
    current_request, expected_seq, prev = None, 1, GENESIS
    for event in events:
        if event.request_id != current_request:
            current_request, expected_seq, prev = event.request_id, 1, GENESIS
        recomputed = event_hash(
            request_id=event.request_id,
            seq=event.seq,
            action=event.action,
            actor=event.actor,
            payload=event.payload,
            created_at=event.created_at,
            prev_hash=event.prev_hash,
        )
        if fault := link_fault(event, expected_seq, prev, recomputed):
            return BrokenLink(event.request_id, event.seq, event.id, fault)
        prev, expected_seq = event.hash, expected_seq + 1
        heads[event.request_id] = (event.seq, event.hash, event.id)
    return None
