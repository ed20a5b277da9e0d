"""The public form keeps what was typed: across a language switch, and past the hourly limit."""

from __future__ import annotations

import re
import time
from datetime import UTC, datetime
from zoneinfo import ZoneInfo

import pytest
from sqlalchemy import func, select

from dsar.requests.models import Request
from tests.intake.conftest import form_data

TYPED = {"name": "Zoë Halbfertig", "email": "halb@example.org", "message": "Schon getippt"}


def _count(session) -> int:  # type: ignore[no-untyped-def]
    return session.execute(select(func.count()).select_from(Request)).scalar_one()


def test_the_switch_is_a_button_of_the_form(client, controller) -> None:  # type: ignore[no-untyped-def]
    page = client.get("/c/demo/request/access?lang=en").get_data(as_text=True)
    assert '<form id="request-form"' in page
    button = re.search(r'<button[^>]*name="switch_lang" value="de"[^>]*>', page)
    assert button is not None
    assert 'form="request-form"' in button.group(0)
    assert 'formaction="/c/demo/request/access?lang=de"' in button.group(0)
    assert "formnovalidate" in button.group(0)


@pytest.mark.parametrize("email", [TYPED["email"], ""])  # complete, and half-filled
def test_switching_language_keeps_the_values_and_stores_nothing(  # type: ignore[no-untyped-def]
    client, session, controller, no_csrf, email: str
) -> None:
    data = form_data(**{**TYPED, "email": email}, switch_lang="de")
    response = client.post("/c/demo/request/access?lang=de", data=data)
    assert response.status_code == 200
    page = response.get_data(as_text=True)
    assert "Anfrage senden" in page  # now in German
    assert 'value="Zoë Halbfertig"' in page
    assert ">\r\nSchon getippt</textarea>" in page
    assert 'role="alert"' not in page  # not validated: no errors for what is still to come
    assert _count(session) == 0
    # The next page stays German without ?lang= (the switch is remembered).
    assert "Anfrage senden" in client.get("/c/demo/request/access").get_data(as_text=True)


def test_switching_language_does_not_count_against_the_limit(  # type: ignore[no-untyped-def]
    client, session, controller, no_csrf
) -> None:
    for _ in range(12):
        data = form_data(**TYPED, switch_lang="en")
        assert client.post("/c/demo/request/access", data=data).status_code == 200
    assert client.post("/c/demo/request/access", data=form_data(**TYPED)).status_code == 302


@pytest.mark.parametrize(
    ("lang", "says"),
    [
        ("en", "You can send it again from {time} (Europe/Berlin)"),
        ("de", "Sie können es ab {time} Uhr (Europe/Berlin) wieder senden"),
    ],
)
def test_past_the_hourly_limit_the_form_comes_back_with_the_values(  # type: ignore[no-untyped-def]
    client, session, controller, no_csrf, lang: str, says: str
) -> None:
    client.get(f"/c/demo/request/access?lang={lang}")
    started = time.time()
    for n in range(10):
        data = form_data(email=f"p{n}@example.org")
        assert client.post("/c/demo/request/access", data=data).status_code == 302
    blocked = client.post("/c/demo/request/access", data=form_data(**TYPED))
    assert blocked.status_code == 429
    page = blocked.get_data(as_text=True)
    assert 'value="Zoë Halbfertig"' in page and ">\r\nSchon getippt</textarea>" in page
    assert '<form id="request-form"' in page
    # The window opened with the first of the ten hits and closes an hour later (a second's
    # rounding may move it into the next minute).
    berlin = ZoneInfo("Europe/Berlin")
    times = {
        f"{datetime.fromtimestamp(started + 3600 + extra, UTC).astimezone(berlin):%H:%M}"
        for extra in (0, 60)
    }
    assert any(says.format(time=t) in page for t in times), page
    assert _count(session) == 10


def test_a_switch_says_attached_files_must_be_chosen_again(  # type: ignore[no-untyped-def]
    client, session, controller, no_csrf
) -> None:
    """A browser never fills a file field again: the page says so instead of losing them quietly."""
    import io

    data = form_data(**TYPED, switch_lang="de", documents=(io.BytesIO(b"%PDF-1.4"), "id.pdf"))
    page = client.post(
        "/c/demo/request/access?lang=de", data=data, content_type="multipart/form-data"
    ).get_data(as_text=True)
    assert "Die angehängten Dateien wurden nicht übernommen" in page
    assert _count(session) == 0
    plain = client.post("/c/demo/request/access", data=form_data(**TYPED, switch_lang="de"))
    assert "Die angehängten Dateien" not in plain.get_data(as_text=True)
