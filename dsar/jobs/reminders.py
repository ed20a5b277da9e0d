"""Deadline reminders: one e-mail per request and threshold, before the (extended) due date.

The scan is set-based: two index range scans (ix_request_status_due_date and
ix_request_status_extended_due_date) select only requests due within the largest threshold;
Python looks only at those rows. The outbox's idempotency key
`reminder:<request id>:<due date>:<threshold>` makes a second reminder impossible, even for two
schedulers racing; the due date in the key re-arms the reminders when the date moves.
"""

from __future__ import annotations

import logging
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta

from sqlalchemy import Select, func, select, union
from sqlalchemy.orm import Session, selectinload

from dsar.config import Settings
from dsar.jobs.emails import Recipient, dpo_recipients, queue_staff_mail, staff_recipient
from dsar.outbox.models import OutboxMessage
from dsar.requests.deadlines.rules import days_left
from dsar.requests.deadlines.today import today_by_controller
from dsar.requests.models import Request
from dsar.requests.workflow import Status

log = logging.getLogger(__name__)

# Every status whose statutory clock runs, AWAITING_INFORMATION included: whether a request for
# information suspends the clock is only settled when the answer arrives (a late request does
# not suspend under `edpb`; `strict` never does), so the stored date is the earliest possible.
REMINDED_STATUSES = tuple(status for status in Status if status.clock_running)


def threshold_reached(days: int, thresholds: Iterable[int]) -> int | None:
    """The most urgent threshold reached with `days` left: the smallest one >= days.

    Missed runs catch up once: a scheduler down on the 7-day day that runs with 5 days left
    sends the 7-day reminder; one down from 7 to 2 days left sends only the 3-day one.
    """
    if days < 0:
        return None  # overdue: the escalation job takes over
    reached = [t for t in thresholds if t >= days]
    return min(reached) if reached else None


def reminder_key(request_id: int, due: date, threshold: int) -> str:
    return f"reminder:{request_id}:{due.isoformat()}:{threshold}"


@dataclass(frozen=True)
class DueReminder:
    request_id: int
    due: date
    days_left: int
    threshold: int

    @property
    def key(self) -> str:
        return reminder_key(self.request_id, self.due, self.threshold)


@dataclass
class ReminderResult:
    due: int = 0  # requests with a reminder to send in this run
    queued: int = 0  # messages queued (a request may go to several DPOs)
    unaddressed: int = 0  # no assignee, no DPO mailbox, no active DPO: retried next run


def _due_selects(low: date, high: date) -> tuple[Select, Select]:
    effective = func.coalesce(Request.extended_due_date, Request.due_date)
    by_due = select(Request.id, Request.controller_id, effective).where(
        Request.status.in_(REMINDED_STATUSES), Request.due_date.between(low, high)
    )
    by_extended = select(Request.id, Request.controller_id, effective).where(
        Request.status.in_(REMINDED_STATUSES), Request.extended_due_date.between(low, high)
    )
    return by_due, by_extended


def due_rows(session: Session, low: date, high: date) -> Sequence[tuple[int, int, date]]:
    """(id, controller id, effective due date) of running requests whose due date or extended
    due date lies between low and high; the caller drops the few whose effective date does not.

    No condition on the other column: SQLite would otherwise pick the wrong index.
    """
    return session.execute(union(*_due_selects(low, high))).all()


def queued_reminder_keys(session: Session, low: date, high: date) -> set[str]:
    """Reminder keys already in the outbox for the requests due between low and high.

    One query over the same index ranges (no list of ids to send); a fan-out key's recipient
    suffix after "/" is dropped, so each names its request, due date and threshold.
    """
    by_due, by_extended = _due_selects(low, high)
    ids = union(by_due.with_only_columns(Request.id), by_extended.with_only_columns(Request.id))
    keys = session.execute(
        select(OutboxMessage.idempotency_key).where(
            OutboxMessage.request_id.in_(ids.scalar_subquery()),
            OutboxMessage.idempotency_key.startswith("reminder:"),
        )
    ).scalars()
    return {key.partition("/")[0] for key in keys}


def plan_reminders(session: Session, settings: Settings, now: datetime) -> list[DueReminder]:
    """The reminders this run must send: due rows, their threshold, minus those already queued."""
    thresholds = settings.reminder_days
    today_utc = now.astimezone(UTC).date()
    # A controller's local date is at most one day away from UTC's: widen by one, decide below.
    low, high = today_utc - timedelta(days=1), today_utc + timedelta(days=max(thresholds) + 1)
    rows = due_rows(session, low, high)
    if not rows:
        return []
    today_in = today_by_controller(session, now)
    # One lookup per row instead of a search: the threshold for every possible days-left value.
    by_days = [threshold_reached(days, thresholds) for days in range(max(thresholds) + 1)]
    candidates = []
    for request_id, controller_id, due in rows:
        left = days_left(today_in[controller_id], due)
        if 0 <= left < len(by_days) and (threshold := by_days[left]) is not None:
            candidates.append(DueReminder(request_id, due, left, threshold))
    if not candidates:
        return []
    sent = queued_reminder_keys(session, low, high)
    if not sent:
        return candidates
    return [c for c in candidates if c.key not in sent]


def recipients_for(session: Session, settings: Settings, request: Request) -> list[Recipient]:
    """The assignee; the DPO mailbox when unassigned; else every active DPO of the controller."""
    if request.assignee is not None and request.assignee.active:
        return [staff_recipient(request.assignee)]
    return dpo_recipients(session, settings, request.controller_id)


def send_reminders(session: Session, settings: Settings, now: datetime) -> ReminderResult:
    """Queue the deadline reminders due at `now`; the caller commits."""
    result = ReminderResult()
    planned = plan_reminders(session, settings, now)
    if not planned:
        return result
    requests = {
        request.id: request
        for request in session.execute(
            select(Request)
            .where(Request.id.in_([p.request_id for p in planned]))
            .options(selectinload(Request.assignee), selectinload(Request.controller))
        ).scalars()
    }
    for reminder in planned:
        request = requests[reminder.request_id]
        recipients = recipients_for(session, settings, request)
        result.due += 1
        if not recipients:
            log.warning("reminder for %s has no recipient: set DSAR_DPO_MAILBOX", request.reference)
            result.unaddressed += 1
        for recipient in recipients:
            key = reminder.key if len(recipients) == 1 else f"{reminder.key}/{recipient.tag}"
            queue_staff_mail(
                session,
                settings,
                now,
                key=key,
                recipient=recipient,
                template="reminder",
                request_id=request.id,
                request=request,
                due=reminder.due,
                days_left=reminder.days_left,
                threshold=reminder.threshold,
                awaiting_information=request.status is Status.AWAITING_INFORMATION,
            )
            result.queued += 1
    session.flush()
    return result
