"""What a consent-withdrawal or objection letter may say, from the stop dsar recorded
(dsar/changes/stops.py): when it took effect, which activities, the outcome and its grounds,
and which legal basis still holds for data a stop rule keeps, as the register says."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from dsar.changes.models import ProcessingStop, StopStatus
from dsar.register import Register
from dsar.register.datasources import FileSource, SqlSource
from dsar.requests.deadlines.legal_calendar import local_date
from dsar.requests.models import Request
from dsar.requests.operations import jurisdiction_of

KEPT_BASES = ("6.1.b", "6.1.c", "6.1.f")  # what the letter can name (its kept_basis choices)


def recorded_stop(session: Session, request: Request) -> ProcessingStop | None:
    """The request's latest stop."""
    return session.execute(
        select(ProcessingStop)
        .where(ProcessingStop.request_id == request.id)
        .order_by(ProcessingStop.id.desc())
        .limit(1)
    ).scalar_one_or_none()


def stop_details(stop: ProcessingStop, request: Request, register: Register) -> dict[str, Any]:
    """Letter facts over staff's: the status, activities and outcome; once done, the local day
    it took effect (the job's, or the last by-hand step's); the basis still holding."""
    day = "effective_on" if request.type.value == "consent_withdrawal" else "done_on"
    details: dict[str, Any] = {
        "stop_status": stop.status.value,
        "activities": list(stop.activities),
        "outcome": stop.outcome,
        "stop_by_hand_open": [m["name"] for m in stop.manual if not m.get("done_at")],
        day: None,
    }
    if stop.status is StopStatus.DONE and stop.finished_at is not None:
        moments = [stop.finished_at] + [
            datetime.fromisoformat(m["done_at"]) for m in stop.manual if m.get("done_at")
        ]
        details[day] = local_date(max(moments), jurisdiction_of(request.controller)).isoformat()
    kept = kept_basis(register, stop.activities)
    if kept is not None:
        details["kept_basis"] = kept
    return details


def kept_basis(register: Register, stopped: list[str]) -> str | None:
    """Where a stop rule keeps the rows (sets a column), the legal basis of another activity
    of that table the register names; None where the register says nothing."""
    bases: list[str] = []
    for source in register.sources:
        holders: list[Any] = []
        if isinstance(source, SqlSource):
            holders = list(source.tables)
        elif isinstance(source, FileSource):
            holders = [source]
        for holder in holders:
            if not any(holder.stop.get(a) and holder.stop[a].action == "set" for a in stopped):
                continue
            for other in holder.activities:
                activity = register.activity(other)
                if other not in stopped and activity is not None:
                    bases += [b for b in activity.legal_basis if b in KEPT_BASES]
    return bases[0] if bases else None
