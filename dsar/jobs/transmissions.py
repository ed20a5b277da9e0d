"""Send queued portability exports to the receiving controllers (Art. 20(2)).

Staff queue a transmission in their request's transaction; this job makes the POST after that
commit, so no remote call ever happens inside a transaction that could still roll back. The
runner commits after each one: a crash in between resends at most the one in flight.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from dsar.config import Settings
from dsar.files.storage import FileStore, StorageError
from dsar.fulfilment.models import Export, Transmission, TransmissionStatus
from dsar.fulfilment.portability import TransmissionError, record_failure, transmit_export
from dsar.requests.models import Request

BATCH = 20


@dataclass
class TransmissionRun:
    sent: int = 0
    failed: int = 0


def send_transmissions(
    session: Session,
    settings: Settings,
    now: datetime,
    *,
    after_each: Callable[[], None] | None = None,
) -> TransmissionRun:
    """POST each queued transmission once; its outcome and audit event are recorded."""
    result = TransmissionRun()
    queued = session.execute(
        select(Transmission)
        .where(Transmission.status == TransmissionStatus.QUEUED)
        .order_by(Transmission.id)
        .limit(BATCH)
    ).scalars()
    store = FileStore.from_settings(settings)
    for row in list(queued):
        export = session.get_one(Export, row.export_id)
        request = session.get_one(Request, row.request_id)
        try:
            answer = transmit_export(
                session,
                request,
                export,
                store.read(export.file),
                url=row.url,
                actor=row.actor,
                now=now,
                allow_local_http=settings.transmit_allow_local_http,
                allow_private=settings.transmit_allow_private,
            )
        except (TransmissionError, StorageError) as error:
            if isinstance(error, StorageError):  # the file could not be read: no POST was made
                record_failure(
                    session, request, export, url=row.url, actor=row.actor, now=now, error=error
                )
            row.status, row.answer = TransmissionStatus.FAILED, str(error)
            result.failed += 1
        else:
            row.status, row.http_status = TransmissionStatus.SENT, answer.status
            row.answer = answer.answer
            result.sent += 1
        row.finished_at = now
        if after_each is not None:
            after_each()
    return result
