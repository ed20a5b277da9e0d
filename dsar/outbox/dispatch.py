"""The SMTP sender: the dispatcher job sends what the outbox holds, after the commit.

Delivery is at-least-once: a message is marked sent only after the server accepted it, and its
Message-ID stays the same across attempts so a duplicate can be recognised by the receiver.
"""

from __future__ import annotations

import contextlib
import logging
import smtplib
import ssl
from collections.abc import Callable
from datetime import datetime
from email.message import EmailMessage
from email.utils import format_datetime
from pathlib import Path

from sqlalchemy import select
from sqlalchemy.orm import Session

from dsar.config import Settings
from dsar.core.db import table_of
from dsar.outbox.lease import CLAIM_LEASE, MAX_ATTEMPTS, DispatchResult, claim, settle_failure
from dsar.outbox.models import OutboxMessage, OutboxStatus
from dsar.outbox.webhook_dispatch import dispatch_webhooks

log = logging.getLogger(__name__)

__all__ = ["CLAIM_LEASE", "MAX_ATTEMPTS", "DispatchResult", "dispatch_outbox"]
BATCH_SIZE = 100
_OUTBOX = table_of(OutboxMessage)


def build_email(message: OutboxMessage, settings: Settings, now: datetime) -> EmailMessage:
    """A multipart (text + HTML) message with a stable Message-ID and the recipient's language."""
    email = EmailMessage()
    email["From"] = settings.mail_from
    email["To"] = message.recipient
    email["Subject"] = message.subject
    email["Date"] = format_datetime(now)
    email["Message-ID"] = message.message_id
    for name, value in (message.headers or {}).items():
        email[name] = str(value)
    email.set_content(message.body_text)
    if message.body_html:
        email.add_alternative(message.body_html, subtype="html")
    email["Content-Language"] = message.language  # after set_content, which drops Content-*
    return email


class FileTransport:
    """Development without an SMTP server: each message becomes an .eml file to read."""

    def __init__(self, folder: Path) -> None:
        self.folder = folder
        folder.mkdir(parents=True, exist_ok=True)

    def send_message(self, email: EmailMessage) -> None:
        name = email["Message-ID"].strip("<>").replace("/", "_")
        (self.folder / f"{name}.eml").write_bytes(bytes(email))

    def quit(self) -> None:
        pass


def _connect(settings: Settings) -> smtplib.SMTP | FileTransport:
    if not settings.smtp_host:
        return FileTransport(settings.instance_path / "mail")
    if settings.smtp_ssl:
        smtp: smtplib.SMTP = smtplib.SMTP_SSL(
            settings.smtp_host, settings.smtp_port, timeout=30, context=ssl.create_default_context()
        )
    else:
        smtp = smtplib.SMTP(settings.smtp_host, settings.smtp_port, timeout=30)
        if settings.smtp_starttls:
            smtp.starttls(context=ssl.create_default_context())
    if settings.smtp_username:
        smtp.login(settings.smtp_username, settings.smtp_password)
    return smtp


def _connection_lost(error: Exception) -> bool:
    # SMTPException derives from OSError: only a non-SMTP OSError means the socket is gone.
    if isinstance(error, smtplib.SMTPServerDisconnected):
        return True
    return isinstance(error, OSError) and not isinstance(error, smtplib.SMTPException)


def _is_permanent(error: Exception) -> bool:
    if isinstance(error, smtplib.SMTPRecipientsRefused):
        return all(code >= 500 for code, _ in error.recipients.values())
    if isinstance(error, smtplib.SMTPResponseException):
        return error.smtp_code >= 500
    return isinstance(error, ValueError)  # e.g. a header that cannot be encoded


def dispatch_outbox(
    session: Session,
    settings: Settings,
    now: datetime,
    *,
    limit: int = BATCH_SIZE,
    after_each: Callable[[], None] | None = None,
) -> DispatchResult:
    """Send due pending mail over one SMTP connection, then due webhooks; the caller commits.

    Each message's outcome is flushed as it happens, and `after_each` (the scheduler passes
    `session.commit`) makes it durable at once: a process that dies after the server accepted
    a message resends at most that one message, with the same Message-ID (at-least-once).

    The batch is claimed first: its messages' next attempt moves CLAIM_LEASE ahead. With
    `after_each` the claim is committed before anything is sent, so a second dispatcher at the
    same time (an operator's `run-once` beside the scheduler) finds them not due and sends
    none of them again. The claims of a dispatcher that dies are retried when the lease ends.
    Webhook deliveries (dsar/outbox/webhook_dispatch.py) are claimed and settled the same way.
    """
    result = _dispatch_mail(session, settings, now, limit, after_each)
    hooks = dispatch_webhooks(session, settings, now, limit=limit, after_each=after_each)
    result.sent += hooks.sent
    result.retried += hooks.retried
    result.failed += hooks.failed
    return result


def _dispatch_mail(
    session: Session,
    settings: Settings,
    now: datetime,
    limit: int,
    after_each: Callable[[], None] | None,
) -> DispatchResult:
    result = DispatchResult()
    due = claim(session, _OUTBOX, now, limit)
    if not due:
        return result
    if after_each is not None:
        after_each()
    messages = session.execute(select(OutboxMessage).where(OutboxMessage.id.in_(due))).scalars()
    batch = sorted(messages, key=lambda m: m.id)
    try:
        smtp = _connect(settings)
    except (OSError, smtplib.SMTPException) as error:
        for message in batch:
            _record_failure(message, error, now, result, permanent=False)
        session.flush()
        log.warning(
            "SMTP server %s:%s unreachable: %s", settings.smtp_host, settings.smtp_port, error
        )
        return result
    tried = 0
    try:
        for message in batch:
            tried += 1
            try:
                smtp.send_message(build_email(message, settings, now))
            except (OSError, smtplib.SMTPException, ValueError) as error:
                _record_failure(message, error, now, result, permanent=_is_permanent(error))
                if _connection_lost(error):
                    break
            else:
                message.status = OutboxStatus.SENT
                message.attempts += 1
                message.sent_at = now
                message.last_error = None
                result.sent += 1
            session.flush()
            if after_each is not None:
                after_each()
    finally:
        with contextlib.suppress(OSError, smtplib.SMTPException):
            smtp.quit()
    if tried < len(batch):  # the connection was lost: the rest are due again, not leased
        for message in batch[tried:]:
            message.next_attempt_at = now
        session.flush()
        if after_each is not None:
            after_each()
    return result


def describe_error(error: Exception) -> str:
    """One readable line: the SMTP code and the server's text, not a dict of bytes."""
    if isinstance(error, smtplib.SMTPRecipientsRefused):
        refused = error.recipients.items()
        refusals = (f"{address}: {code} {_text(reply)}" for address, (code, reply) in refused)
        return "recipient refused: " + "; ".join(refusals)
    if isinstance(error, smtplib.SMTPResponseException):
        return f"{type(error).__name__}: {error.smtp_code} {_text(error.smtp_error)}"
    return f"{type(error).__name__}: {error}"


def _text(reply: bytes | str) -> str:
    return reply.decode("utf-8", "replace") if isinstance(reply, bytes) else str(reply)


def _record_failure(
    message: OutboxMessage,
    error: Exception,
    now: datetime,
    result: DispatchResult,
    *,
    permanent: bool,
) -> None:
    if settle_failure(message, describe_error(error), now, permanent=permanent):
        result.failed += 1
    else:
        result.retried += 1
