"""One journey in a real browser, on each database: a subject asks in German for a copy of
their data and confirms it from the mail; a DPO signs in with a password and a TOTP code and
takes the request from the queue to the sent answer by clicking through the case page's
checklist; the subject opens the mailed link, enters the password and downloads the copy.
axe-core checks every page either of them sees: no violation of serious or critical impact.

The live server, the SMTP sink (aiosmtpd) and the demo shop (the controller's SQL source) are
real; the server commits to a database of the run's backend (a SQLite file or PostgreSQL).
"""

from __future__ import annotations

import dataclasses
import hashlib
import io
import json
import zipfile
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path
from urllib.parse import urlsplit

import pyotp
import pytest
from axe_playwright_python.sync_playwright import Axe
from flask import Flask
from sqlalchemy import select

from dsar.accounts.models import Role
from dsar.extensions import db
from dsar.jobs.scheduler import run_job
from dsar.requests.models import Request
from dsar.requests.workflow import Status
from tests.conftest import serving
from tests.factories import PASSWORD, make_staff
from tests.fulfilment.conftest import GOLDEN_EMAIL, GOLDEN_NUMBER
from tests.intake.conftest import link_in
from tests.shops import private_shop_url

pytestmark = pytest.mark.browser
SECRET = pyotp.random_base32()
SERIOUS = ("serious", "critical")
DPO_EMAIL = "dana@example.org"


@pytest.fixture
def journey_app(  # type: ignore[no-untyped-def]
    committed_db_app: Flask,
    backend: str,
    demo_shop_template: str,
    smtp_server,
    request: pytest.FixtureRequest,
    tmp_path: Path,
) -> Flask:
    """The committed app of this backend, mailing to the SMTP sink, searching a demo shop of its
    own on the same backend, with a DPO who has TOTP enrolled."""
    app = committed_db_app
    app.config["DSAR_SETTINGS"] = dataclasses.replace(
        app.config["DSAR_SETTINGS"], smtp_host="127.0.0.1", smtp_port=smtp_server.port
    )
    shop = private_shop_url(backend, demo_shop_template, request, tmp_path)
    registers = []
    for register in app.extensions["dsar.registers"]:
        sources = [
            s.model_copy(update={"read_url": shop, "write_url": shop}) if s.id == "shop_db" else s
            for s in register.sources
        ]
        registers.append(register.model_copy(update={"sources": sources}))
    app.extensions["dsar.registers"] = registers
    with app.app_context():
        user = make_staff(db.session, datetime.now(UTC), email=DPO_EMAIL, role=Role.DPO)
        user.totp_secret = SECRET
        db.session.commit()
    return app


@pytest.fixture
def journey_server(journey_app: Flask) -> Iterator[str]:
    with serving(journey_app) as url:
        yield url


@pytest.fixture
def subject_page(browser):  # type: ignore[no-untyped-def]
    """The subject's browser: German first."""
    context = browser.new_context(locale="de-DE", extra_http_headers={"Accept-Language": "de"})
    yield context.new_page()
    context.close()


@pytest.fixture
def staff_page(browser):  # type: ignore[no-untyped-def]
    """The DPO's browser, another person's: English first."""
    context = browser.new_context(locale="en-GB", extra_http_headers={"Accept-Language": "en"})
    yield context.new_page()
    context.close()


class Axed:
    """axe-core on each page seen, kept by a name for the page: its serious or critical findings."""

    def __init__(self) -> None:
        self.found: dict[str, list[str]] = {}

    def __call__(self, page, name: str) -> None:  # type: ignore[no-untyped-def]
        page.wait_for_load_state()
        results = Axe().run(page)
        self.found[name] = [
            f"{v['id']} ({v['impact']}): {v['help']} at {[n['target'] for n in v['nodes']][:3]}"
            for v in results.response["violations"]
            if v["impact"] in SERIOUS
        ]


def _mails(app: Flask, smtp_server) -> list:  # type: ignore[no-untyped-def]
    """Send what the outbox holds (the scheduler's job); every message the sink received."""
    run_job(app, "dispatch_outbox")
    return smtp_server.handler.messages


def _text(mail) -> str:  # type: ignore[no-untyped-def]
    return str(mail.get_body(("plain",)).get_content())


