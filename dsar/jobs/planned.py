"""Planned deletions: data blocked under a statutory retention period, deleted when it ends.

The erasure engine plans them and registers an executor per `kind`
(`dsar.changes.executors.register_erasure_executors`: `sql_rows`, `file_rows`). Without an
executor a deletion that fell due is marked `due` and listed to the DPOs in their daily
digest, to be done by hand.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from sqlalchemy import select
from sqlalchemy.orm import Session

from dsar.config import Settings
from dsar.jobs.models import DeletionStatus, PlannedDeletion
from dsar.requests.deadlines.today import today_by_controller

log = logging.getLogger(__name__)

# Deletes the data a planned deletion names and says what it did (kept as evidence).
DeletionExecutor = Callable[[Session, PlannedDeletion, datetime], str]
EXECUTORS: dict[str, DeletionExecutor] = {}


def register_executor(kind: str, executor: DeletionExecutor) -> None:
    """Let the retention job carry out planned deletions of `kind` itself."""
    EXECUTORS[kind] = executor


@dataclass
class PlannedDeletionResult:
    done: int = 0
    due: int = 0  # newly due, waiting for staff
    failed: int = 0  # an executor raised: left due, error recorded


def carry_out_planned_deletions(
    session: Session, settings: Settings, now: datetime
) -> PlannedDeletionResult:
    """Carry out (or mark due) deletions whose `blocked_until` day lies before today."""
    result = PlannedDeletionResult()
    candidates = session.execute(
        select(PlannedDeletion)
        .where(
            PlannedDeletion.status.in_((DeletionStatus.PLANNED, DeletionStatus.DUE)),
            PlannedDeletion.blocked_until < now.astimezone(UTC).date() + timedelta(days=1),
        )
        .order_by(PlannedDeletion.id)
    ).scalars()
    today_in = today_by_controller(session, now)
    for planned in candidates:
        if planned.blocked_until >= today_in[planned.controller_id]:
            continue  # still the last day it must be kept, in the controller's local date
        executor = EXECUTORS.get(planned.kind)
        if executor is None:
            if planned.status is DeletionStatus.PLANNED:
                planned.status = DeletionStatus.DUE
                planned.due_since = now
                result.due += 1
            continue
        try:
            with session.begin_nested():
                evidence = executor(session, planned, now)
        except Exception as error:  # noqa: BLE001 - one failing deletion must not stop the rest
            log.exception("planned deletion %s (%s) failed", planned.id, planned.kind)
            planned.status = DeletionStatus.DUE
            planned.due_since = planned.due_since or now
            planned.last_error = f"{type(error).__name__}: {error}"[:2000]
            result.failed += 1
            continue
        planned.status = DeletionStatus.DONE
        planned.done_at = now
        planned.evidence = evidence
        planned.last_error = None
        result.done += 1
    session.flush()
    return result
