"""Art. 19 after a restriction: a notice to each recipient that received the subject's rows
in a place dsar marked, drafted once the restriction is active."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy.orm import Session

from dsar.changes.follow_up import subject_line
from dsar.changes.models import Restriction, RestrictionStatus
from dsar.changes.plan import ErasurePlan
from dsar.fulfilment.search import part_recipients
from dsar.letters.models import RecipientNotice
from dsar.letters.recipient_notices import draft_recipient_notices
from dsar.register import Register
from dsar.register.datasources import FileSource, SqlSource
from dsar.requests.deadlines.legal_calendar import local_date
from dsar.requests.models import Request
from dsar.requests.operations import jurisdiction_of
from dsar.sources import RegisterMismatch, SourceUnreachable, connector_for


def notify_restricted(
    session: Session,
    request: Request,
    restriction: Restriction,
    register: Register,
    *,
    now: datetime,
) -> list[RecipientNotice]:
    """Draft a notice per recipient of the subject's rows in the places restricted so far: the
    marks dsar set (and the tables that follow them) and the by-hand steps recorded (the
    register's disclosures, read from those rows); none before it is active. Called again
    after each by-hand step; a recipient already noticed is not noticed twice."""
    if restriction.status is not RestrictionStatus.ACTIVE or restriction.active_at is None:
        return []
    received: dict[str, None] = {}
    pending = {(m["source"], m["part"]) for m in restriction.manual if not m.get("restricted_at")}
    for data in restriction.plans:
        plan = ErasurePlan.from_json(data)
        marked = {p.part for p in plan.parts if p.rows and (plan.source, p.part) not in pending}
        source = register.source(plan.source)
        if not marked or not isinstance(source, SqlSource | FileSource):
            continue
        connector = connector_for(source)
        assert connector is not None
        try:
            for part in connector.search(plan.the_subject(), 0):
                if part.name in marked:
                    received.update(dict.fromkeys(part_recipients(source, part)[0]))
        except (SourceUnreachable, RegisterMismatch):
            continue  # the notices of that source are drafted by hand (the letters page)
        finally:
            connector.close()
    recipients = [r for r in register.recipients if r.id in received]
    done_on = local_date(restriction.active_at, jurisdiction_of(request.controller))
    return draft_recipient_notices(
        session,
        request,
        "restrict",
        done_on,
        recipients,
        now,
        identifier=subject_line(session, request, register),
    )
