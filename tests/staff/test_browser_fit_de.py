"""The queue in German at 1280x800 in headless chromium: German words are longer, yet nothing
scrolls sideways, and no right or status is left in English; axe-core finds nothing serious on
part A's pages in German (issue 21)."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from dsar.web.staff.labels import RIGHT_LABELS, STATUS_LABELS
from tests.staff.test_browser import _sign_in
from tests.staff.test_browser_axe import _serious
from tests.staff.test_browser_fit import _fits_and_reads, thirty  # noqa: F401 - the fixture

pytestmark = pytest.mark.browser
GERMAN = {"Accept-Language": "de-DE,de;q=0.9"}


def _english_labels() -> list[str]:
    """The English words of every right and status (the catalog's msgids)."""
    return [label._args[0] for label in [*RIGHT_LABELS.values(), *STATUS_LABELS.values()]]


@pytest.mark.usefixtures("thirty")
def test_the_german_queue_fits_1280_and_speaks_german(  # type: ignore[no-untyped-def]
    page, live_server: str, artifacts_dir: Path
) -> None:
    page.set_extra_http_headers(GERMAN)  # a German browser: the first sign-in stores it
    page.set_viewport_size({"width": 1280, "height": 800})
    page.goto(f"{live_server}/staff/login")
    found = {"/staff/login": _serious(page)}
    _sign_in(page, live_server)
    english = _english_labels()
    for query in ("?status=all", "?status=all&overdue=1"):
        page.goto(f"{live_server}/staff/queue{query}")
        assert page.locator("html").get_attribute("lang") == "de"
        text = _fits_and_reads(page)
        assert "Mir zuweisen" in text and "Anfragen" in text
        assert "Widerruf der Einwilligung (Art. 7 Abs. 3)" in text
        left = [w for w in english if re.search(rf"(?<![\w-]){re.escape(w)}(?![\w-])", text)]
        assert left == [], f"English on {page.url}"
    page.goto(f"{live_server}/staff/queue?status=all")
    assert page.locator("input[name=ids]").count() == 31
    heights = page.eval_on_selector_all(
        "table.queue tbody td:nth-child(2) a", "links => links.map(a => a.getClientRects().length)"
    )
    assert heights and set(heights) == {1}  # every reference on one line
    button = page.locator("button.link", has_text="Mir zuweisen").first.bounding_box()
    assert button is not None and button["x"] + button["width"] <= 1280
    page.screenshot(path=str(artifacts_dir / "staff-queue-1280-de.png"))
    for path in ("/staff/queue", "/staff/dashboard", "/staff/mail", "/staff/requests/new"):
        page.goto(f"{live_server}{path}")
        found[path] = _serious(page)
    assert found == {path: [] for path in found}  # axe-core, in German too
