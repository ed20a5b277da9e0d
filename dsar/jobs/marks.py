"""The job that sets and lifts restrictions (dsar/changes/restrictions.py) and stops
activities (dsar/changes/stops.py), one record after another, like the erasures job.

Each source batch commits on its own, so the scheduler's wrapper gives the job its commit,
run after every batch and every record.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from dsar.changes.models import ProcessingStop, Restriction, RestrictionStatus, StopStatus
from dsar.changes.restrictions import carry_out_restriction
from dsar.changes.stops import carry_out_stop
from dsar.config import Settings
from dsar.jobs.records import register_of_request
from dsar.register import Register

RUNNABLE = (RestrictionStatus.PLACING, RestrictionStatus.LIFTING)
DONE = (RestrictionStatus.ACTIVE, RestrictionStatus.LIFTED)


@dataclass
class MarksRun:
    done: int = 0
    partial: int = 0


def carry_out_marks(
    session: Session,
    settings: Settings,
    now: datetime,
    *,
    registers: Sequence[Register],
    after_each: Callable[[], None],
) -> MarksRun:
    """Every restriction being placed or lifted and every confirmed stop, oldest first; a
    partial one waits for staff's retry."""
    result = MarksRun()
    waiting = session.execute(
        select(Restriction.id).where(Restriction.status.in_(RUNNABLE)).order_by(Restriction.id)
    ).scalars()
    for restriction_id in list(waiting):
        restriction = session.get(Restriction, restriction_id)
        register = (
            register_of_request(session, registers, restriction.request_id) if restriction else None
        )
        if restriction is None or register is None:
            continue
        carry_out_restriction(session, restriction, register, now=now, checkpoint=after_each)
        after_each()
        if restriction.status in DONE:
            result.done += 1
        else:
            result.partial += 1
    confirmed = session.execute(
        select(ProcessingStop.id)
        .where(ProcessingStop.status == StopStatus.APPROVED)
        .order_by(ProcessingStop.id)
    ).scalars()
    for stop_id in list(confirmed):
        stop = session.get(ProcessingStop, stop_id)
        register = register_of_request(session, registers, stop.request_id) if stop else None
        if stop is None or register is None:
            continue
        carry_out_stop(session, stop, register, now=now, checkpoint=after_each)
        after_each()
        if stop.status is StopStatus.DONE:
            result.done += 1
        else:
            result.partial += 1
    return result
