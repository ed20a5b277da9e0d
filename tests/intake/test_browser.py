"""A real browser submits a request and confirms it through the link read from the SMTP server."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import datetime
from pathlib import Path
from urllib.parse import urlsplit

import pytest
from flask import Flask

from dsar.extensions import db
from dsar.outbox.dispatch import dispatch_outbox
from dsar.requests.models import Request
from dsar.requests.workflow import Status
from tests.conftest import committed_app, serving
from tests.intake.conftest import link_in


@pytest.fixture
def mail_app(tmp_path: Path, now: datetime, smtp_server) -> Iterator[Flask]:  # type: ignore[no-untyped-def]
    with committed_app(tmp_path, now, smtp_host="127.0.0.1", smtp_port=smtp_server.port) as app:
        yield app


@pytest.fixture
def mail_server_url(mail_app: Flask) -> Iterator[str]:
    with serving(mail_app) as url:
        yield url


def _dispatch(app: Flask) -> None:
    from dsar.core import clock

    with app.app_context():
        dispatch_outbox(db.session, app.config["DSAR_SETTINGS"], clock.now())
        db.session.commit()


@pytest.mark.browser
def test_submit_and_confirm_in_a_browser(
    page, mail_app, mail_server_url, smtp_server, artifacts_dir
) -> None:  # type: ignore[no-untyped-def]
    page.set_viewport_size({"width": 390, "height": 844})  # a phone
    page.goto(f"{mail_server_url}/c/demo/?lang=de")
    assert page.locator("h1").inner_text() == "Ihre Datenschutzrechte bei Demo Shop GmbH"
    page.screenshot(path=str(artifacts_dir / "intake-1-start.png"), full_page=True)
    page.get_by_role("link", name="Ihre Daten berichtigen").click()

    page.get_by_label("Was falsch ist").first.fill("Lüdenscheid")
    page.get_by_label("Der richtige Wert").first.fill("Müller-Lüdenscheidt")
    page.get_by_label("Ihr Name").fill("Jędrzej Müller-Lüdenscheidt")
    page.get_by_label("Ihre E-Mail-Adresse").fill("jedrzej@example.org")
    page.get_by_label("Kundennummer").fill("K-100042")
    page.screenshot(path=str(artifacts_dir / "intake-2-form.png"), full_page=True)
    page.get_by_role("button", name="Anfrage senden").click()

    assert page.locator("h1").inner_text() == "Bitte bestätigen Sie Ihre E-Mail-Adresse"
    reference = page.locator(".reference").inner_text()
    assert reference.startswith("DSAR-")
    page.screenshot(path=str(artifacts_dir / "intake-3-submitted.png"), full_page=True)

    _dispatch(mail_app)
    [mail] = smtp_server.handler.messages
    assert mail["To"] == "jedrzej@example.org"
    link = link_in(mail, "/c/demo/confirm/")
    page.goto(mail_server_url + urlsplit(link).path)
    page.screenshot(path=str(artifacts_dir / "intake-4-confirm.png"), full_page=True)
    page.keyboard.press("Tab")  # keyboard only: the skip link, the header links, then the button
    page.get_by_role("button", name="Meine Anfrage bestätigen").focus()
    with page.expect_navigation():
        page.keyboard.press("Enter")
    assert page.locator("h1").inner_text() == "Danke: Ihre Anfrage ist bestätigt"
    page.screenshot(path=str(artifacts_dir / "intake-5-confirmed.png"), full_page=True)

    with mail_app.app_context():
        request = db.session.execute(db.select(Request)).scalar_one()
        assert request.reference == reference
        assert request.status is Status.NEW and request.received_at is not None
        assert request.details["items"] == [
            {"wrong": "Lüdenscheid", "correct": "Müller-Lüdenscheidt"}
        ]
    _dispatch(mail_app)
    status_link = link_in(smtp_server.handler.messages[1], "/c/demo/status/")
    page.goto(mail_server_url + urlsplit(status_link).path)
    assert "Wir haben Ihre Anfrage erhalten" in page.locator("#status-text").inner_text()
    page.screenshot(path=str(artifacts_dir / "intake-6-status.png"), full_page=True)
