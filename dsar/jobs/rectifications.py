"""The job that applies approved rectifications (dsar/changes/rectifications.py), oldest first.

Each rectification's items are written and read back, then the scheduler's commit
(`after_each`) keeps its record before the next one starts.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from dsar.changes.models import Rectification, RectificationStatus
from dsar.changes.rectifications import carry_out_rectification
from dsar.config import Settings
from dsar.jobs.records import register_of_request
from dsar.register import Register


@dataclass
class RectificationsRun:
    done: int = 0
    unfinished: int = 0  # partial or failed: staff retry, or record the steps by hand


def apply_approved_rectifications(
    session: Session,
    settings: Settings,
    now: datetime,
    *,
    registers: Sequence[Register],
    after_each: Callable[[], None],
) -> RectificationsRun:
    """Every approved rectification, oldest first; a partial or failed one waits for staff."""
    result = RectificationsRun()
    approved = session.execute(
        select(Rectification.id)
        .where(Rectification.status == RectificationStatus.APPROVED)
        .order_by(Rectification.id)
    ).scalars().all()  # fmt: skip
    for rectification_id in approved:
        rectification = session.get(Rectification, rectification_id)
        register = (
            register_of_request(session, registers, rectification.request_id)
            if rectification
            else None
        )
        if rectification is None or register is None:
            continue
        carry_out_rectification(
            session, rectification, register, now=now, audit=settings.audit_rectification
        )
        after_each()
        if rectification.status is RectificationStatus.DONE:
            result.done += 1
        else:
            result.unfinished += 1
    return result
