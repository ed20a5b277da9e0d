"""The daily digest: each staff member's assigned requests due within a week or overdue.

DPOs also find the planned deletions that fell due but that no executor can carry out.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from dsar.accounts.models import Role, StaffUser
from dsar.config import Settings
from dsar.jobs.daily import DueItem, assigned_items, daily_date
from dsar.jobs.emails import queue_staff_mail, queued_keys, staff_recipient
from dsar.jobs.models import DeletionStatus, PlannedDeletion

DIGEST_DAYS = 7


@dataclass
class DigestResult:
    staff: int = 0  # staff with something to read today
    queued: int = 0


def send_digests(session: Session, settings: Settings, now: datetime) -> DigestResult:
    """Queue today's digest for every active staff member who has something due."""
    result = DigestResult()
    today = daily_date(settings, now)
    if today is None:
        return result
    staff = session.execute(
        select(StaffUser).where(StaffUser.active.is_(True)).order_by(StaffUser.id)
    ).scalars()
    keys = {user.id: (user, f"digest:{today.isoformat()}:{user.id}") for user in staff}
    already = queued_keys(session, [key for _, key in keys.values()])
    pending = [(user, key) for user, key in keys.values() if key not in already]
    if not pending:
        return result
    by_assignee: dict[int, list[DueItem]] = defaultdict(list)
    for item in assigned_items(session, now, DIGEST_DAYS):
        by_assignee[item.request.assignee_id or 0].append(item)
    deletions = (
        session.execute(
            select(PlannedDeletion)
            .where(PlannedDeletion.status == DeletionStatus.DUE)
            .order_by(PlannedDeletion.blocked_until, PlannedDeletion.id)
        )
        .scalars()
        .all()
    )
    for user, key in pending:
        items = by_assignee.get(user.id, [])
        mine_deletions = (
            [d for d in deletions if user.may_work_for(d.controller_id)]
            if user.role is Role.DPO
            else []
        )
        if not items and not mine_deletions:
            continue
        result.staff += 1
        queue_staff_mail(
            session,
            settings,
            now,
            key=key,
            recipient=staff_recipient(user),
            template="digest",
            today=today,
            overdue=[item for item in items if item.days_left < 0],
            upcoming=[item for item in items if item.days_left >= 0],
            deletions=mine_deletions,
        )
        result.queued += 1
    session.flush()
    return result
