"""Rows and fields staff leave out of a copy (Art. 15(4)), with a reason; the export skips them.

A whole row is stored with field ""; one field of a row with its column's name. The reason is
one of `ExclusionReason` plus the staff member's own words; the export counts them by reason.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from dsar.audit.request_trail import record_event
from dsar.core.words import N_, Said
from dsar.fulfilment.models import Exclusion, ExclusionReason
from dsar.fulfilment.parts import Excluded
from dsar.fulfilment.search import FulfilmentError
from dsar.requests.models import Request

REASON_LABELS = {
    ExclusionReason.THIRD_PARTY: "Personal data of another person",
    ExclusionReason.CONFIDENTIAL: "Another person's confidential communication",
    ExclusionReason.INTELLECTUAL_PROPERTY: "Trade secrets or intellectual property",
    ExclusionReason.NOT_SUBJECT: "Not about the requester (wrongly matched)",
    ExclusionReason.OTHER: "Other (say which right it protects)",
}


def exclude(
    session: Session,
    request: Request,
    *,
    source_id: str,
    part: str,
    row_key: str,
    field: str = "",
    reason_code: ExclusionReason,
    reason: str,
    actor: str,
    now: datetime,
) -> Exclusion:
    """Leave one row, or one field of it, out of the answer, with the reason; audited."""
    if not reason.strip():
        raise FulfilmentError(Said(N_("give the reason for leaving this out")))
    existing = session.execute(
        select(Exclusion).where(
            Exclusion.request_id == request.id,
            Exclusion.source_id == source_id,
            Exclusion.part == part,
            Exclusion.row_key == row_key,
            Exclusion.field == field,
        )
    ).scalar_one_or_none()
    if existing is not None:
        return existing
    exclusion = Exclusion(
        request_id=request.id,
        source_id=source_id,
        part=part,
        row_key=row_key,
        field=field,
        reason_code=reason_code,
        reason=reason.strip(),
        actor=actor,
        created_at=now,
    )
    session.add(exclusion)
    session.flush()
    record_event(
        session,
        request,
        "exclude_data",
        actor=actor,
        now=now,
        payload={
            "source": source_id,
            "part": part,
            "row": row_key,
            "field": field or None,
            "reason_code": reason_code.value,
            "reason": reason.strip(),
        },
    )
    return exclusion


def include_again(
    session: Session, request: Request, exclusion: Exclusion, *, actor: str, now: datetime
) -> None:
    """Undo an exclusion: the row or field goes into the next export again; audited. An export
    built before keeps what it left out (build a new one to include it)."""
    if exclusion.request_id != request.id:
        raise FulfilmentError(Said(N_("this exclusion belongs to another request")))
    record_event(
        session,
        request,
        "include_data_again",
        actor=actor,
        now=now,
        payload={
            "source": exclusion.source_id,
            "part": exclusion.part,
            "row": exclusion.row_key,
            "field": exclusion.field or None,
            "excluded_by": exclusion.actor,
        },
    )
    session.delete(exclusion)
    session.flush()


def exclusions_of(session: Session, request: Request) -> list[Exclusion]:
    """The request's exclusions in the order they were made."""
    return list(
        session.execute(
            select(Exclusion).where(Exclusion.request_id == request.id).order_by(Exclusion.id)
        ).scalars()
    )


def excluded_for(session: Session, request: Request) -> Excluded:
    """What the export leaves out, per (source, part): whole rows, and single fields."""
    rows: dict[tuple[str, str], dict[str, str]] = {}
    fields: dict[tuple[str, str], dict[str, dict[str, str]]] = {}
    for e in exclusions_of(session, request):
        where = (e.source_id, e.part)
        if e.field:
            fields.setdefault(where, {}).setdefault(e.row_key, {})[e.field] = e.reason_code.value
        else:
            rows.setdefault(where, {})[e.row_key] = e.reason_code.value
    return Excluded(rows, fields)
