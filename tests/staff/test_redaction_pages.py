"""The redaction page: who may open it, page images, areas and terms posted as the page's
forms post them (the script fills the same fields), a term found nowhere shown as such, Apply."""

from __future__ import annotations

from datetime import datetime

import pytest
from flask import Flask
from sqlalchemy import select
from sqlalchemy.orm import Session

from dsar.accounts.models import StaffUser
from dsar.controllers.models import Controller
from dsar.files.storage import FileStore
from dsar.fulfilment.manual_findings import add_finding, check_extract, store_extract
from dsar.fulfilment.manual_tasks import open_manual_task
from dsar.redaction.models import RedactionJob
from dsar.register import find_register
from dsar.register.datasources import ManualSource
from dsar.requests.models import Request, RequestEvent
from tests.factories import make_request
from tests.redaction.documents import NEIGHBOUR, pdftotext, red_png, text_pdf

GERMAN = {"Accept-Language": "de"}


@pytest.fixture
def extract(app: Flask, session: Session, controller: Controller, now: datetime):  # type: ignore[no-untyped-def]
    """A request whose "accounting" source (manual) holds a 3-page PDF extract: (request, id)."""
    request = make_request(session, controller, now)
    source = find_register(app.extensions["dsar.registers"], controller.slug).source("accounting")
    assert isinstance(source, ManualSource)
    task = open_manual_task(session, request, source, language="en", now=now)
    store = FileStore.from_settings(app.config["DSAR_SETTINGS"])
    upload = check_extract("ticket.pdf", text_pdf(), max_bytes=1_000_000)
    file_id = store_extract(session, store, request, upload, now=now)
    add_finding(session, request, task, categories=source.categories,
                category=source.categories[0], description="Ticket", rows=[], file_id=file_id,
                actor="dana@example.org", now=now)  # fmt: skip
    session.commit()
    return request, file_id


def _url(request: Request, file_id: int, tail: str = "") -> str:
    return f"/staff/requests/{request.id}/files/{file_id}/redaction{tail}"


def test_agent_and_dpo_open_the_page_and_its_page_images(extract, agent, dpo, as_user) -> None:  # type: ignore[no-untyped-def]
    request, file_id = extract
    for user in (agent, dpo):
        client = as_user(user)
        page = client.get(_url(request, file_id))
        assert page.status_code == 200
        html = page.get_data(as_text=True)
        assert html.count('class="redaction-page"') == 3
        assert "595.0 × 842.0" in html and "redaction.js" in html
        image = client.get(_url(request, file_id, "/pages/1"))
        assert image.status_code == 200 and image.mimetype == "image/png"
        assert image.data.startswith(b"\x89PNG") and image.headers["Cache-Control"] == "no-store"
        assert client.get(_url(request, file_id, "/pages/3")).status_code == 404


def test_the_data_page_offers_redact_for_the_extract(extract, dpo, as_user) -> None:  # type: ignore[no-untyped-def]
    request, file_id = extract
    html = as_user(dpo).get(f"/staff/requests/{request.id}/data").get_data(as_text=True)
    assert f'href="{_url(request, file_id)}"' in html


def test_others_get_404_and_nothing_changes(  # type: ignore[no-untyped-def]
    app, session, extract, other_agent, dpo, as_user, now, no_csrf
) -> None:
    """An agent the request is not assigned to, a DPO of another controller: 404 everywhere."""
    request, file_id = extract
    request.assignee = dpo
    other_dpo = _dpo_of_another_controller(session, now)
    session.commit()
    for user in (other_agent, other_dpo):
        client = as_user(user)
        assert client.get(_url(request, file_id)).status_code == 404
        assert client.get(_url(request, file_id, "/pages/0")).status_code == 404
        term = {"term": NEIGHBOUR, "reason": "third_party"}
        assert client.post(_url(request, file_id, "/terms"), data=term).status_code == 404
        assert client.post(_url(request, file_id, "/apply")).status_code == 404
    assert session.execute(select(RedactionJob)).first() is None


