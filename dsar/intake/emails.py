"""The intake e-mails: the confirmation link and the acknowledgement, in the request's language.

Templates live in templates/emails/<lang>/intake_*.{txt,html}; the .html ones are autoescaped
(Flask autoescapes templates ending in .html), the .txt ones are plain text. Subjects are built
here from fixed wording and the reference only: nothing the subject typed reaches a header.
"""

from __future__ import annotations

from datetime import date, datetime
from zoneinfo import ZoneInfo

from babel.dates import format_date
from flask import render_template
from flask_babel import force_locale
from sqlalchemy.orm import Session

from dsar.config import Settings
from dsar.intake.texts import RIGHT_TITLES
from dsar.mail import enqueue
from dsar.models import Request

SUBJECTS = {
    "confirm": {
        "en": "Please confirm your request {reference}",
        "de": "Bitte bestätigen Sie Ihre Anfrage {reference}",
    },
    "ack": {
        "en": "We have received your request {reference}",
        "de": "Wir haben Ihre Anfrage {reference} erhalten",
    },
}
MAIL_LANGUAGES = ("de", "en")


def public_url(settings: Settings, path: str) -> str:
    """Links in e-mails point at DSAR_BASE_URL, never at whatever Host header came in."""
    return settings.base_url.rstrip("/") + path


# European day-month-year order in English too ("2 April 2026", not "April 2, 2026").
DATE_LOCALES = {"en": "en_GB", "de": "de_DE"}


def long_date(value: date, language: str) -> str:
    return format_date(value, format="long", locale=DATE_LOCALES.get(language, language))


def _language(request: Request) -> str:
    return request.language if request.language in MAIL_LANGUAGES else "en"


def _subject(kind: str, request: Request) -> str:
    subject = SUBJECTS[kind][_language(request)].format(reference=request.reference)
    return " ".join(subject.split())  # no line breaks in a header, whatever happens upstream


def _render(kind: str, request: Request, **context: object) -> tuple[str, str]:
    language = _language(request)
    with force_locale(language):
        context = {
            "request": request,
            "controller_name": request.controller.name,
            "right_title": str(RIGHT_TITLES[request.type]),
            **context,
        }
        text = render_template(f"emails/{language}/intake_{kind}.txt", **context)
        html = render_template(f"emails/{language}/intake_{kind}.html", **context)
    return text, html


def queue_confirmation(
    session: Session, request: Request, *, link: str, settings: Settings, now: datetime, key: str
) -> None:
    """The e-mail with the confirmation link (`key` makes each sending idempotent)."""
    text, html = _render("confirm", request, link=link, days=settings.confirmation_link_days)
    enqueue(
        session,
        key=key,
        recipient=request.subject_email or "",
        subject=_subject("confirm", request),
        text=text,
        html=html,
        language=_language(request),
        now=now,
        request_id=request.id,
        headers={"Auto-Submitted": "auto-generated"},
    )


def queue_acknowledgement(
    session: Session, request: Request, *, status_link: str, now: datetime
) -> None:
    """Acknowledgement (legal.md L1, M8): receipt date, due "from X to Y", next steps, link."""
    language = _language(request)
    assert request.received_at is not None and request.due_date is not None
    received = request.received_at.astimezone(ZoneInfo(request.controller.timezone)).date()
    text, html = _render(
        "ack",
        request,
        status_link=status_link,
        received_on=long_date(received, language),
        due_on=long_date(request.due_date, language),
    )
    enqueue(
        session,
        key=f"ack:{request.id}",
        recipient=request.subject_email or "",
        subject=_subject("ack", request),
        text=text,
        html=html,
        language=language,
        now=now,
        request_id=request.id,
        headers={"Auto-Submitted": "auto-generated"},
    )
