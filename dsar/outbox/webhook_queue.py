"""The one way to queue a webhook: a delivery row per endpoint and key, sent after the commit.

As with the mail (dsar/outbox/mail.py), one INSERT ... ON CONFLICT (idempotency_key) DO
NOTHING: a job run twice, or two schedulers at once, queue an event once.
"""

from __future__ import annotations

import json
import uuid
from collections.abc import Mapping
from datetime import datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from dsar.core.db import table_of
from dsar.outbox.lease import queue_once
from dsar.outbox.models import OutboxStatus, WebhookDelivery


class ReplayError(Exception):
    """Only a dead letter (a delivery dsar gave up on), and only once, can be replayed."""


def webhook_body(event_type: str, data: Mapping[str, Any], now: datetime) -> str:
    """The JSON sent: the event's type, when it happened and its data; signed as is."""
    body = {"type": event_type, "timestamp": now.isoformat(), "data": dict(data)}
    return json.dumps(body, separators=(",", ":"), sort_keys=True, default=str)


def enqueue_webhook(
    session: Session,
    *,
    key: str,
    endpoint_id: int,
    event_type: str,
    data: Mapping[str, Any],
    now: datetime,
    request_id: int | None = None,
) -> int:
    """Queue `event_type` for the endpoint once per `key`; the id of the row `key` has."""
    deliveries = table_of(WebhookDelivery)
    return queue_once(
        session,
        deliveries,
        {
            "idempotency_key": key,
            "webhook_id": f"msg_{uuid.uuid4().hex}",
            "endpoint_id": endpoint_id,
            "request_id": request_id,
            "event_type": event_type,
            "body": webhook_body(event_type, data, now),
            "status": OutboxStatus.PENDING,
            "attempts": 0,
            "next_attempt_at": now,
            "created_at": now,
        },
    )


def replay(session: Session, dead: WebhookDelivery, *, now: datetime) -> WebhookDelivery:
    """A new delivery of a dead letter: the same body and webhook-id, its own attempts."""
    if dead.status is not OutboxStatus.FAILED:
        raise ReplayError("only a delivery that was given up can be replayed")
    replayed = session.execute(
        select(WebhookDelivery.id).where(WebhookDelivery.replay_of_id == dead.id)
    ).first()
    if replayed is not None:
        raise ReplayError("this delivery was replayed already")
    again = WebhookDelivery(
        idempotency_key=f"replay:{dead.id}",
        webhook_id=dead.webhook_id,
        endpoint_id=dead.endpoint_id,
        request_id=dead.request_id,
        event_type=dead.event_type,
        body=dead.body,
        status=OutboxStatus.PENDING,
        attempts=0,
        next_attempt_at=now,
        replay_of_id=dead.id,
        created_at=now,
    )
    session.add(again)
    session.flush()
    return again
