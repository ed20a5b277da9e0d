"""The one way to queue mail: render a template in its language, insert the row once per key.

Every mail is a template in templates/emails/<language>/: `<name>.subject.txt`, `<name>.txt`
and, for a multipart mail, `<name>.html`, all rendered in the one environment below, so a mail
reads the same whether a web request, a job or a CLI command queues it. Nothing is sent here:
the dispatcher (dsar/outbox/dispatch.py) sends after the caller's commit.
"""

from __future__ import annotations

import functools
import uuid
from collections.abc import Mapping
from datetime import datetime
from email.utils import make_msgid, parseaddr
from typing import Any

from flask_babel import force_locale, gettext, ngettext
from jinja2 import (
    Environment,
    FileSystemLoader,
    StrictUndefined,
    TemplateNotFound,
    select_autoescape,
)
from sqlalchemy.orm import Session

from dsar.config import Settings
from dsar.core.db import table_of
from dsar.core.i18n import supported
from dsar.core.paths import TEMPLATES_DIR
from dsar.outbox.lease import queue_once
from dsar.outbox.models import OutboxMessage, OutboxStatus

# RFC 3834: marks a message as machine-made, so auto-responders do not answer it.
AUTO_SUBMITTED = {"Auto-Submitted": "auto-generated"}


def mail_domain(settings: Settings) -> str:
    """The domain of DSAR_MAIL_FROM, for Message-IDs the receiving side can attribute to us."""
    return parseaddr(settings.mail_from)[1].rpartition("@")[2] or "dsar.local"


@functools.cache
def environment() -> Environment:
    """The Jinja environment of all mail, built once: HTML autoescaped, plain text as typed."""
    env = Environment(
        loader=FileSystemLoader(TEMPLATES_DIR / "emails"),
        autoescape=select_autoescape(["html"]),
        undefined=StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
        extensions=["jinja2.ext.i18n"],
    )
    env.install_gettext_callables(gettext, ngettext, newstyle=True)  # type: ignore[attr-defined]
    return env


def _render(
    template: str, language: str, context: Mapping[str, Any]
) -> tuple[str, str, str | None]:
    """Subject (one line), text and HTML (None without an .html template) of a mail.

    Rendered in `language`'s locale, so translated values in `context` (a right's title) and
    `_()` in a template come out in the mail's language, not the page's.
    """
    env = environment()
    with force_locale(language):
        subject = env.get_template(f"{language}/{template}.subject.txt").render(context)
        text = env.get_template(f"{language}/{template}.txt").render(context)
        try:
            html_template = env.get_template(f"{language}/{template}.html")
        except TemplateNotFound:
            html = None
        else:
            html = html_template.render(context)
    return " ".join(subject.split()), text, html  # no line breaks in a header, whatever came in


def enqueue(
    session: Session,
    *,
    key: str,
    to: str,
    template: str,
    language: str | None,
    context: Mapping[str, Any],
    now: datetime,
    request_id: int | None = None,
    auto_submitted: bool = False,
    mail_domain: str = "dsar.local",
) -> int:
    """Render `template` and queue it once per `key`; the id of the new row, or of the row
    `key` already has (dsar/outbox/lease.py `queue_once`: a re-run or a racing scheduler adds
    nothing and aborts nothing).
    """
    language = supported(language)
    subject, text, html = _render(template, language, context)
    outbox = table_of(OutboxMessage)  # a Core insert: the caller needs the id, not an object
    return queue_once(
        session,
        outbox,
        {
            "idempotency_key": key,
            "message_id": make_msgid(idstring=uuid.uuid4().hex[:12], domain=mail_domain),
            "request_id": request_id,
            "recipient": to,
            "subject": subject,
            "body_text": text,
            "body_html": html,
            "language": language,
            "headers": dict(AUTO_SUBMITTED if auto_submitted else {}),
            "status": OutboxStatus.PENDING,
            "attempts": 0,
            "next_attempt_at": now,
            "created_at": now,
        },
    )
