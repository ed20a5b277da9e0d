"""The daily overdue escalation: one mail a day to the DPO listing every overdue request."""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy.orm import Session

from dsar.config import Settings
from dsar.jobs.daily import daily_date, overdue_items
from dsar.jobs.emails import dpo_recipients, queue_staff_mail, queued_keys

log = logging.getLogger(__name__)


@dataclass
class EscalationResult:
    overdue: int = 0
    queued: int = 0


def escalate_overdue(session: Session, settings: Settings, now: datetime) -> EscalationResult:
    """Queue today's escalation (once per recipient and day) if any request is overdue."""
    result = EscalationResult()
    today = daily_date(settings, now)
    if today is None:
        return result
    recipients = dpo_recipients(session, settings)
    if not recipients:
        log.warning("no DPO to escalate overdue requests to: set DSAR_DPO_MAILBOX")
        return result
    keys = {r.email: f"escalation:{today.isoformat()}:{r.tag}" for r in recipients}
    already = queued_keys(session, list(keys.values()))
    pending = [r for r in recipients if keys[r.email] not in already]
    if not pending:
        return result
    items = overdue_items(session, now)
    result.overdue = len(items)
    if not items:
        return result
    for recipient in pending:
        mine = [
            item
            for item in items
            if recipient.staff is None or recipient.staff.may_work_for(item.request.controller_id)
        ]
        if mine:
            queue_staff_mail(
                session,
                settings,
                now,
                key=keys[recipient.email],
                recipient=recipient,
                template="escalation",
                items=mine,
                today=today,
            )
            result.queued += 1
    session.flush()
    return result
