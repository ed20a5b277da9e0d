"""The append-only, hash-chained audit trail of each request, and the verifier of all chains.

An event hashes the fields of every chain (dsar/audit/chain.py) and its request's id. The
request row keeps the chain head (last seq and hash), so appending needs no query and a
deleted tail is noticed. Staff accounts have one chain of their own
(dsar/audit/staff_trail.py); `verify_chain` checks it too.
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import datetime
from itertools import groupby
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from dsar.audit.chain import GENESIS, BrokenLink, End, head_break, link_hash, next_event, walk
from dsar.audit.keys import earliest, first_keyed_id, key_for
from dsar.audit.staff_trail import verify_staff_chain
from dsar.requests.models import Request, RequestEvent
from dsar.webhooks.events import queue_for_trail

# What a representative did on the form (docs/representatives.md): their events say for whom.
REPRESENTATIVE = "representative"


def event_hash(event: RequestEvent) -> str:
    """The hash of a request's event: the chain's fields and the request's id, keyed per scheme."""
    return link_hash(event, key_for(event), request_id=event.request_id)


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
    An event that is a webhook event (dsar/webhooks/events.py) queues its deliveries here, in
    the same transaction.
    """
    if request.id is None:
        session.flush()  # the event hashes the request's id
    if actor == REPRESENTATIVE:
        payload = {**(payload or {}), "on_behalf_of": request.subject_name}
    head_seq, head_hash = request.event_seq or 0, request.chain_head or GENESIS
    event = RequestEvent(
        request_id=request.id,
        **next_event(head_seq, head_hash, action, actor=actor, now=now, payload=payload),
    )
    event.hash = event_hash(event)
    request.event_seq, request.chain_head = event.seq, event.hash
    session.add(event)
    queue_for_trail(session, request, event)
    return event


def lock_request(session: Session, request_id: int) -> Request:
    """Lock the request's row until the commit, and read what the last holder committed.

    The chain's head is on that row: appenders that may run at once (two clicks on a download
    link, a link ended while it is counted) lock here and queue instead of failing on the
    version check. Lock the request before other rows, so two of them never wait for each
    other (PostgreSQL; on SQLite, which has one writer at a time, dsar/core/write_lock.py makes
    such a transaction the writer from its start).
    """
    return session.execute(
        select(Request)
        .where(Request.id == request_id)
        .with_for_update()
        .execution_options(populate_existing=True)
    ).scalar_one()


def verify_chain(session: Session, request_id: int | None = None) -> BrokenLink | None:
    """Walk every chain (or one request's) in order; return the first broken link, or None.

    Without `request_id` the staff accounts' chain is checked too, after the requests' chains.
    """
    breaks = chain_breaks(session, request_id)
    if not breaks and request_id is None:
        return verify_staff_chain(session)
    return breaks[0] if breaks else None


def chain_breaks(
    session: Session, request_id: int | None = None, keyed_from: int | None = None
) -> list[BrokenLink]:
    """The first broken link of every broken request chain (or of one request's), in order.

    Events from `keyed_from` on (a signed checkpoint's word), or from the first keyed event,
    must be keyed.
    """
    keyed_from = earliest(keyed_from, first_keyed_id(session, RequestEvent))
    query = select(RequestEvent).order_by(RequestEvent.request_id, RequestEvent.seq)
    if request_id is not None:
        query = query.where(RequestEvent.request_id == request_id)
    ends: dict[int, End] = {}
    found: dict[int, BrokenLink] = {}
    with session.execute(query.execution_options(yield_per=1000)).scalars() as events:
        for rid, chain in groupby(events, key=lambda event: event.request_id):
            broken, ends[rid] = walk(_name(rid), chain, event_hash, keyed_from)
            if broken is not None:
                found[rid] = broken
    for rid, broken in _wrong_heads(session, ends, request_id):
        found.setdefault(rid, broken)
    return [found[rid] for rid in sorted(found)]


def _wrong_heads(
    session: Session, ends: dict[int, End], request_id: int | None
) -> Iterator[tuple[int, BrokenLink]]:
    """A chain whose last events were deleted is intact up to its end: the request's head is not."""
    query = select(Request.id, Request.event_seq, Request.chain_head).order_by(Request.id)
    if request_id is not None:
        query = query.where(Request.id == request_id)
    for rid, seq, head in session.execute(query):
        broken = head_break(_name(rid), "the request's chain head", seq, head, ends.get(rid, End()))
        if broken is not None:
            yield rid, broken


def _name(request_id: int) -> str:
    return f"request {request_id}"
