"""The e-mail that tells the subject a message waits: the status link, never the content."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy.orm import Session

from dsar.config import Settings
from dsar.intake.emails import public_url
from dsar.messages.models import Message
from dsar.outbox.mail import enqueue, mail_domain
from dsar.requests.models import Request


def queue_message_notice(
    session: Session,
    request: Request,
    message: Message,
    *,
    token: str,
    settings: Settings,
    now: datetime,
) -> None:
    """Queue templates/emails/<lang>/message_waiting in the request's language, once per message.

    The mail carries the reference and the link only: what staff wrote, and its attachments,
    are read on the status page behind the link's secret token.
    """
    enqueue(
        session,
        key=f"message:{message.id}",
        to=request.subject_email or "",
        template="message_waiting",
        language=request.language,
        context={
            "reference": request.reference,
            "controller_name": request.controller.name,
            "status_link": public_url(settings, f"/c/{request.controller.slug}/status/{token}"),
        },
        now=now,
        request_id=request.id,
        auto_submitted=True,
        mail_domain=mail_domain(settings),
    )
