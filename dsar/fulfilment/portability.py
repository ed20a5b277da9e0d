"""Portability (Art. 20): which data is in scope, and direct transmission to another controller.

In scope: columns the register marks `provided` (by the subject, including observed data,
WP242), in activities based on consent or contract (Art. 20(1)(a)), from SQL and file
sources (processed by automated means, 20(1)(b)); manual sources are out of scope.
"""

from __future__ import annotations

import http.client
from dataclasses import dataclass
from datetime import datetime
from typing import Any
from urllib.parse import urlsplit

from sqlalchemy import select
from sqlalchemy.orm import Session

from dsar.audit.request_trail import record_event
from dsar.core.attachments import content_disposition
from dsar.core.outbound import (
    OutboundRefused,
    OutboundTarget,
    check_outbound_url,
    connect,
    require_https,
)
from dsar.core.words import N_, Said
from dsar.fulfilment.models import Export, Transmission, TransmissionStatus
from dsar.register import Register
from dsar.requests.models import Request

TIMEOUT_SECONDS = 30
ANSWER_LIMIT = 2000


def portable_column(register: Register, column: Any, activity_ids: list[str]) -> bool:
    """A column the subject provided, processed in at least one consent or contract activity."""
    if not column.provided:
        return False
    activities = [register.activity(a) for a in activity_ids]
    return any(a is not None and a.portability_possible for a in activities)


class TransmissionError(Exception):
    """The address is not allowed, or the other controller could not be reached."""


@dataclass(frozen=True)
class TransmissionResult:
    status: int
    answer: str


def checked_target(url: str, *, allow_local_http: bool, allow_private: bool) -> OutboundTarget:
    """The scheme rule, then the address rule (dsar.core.outbound); TransmissionError says which."""
    try:
        require_https(url, allow_local_http=allow_local_http)
        return check_outbound_url(url, allow_private=allow_private)
    except OutboundRefused as error:
        raise TransmissionError(str(error)) from None


def post_export(
    url: str,
    data: bytes,
    *,
    filename: str,
    allow_local_http: bool,
    allow_private: bool = False,
    timeout: int = TIMEOUT_SECONDS,
) -> TransmissionResult:
    """POST the ZIP to `url` and return the status and the start of the answer.

    The host must resolve to public addresses only (dsar.core.outbound) unless `allow_private`;
    the connection goes to the address checked, and a redirect is returned, not followed.
    """
    target = checked_target(url, allow_local_http=allow_local_http, allow_private=allow_private)
    parts = urlsplit(url)
    path = (parts.path or "/") + (f"?{parts.query}" if parts.query else "")
    connection = connect(target, timeout=timeout)
    try:
        connection.request(
            "POST",
            path,
            body=data,
            headers={
                "Content-Type": "application/zip",
                "Content-Disposition": content_disposition(filename),
            },
        )
        response = connection.getresponse()
        answer = response.read(ANSWER_LIMIT).decode("utf-8", "replace")
        return TransmissionResult(response.status, answer)
    except (OSError, http.client.HTTPException) as error:
        raise TransmissionError(f"could not send to {parts.hostname}: {error}") from None
    finally:
        connection.close()


def transmit_export(
    session: Session,
    request: Request,
    export: Export,
    data: bytes,
    *,
    url: str,
    actor: str,
    now: datetime,
    allow_local_http: bool = False,
    allow_private: bool = False,
) -> TransmissionResult:
    """Send a portability export to another controller (Art. 20(2)); the answer is audited."""
    try:
        _refuse_revoked(export)
        result = post_export(
            url,
            data,
            filename=export.file.filename,
            allow_local_http=allow_local_http,
            allow_private=allow_private,
        )
    except TransmissionError as error:
        record_failure(session, request, export, url=url, actor=actor, now=now, error=error)
        raise
    answer = {"status": result.status, "answer": result.answer}
    _record(session, request, actor, now, {"export": export.id, "url": url, **answer})
    return result


def _refuse_revoked(export: Export) -> None:
    if export.revoked_at is not None:  # superseded or revoked: its data may be wrong or withdrawn
        raise TransmissionError(
            Said(N_("this export was replaced or revoked: build a new one to send"))
        )


def record_failure(
    session: Session,
    request: Request,
    export: Export,
    *,
    url: str,
    actor: str,
    now: datetime,
    error: Exception,
) -> None:
    """Audit a transmission that did not reach the receiver, with the reason."""
    payload = {"export": export.id, "url": url, "error": str(error)}
    _record(session, request, actor, now, payload)


def _record(
    session: Session, request: Request, actor: str, now: datetime, payload: dict[str, Any]
) -> None:
    record_event(session, request, "transmit_export", actor=actor, now=now, payload=payload)


def queue_transmission(
    session: Session,
    request: Request,
    export: Export,
    *,
    url: str,
    actor: str,
    now: datetime,
    allow_local_http: bool = False,
    allow_private: bool = False,
) -> Transmission:
    """Check the address now (a refusal is audited) and queue the POST for send_transmissions.

    The job posts after this transaction's commit and checks the address again then.
    """
    _refuse_revoked(export)
    try:
        checked_target(url, allow_local_http=allow_local_http, allow_private=allow_private)
    except TransmissionError as error:
        record_failure(session, request, export, url=url, actor=actor, now=now, error=error)
        raise
    queued = Transmission(
        request_id=request.id,
        export_id=export.id,
        url=url,
        actor=actor,
        status=TransmissionStatus.QUEUED,
        created_at=now,
    )
    session.add(queued)
    session.flush()
    record_event(
        session,
        request,
        "queue_transmission",
        actor=actor,
        now=now,
        payload={"export": export.id, "url": url, "transmission": queued.id},
    )
    return queued


def transmissions_of(session: Session, request: Request) -> list[Transmission]:
    return list(
        session.execute(
            select(Transmission)
            .where(Transmission.request_id == request.id)
            .order_by(Transmission.id.desc())
        ).scalars()
    )
