"""The append-only, hash-chained audit trail of each request, and its verifier.

Each event stores the hash of its predecessor in the same request's chain, and its own hash
over every field, so changing, deleting or reordering a row breaks the chain at that row.
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

from dsar.models import Request, RequestEvent
from dsar.models.chain import GENESIS


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
    canonical = json.dumps(
        {
            "request_id": request_id,
            "seq": seq,
            "action": action,
            "actor": actor,
            "payload": payload,
            "created_at": created_at.isoformat(timespec="microseconds"),
            "prev_hash": prev_hash,
        },
        sort_keys=True,
        separators=(",", ":"),
        ensure_ascii=False,
        default=str,
    )
    return hashlib.sha256(canonical.encode()).hexdigest()


def _jsonable(payload: dict[str, Any]) -> dict[str, Any]:
    # Dates and enums become strings now, so the stored payload hashes the same when re-read.
    return json.loads(json.dumps(payload, default=str))


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
    data = _jsonable(payload or {})
    event = RequestEvent(
        request_id=request.id,
        seq=seq,
        action=action,
        actor=actor,
        payload=data,
        created_at=now,
        prev_hash=prev_hash,
        hash=event_hash(
            request_id=request.id,
            seq=seq,
            action=action,
            actor=actor,
            payload=data,
            created_at=now,
            prev_hash=prev_hash,
        ),
    )
    request.event_seq, request.chain_head = seq, event.hash
    session.add(event)
    return event


@dataclass(frozen=True)
class BrokenLink:
    request_id: int
    seq: int
    event_id: int
    reason: str

    def __str__(self) -> str:
        return f"request {self.request_id}, event #{self.seq} (id {self.event_id}): {self.reason}"


def verify_chain(session: Session, request_id: int | None = None) -> BrokenLink | None:
    """Walk every chain (or one request's) in order; return the first broken link, or None."""
    query = select(RequestEvent).order_by(RequestEvent.request_id, RequestEvent.seq)
    if request_id is not None:
        query = query.where(RequestEvent.request_id == request_id)
    heads: dict[int, tuple[int, str, int]] = {}
    with session.execute(query.execution_options(yield_per=1000)).scalars() as events:
        broken = _first_broken(events, heads)
    if broken is not None:
        return broken
    return _first_wrong_head(session, heads, request_id)


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


def _first_broken(
    events: Iterable[RequestEvent], heads: dict[int, tuple[int, str, int]]
) -> BrokenLink | None:
    current_request, expected_seq, prev = None, 1, GENESIS
    for event in events:
        if event.request_id != current_request:
            current_request, expected_seq, prev = event.request_id, 1, GENESIS
        if event.seq != expected_seq:
            return BrokenLink(event.request_id, event.seq, event.id, f"expected #{expected_seq}")
        if event.prev_hash != prev:
            return BrokenLink(event.request_id, event.seq, event.id, "previous hash differs")
        recomputed = event_hash(
            request_id=event.request_id,
            seq=event.seq,
            action=event.action,
            actor=event.actor,
            payload=event.payload,
            created_at=event.created_at,
            prev_hash=event.prev_hash,
        )
        if recomputed != event.hash:
            return BrokenLink(event.request_id, event.seq, event.id, "content does not match hash")
        prev, expected_seq = event.hash, expected_seq + 1
        heads[event.request_id] = (event.seq, event.hash, event.id)
    return None
