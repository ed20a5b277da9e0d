"""The data pages in German for a browser that asks for it: search results, manual sources,
exports and the review of rows, and the flash after leaving a row out; none of their English
words left (issue 21)."""

from __future__ import annotations

import re

from tests.fulfilment import conftest as fulfilment_fixtures
from tests.fulfilment.test_export import _prepared

shop = fulfilment_fixtures.shop
verified_request = fulfilment_fixtures.verified_request
GERMAN = {"Accept-Language": "de"}
LOGS = "/staff/requests/{id}/data/review/shop_db/web_logs"


def _main(html: str) -> str:
    return html.split("<main", 1)[1].split("</main>", 1)[0]


def test_the_data_page_speaks_german(  # type: ignore[no-untyped-def]
    app, session, now, agent, as_user, verified_request
) -> None:
    request = verified_request(subject_email="kunde060@example.org", details={})
    request.assignee = agent
    _prepared(app, session, now, request)
    staff = as_user(agent)
    page = _main(
        staff.get(f"/staff/requests/{request.id}/data", headers=GERMAN).get_data(as_text=True)
    )
    for words in (
        "Daten zu",
        "Zurück zur Anfrage",
        "Alle Quellen erneut durchsuchen",
        "Gefunden (Suche vom",
        "Quelle",
        "Zeilen",
        "alle 400 Zeilen prüfen",
        "Manuelle Quellen",
        "Suchen nach:",
        "Erledigt am",
        "nichts gefunden",
        "Export erstellen und Link mailen",
        "Auskunft (Art. 15)",
    ):
        assert words in page, words
    for words in (
        "Back to the request",
        "Search all sources",
        "Found (search",
        ">Source<",
        "review all",
        "Manual sources",
        "Search by:",
        "Done ",
        "nothing found",
        "Build export",
        ">access<",
        "UTC",
    ):
        assert words not in page, words


def test_the_review_page_and_its_flash_speak_german(  # type: ignore[no-untyped-def]
    app, session, now, agent, as_user, verified_request, no_csrf
) -> None:
    request = verified_request(subject_email="kunde060@example.org", details={})
    request.assignee = agent
    _prepared(app, session, now, request)
    staff = as_user(agent)
    page = _main(staff.get(LOGS.format(id=request.id), headers=GERMAN).get_data(as_text=True))
    for words in (
        "400 Zeilen gefunden; Zeilen 1–50 unten.",
        "Seite 1 von 8",
        "nächste 50",
        "Ausnehmen",
        "die ganze Zeile",
        "In Ihren Worten",
        "Personenbezogene Daten einer anderen Person",
    ):
        assert words in page, words
    for words in (
        "rows found",
        "page 1 of 8",
        "next 50",
        "Leave out",
        "the whole row",
        "In your words",
        "Personal data of another person",
    ):
        assert words not in page, words
    key = re.findall(r'name="row_key" value="([^"]+)"', page)[0]
    left = staff.post(
        f"/staff/requests/{request.id}/data/exclude",
        data={"source_id": "shop_db", "part": "web_logs", "row_key": key, "field": "",
              "reason_code": "third_party", "reason": "Ein Kollege"},
        headers=GERMAN, follow_redirects=True,
    )  # fmt: skip
    text = _main(left.get_data(as_text=True))
    assert "Die Zeile ist vom Export ausgenommen." in text
    assert "Zeile ausgenommen: Personenbezogene Daten einer anderen Person" in text


def test_a_refused_manual_search_is_explained_in_german(  # type: ignore[no-untyped-def]
    app, session, now, agent, as_user, verified_request, no_csrf
) -> None:
    """The domain's refusal (dsar/fulfilment/manual_tasks.py) is written in the page's language."""
    from sqlalchemy import select

    from dsar.fulfilment.models import ManualTask

    request = verified_request()
    request.assignee = agent
    staff = as_user(agent)
    assert staff.post(f"/staff/requests/{request.id}/data/search").status_code == 302
    task = session.execute(
        select(ManualTask).where(ManualTask.request_id == request.id)
    ).scalar_one()
    done = staff.post(
        f"/staff/requests/{request.id}/data/tasks/{task.id}",
        data={"note": "Im Ordner gesucht", "outcome": "found"},
        headers=GERMAN,
        follow_redirects=True,
    )
    text = done.get_data(as_text=True)
    assert f"erfassen Sie, was {task.source_name} enthält (Zeilen oder einen Auszug)" in text
    assert "before completing as found" not in text
