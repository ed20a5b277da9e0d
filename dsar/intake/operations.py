"""Intake operations: submit, confirm the e-mail address, send a new link, open a status page.

Services take a session, flush and never commit; the view commits once.
"""

from __future__ import annotations

import secrets
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from dsar.audit.request_trail import REPRESENTATIVE
from dsar.config import Settings
from dsar.controllers.models import Controller
from dsar.files.models import FilePurpose
from dsar.files.storage import FileStore
from dsar.intake.emails import public_url, queue_acknowledgement, queue_confirmation
from dsar.intake.links import make_confirmation_token
from dsar.intake.uploads import Upload
from dsar.messages.models import Message
from dsar.representatives.operations import NewRepresentation
from dsar.requests.models import Request
from dsar.requests.operations import (
    NewFile,
    NewRequest,
    apply_action,
    create_request,
    hash_token,
    mark_received,
)
from dsar.requests.workflow import Action, Channel, RequestType, Status, Verification

ACTOR = "subject"


@dataclass(frozen=True)
class Submission:
    type: RequestType
    language: str
    name: str
    email: str
    details: dict[str, Any]
    uploads: tuple[Upload, ...] = field(default=())
    # Asked on someone else's behalf: `name` is then the subject's, `email` the representative's.
    representation: NewRepresentation | None = None
    proof: Upload | None = None  # the representative's proof of authority


def confirmation_link(settings: Settings, slug: str, reference: str, now: datetime) -> str:
    token = make_confirmation_token(settings.secret_key, reference, now)
    return public_url(settings, f"/c/{slug}/confirm/{token}")


def submit_request(
    session: Session,
    controller: Controller,
    submission: Submission,
    *,
    settings: Settings,
    now: datetime,
) -> str:
    """Record a web request awaiting e-mail confirmation, its uploads and the link e-mail.

    Returns the reference. The web channel's part of `create_request`: how long uploads are
    kept, and the confirmation e-mail, queued in the same transaction.
    """
    # The identity decision is not known yet: a conservative default the decision shortens.
    delete_after = now + timedelta(days=settings.upload_retention_days)
    files = [(upload, FilePurpose.SUPPORTING_DOCUMENT) for upload in submission.uploads]
    if submission.proof is not None:
        files.append((submission.proof, FilePurpose.AUTHORITY_PROOF))
    created = create_request(
        session,
        NewRequest(
            controller=controller,
            type=submission.type,
            channel=Channel.WEB,
            language=submission.language,
            subject_name=submission.name,
            subject_email=submission.email,
            details=submission.details,
            representation=submission.representation,
        ),
        actor=ACTOR if submission.representation is None else REPRESENTATIVE,
        now=now,
        files=[
            NewFile(
                filename=upload.filename,
                content_type=upload.content_type,
                data=upload.data,
                purpose=purpose,
                delete_after=delete_after,
            )
            for upload, purpose in files
        ],
        store=FileStore.from_settings(settings) if files else None,
    )
    request = created.request
    reference = request.reference or ""
    link = confirmation_link(settings, controller.slug, reference, now)
    queue_confirmation(
        session, request, key=f"confirm:{request.id}", link=link, settings=settings, now=now
    )
    return reference


@dataclass(frozen=True)
class Confirmation:
    request: Request | None
    outcome: str  # "confirmed", "already_confirmed", "closed", "unknown"


def confirm_request(
    session: Session,
    controller: Controller,
    reference: str,
    *,
    settings: Settings,
    now: datetime,
) -> Confirmation:
    """Confirm the address: the request is received now (docs/intake.md), the clock starts.

    Single use: a second click finds the request no longer awaiting confirmation. One at the
    same moment waits for the first one's commit (the row is locked until then; on SQLite the
    view begins as the writer) and finds the same.
    """
    request = session.execute(
        select(Request)
        .where(Request.reference == reference, Request.controller_id == controller.id)
        .with_for_update()
        .execution_options(populate_existing=True)
    ).scalar_one_or_none()
    if request is None:
        return Confirmation(None, "unknown")
    if request.status is not Status.AWAITING_CONFIRMATION:
        outcome = "already_confirmed" if request.received_at is not None else "closed"
        return Confirmation(request, outcome)
    actor = ACTOR if request.representation is None else REPRESENTATIVE
    apply_action(session, request, Action.CONFIRM_EMAIL, actor=actor, now=now)
    request.verification = Verification.EMAIL_CONFIRMED
    mark_received(session, request, now, actor=actor, now=now)
    # The token made at creation was never shown to anyone; this one goes in the e-mail only.
    token = secrets.token_urlsafe(32)
    request.status_token_hash = hash_token(token)
    session.flush()
    status_link = public_url(settings, f"/c/{controller.slug}/status/{token}")
    queue_acknowledgement(session, request, status_link=status_link, settings=settings, now=now)
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
    link = confirmation_link(settings, controller.slug, request.reference or "", now)
    key = f"confirm:{request.id}:{now.isoformat()}"
    queue_confirmation(session, request, key=key, link=link, settings=settings, now=now)
    return True


def request_for_status_token(
    session: Session, controller: Controller, token: str
) -> Request | None:
    """The request whose secret status token this is; the reference alone opens nothing."""
    if not token or len(token) > 200:
        return None
    hashed = hash_token(token)
    found = session.execute(
        select(Request).where(
            Request.status_token_hash == hashed, Request.controller_id == controller.id
        )
    ).scalar_one_or_none()
    if found is None:  # the link in a message's notice (dsar/messages/notice.py)
        found = session.execute(
            select(Request)
            .join(Message, Message.request_id == Request.id)
            .where(Message.notice_token_hash == hashed, Request.controller_id == controller.id)
        ).scalar_one_or_none()
    return found
