"""A screenshot of the staff preview page, through a real login in headless chromium."""

from __future__ import annotations

from pathlib import Path

import pytest
from flask import Flask
from sqlalchemy import select

from dsar.accounts.models import Role
from dsar.accounts.operations import create_staff
from dsar.controllers.models import Controller
from dsar.extensions import db
from dsar.letters.operations import draft_letter
from tests.factories import PASSWORD, make_request


@pytest.mark.browser
def test_preview_page_screenshot(
    live_app: Flask, live_server: str, page, artifacts_dir: Path, now
) -> None:  # type: ignore[no-untyped-def]
    with live_app.app_context():
        create_staff(
            db.session,
            email="dpo@demo.example",
            name="Dana",
            role=Role.DPO,
            password=PASSWORD,
            now=now,
            actor="system",
        )
        controller = db.session.execute(select(Controller)).scalars().one()
        request = make_request(
            db.session, controller, now, language="de", subject_name="Jürgen Weiß"
        )
        letter = draft_letter(db.session, request, actor="test", now=now)
        db.session.commit()
        letter_id = letter.id

    page.goto(f"{live_server}/staff/login")
    page.fill("input[name=email]", "dpo@demo.example")
    page.fill("input[name=password]", PASSWORD)
    page.click("button[type=submit]")
    page.goto(f"{live_server}/staff/letters/{letter_id}")
    frame = page.frame_locator("iframe[title='Letter preview']")
    assert "Demo Shop GmbH" in frame.locator(".letterhead").inner_text()
    assert "Eingangsbestätigung zu Ihrem Antrag auf Auskunft" in page.inner_text("body")
    page.screenshot(path=str(artifacts_dir / "letter-preview.png"), full_page=True)
    assert (artifacts_dir / "letter-preview.png").stat().st_size > 10_000
