"""Post into a request's thread: staff write, the subject answers; both are audited.

Operations flush and never commit. The audit event names the message, its author and its
attachments (names and SHA-256), and the body's length and SHA-256, never the body itself: a
message carries personal data, and the trail must not become a second copy of it (the
message row is the record; the hash shows that it was not changed afterwards).
"""

from __future__ import annotations

import hashlib
import secrets
from collections.abc import Sequence
from datetime import datetime
from typing import Any

from sqlalchemy import update
from sqlalchemy.orm import Session

from dsar.accounts.models import StaffUser
from dsar.audit.request_trail import lock_request, record_event
from dsar.config import Settings
from dsar.core.words import N_, Said
from dsar.files.models import FilePurpose, StoredFile
from dsar.files.storage import FileStore
from dsar.intake.uploads import MAX_FILES, UploadRejected, accept_upload
from dsar.messages.models import Author, Message, MessageAttachment
from dsar.messages.notice import queue_message_notice
from dsar.requests.decisions import NotPermitted
from dsar.requests.models import Request
from dsar.requests.operations import hash_token
from dsar.requests.permissions import can_see
from dsar.requests.workflow import Status

MAX_BODY = 20_000  # characters; a longer text belongs in an attachment
CHANNELS = frozenset({"web", "email"})


class MessageRejected(ValueError):
    """Nothing was posted: `reason` says why (empty, too_long, too_many_files, closed,
    unconfirmed, or an attachment's: empty, too_large, type, with its `name`)."""

    def __init__(self, reason: str, name: str | None = None) -> None:
        super().__init__(reason)
        self.reason = reason
        self.name = name


def thread_open(request: Request) -> bool:
    """A closed or merged request's thread is read-only; an unconfirmed one has none yet."""
    return request.status.is_open and request.status is not Status.AWAITING_CONFIRMATION


def post_from_staff(
    session: Session,
    request: Request,
    staff: StaffUser,
    body: str,
    files: Sequence[tuple[str, bytes]],
    now: datetime,
    store: FileStore,
    *,
    settings: Settings,
) -> Message:
    """A staff message; the subject is told by e-mail that it waits (never what it says)."""
    if not can_see(staff, request):
        raise NotPermitted(Said(N_("you may not work on this request")))
    limit = settings.upload_max_bytes
    message = _post(session, request, Author.STAFF, body, files, "web", now, store, limit)
    message.staff_id = staff.id
    # Answering reads the subject's messages: they no longer need attention.
    mark_read(session, request, Author.STAFF, now, actor=staff.email)
    notified = bool(request.subject_email)
    if notified:
        token = secrets.token_urlsafe(32)
        message.notice_token_hash = hash_token(token)
        queue_message_notice(session, request, message, token=token, settings=settings, now=now)
    _audit(session, request, message, actor=staff.email, now=now, notified=notified)
    return message


def receive_from_subject(
    session: Session,
    request: Request,
    *,
    body: str,
    files: Sequence[tuple[str, bytes]],
    channel: str,
    now: datetime,
    store: FileStore,
    max_bytes: int = Settings.upload_max_bytes,
) -> Message:
    """The subject's message (from the status page, or an e-mail reply); staff see it unread."""
    if channel not in CHANNELS:
        raise ValueError(f"unknown channel {channel!r}")
    message = _post(session, request, Author.SUBJECT, body, files, channel, now, store, max_bytes)
    _audit(session, request, message, actor="subject", now=now)
    return message


def mark_read(session: Session, request: Request, reader: Author, now: datetime, actor: str) -> int:
    """Mark the other side's messages read by `reader`; audited when any were unread."""
    ids = _mark_read(session, request, reader, now)
    if ids:
        record_event(
            session,
            request,
            "messages_read",
            actor=actor,
            now=now,
            payload={"reader": reader.value, "messages": ids},
        )
    return len(ids)


def _mark_read(session: Session, request: Request, reader: Author, now: datetime) -> list[int]:
    """One UPDATE of the unread ones: a page loaded at the same moment waits for this one's
    commit (the rows are locked), then finds none unread and records nothing."""
    other = Author.SUBJECT if reader is Author.STAFF else Author.STAFF
    unread = (Message.request_id == request.id, Message.author == other, Message.read_at.is_(None))
    marked = session.scalars(
        update(Message).where(*unread).values(read_at=now).returning(Message.id),
        execution_options={"synchronize_session": "fetch"},
    )
    return sorted(marked)


def _post(
    session: Session,
    request: Request,
    author: Author,
    body: str,
    files: Sequence[tuple[str, bytes]],
    channel: str,
    now: datetime,
    store: FileStore,
    max_bytes: int,
) -> Message:
    """Check everything first, then write: a refused message leaves no row and no file.

    The request is locked first: the subject and staff writing at the same moment queue
    (PostgreSQL) instead of failing the trail's version check, and the thread's state is read
    as the last writer committed it.
    """
    lock_request(session, request.id)
    text = body.replace("\r\n", "\n").strip()
    if not thread_open(request):
        unconfirmed = request.status is Status.AWAITING_CONFIRMATION
        raise MessageRejected("unconfirmed" if unconfirmed else "closed")
    if not text and not files:
        raise MessageRejected("empty")
    if len(text) > MAX_BODY:
        raise MessageRejected("too_long")
    if len(files) > MAX_FILES:
        raise MessageRejected("too_many_files")
    accepted = []
    for name, data in files:
        try:
            accepted.append(accept_upload(name, data, max_bytes=max_bytes))
        except (
            UploadRejected
        ) as rejected:  # "empty" is the message's own reason: the file's is apart
            reason = str(rejected)
            raise MessageRejected("empty_file" if reason == "empty" else reason, name) from None
    message = Message(
        request_id=request.id, author=author, channel=channel, body=text, created_at=now
    )
    session.add(message)
    session.flush()
    for upload in accepted:
        stored = store.save(
            session,
            upload.data,
            filename=upload.filename,
            content_type=upload.content_type,
            purpose=FilePurpose.MESSAGE,
            now=now,
            request_id=request.id,  # kept as long as the request: purged with it
        )
        session.add(MessageAttachment(message_id=message.id, stored_file_id=stored.id))
    session.flush()
    session.refresh(message, ["attachments"])
    return message


def _audit(
    session: Session, request: Request, message: Message, *, actor: str, now: datetime, **more: Any
) -> None:
    files: list[StoredFile] = list(message.attachments)
    record_event(
        session,
        request,
        "message_posted",
        actor=actor,
        now=now,
        payload={
            "message": message.id,
            "author": message.author.value,
            "channel": message.channel,
            "body_sha256": hashlib.sha256(message.body.encode()).hexdigest(),
            "body_chars": len(message.body),
            "attachments": [{"name": f.filename, "sha256": f.sha256} for f in files],
            **more,
        },
    )
