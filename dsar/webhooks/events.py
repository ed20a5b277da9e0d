"""Which changes are webhook events, and the deliveries they queue in the same transaction.

The request trail (dsar/audit/request_trail.py) records every change to a request and asks
`queue_for_trail` whether its action is an event; the deadline job (dsar/jobs/webhook_deadlines.py)
and the task openers queue the rest with `queue_event`. A payload names the request by its
reference and never carries the subject's name, address or data.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from dsar.outbox.webhook_queue import enqueue_webhook
from dsar.requests.models import Request, RequestEvent
from dsar.requests.workflow import Status
from dsar.webhooks.models import WebhookEndpoint

# A request that expired unconfirmed was never received: its end is no event.
_NOT_CLOSING = {"expire"}


def events_for(action: str, payload: Mapping[str, Any]) -> tuple[str, ...]:
    """The webhook events a trail event stands for (none for most)."""
    if action == "received":
        return ("request.received",)
    if action == "confirm_email":
        return ("request.confirmed",)
    if action == "answered":
        return ("request.answered",)
    if action == "recipient_notice_drafted":
        return ("task.created",)
    found: tuple[str, ...] = ("request.answered",) if action == "complete" else ()
    closed_to = payload.get("to")
    if action not in _NOT_CLOSING and closed_to in {s.value for s in Status if not s.is_open}:
        found += ("request.closed",)
    return found


def event_data(request: Request, **extra: Any) -> dict[str, Any]:
    """What a payload says of the request: its handle and state, nothing of the subject."""
    due = request.extended_due_date or request.due_date
    return {
        "reference": request.reference,
        "controller": request.controller.slug,
        "right": request.type.value,
        "status": request.status.value,
        "due_date": due.isoformat() if due else None,
        **extra,
    }


def queue_event(
    session: Session,
    request: Request,
    event_type: str,
    *,
    key: str,
    now: datetime,
    **extra: Any,
) -> int:
    """Queue `event_type` for each endpoint of the request's controller that chose it, once
    per endpoint and `key`; how many endpoints it was queued for."""
    with session.no_autoflush:
        endpoints = session.execute(
            select(WebhookEndpoint).where(WebhookEndpoint.controller_id == request.controller_id)
        ).scalars()
        chosen = [endpoint for endpoint in endpoints if endpoint.receives(event_type)]
        for endpoint in chosen:
            enqueue_webhook(
                session,
                key=f"webhook:{endpoint.id}:{event_type}:{key}",
                endpoint_id=endpoint.id,
                event_type=event_type,
                data=event_data(request, **extra),
                now=now,
                request_id=request.id,
            )
    return len(chosen)


def queue_for_trail(session: Session, request: Request, event: RequestEvent) -> None:
    """Queue the webhooks a trail event stands for (called by `record_event`)."""
    for event_type in events_for(event.action, event.payload or {}):
        extra: dict[str, Any] = {}
        if event_type == "task.created":
            extra["task"] = {"kind": "recipient_notice", "id": event.payload.get("notice")}
        key = f"{request.id}:{event.seq}"
        queue_event(session, request, event_type, key=key, now=event.created_at, **extra)


def queue_task_created(
    session: Session, request: Request, *, kind: str, task_id: int, now: datetime
) -> None:
    """`task.created` for a task a person must do (a manual source, an erasure step)."""
    task = {"kind": kind, "id": task_id}
    queue_event(session, request, "task.created", key=f"{kind}:{task_id}", now=now, task=task)