def _dpo_of_another_controller(session: Session, now: datetime) -> StaffUser:
    from tests.factories import make_staff

    other = Controller(slug="aaa", name="Aaa AG", country="AT", timezone="Europe/Vienna",
                       languages=["de", "en"], loaded_at=now)  # fmt: skip
    session.add(other)
    user = make_staff(session, now, email="otto@example.org")
    user.controllers = [other]
    return user


def test_a_non_extract_file_has_no_redaction_page(  # type: ignore[no-untyped-def]
    app, session, controller, now, dpo, as_user
) -> None:
    from dsar.files.models import FilePurpose

    request = make_request(session, controller, now)
    stored = FileStore.from_settings(app.config["DSAR_SETTINGS"]).save(
        session, text_pdf(1), filename="id.pdf", content_type="application/pdf",
        purpose=FilePurpose.IDENTITY_DOCUMENT, now=now, request_id=request.id,
    )  # fmt: skip
    session.commit()
    assert as_user(dpo).get(_url(request, stored.id)).status_code == 404


def test_mark_a_term_and_an_area_preview_and_apply(  # type: ignore[no-untyped-def]
    app, session, extract, dpo, as_user, no_csrf
) -> None:
    request, file_id = extract
    client = as_user(dpo)
    term = {"term": NEIGHBOUR, "reason": "third_party", "reason_text": ""}
    answer = client.post(_url(request, file_id, "/terms"), data=term, follow_redirects=True)
    assert "The term is found in 3 places" in answer.get_data(as_text=True)
    area = {"page": "2", "x0": "60", "y0": "280", "x1": "400", "y1": "310",
            "reason": "other", "reason_text": "supplier's bank details"}  # fmt: skip
    html = client.post(_url(request, file_id, "/areas"), data=area, follow_redirects=True)
    text = html.get_data(as_text=True)
    assert "The area is marked" in text and "supplier&#39;s bank details" in text
    assert "the export is blocked until you apply" in text
    preview = client.get(_url(request, file_id, "/pages/1?preview=1"))
    plain = client.get(_url(request, file_id, "/pages/1"))
    assert preview.status_code == 200 and preview.data != plain.data

    applied = client.post(_url(request, file_id, "/apply"), follow_redirects=True)
    assert "The redacted copy is made" in applied.get_data(as_text=True)
    job = session.execute(select(RedactionJob)).scalar_one()
    assert job.redacted_file_id is not None and not job.pending
    copy = client.get(f"/staff/requests/{request.id}/files/{job.redacted_file_id}").data
    assert NEIGHBOUR not in pdftotext(copy) and "Box text 2" not in pdftotext(copy)
    actions = session.execute(
        select(RequestEvent.action).where(RequestEvent.request_id == request.id)
        .where(RequestEvent.action.like("redaction_%"))
    ).scalars().all()  # fmt: skip
    assert actions == ["redaction_added", "redaction_added", "redaction_applied"]


def test_a_term_found_nowhere_is_shown_as_matching_nothing(  # type: ignore[no-untyped-def]
    session, extract, dpo, as_user, no_csrf
) -> None:
    request, file_id = extract
    term = {"term": "Erika Musterfrau", "reason": "third_party"}
    answer = as_user(dpo).post(_url(request, file_id, "/terms"), data=term, follow_redirects=True)
    text = answer.get_data(as_text=True)
    assert "the term matches nothing in the document&#39;s text: nothing was marked" in text
    assert "No redactions yet" in text
    assert session.execute(select(RedactionJob)).first() is None


