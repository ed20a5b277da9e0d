"""Signed checkpoints of every chain's head, stored apart, so a deleted request shows.

A request's chain head lives on its own row: delete the row with its events and the chain is
gone without a trace in the chains. A checkpoint (daily, and `dsar audit checkpoint`) signs
every request's head (request id, event count, head hash, head event id), the staff chain's
head and the first keyed event of each trail with the audit key; the purge signs the last
head of each request it deletes. The verifier compares the chains with the newest checkpoint
whose signature holds: a request it names that is gone without a purge record, an event it
names that is gone or differs, is reported. What a checkpoint cannot prove: anything written
after it (docs/audit.md).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from sqlalchemy import and_, delete, select, tuple_
from sqlalchemy.orm import Session

from dsar.accounts.models import AuditHead, StaffEvent
from dsar.audit.chain import BrokenLink, Fault, fields_hash, utc_text
from dsar.audit.keys import first_keyed_id, signing_key
from dsar.audit.models import AuditCheckpoint
from dsar.audit.staff_trail import STAFF_CHAIN
from dsar.requests.models import Request, RequestEvent

CHECKPOINT, PURGED = "checkpoint", "purged"
KEPT = 7  # checkpoints kept; older ones, and purge records older than those, are deleted


def seal_mac(kind: str, created_at: datetime, body: dict[str, Any]) -> str:
    """The HMAC-SHA256 (audit key) of a checkpoint's or purge record's kind, time and body."""
    fields = {"kind": kind, "created_at": utc_text(created_at), "body": body}
    return fields_hash(fields, signing_key())


def _seal(session: Session, kind: str, now: datetime, body: dict[str, Any]) -> AuditCheckpoint:
    row = AuditCheckpoint(kind=kind, created_at=now, body=body, mac=seal_mac(kind, now, body))
    session.add(row)
    return row


def _valid(row: AuditCheckpoint) -> bool:
    return row.mac == seal_mac(row.kind, row.created_at, row.body)


def record_purged(session: Session, requests: Iterable[Request], now: datetime) -> None:
    """Sign the last head of each request the purge deletes; never commits."""
    for request in requests:
        body = {"request_id": request.id, "seq": request.event_seq, "head": request.chain_head}
        _seal(session, PURGED, now, body)


def write_checkpoint(session: Session, now: datetime) -> AuditCheckpoint:
    """Sign every chain's head as it stands now; keep the newest KEPT; never commits."""
    heads = session.execute(
        select(Request.id, Request.event_seq, Request.chain_head, RequestEvent.id)
        .outerjoin(
            RequestEvent,
            and_(RequestEvent.request_id == Request.id, RequestEvent.seq == Request.event_seq),
        )
        .order_by(Request.id)
    )
    staff = session.get(AuditHead, STAFF_CHAIN)
    staff_event = staff and session.scalar(select(StaffEvent.id).where(StaffEvent.seq == staff.seq))
    body = {
        "requests": [list(row) for row in heads],
        "staff": [staff.seq, staff.head, staff_event] if staff else None,
        "keyed_from": {
            "request_event": first_keyed_id(session, RequestEvent),
            "staff_event": first_keyed_id(session, StaffEvent),
        },
    }
    row = _seal(session, CHECKPOINT, now, body)
    session.flush()
    _prune(session, row.id)
    return row


def _prune(session: Session, newest: int) -> None:
    kept = session.scalars(
        select(AuditCheckpoint.id)
        .where(AuditCheckpoint.kind == CHECKPOINT, AuditCheckpoint.id <= newest)
        .order_by(AuditCheckpoint.id.desc())
        .limit(KEPT)
    ).all()
    session.execute(delete(AuditCheckpoint).where(AuditCheckpoint.id < min(kept)))


@dataclass
class Standing:
    """The newest checkpoint whose signature holds, and what contradicts its neighbours."""

    checkpoint: AuditCheckpoint | None = None
    forged: list[BrokenLink] = field(default_factory=list)  # newer rows whose signature fails
    purged: set[int] = field(default_factory=set)  # requests signed off by the purge since

    def keyed_from(self, table: str) -> int | None:
        return self.checkpoint.body["keyed_from"].get(table) if self.checkpoint else None


def standing(session: Session) -> Standing:
    """The newest checkpoint whose signature holds, the forged rows after it and the purges."""
    found = Standing()
    rows = session.execute(select(AuditCheckpoint).order_by(AuditCheckpoint.id.desc())).scalars()
    for row in rows:
        if not _valid(row):
            reason = "signature does not match: forged, or signed with another audit key"
            found.forged.append(BrokenLink(f"checkpoint {row.id}", 0, row.id, Fault.CHECKPOINT,
                                           reason))  # fmt: skip
        elif row.kind == PURGED:
            found.purged.add(int(row.body["request_id"]))
        else:
            found.checkpoint = row
            break
    return found


def checkpoint_breaks(session: Session, found: Standing) -> list[BrokenLink]:
    """Each request and event the checkpoint names that is gone or differs now."""
    breaks = list(found.forged)
    checkpoint = found.checkpoint
    if checkpoint is None:
        return breaks
    when = f"the checkpoint of {utc_text(checkpoint.created_at)[:16]} UTC"
    present = set(session.scalars(select(Request.id)))
    signed = [tuple(row) for row in checkpoint.body["requests"] if row[1]]
    stored = _stored_hashes(session, [(rid, seq) for rid, seq, _, _ in signed if rid in present])
    for rid, seq, head, event_id in signed:
        if rid not in present and rid in found.purged:
            continue
        if rid not in present:
            reason = f"the request is gone: {when} holds it, and no purge recorded it"
        elif stored.get((rid, seq)) != head:
            reason = f"the event {_gone(stored.get((rid, seq)))}: {when} holds it"
        else:
            continue
        breaks.append(BrokenLink(f"request {rid}", seq, event_id or 0, Fault.CHECKPOINT, reason))
    if checkpoint.body["staff"] is not None:
        seq, head, event_id = checkpoint.body["staff"]
        now_hash = session.scalar(select(StaffEvent.hash).where(StaffEvent.seq == seq))
        if now_hash != head:
            reason = f"the event {_gone(now_hash)}: {when} holds it"
            breaks.append(BrokenLink("staff chain", seq, event_id or 0, Fault.CHECKPOINT, reason))
    return breaks


def _gone(now_hash: str | None) -> str:
    return "is gone" if now_hash is None else "differs"


def _stored_hashes(session: Session, keys: list[tuple[int, int]]) -> dict[tuple[int, int], str]:
    """The stored hash of each (request id, seq) in `keys`, read in batches."""
    found: dict[tuple[int, int], str] = {}
    for start in range(0, len(keys), 500):
        batch = keys[start : start + 500]
        rows = session.execute(
            select(RequestEvent.request_id, RequestEvent.seq, RequestEvent.hash).where(
                tuple_(RequestEvent.request_id, RequestEvent.seq).in_(batch)
            )
        )
        found.update({(rid, seq): hash_ for rid, seq, hash_ in rows})
    return found
