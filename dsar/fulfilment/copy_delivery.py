"""How a request's copy was made available, read from what was recorded, for its letter:
the download (below) and, for portability, the direct transmission to another controller.

The letter for an access or portability request says how the subject gets the copy; it may
say only what happened: the newest export whose link still works, whether its link was mailed
(the outbox row `dsar.fulfilment.delivery.mail_download_link` queued), until when it can be
downloaded (also from the subject's status page), and whether a password guards it.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from dsar.fulfilment.models import Export, ExportKind, Transmission, TransmissionStatus
from dsar.letters.facts import CopyDelivery
from dsar.outbox.models import OutboxMessage, OutboxStatus
from dsar.requests.deadlines.legal_calendar import local_date
from dsar.requests.models import Request
from dsar.requests.operations import jurisdiction_of
from dsar.requests.workflow import RequestType

# The export that is a request's copy, by its right.
COPY_KIND = {
    RequestType.ACCESS: ExportKind.ACCESS,
    RequestType.PORTABILITY: ExportKind.PORTABILITY,
}


def link_mail_key(export_id: int) -> str:
    """The outbox key of an export's download-link mail."""
    return f"export-link-{export_id}"


def copy_delivery(session: Session, request: Request, now: datetime) -> CopyDelivery | None:
    """The copy as delivered at `now`: its newest live export, or None when there is none."""
    kind = COPY_KIND.get(request.type)
    if kind is None:
        return None
    export = session.execute(
        select(Export)
        .where(Export.request_id == request.id, Export.kind == kind, Export.live_at(now))
        .order_by(Export.created_at.desc(), Export.id.desc())
        .limit(1)
    ).scalar_one_or_none()
    if export is None:
        return None
    # A link mail the outbox gave up on was not e-mailed: the letter then names the status
    # page alone.
    mailed = session.execute(
        select(OutboxMessage.id).where(
            OutboxMessage.idempotency_key == link_mail_key(export.id),
            OutboxMessage.status != OutboxStatus.FAILED,
        )
    ).first()
    jurisdiction = jurisdiction_of(request.controller)
    return CopyDelivery(
        made_on=local_date(export.created_at, jurisdiction),
        available_until=local_date(export.expires_at, jurisdiction),
        link_mailed=mailed is not None,
        with_password=export.password_hash is not None,
    )


def recorded_transmission(session: Session, request: Request) -> dict[str, object]:
    """The letter facts of a direct transmission dsar made (Art. 20(2)) and the receiver
    accepted (a 2xx answer): `transmitted` and its local date; empty when there is none."""
    finished = session.execute(
        select(Transmission.finished_at)
        .where(
            Transmission.request_id == request.id,
            Transmission.status == TransmissionStatus.SENT,
            Transmission.http_status.between(200, 299),
        )
        .order_by(Transmission.finished_at.desc())
        .limit(1)
    ).scalar_one_or_none()
    if finished is None:
        return {}
    on = local_date(finished, jurisdiction_of(request.controller))
    return {"transmitted": True, "transmitted_on": on.isoformat()}
