"""Intake operations: submit, confirm the e-mail address, send a new link, open a status page.

Services take a session, flush and never commit; the view commits once.
"""

from __future__ import annotations

import secrets
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import select, text
from sqlalchemy.orm import Session

from dsar.config import Settings
from dsar.intake.emails import public_url, queue_acknowledgement, queue_confirmation
from dsar.intake.links import make_confirmation_token
from dsar.intake.uploads import Upload
from dsar.models import Controller, FilePurpose, Request
from dsar.services.requests import (
    NewRequest,
    apply_action,
    create_request,
    hash_token,
    mark_received,
)
from dsar.storage import FileStore
from dsar.workflow import Action, Channel, RequestType, Status, Verification

ACTOR = "subject"


@dataclass(frozen=True)
class Submission:
    type: RequestType
    language: str
    name: str
    email: str
    details: dict[str, Any]
    uploads: tuple[Upload, ...] = field(default=())


def confirmation_link(settings: Settings, request: Request, now: datetime) -> str:
    token = make_confirmation_token(settings.secret_key, request.id, now)
    return public_url(settings, f"/c/{request.controller.slug}/confirm/{token}")


def submit_request(
    session: Session,
    controller: Controller,
    submission: Submission,
    *,
    settings: Settings,
    now: datetime,
) -> Request:
    """Record a web request awaiting e-mail confirmation, its uploads, and the link e-mail."""
    request, _unused_token = create_request(
        session,
        NewRequest(
            controller=controller,
            type=submission.type,
            channel=Channel.WEB,
            language=submission.language,
            subject_name=submission.name,
            subject_email=submission.email,
            details=submission.details,
        ),
        actor=ACTOR,
        now=now,
    )
    if submission.uploads:
        store = FileStore.from_settings(settings)
        # The identity decision is not known yet: a conservative default the decision shortens.
        delete_after = now + timedelta(days=settings.upload_retention_days)
        for upload in submission.uploads:
            store.save(
                session,
                upload.data,
                filename=upload.filename,
                content_type=upload.content_type,
                purpose=FilePurpose.SUPPORTING_DOCUMENT,
                now=now,
                request_id=request.id,
                delete_after=delete_after,
            )
    queue_confirmation(
        session,
        request,
        link=confirmation_link(settings, request, now),
        settings=settings,
        now=now,
        key=f"confirm:{request.id}",
    )
    return request


@dataclass(frozen=True)
class Confirmation:
    request: Request | None
    outcome: str  # "confirmed", "already_confirmed", "closed", "unknown"


def confirm_request(
    session: Session,
    controller: Controller,
    request_id: int,
    *,
    settings: Settings,
    now: datetime,
) -> Confirmation:
    """Confirm the address: the request is received now (README: public intake), the clock starts.

    Single use: a second click finds the request no longer awaiting confirmation.
    """
    request = session.get(Request, request_id)
    if request is None or request.controller_id != controller.id:
        return Confirmation(None, "unknown")
    if request.status is not Status.AWAITING_CONFIRMATION:
        outcome = "already_confirmed" if request.received_at is not None else "closed"
        return Confirmation(request, outcome)
    apply_action(session, request, Action.CONFIRM_EMAIL, actor=ACTOR, now=now)
    request.verification = Verification.EMAIL_CONFIRMED
    mark_received(session, request, now, actor=ACTOR, now=now)
    # The token made at creation was never shown to anyone; this one goes in the e-mail only.
    token = secrets.token_urlsafe(32)
    request.status_token_hash = hash_token(token)
    session.flush()
    status_link = public_url(settings, f"/c/{controller.slug}/status/{token}")
    queue_acknowledgement(session, request, status_link=status_link, now=now)
    return Confirmation(request, "confirmed")


def resend_confirmation(
    session: Session,
    controller: Controller,
    reference: str,
    email: str,
    *,
    settings: Settings,
    now: datetime,
) -> bool:
    """Send a fresh link if reference and address match an unconfirmed request.

    The caller answers the same either way, so nobody learns whether a request exists.
    """
    request = session.execute(
        select(Request).where(
            Request.controller_id == controller.id,
            Request.reference == reference.strip().upper(),
            Request.status == Status.AWAITING_CONFIRMATION,
        )
    ).scalar_one_or_none()
    if request is None or (request.subject_email or "").lower() != email.strip().lower():
        return False
    queue_confirmation(
        session,
        request,
        link=confirmation_link(settings, request, now),
        settings=settings,
        now=now,
        key=f"confirm:{request.id}:{now.isoformat()}",
    )
    return True


def request_for_status_token(
    session: Session, controller: Controller, token: str
) -> Request | None:
    """The request whose secret status token this is; the reference alone opens nothing."""
    if not token or len(token) > 200:
        return None
    return session.execute(
        select(Request).where(
            Request.status_token_hash == hash_token(token),
            Request.controller_id == controller.id,
        )
    ).scalar_one_or_none()


def claim_write_lock(session: Session) -> None:
    """On SQLite, make the transaction a writer before its first read.

    A deferred SQLite transaction that reads first and writes later fails at once with
    "database is locked" when another writer committed in between (WAL snapshot upgrade);
    the busy timeout does not help. A no-op UPDATE takes the write lock up front, waiting
    politely for other writers. PostgreSQL needs nothing.
    """
    if session.get_bind().dialect.name == "sqlite":
        session.execute(text("UPDATE controller SET id = id WHERE 0 = 1"))
