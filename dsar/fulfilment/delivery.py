"""Delivery of an export: a secret expiring download token, optional password, audited downloads.

Only the SHA-256 of the token and the argon2 hash of the password are stored; the link is
mailed to the subject through the outbox, the password goes by another channel (staff). How a
link ends early: dsar/fulfilment/links.py; the whole life of a link: docs/download-links.md.
"""

from __future__ import annotations

import hashlib
import secrets
from datetime import datetime

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from sqlalchemy import select, update
from sqlalchemy.orm import Session

from dsar.audit.request_trail import lock_request, record_event
from dsar.fulfilment.copy_delivery import link_mail_key
from dsar.fulfilment.models import Export, LinkEnd
from dsar.outbox.mail import enqueue
from dsar.representatives.gate import disclosure_allowed
from dsar.requests.models import Request

_hasher = PasswordHasher()
PASSWORD_WORDS = 4


class DownloadError(Exception):
    """No file under the link: unknown ("invalid"), expired ("expired") or unreadable ("gone")."""

    def __init__(self, problem: str) -> None:
        super().__init__(problem)
        self.problem = problem


class LinkEnded(DownloadError):
    """The link was ended before it expired (dsar/fulfilment/links.py); `reason` says why."""

    def __init__(self, reason: LinkEnd) -> None:
        super().__init__("ended")
        self.reason = reason


def token_hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def new_download(with_password: bool) -> tuple[str, str, str | None, str | None]:
    """A fresh token and its hash, and optionally a password and its argon2 hash."""
    token = secrets.token_urlsafe(32)
    if not with_password:
        return token, token_hash(token), None, None
    password = "-".join(secrets.token_hex(3) for _ in range(PASSWORD_WORDS))
    return token, token_hash(token), password, _hasher.hash(password)


def find_export(session: Session, token: str, *, controller_id: int, now: datetime) -> Export:
    """The controller's export for a download token whose link lives, its file still stored.

    Another controller's token is as unknown as a made-up one: why a link ended is told only
    under the address it was sent with.
    """
    export = session.execute(
        select(Export)
        .join(Request, Request.id == Export.request_id)
        .where(Export.token_hash == token_hash(token), Request.controller_id == controller_id)
    ).scalar_one_or_none()
    if export is None:
        raise DownloadError("invalid")
    if not disclosure_allowed(session.get_one(Request, export.request_id)):
        raise DownloadError("invalid")  # never for an unverified representative (B4)
    check_live(export, now)
    return export


def check_live(export: Export, now: datetime) -> None:
    """LinkEnded or DownloadError("expired") unless the export's link still works."""
    if export.revoked_reason is not None:
        raise LinkEnded(export.revoked_reason)
    if export.expires_at <= now or export.file.deleted_at is not None:
        raise DownloadError("expired")


def password_ok(export: Export, password: str) -> bool:
    if export.password_hash is None:
        return True
    try:
        return _hasher.verify(export.password_hash, password)
    except (VerificationError, InvalidHashError):
        return False


def record_download(session: Session, export: Export, *, now: datetime) -> int:
    """Count the download and write it to the request's audit trail; the count so far.

    The count is one UPDATE that adds 1 where the link still lives, so parallel downloads
    each add theirs and a link ended meanwhile counts nothing (LinkEnded or DownloadError).
    """
    request = lock_request(session, export.request_id)  # the chain's head, then the export
    count = session.execute(
        update(Export)
        .where(Export.id == export.id, Export.live_at(now))
        .values(download_count=Export.download_count + 1, last_download_at=now)
        .returning(Export.download_count),
        execution_options={"synchronize_session": False},
    ).scalar_one_or_none()
    if count is None:
        session.refresh(export)
        check_live(export, now)
        raise DownloadError("expired")  # live again when read: it was not when counted
    record_event(
        session,
        request,
        "download_export",
        actor="subject",
        now=now,
        payload={"export": export.id, "file_sha256": export.file.sha256, "count": count},
    )
    return count


def mail_download_link(
    session: Session, request: Request, export: Export, *, link: str, now: datetime
) -> None:
    """Queue the e-mail with the download link; the password (if any) is not in it."""
    if not request.subject_email:
        return
    enqueue(
        session,
        key=link_mail_key(export.id),
        to=request.subject_email,
        template="download_link",
        language=request.language,
        context={
            "reference": request.reference,
            "link": link,
            "until": export.expires_at.date(),
            "with_password": bool(export.password_hash),
        },
        now=now,
        request_id=request.id,
    )
