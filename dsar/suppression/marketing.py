"""An objection to direct marketing takes effect at once and for good (Art. 21(3)): when the
objection letter records the marketing as stopped, the subject goes on the marketing list.

The letter says "we keep your address on a suppression list" only when this was recorded.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from dsar.fulfilment.claims import verified_subject
from dsar.letters.models import Letter
from dsar.register import Register
from dsar.requests.models import Request
from dsar.suppression.models import SuppressionEntry, SuppressionScope
from dsar.suppression.operations import suppress


def objects_to_marketing(register: Register, details: dict[str, object]) -> bool:
    """Whether the objection concerns a direct-marketing activity of the register."""
    ids = details.get("activities") or []
    activities = [register.activity(str(a)) for a in ids] if isinstance(ids, list) else []
    return any(a is not None and a.direct_marketing for a in activities)


def stop_marketing(
    session: Session, letter: Letter, register: Register, *, salt: str, now: datetime, actor: str
) -> int:
    """Put the subject's verified keys on the marketing list if this objection letter records
    direct marketing as stopped; returns how many values were new (0: nothing to do)."""
    request = letter.request
    details = {**(request.details or {}), **(letter.details or {})}
    if letter.type != "objection" or details.get("outcome") != "stopped":
        return 0
    if not objects_to_marketing(register, details):
        return 0
    subject = verified_subject(session, request)
    return suppress(
        session,
        request.controller,
        subject.keys,
        SuppressionScope.MARKETING,
        request,
        salt=salt,
        now=now,
        actor=actor,
    )


def suppressed_for_marketing(session: Session, request: Request) -> bool:
    """Whether this request put the subject on the marketing suppression list."""
    return (
        session.execute(
            select(SuppressionEntry.id)
            .where(
                SuppressionEntry.request_id == request.id,
                SuppressionEntry.scope == SuppressionScope.MARKETING,
            )
            .limit(1)
        ).first()
        is not None
    )
