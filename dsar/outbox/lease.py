"""What every kind of outbox row shares: the claim with its lease, the backoff, giving up.

Mail (OutboxMessage) and webhooks (WebhookDelivery) are claimed, retried and dead-lettered by
this one code; only how a row is sent differs (dsar/outbox/dispatch.py, webhook_dispatch.py).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import Table, select, update
from sqlalchemy.orm import Session

from dsar.core.db import insert_for
from dsar.outbox.models import OutboxMessage, OutboxStatus, WebhookDelivery

MAX_ATTEMPTS = 8
# How long a claimed row waits before another dispatcher may take it: far longer than a batch
# takes to send, so only a dispatcher that died leaves its claims to run out.
CLAIM_LEASE = timedelta(minutes=15)


@dataclass
class DispatchResult:
    sent: int = 0
    retried: int = 0
    failed: int = 0


def backoff(attempts: int) -> timedelta:
    """The wait before the next attempt: 1, 2, 4, ... minutes, at most six hours."""
    return timedelta(minutes=min(2 ** (attempts - 1), 360))


def claim(session: Session, table: Table, now: datetime, limit: int) -> list[int]:
    """Lease up to `limit` due pending rows of `table`, the longest-waiting first; their ids.

    One UPDATE, the transaction's first statement: on SQLite it takes the write lock before
    reading anything, so a concurrent claim waits instead of failing on a stale snapshot. On
    PostgreSQL a concurrent claim waits for the first one's row locks and then finds those rows
    no longer due (READ COMMITTED re-checks the condition on the updated rows).
    """
    is_due = (table.c.status == OutboxStatus.PENDING, table.c.next_attempt_at <= now)
    due = select(table.c.id).where(*is_due).order_by(table.c.next_attempt_at, table.c.id)
    leased = (
        update(table)
        .where(table.c.id.in_(due.limit(limit).scalar_subquery()), *is_due)
        .values(next_attempt_at=now + CLAIM_LEASE)
        .returning(table.c.id)
    )
    return list(session.execute(leased).scalars())


def settle_failure(
    row: OutboxMessage | WebhookDelivery, error: str, now: datetime, *, permanent: bool
) -> bool:
    """Count a failed attempt: retry after the backoff, or give up; True if it gave up."""
    row.attempts += 1
    row.last_error = error[:2000]
    if permanent or row.attempts >= MAX_ATTEMPTS:
        # What staff read: why it failed and that dsar will not try again.
        why = "rejected" if permanent else f"gave up after {row.attempts} attempts"
        row.last_error = f"{why}: {row.last_error}"[:2000]
        row.status = OutboxStatus.FAILED
        return True
    row.next_attempt_at = now + backoff(row.attempts)
    return False


def queue_once(session: Session, table: Table, values: dict[str, Any]) -> int:
    """Insert an outbox row once per `values["idempotency_key"]`; the id of the new row, or
    of the row the key already has.

    One INSERT ... ON CONFLICT (idempotency_key) DO NOTHING RETURNING id: a second insert of
    the same key, by a re-run or a racing scheduler, adds nothing and neither raises nor aborts
    the caller's transaction; only then is the existing row's id read.
    """
    queued = session.execute(
        insert_for(session.get_bind().dialect.name)(table)
        .values(values)
        .on_conflict_do_nothing(index_elements=["idempotency_key"])
        .returning(table.c.id)
    ).scalar_one_or_none()
    if queued is None:  # queued before: the first row under the key stands
        key_column = table.c.idempotency_key
        queued = session.execute(
            select(table.c.id).where(key_column == values["idempotency_key"])
        ).scalar_one()
    return int(queued)
