"""`request.due_soon` and `request.overdue` webhooks: once per request and day, however often
the job runs.

Due soon: a running request with at most the largest reminder threshold (DSAR_REMINDER_DAYS)
of days left in its controller's local date; overdue: past its (extended) due date. The key
holds that local date, so a second run the same day (or a second scheduler) queues nothing.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta

from sqlalchemy import select
from sqlalchemy.orm import Session, selectinload

from dsar.config import Settings
from dsar.jobs.daily import overdue_items
from dsar.jobs.reminders import due_rows
from dsar.requests.deadlines.rules import days_left
from dsar.requests.deadlines.today import today_by_controller
from dsar.requests.models import Request
from dsar.webhooks.events import queue_event
from dsar.webhooks.models import WebhookEndpoint

DUE_SOON, OVERDUE = "request.due_soon", "request.overdue"


@dataclass
class DeadlineWebhooks:
    due_soon: int = 0  # requests due soon today
    overdue: int = 0  # requests overdue today


def queue_deadline_webhooks(
    session: Session, settings: Settings, now: datetime
) -> DeadlineWebhooks:
    """Queue today's due-soon and overdue events for the endpoints that chose them."""
    result = DeadlineWebhooks()
    chosen = {
        event
        for events in session.execute(select(WebhookEndpoint.events)).scalars()
        for event in events
    }
    today_in = today_by_controller(session, now)
    if DUE_SOON in chosen:
        for request, today, left in _due_soon(session, settings, now, today_in):
            key = f"{request.id}:{today.isoformat()}"
            queue_event(session, request, DUE_SOON, key=key, now=now, days_left=left)
            result.due_soon += 1
    if OVERDUE in chosen:
        for item in overdue_items(session, now):
            today = today_in[item.request.controller_id]
            key = f"{item.request.id}:{today.isoformat()}"
            queue_event(session, item.request, OVERDUE, key=key, now=now, days_left=item.days_left)
            result.overdue += 1
    session.flush()
    return result


def _due_soon(
    session: Session, settings: Settings, now: datetime, today_in: dict[int, date]
) -> list[tuple[Request, date, int]]:
    within = max(settings.reminder_days)
    today_utc = now.astimezone(UTC).date()
    rows = due_rows(session, today_utc - timedelta(days=1), today_utc + timedelta(days=within + 1))
    soon = {rid: (today_in[cid], left) for rid, cid, due in rows
            if 0 <= (left := days_left(today_in[cid], due)) <= within}  # fmt: skip
    if not soon:
        return []
    requests = session.execute(
        select(Request)
        .where(Request.id.in_(sorted(soon)))
        .options(selectinload(Request.controller))
        .order_by(Request.id)
    ).scalars()
    return [(request, *soon[request.id]) for request in requests]
