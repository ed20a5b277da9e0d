"""axe-core (the copy axe-playwright-python bundles) on the public form and the staff pages a
DPO works through: no violation of serious or critical impact."""

from __future__ import annotations

from pathlib import Path

import pytest
from axe_playwright_python.sync_playwright import Axe

from tests.staff.test_browser import _sign_in
from tests.staff.test_browser_fit import thirty  # noqa: F401 - the fixture: 31 requests

pytestmark = pytest.mark.browser
SERIOUS = ("serious", "critical")


def _serious(page) -> list[str]:  # type: ignore[no-untyped-def]
    results = Axe().run(page)
    return [
        f"{v['id']} ({v['impact']}): {v['help']} at {[n['target'] for n in v['nodes']][:3]}"
        for v in results.response["violations"]
        if v["impact"] in SERIOUS
    ]


def test_staff_pages_have_no_serious_accessibility_violations(  # type: ignore[no-untyped-def]
    page,
    live_server: str,
    thirty: int,  # noqa: F811 - the imported fixture, by name
    artifacts_dir: Path,
) -> None:
    page.set_viewport_size({"width": 1280, "height": 800})
    found = {}
    for path in ("/c/demo/", "/c/demo/request/access?lang=de", "/staff/login"):
        page.goto(f"{live_server}{path}")
        found[path] = _serious(page)
    _sign_in(page, live_server)
    for path in (
        "/staff/queue",
        "/staff/queue?status=all&overdue=1",
        f"/staff/requests/{thirty}",
        f"/staff/requests/{thirty}/letters",
        "/staff/dashboard",
        "/staff/mail",
    ):
        page.goto(f"{live_server}{path}")
        found[path] = _serious(page)
    assert found == {path: [] for path in found}


def test_the_check_finds_a_serious_violation(page) -> None:  # type: ignore[no-untyped-def]
    """The check is not empty: an image without a text alternative is critical for axe."""
    page.set_content('<html lang="en"><title>t</title><main><img src="x.png"></main></html>')
    assert any(v.startswith("image-alt (critical)") for v in _serious(page))
