"""The intake e-mails: the confirmation link, the acknowledgement and the key code.

Which template (templates/emails/<lang>/intake_*) and what it shows; the outbox renders them
in the request's language and queues them. Subjects are templates that show the reference
only: nothing the subject typed reaches a header.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy.orm import Session

from dsar.config import Settings
from dsar.core.i18n import long_date, supported
from dsar.intake.texts import RIGHT_TITLES
from dsar.outbox.mail import enqueue, mail_domain
from dsar.requests.models import Request


def public_url(settings: Settings, path: str) -> str:
    """Links in e-mails point at DSAR_BASE_URL, never at whatever Host header came in."""
    return settings.base_url.rstrip("/") + path


def _queue(
    session: Session,
    request: Request,
    template: str,
    *,
    key: str,
    to: str,
    settings: Settings,
    now: datetime,
    context: dict[str, Any],
) -> None:
    """Queue `template` in the request's language, with what every intake mail shows."""
    enqueue(
        session,
        key=key,
        to=to,
        template=template,
        language=request.language,
        context={
            "request": request,
            "controller_name": request.controller.name,
            "right_title": RIGHT_TITLES[request.type],  # translated when the mail is rendered
            **context,
        },
        now=now,
        request_id=request.id,
        auto_submitted=True,
        mail_domain=mail_domain(settings),
    )


def queue_confirmation(
    session: Session, request: Request, *, key: str, link: str, settings: Settings, now: datetime
) -> None:
    """The e-mail with the confirmation link, to the address the form gave."""
    _queue(
        session,
        request,
        "intake_confirm",
        key=key,
        to=request.subject_email or "",
        settings=settings,
        now=now,
        context={"link": link, "days": settings.confirmation_link_days},
    )


def queue_acknowledgement(
    session: Session, request: Request, *, status_link: str, settings: Settings, now: datetime
) -> None:
    """Acknowledgement (docs/legal-rules.md L1, M8): receipt date, due X to Y, next steps, link."""
    language = supported(request.language)
    assert request.received_at is not None and request.due_date is not None
    received = request.received_at.astimezone(ZoneInfo(request.controller.timezone)).date()
    _queue(
        session,
        request,
        "intake_ack",
        key=f"ack:{request.id}",
        to=request.subject_email or "",
        settings=settings,
        now=now,
        context={
            "status_link": status_link,
            "received_on": long_date(received, language),
            "due_on": long_date(request.due_date, language),
        },
    )


def queue_key_code(
    session: Session,
    request: Request,
    *,
    code: str,
    recipient: str,
    key_label: str,
    dpo_email: str | None,
    minutes: int,
    settings: Settings,
    now: datetime,
) -> None:
    """The one-time code for a typed lookup key, to the address on file (never the requester's)."""
    _queue(
        session,
        request,
        "intake_key_code",
        key=f"key_code:{request.id}:{now.isoformat()}:{recipient}",
        to=recipient,
        settings=settings,
        now=now,
        context={"code": code, "key_label": key_label, "dpo_email": dpo_email, "minutes": minutes},
    )
