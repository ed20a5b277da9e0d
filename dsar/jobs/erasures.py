"""The job that carries out approved erasures (dsar/changes/erasures.py), one after another.

Each batch commits on its own (the shop database stays usable, progress survives a crash), so
the scheduler's wrapper gives the job its commit, run after every batch and every erasure.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from dsar.changes.erasures import carry_out
from dsar.changes.models import Erasure, ErasureStatus
from dsar.config import Settings
from dsar.jobs.records import register_of_request
from dsar.register import Register


@dataclass
class ErasuresRun:
    done: int = 0
    partial: int = 0


def carry_out_approved_erasures(
    session: Session,
    settings: Settings,
    now: datetime,
    *,
    registers: Sequence[Register],
    after_each: Callable[[], None],
) -> ErasuresRun:
    """Every approved erasure, oldest first; a partial one waits for staff's retry.

    `after_each` (the scheduler's commit) runs after every batch and every erasure."""
    result = ErasuresRun()
    approved = (
        session.execute(
            select(Erasure.id).where(Erasure.status == ErasureStatus.APPROVED).order_by(Erasure.id)
        )
        .scalars()
        .all()
    )
    for erasure_id in approved:
        erasure = session.get(Erasure, erasure_id)
        register = register_of_request(session, registers, erasure.request_id) if erasure else None
        if erasure is None or register is None:
            continue
        carry_out(session, erasure, register, now=now, checkpoint=after_each,
                  salt=settings.suppression_salt)  # fmt: skip
        after_each()
        if erasure.status is ErasureStatus.DONE:
            result.done += 1
        else:
            result.partial += 1
    return result
