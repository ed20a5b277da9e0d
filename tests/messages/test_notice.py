"""The notice mail in each language: the reference and the status link, never the message."""

from __future__ import annotations

import pytest
from flask import Flask
from sqlalchemy import select

from dsar.files.storage import FileStore
from dsar.messages.operations import post_from_staff
from dsar.outbox.models import OutboxMessage
from dsar.requests.models import RequestEvent
from tests.factories import make_request, make_staff


@pytest.mark.parametrize(
    ("language", "subject", "sentence"),
    [
        ("en", "New message about your request", "this e-mail does not contain the message"),
        ("de", "Neue Nachricht zu Ihrer Anfrage", "enthält diese E-Mail die Nachricht nicht"),
    ],
)
def test_notice_in_the_request_language(  # type: ignore[no-untyped-def]
    app: Flask, session, controller, now, language, subject, sentence
) -> None:
    settings = app.config["DSAR_SETTINGS"]
    request = make_request(session, controller, now, language=language)
    staff = make_staff(session, now)
    store = FileStore.from_settings(settings)
    body = "Ihre IBAN DE02 1203 0000 0000 2020 51?"
    post_from_staff(session, request, staff, body, [], now, store, settings=settings)
    mail = session.scalars(select(OutboxMessage)).one()
    assert mail.subject == f"{subject} {request.reference}"
    assert sentence in mail.body_text
    assert f"{settings.base_url.rstrip('/')}/c/demo/status/" in mail.body_text
    assert "IBAN" not in mail.body_text and mail.body_html is None
    assert mail.language == language and mail.headers == {"Auto-Submitted": "auto-generated"}


def test_no_address_no_mail_and_the_trail_says_so(app: Flask, session, controller, now) -> None:  # type: ignore[no-untyped-def]
    settings = app.config["DSAR_SETTINGS"]
    request = make_request(session, controller, now, subject_email=None)
    store = FileStore.from_settings(settings)
    post_from_staff(
        session, request, make_staff(session, now), "Hi", [], now, store, settings=settings
    )
    assert session.scalars(select(OutboxMessage)).all() == []
    event = session.scalars(
        select(RequestEvent).where(RequestEvent.action == "message_posted")
    ).one()
    assert event.payload["notified"] is False