def _next(page, step: str) -> None:  # type: ignore[no-untyped-def]
    """Follow the case page's checklist: its next step is `step`."""
    link = page.locator("#checklist li.next a")
    assert link.inner_text() == step
    if (link.get_attribute("href") or "").startswith("#"):
        link.click()  # a part of the case page itself
    else:
        _follow(page, link)


def _follow(page, locator) -> None:  # type: ignore[no-untyped-def]
    """Click a link or a button and wait until the page it leads to has loaded."""
    with page.expect_navigation():
        locator.click()


def _stored(app: Flask, reference: str) -> Request:
    with app.app_context():
        found = db.session.execute(
            select(Request).where(Request.reference == reference)
        ).scalar_one()
        db.session.expunge(found)
        return found


def test_a_subject_and_a_dpo_from_the_form_to_the_downloaded_copy(  # type: ignore[no-untyped-def]
    subject_page,
    staff_page,
    journey_app: Flask,
    journey_server: str,
    smtp_server,
    artifacts_dir: Path,
    backend: str,
) -> None:
    axe = Axed()
    base = journey_server
    page, staff = subject_page, staff_page

    # 1. The subject: the German form, the confirmation link from the mail, the status page.
    page.goto(f"{base}/c/demo/")
    assert page.locator("html").get_attribute("lang") == "de"
    axe(page, "subject: start")
    _follow(page, page.get_by_role("link", name="Auskunft").first)
    axe(page, "subject: access form")
    page.screenshot(path=str(artifacts_dir / f"journey-{backend}-1-form.png"), full_page=True)
    page.get_by_label("Ihr Name").fill("Zoë Andersson")
    page.get_by_label("Ihre E-Mail-Adresse").fill(GOLDEN_EMAIL)
    page.get_by_label("Kundennummer").fill(GOLDEN_NUMBER)
    _follow(page, page.get_by_role("button", name="Anfrage senden").last)
    assert page.locator("h1").inner_text() == "Bitte bestätigen Sie Ihre E-Mail-Adresse"
    reference = page.locator(".reference").inner_text()
    axe(page, "subject: submitted")
    [confirm_mail] = _mails(journey_app, smtp_server)
    assert confirm_mail["To"] == GOLDEN_EMAIL
    page.goto(base + urlsplit(link_in(confirm_mail, "/c/demo/confirm/")).path)
    axe(page, "subject: confirm")
    _follow(page, page.get_by_role("button", name="Meine Anfrage bestätigen"))
    assert page.locator("h1").inner_text() == "Danke: Ihre Anfrage ist bestätigt"
    axe(page, "subject: confirmed")
    received = _mails(journey_app, smtp_server)[1]
    page.goto(base + urlsplit(link_in(received, "/c/demo/status/")).path)
    assert "Wir haben Ihre Anfrage erhalten" in page.locator("#status-text").inner_text()
    axe(page, "subject: status")
    page.screenshot(path=str(artifacts_dir / f"journey-{backend}-2-status.png"), full_page=True)
    assert _stored(journey_app, reference).status is Status.NEW

    # 2. The DPO: password and TOTP, the queue searched by reference, the case page's checklist.
    staff.goto(f"{base}/staff/login")
    axe(staff, "staff: login")
    staff.fill("#email", DPO_EMAIL)
    staff.fill("#password", PASSWORD)
    staff.click("button[type=submit]")
    staff.wait_for_url("**/staff/login/totp")
    axe(staff, "staff: totp")
    staff.fill("#code", pyotp.TOTP(SECRET).now())
    staff.click("button[type=submit]")
    staff.wait_for_url("**/staff/queue")
    axe(staff, "staff: queue")
    staff.get_by_label("Search (reference, name, e-mail)").fill(reference)
    _follow(staff, staff.locator("form.filters button[type=submit]"))
    assert "q=DSAR-" in staff.url
    axe(staff, "staff: queue searched")
    _follow(staff, staff.get_by_role("link", name=reference))
    axe(staff, "staff: case")
    _next(staff, "Identity settled")
    staff.click("form[data-decision=verify_identity] button")
    staff.wait_for_selector("text=Done: verify identity.")
    axe(staff, "staff: identity verified")
    _next(staff, "Every source searched")
    axe(staff, "staff: data")
    _follow(staff, staff.get_by_text("Search all sources"))
    axe(staff, "staff: searched")
    # The demo's one manual source: its result and how it was searched.
    staff.check("input[name=outcome][value=nothing_found]")
    staff.get_by_label("How it was searched").fill("Searched the support mailbox by e-mail.")
    _follow(staff, staff.locator("form:has(input[name=outcome]) button[type=submit]"))
    axe(staff, "staff: manual source recorded")
    staff.get_by_label("Protect the download with a password (sent separately)").check()
    staff.click("text=Build export and mail the link")  # back on the request's page
    staff.wait_for_selector("text=the download link was mailed")
    flashed = staff.locator("text=Send this password by another channel").inner_text()
    password = flashed.rsplit(": ", 1)[1].strip()
    axe(staff, "staff: export built")
    assert "Nothing is missing: prepare the answer below." in staff.inner_text("#answer")
    _next(staff, "Answer prepared")
    staff.click("form[data-decision=prepare_answer] button")
    staff.wait_for_url("**/staff/letters/*")
    axe(staff, "staff: drafted letter")
    staff.screenshot(path=str(artifacts_dir / f"journey-{backend}-3-letter.png"), full_page=True)
    staff.click("#approve-send")
    staff.wait_for_selector("text=Approved and queued for")
    axe(staff, "staff: letter approved")
    link_mail, answer = _mails(journey_app, smtp_server)[2:]
    staff.reload()
    assert "The request was answered on" in staff.inner_text("#sent")
    axe(staff, "staff: letter delivered")
    done = _stored(journey_app, reference)
    assert done.status is Status.COMPLETED and done.answered_at is not None
    staff.goto(f"{base}/staff/requests/{done.id}")
    assert staff.inner_text("#status") == "completed"
    assert staff.locator("#checklist li:not(.done)").count() == 0
    axe(staff, "staff: case completed")

    # 3. The subject: the answer in German, the link mailed with it, the password, the ZIP.
    assert (answer["To"], link_mail["To"]) == (GOLDEN_EMAIL, GOLDEN_EMAIL)
    mails = [confirm_mail, received, link_mail, answer]
    assert [m["Content-Language"] for m in mails] == ["de"] * 4  # the language of the form
    assert answer["Subject"] == f"Ihr Antrag auf Auskunft nach Art. 15 DSGVO ({reference})"
    assert "Die Datei ist durch ein Passwort geschützt." in _text(answer)
    assert password not in _text(link_mail)
    page.goto(base + urlsplit(link_in(link_mail, "/c/demo/download/")).path)
    assert page.locator("html").get_attribute("lang") == "de"
    axe(page, "subject: download password")
    page.screenshot(path=str(artifacts_dir / f"journey-{backend}-4-download.png"), full_page=True)
    page.fill("#password", password)
    with page.expect_download() as started:
        page.click("main button[type=submit]")
    copy = zipfile.ZipFile(io.BytesIO(Path(started.value.path()).read_bytes()))
    manifest = json.loads(copy.read("manifest.json"))
    assert (manifest["format"], manifest["reference"]) == ("dsar-manifest/1", reference)
    assert {"data.json", "index.html"} <= {f["name"] for f in manifest["files"]}
    for member in manifest["files"]:  # the manifest names every member with its SHA-256
        assert hashlib.sha256(copy.read(member["name"])).hexdigest() == member["sha256"]
    assert GOLDEN_NUMBER in copy.read("data.json").decode()
    # The status page (its link from the first mail) now shows the answer, the letter and the copy.
    page.goto(base + urlsplit(link_in(received, "/c/demo/status/")).path)
    assert page.locator("#answered-on").count() == 1
    assert page.locator("#thread-items li.download a").count() == 1
    axe(page, "subject: status answered")
    _follow(page, page.locator("#thread-items li.letter a").first)
    assert reference in page.inner_text("body")
    axe(page, "subject: letter")

    # 4. axe-core on every page either of them saw.
    assert axe.found == {name: [] for name in axe.found}
    assert len(axe.found) == 23  # none left out by a repeated name
