"""Redaction in headless chromium: an area drawn with the mouse on page 2 is what gets marked
(the page's own script, allowed by the CSP, fills in the page and coordinates).

The page loads its page images at once, in parallel: the server needs an app with plain
sessions (committed_db_app), not one joined to the test's single connection.
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path

import pytest
from flask import Flask
from sqlalchemy import select

from dsar.accounts.models import Role
from dsar.controllers.models import Controller
from dsar.extensions import db
from dsar.files.storage import FileStore
from dsar.fulfilment.manual_findings import add_finding, check_extract, store_extract
from dsar.fulfilment.manual_tasks import open_manual_task
from dsar.redaction.models import Redaction
from dsar.register import find_register
from dsar.register.datasources import ManualSource
from tests.conftest import serving
from tests.factories import make_request, make_staff
from tests.redaction.documents import text_pdf
from tests.staff.test_browser import SECRET, _sign_in
from tests.staff.test_browser_axe import _serious

pytestmark = pytest.mark.browser


@pytest.fixture
def live_app(committed_db_app: Flask) -> Flask:
    return committed_db_app


@pytest.fixture
def live_server(live_app: Flask) -> Iterator[str]:
    with serving(live_app) as url:
        yield url


@pytest.fixture
def redaction_url(live_app: Flask, live_server: str) -> str:
    now = datetime.now(UTC)
    with live_app.app_context():
        user = make_staff(db.session, now, email="dana@example.org", role=Role.DPO)
        user.totp_secret = SECRET
        controller = db.session.execute(select(Controller)).scalars().first()
        assert controller is not None
        request = make_request(db.session, controller, now)
        registers = live_app.extensions["dsar.registers"]
        source = find_register(registers, controller.slug).source("accounting")
        assert isinstance(source, ManualSource)
        task = open_manual_task(db.session, request, source, language="en", now=now)
        store = FileStore.from_settings(live_app.config["DSAR_SETTINGS"])
        upload = check_extract("ticket.pdf", text_pdf(), max_bytes=1_000_000)
        file_id = store_extract(db.session, store, request, upload, now=now)
        add_finding(db.session, request, task, categories=source.categories,
                    category=source.categories[0], description="Ticket", rows=[],
                    file_id=file_id, actor="dana@example.org", now=now)  # fmt: skip
        db.session.commit()
        return f"{live_server}/staff/requests/{request.id}/files/{file_id}/redaction"


def test_an_area_drawn_on_page_two_is_marked(  # type: ignore[no-untyped-def]
    page, live_server: str, live_app: Flask, redaction_url: str, artifacts_dir: Path
) -> None:
    errors: list[str] = []
    page.on("console", lambda m: errors.append(m.text) if "Content Security" in m.text else None)
    failed: list[str] = []
    page.on("response", lambda r: failed.append(r.url) if r.status >= 400 else None)
    _sign_in(page, live_server)
    page.goto(redaction_url)
    image = page.locator("#page-2 img")
    image.scroll_into_view_if_needed()
    page.wait_for_load_state("networkidle")
    for _ in range(50):  # the lazy page image has loaded (no wait_for_function: the CSP)
        if image.evaluate("img => img.complete && img.naturalWidth > 0"):
            break
        page.wait_for_timeout(100)
    box = image.bounding_box()
    assert box is not None
    # From (60, 280) to (400, 310) in points: the page is 595 x 842 points wide and high.
    sx, sy = box["width"] / 595, box["height"] / 842
    page.mouse.move(box["x"] + 60 * sx, box["y"] + 280 * sy)
    page.mouse.down()
    page.mouse.move(box["x"] + 230 * sx, box["y"] + 295 * sy, steps=5)
    page.mouse.move(box["x"] + 400 * sx, box["y"] + 310 * sy, steps=5)
    page.mouse.up()
    assert page.input_value("#area-page") == "2"
    x0, y0, x1, y1 = (float(page.input_value(f"#area-{n}")) for n in ("x0", "y0", "x1", "y1"))
    assert abs(x0 - 60) < 3 and abs(y0 - 280) < 3 and abs(x1 - 400) < 3 and abs(y1 - 310) < 3
    page.select_option("#area-reason", "trade_secret")
    page.click("#area-form button[type=submit]")
    page.wait_for_selector("#redactions")
    assert "an area on page 2" in page.inner_text("#redactions")
    page.screenshot(path=str(artifacts_dir / "staff-redaction.png"), full_page=True)
    assert _serious(page) == []  # axe-core: no serious or critical accessibility violation
    page.click("#apply")
    page.wait_for_selector("#redacted-copy")
    with live_app.app_context():
        [redaction] = db.session.execute(select(Redaction)).scalars().all()
        assert (redaction.page, redaction.matches) == (1, 1)
        assert redaction.job.redacted_file_id is not None
    assert errors == []  # no script refused by the Content-Security-Policy
    assert [url for url in failed if not url.endswith("/favicon.ico")] == []
