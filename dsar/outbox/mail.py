"""Queue a message in the outbox, inside the caller's transaction.

Operations call `enqueue()` (or `insert_message()` for a first message built before its row);
nothing is sent here: the dispatcher (dsar/outbox/dispatch.py) sends after the commit.
"""

from __future__ import annotations

import functools
import logging
import uuid
from datetime import datetime
from email.utils import make_msgid, parseaddr
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session
from sqlalchemy.sql.dml import ReturningInsert

from dsar.config import Settings
from dsar.core.db import insert_for, table_of
from dsar.outbox.models import OutboxMessage, OutboxStatus

log = logging.getLogger(__name__)


def mail_domain(settings: Settings) -> str:
    """The domain of DSAR_MAIL_FROM, for Message-IDs the receiving side can attribute to us."""
    return _domain_of(settings.mail_from)


@functools.lru_cache(maxsize=16)
def _domain_of(sender: str) -> str:
    return parseaddr(sender)[1].rpartition("@")[2] or "dsar.local"


def queue_message(
    session: Session,
    *,
    key: str,
    recipient: str,
    subject: str,
    text: str,
    now: datetime,
    html: str | None = None,
    language: str = "en",
    request_id: int | None = None,
    headers: dict[str, Any] | None = None,
    mail_domain: str = "dsar.local",
) -> bool:
    """Queue a message once per `key`: True if queued now, False if the key was there already.

    One Core INSERT ... ON CONFLICT DO NOTHING, compiled once: no read before it, no unit of
    work, and losing a race on the key neither raises nor aborts the caller's transaction.
    """
    values = message_values(
        recipient=recipient,
        subject=subject,
        text=text,
        now=now,
        html=html,
        language=language,
        headers=headers,
        mail_domain=mail_domain,
    )
    return insert_message(session, key=key, request_id=request_id, values=values)


def insert_message(
    session: Session, *, key: str, request_id: int | None, values: dict[str, Any]
) -> bool:
    """`queue_message` for values made beforehand by `message_values`."""
    row = {"idempotency_key": key, "request_id": request_id, **values}
    statement = _insert_once(session.get_bind().dialect.name)
    return session.connection().execute(statement, row).scalar() is not None


def message_values(
    *,
    recipient: str,
    subject: str,
    text: str,
    now: datetime,
    html: str | None = None,
    language: str = "en",
    headers: dict[str, Any] | None = None,
    mail_domain: str = "dsar.local",
) -> dict[str, Any]:
    """An outbox row's column values but its key and request: pending, due now, a new Message-ID."""
    return {
        "message_id": make_msgid(idstring=uuid.uuid4().hex[:12], domain=mail_domain),
        "recipient": recipient,
        "subject": subject,
        "body_text": text,
        "body_html": html,
        "language": language,
        "headers": dict(headers or {}),
        "status": OutboxStatus.PENDING,
        "attempts": 0,
        "next_attempt_at": now,
        "created_at": now,
    }


def enqueue(session: Session, *, key: str, **fields: Any) -> OutboxMessage:
    """`queue_message` for callers that want the row: the new one, or the first with `key`."""
    queue_message(session, key=key, **fields)
    return session.execute(
        select(OutboxMessage).where(OutboxMessage.idempotency_key == key)
    ).scalar_one()


@functools.cache
def _insert_once(dialect: str) -> ReturningInsert[int]:
    """INSERT ... ON CONFLICT (idempotency_key) DO NOTHING RETURNING id, built once per dialect."""
    insert = insert_for(dialect)
    table = table_of(OutboxMessage)
    return (
        insert(table)
        .on_conflict_do_nothing(index_elements=[table.c.idempotency_key])
        .returning(table.c.id)
    )