def test_an_image_extract_is_redacted_to_a_pdf(  # type: ignore[no-untyped-def]
    app, session, controller, now, dpo, as_user, no_csrf
) -> None:
    request = make_request(session, controller, now)
    source = find_register(app.extensions["dsar.registers"], controller.slug).source("accounting")
    assert isinstance(source, ManualSource)
    task = open_manual_task(session, request, source, language="en", now=now)
    store = FileStore.from_settings(app.config["DSAR_SETTINGS"])
    upload = check_extract("scan.png", red_png(), max_bytes=1_000_000)
    file_id = store_extract(session, store, request, upload, now=now)
    add_finding(session, request, task, categories=source.categories,
                category=source.categories[0], description="Scan", rows=[], file_id=file_id,
                actor="dana@example.org", now=now)  # fmt: skip
    session.commit()
    client = as_user(dpo)
    area = {"page": "1", "x0": "10", "y0": "10", "x1": "100", "y1": "50", "reason": "trade_secret"}
    client.post(_url(request, file_id, "/areas"), data=area)
    client.post(_url(request, file_id, "/apply"))
    job = session.execute(select(RedactionJob)).scalar_one()
    assert job.redacted is not None
    assert (job.redacted.filename, job.redacted.content_type) == ("scan-redacted.pdf",
                                                                  "application/pdf")  # fmt: skip


def test_the_page_speaks_german(session, extract, dpo, as_user, no_csrf) -> None:  # type: ignore[no-untyped-def]
    request, file_id = extract
    client = as_user(dpo)
    term = {"term": NEIGHBOUR, "reason": "third_party"}
    client.post(_url(request, file_id, "/terms"), data=term)
    html = client.get(_url(request, file_id), headers=GERMAN).get_data(as_text=True)
    for words in ("ticket.pdf schwärzen", "Suchbegriffe", "Bereich markieren",
                  "Daten einer anderen Person (Art. 15 Abs. 4 DSGVO)", "3 Stellen",
                  "Noch nicht angewendet", "Seite 2: 595.0 × 842.0 Punkte."):  # fmt: skip
        assert words in html, words


def test_the_timeline_tells_each_decision_without_the_term(  # type: ignore[no-untyped-def]
    session, extract, dpo, as_user, no_csrf
) -> None:
    request, file_id = extract
    client = as_user(dpo)
    term = {"term": NEIGHBOUR, "reason": "third_party", "reason_text": "a colleague"}
    client.post(_url(request, file_id, "/terms"), data=term)
    client.post(_url(request, file_id, "/apply"))
    english = client.get(f"/staff/requests/{request.id}").get_data(as_text=True)
    assert "Redaction marked in a document" in english
    assert "Redacted copy made: the export takes it instead of the original" in english
    assert "another person&#39;s data (Art. 15(4))" in english and "a colleague" in english
    assert "Mustermann" not in english
    german = client.get(f"/staff/requests/{request.id}", headers=GERMAN).get_data(as_text=True)
    assert "Schwärzung in einem Dokument markiert" in german and "Suchbegriff" in german


def test_taking_back_the_only_redaction_before_apply_leaves_the_original(  # type: ignore[no-untyped-def]
    app, session, extract, dpo, as_user, no_csrf
) -> None:
    request, file_id = extract
    client = as_user(dpo)
    term = {"term": NEIGHBOUR, "reason": "third_party", "reason_text": ""}
    client.post(_url(request, file_id, "/terms"), data=term)
    job = session.scalars(select(RedactionJob)).one()
    (only,) = job.redactions

    removed = client.post(_url(request, file_id, "/remove"), data={"redaction": only.id},
                          follow_redirects=True).get_data(as_text=True)  # fmt: skip
    assert "The redaction is removed; the export takes the original." in removed

    page = client.get(_url(request, file_id))
    assert page.status_code == 200
    html = page.get_data(as_text=True)
    assert "No redactions yet: the export takes the original." in html
    assert "Applied" not in html and "the export is blocked" not in html


def test_the_timeline_writes_the_other_reason_in_words(  # type: ignore[no-untyped-def]
    session, extract, dpo, as_user, no_csrf
) -> None:
    request, file_id = extract
    client = as_user(dpo)
    area = {"page": "2", "x0": "60", "y0": "280", "x1": "400", "y1": "310",
            "reason": "other", "reason_text": "Bankverbindung"}  # fmt: skip
    client.post(_url(request, file_id, "/areas"), data=area)
    german = client.get(f"/staff/requests/{request.id}", headers=GERMAN).get_data(as_text=True)
    line = german.split("Schwärzung in einem Dokument markiert")[1].split("</li>")[0]
    assert ": andere" in line and ": other" not in line and "Bankverbindung" in line
