"""The case page in German at 1280x800 in headless chromium: German words are longer, yet the page
never scrolls sideways, shows no raw value, and its checklist speaks German (issue 21)."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.staff.test_browser import _sign_in
from tests.staff.test_browser_fit import _fits_and_reads, thirty

pytestmark = pytest.mark.browser
__all__ = ["thirty"]  # the fixture: 30 requests of long names, and a rectification to open


def test_the_german_case_page_fits_1280_and_its_checklist_is_german(  # type: ignore[no-untyped-def]
    page, live_server: str, thirty: int, artifacts_dir: Path
) -> None:
    page.set_viewport_size({"width": 1280, "height": 800})
    page.set_extra_http_headers({"Accept-Language": "de"})
    _sign_in(page, live_server)
    page.goto(f"{live_server}/staff/requests/{thirty}")
    text = _fits_and_reads(page)
    checklist = page.locator("#checklist")
    assert checklist.locator("li.next").inner_text().startswith("○ Identität geklärt")
    assert "· als Nächstes" in checklist.locator("li.next").inner_text()
    states = checklist.locator("li span[aria-label]").evaluate_all(
        "spans => spans.map(s => s.getAttribute('aria-label'))"
    )
    assert states and set(states) <= {"offen", "erledigt"}
    main = page.inner_text("main")
    for english in (
        "Identity settled",
        "· next",
        "Decisions",
        "Timeline",
        "(typed)",
        "Internal note",
    ):
        assert english not in main, english
    assert "(eingegeben)" in main
    assert "Hauptstraße 1, 10115 Berlin → Hauptstraße 2, 10115 Berlin" in text
    for german in ("Entscheidungen", "Verlauf", "Zuweisung speichern", "Interne Notiz"):
        assert german in text, german
    page.screenshot(path=str(artifacts_dir / "staff-case-1280-de.png"), full_page=True)
    page.select_option("#assignee", label="dana@example.org")
    page.click("text=Zuweisung speichern")
    page.wait_for_selector("text=zuständig: niemand → dana@example.org")
    _fits_and_reads(page)
    page.click(f"a[href$='/staff/requests/{thirty}/letters']")
    page.wait_for_url("**/letters")
    text = _fits_and_reads(page)
    assert "Schreiben zu" in text and "Schreiben entwerfen" in text
