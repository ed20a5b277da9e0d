"""The intake e-mails: the confirmation link and the acknowledgement, in the request's language.

Templates live in templates/emails/<lang>/intake_*.{txt,html}; the .html ones are autoescaped
(Flask autoescapes templates ending in .html), the .txt ones are plain text. Subjects are built
here from fixed wording and the reference only: nothing the subject typed reaches a header.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import datetime
from typing import Any
from zoneinfo import ZoneInfo

from flask import current_app
from flask_babel import force_locale
from sqlalchemy.orm import Session

from dsar.config import Settings
from dsar.core.i18n import long_date, supported
from dsar.intake.texts import RIGHT_TITLES
from dsar.outbox.mail import insert_message, mail_domain, message_values
from dsar.requests.models import Request
from dsar.requests.workflow import RequestType

SUBJECTS = {
    "confirm": {
        "en": "Please confirm your request {reference}",
        "de": "Bitte bestätigen Sie Ihre Anfrage {reference}",
    },
    "key_code": {
        "en": "Your code for request {reference}",
        "de": "Ihr Code zur Anfrage {reference}",
    },
    "ack": {
        "en": "We have received your request {reference}",
        "de": "Wir haben Ihre Anfrage {reference} erhalten",
    },
}
HEADERS = {"Auto-Submitted": "auto-generated"}  # RFC 3834: no auto-replies to these


def public_url(settings: Settings, path: str) -> str:
    """Links in e-mails point at DSAR_BASE_URL, never at whatever Host header came in."""
    return settings.base_url.rstrip("/") + path


@dataclass(frozen=True)
class MailRequest:
    """What the intake e-mails show of a request, as plain values."""

    reference: str
    subject_name: str
    subject_email: str
    type: RequestType
    language: str
    controller_name: str

    @classmethod
    def of(cls, request: Request) -> MailRequest:
        return cls(
            reference=request.reference or "",
            subject_name=request.subject_name,
            subject_email=request.subject_email or "",
            type=request.type,
            language=request.language,
            controller_name=request.controller.name,
        )


@dataclass(frozen=True)
class Mail:
    recipient: str
    subject: str
    text: str
    html: str
    language: str

    def enqueue(
        self, session: Session, *, key: str, now: datetime, request_id: int, settings: Settings
    ) -> None:
        values = self.values(now=now, settings=settings)
        insert_message(session, key=key, request_id=request_id, values=values)

    def values(self, *, now: datetime, settings: Settings) -> dict[str, Any]:
        """The outbox row but its key and request, for a caller that inserts it itself."""
        return message_values(
            recipient=self.recipient,
            subject=self.subject,
            text=self.text,
            html=self.html,
            language=self.language,
            now=now,
            headers=HEADERS,
            mail_domain=mail_domain(settings),
        )


def _language(request: MailRequest) -> str:
    return supported(request.language)


def _mail(kind: str, request: MailRequest, **context: object) -> Mail:
    """Render both bodies straight from the Jinja environment: e-mails use no page context."""
    language = _language(request)
    environment = current_app.jinja_env
    with force_locale(language):
        context = {
            "request": request,
            "controller_name": request.controller_name,
            "right_title": str(RIGHT_TITLES[request.type]),
            **context,
        }
        text = environment.get_template(f"emails/{language}/intake_{kind}.txt").render(context)
        html = environment.get_template(f"emails/{language}/intake_{kind}.html").render(context)
    subject = SUBJECTS[kind][language].format(reference=request.reference)
    return Mail(
        recipient=request.subject_email,
        subject=" ".join(subject.split()),  # no line breaks in a header, whatever happens upstream
        text=text,
        html=html,
        language=language,
    )


def confirmation_mail(request: MailRequest, *, link: str, settings: Settings) -> Mail:
    """The e-mail with the confirmation link."""
    return _mail("confirm", request, link=link, days=settings.confirmation_link_days)


def queue_acknowledgement(
    session: Session, request: Request, *, status_link: str, settings: Settings, now: datetime
) -> None:
    """Acknowledgement (docs/legal-rules.md L1, M8): receipt date, due X to Y, next steps, link."""
    values = MailRequest.of(request)
    language = _language(values)
    assert request.received_at is not None and request.due_date is not None
    received = request.received_at.astimezone(ZoneInfo(request.controller.timezone)).date()
    mail = _mail(
        "ack",
        values,
        status_link=status_link,
        received_on=long_date(received, language),
        due_on=long_date(request.due_date, language),
    )
    mail.enqueue(
        session, key=f"ack:{request.id}", now=now, request_id=request.id, settings=settings
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
    mail = _mail(
        "key_code",
        MailRequest.of(request),
        code=code,
        key_label=key_label,
        dpo_email=dpo_email,
        minutes=minutes,
    )
    replace(mail, recipient=recipient).enqueue(
        session,
        key=f"key_code:{request.id}:{now.isoformat()}:{recipient}",
        now=now,
        request_id=request.id,
        settings=settings,
    )
