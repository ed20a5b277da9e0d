"""Delivery of an export: a secret expiring download token, optional password, audited downloads.

Only the SHA-256 of the token and the argon2 hash of the password are stored; the link is
mailed to the subject through the outbox, the password goes by another channel (staff).
"""

from __future__ import annotations

import hashlib
import secrets
from datetime import datetime

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from sqlalchemy import select
from sqlalchemy.orm import Session

from dsar.audit import record_event
from dsar.mail import enqueue
from dsar.models import Export, Request

_hasher = PasswordHasher()
PASSWORD_WORDS = 4


class DownloadError(Exception):
    """The link is unknown, expired, or the export file is gone."""


def token_hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def new_download(with_password: bool) -> tuple[str, str, str | None, str | None]:
    """A fresh token and its hash, and optionally a password and its argon2 hash."""
    token = secrets.token_urlsafe(32)
    if not with_password:
        return token, token_hash(token), None, None
    password = "-".join(secrets.token_hex(3) for _ in range(PASSWORD_WORDS))
    return token, token_hash(token), password, _hasher.hash(password)


def find_export(session: Session, token: str, *, now: datetime) -> Export:
    """The export for a download token that has not expired, with its file still stored."""
    export = session.execute(
        select(Export).where(Export.token_hash == token_hash(token))
    ).scalar_one_or_none()
    if export is None:
        raise DownloadError("This download link is not valid.")
    if export.expires_at <= now or export.file.deleted_at is not None:
        raise DownloadError("This download link has expired. Please ask us for a new one.")
    return export


def password_ok(export: Export, password: str) -> bool:
    if export.password_hash is None:
        return True
    try:
        return _hasher.verify(export.password_hash, password)
    except (VerificationError, InvalidHashError):
        return False


def record_download(session: Session, request: Request, export: Export, *, now: datetime) -> None:
    """Count the download and write it to the request's audit trail."""
    export.download_count += 1
    export.last_download_at = now
    record_event(
        session,
        request,
        "download_export",
        actor="subject",
        now=now,
        payload={
            "export": export.id,
            "file_sha256": export.file.sha256,
            "count": export.download_count,
        },
    )


def mail_download_link(
    session: Session, request: Request, export: Export, *, link: str, now: datetime
) -> None:
    """Queue the e-mail with the download link; the password (if any) is not in it."""
    if not request.subject_email:
        return
    until = export.expires_at.strftime("%Y-%m-%d")
    if request.language == "de":
        subject = f"Ihre Daten zum Herunterladen ({request.reference})"
        text = (
            f"Guten Tag,\n\nIhre Daten stehen bis {until} zum Herunterladen bereit:\n{link}\n\n"
            + ("Das Passwort erhalten Sie auf einem anderen Weg.\n" if export.password_hash else "")
        )
    else:
        subject = f"Your data is ready to download ({request.reference})"
        text = f"Hello,\n\nyour data can be downloaded until {until}:\n{link}\n\n" + (
            "You will receive the password by another channel.\n" if export.password_hash else ""
        )
    enqueue(
        session,
        key=f"export-link-{export.id}",
        recipient=request.subject_email,
        subject=subject,
        text=text,
        language=request.language,
        now=now,
        request_id=request.id,
    )
