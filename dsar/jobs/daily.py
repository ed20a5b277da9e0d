"""The once-a-day mails (escalation, digest): the install's local day, sent after a fixed hour."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

from sqlalchemy import func, select, union
from sqlalchemy.orm import Session, selectinload

from dsar.config import Settings
from dsar.jobs.reminders import REMINDED_STATUSES
from dsar.requests.deadlines.rules import days_left
from dsar.requests.deadlines.today import today_by_controller
from dsar.requests.models import Request

# Daily mails go out with the first run after 07:00 in DSAR_TIMEZONE (jobs run hourly), so
# they are in the inbox at the start of the working day, whatever time the scheduler started.
DAILY_HOUR = 7


def daily_date(settings: Settings, now: datetime) -> date | None:
    """The install's local date if today's daily mails may go out at `now`, else None."""
    local = now.astimezone(ZoneInfo(settings.timezone))
    return local.date() if local.hour >= DAILY_HOUR else None


@dataclass(frozen=True)
class DueItem:
    """A request as the daily mails list it: no personal data of the subject, only its handle."""

    request: Request
    due: date
    days_left: int  # negative: days overdue


def _with_days_left(
    session: Session, now: datetime, rows: Sequence[tuple[int, int, date]]
) -> list[tuple[int, date, int]]:
    today_in = today_by_controller(session, now)
    return [(rid, due, days_left(today_in[cid], due)) for rid, cid, due in rows]


def _load(session: Session, rows: list[tuple[int, date, int]]) -> list[DueItem]:
    if not rows:
        return []
    requests = {
        r.id: r
        for r in session.execute(
            select(Request)
            .where(Request.id.in_([rid for rid, _, _ in rows]))
            .options(selectinload(Request.assignee), selectinload(Request.controller))
        ).scalars()
    }
    items = [DueItem(requests[rid], due, left) for rid, due, left in rows]
    return sorted(items, key=lambda item: (item.due, item.request.id))


def overdue_items(session: Session, now: datetime) -> list[DueItem]:
    """Running requests past their (extended) due date in their controller's local date."""
    before = now.astimezone(UTC).date() + timedelta(days=1)
    effective = func.coalesce(Request.extended_due_date, Request.due_date)
    by_due = select(Request.id, Request.controller_id, effective).where(
        Request.status.in_(REMINDED_STATUSES), Request.due_date < before
    )
    by_extended = select(Request.id, Request.controller_id, effective).where(
        Request.status.in_(REMINDED_STATUSES), Request.extended_due_date < before
    )
    rows = session.execute(union(by_due, by_extended)).all()
    return _load(session, [row for row in _with_days_left(session, now, rows) if row[2] < 0])


def assigned_items(session: Session, now: datetime, within_days: int) -> list[DueItem]:
    """Assigned running requests due within `within_days` or overdue, for the digest."""
    limit = now.astimezone(UTC).date() + timedelta(days=within_days + 1)
    rows = session.execute(
        select(
            Request.id, Request.controller_id, Request.extended_due_date, Request.due_date
        ).where(
            Request.status.in_(REMINDED_STATUSES),
            Request.assignee_id.is_not(None),
            Request.due_date <= limit,
        )
    )
    # `due_date <= limit` already left out the rows without a due date; this tells the types.
    effective = [(rid, cid, ext or due) for rid, cid, ext, due in rows if due is not None]
    return _load(
        session,
        [row for row in _with_days_left(session, now, effective) if row[2] <= within_days],
    )
