"""Notes, documents and a manual source's findings added through the API: the records staff make."""

from __future__ import annotations

import io
from datetime import datetime, timedelta

from flask import Flask
from sqlalchemy import select

from dsar.files.models import FilePurpose, StoredFile
from dsar.files.storage import FileStore
from dsar.fulfilment.manual_tasks import open_manual_task
from dsar.fulfilment.models import ManualFinding, ManualOutcome, ManualTask
from dsar.register import find_register
from dsar.register.datasources import ManualSource
from dsar.requests.models import Request
from tests.api.conftest import Call
from tests.factories import make_request


def actions(request: Request) -> list[str]:
    return [event.action for event in request.events]


def test_a_note_goes_into_the_trail(session, controller, now, api: Call, key) -> None:  # type: ignore[no-untyped-def]
    found = make_request(session, controller, now)
    response = api("POST", f"/requests/{found.reference}/notes", json={"text": " Called back. "})
    assert response.status_code == 201
    assert response.json == {
        "reference": found.reference,
        "action": "note",
        "at": "2026-03-02T09:00:00Z",
    }
    note = found.events[-1]
    assert (note.action, note.actor, note.payload) == (
        "note",
        f"api-key:{key.key.id}",
        {"text": "Called back."},
    )
    blank = api("POST", f"/requests/{found.reference}/notes", json={"text": "   "})
    assert blank.status_code == 422 and blank.json["errors"][0]["field"] == "text"
    assert actions(found).count("note") == 1


def test_a_document_is_checked_and_stored_encrypted(  # type: ignore[no-untyped-def]
    app: Flask, session, controller, now, api: Call
) -> None:
    found = make_request(session, controller, now)
    pdf = b"%PDF-1.4 passport scan"
    response = api(
        "POST",
        f"/requests/{found.reference}/documents",
        data={"file": (io.BytesIO(pdf), "passport.pdf"), "description": "ID"},
        content_type="multipart/form-data",
    )
    assert response.status_code == 201, response.json
    stored = session.scalars(select(StoredFile).where(StoredFile.request_id == found.id)).one()
    assert stored.purpose is FilePurpose.SUPPORTING_DOCUMENT
    retention = app.config["DSAR_SETTINGS"].upload_retention_days
    assert stored.delete_after == now + timedelta(days=retention)  # as the form's uploads
    store = FileStore.from_settings(app.config["DSAR_SETTINGS"])
    assert store.read(stored) == pdf
    assert actions(found)[-1] == "document_attached"
    refused = api(
        "POST",
        f"/requests/{found.reference}/documents",
        data={"file": (io.BytesIO(b"MZ\x90\x00 an exe"), "cv.pdf")},
        content_type="multipart/form-data",
    )
    assert refused.status_code == 422
    assert refused.json["errors"][0]["field"] == "file"
    missing = api("POST", f"/requests/{found.reference}/documents", data={"file": "text"})
    assert missing.status_code == 422
    assert session.scalars(select(StoredFile).where(StoredFile.request_id == found.id)).all() == [
        stored
    ]


def _task(app: Flask, session, found: Request, now: datetime) -> ManualTask:  # type: ignore[no-untyped-def]
    register = find_register(app.extensions["dsar.registers"], found.controller.slug)
    source = register.source("accounting")
    assert isinstance(source, ManualSource)
    return open_manual_task(session, found, source, language="en", now=now)


def test_findings_of_a_manual_source(app: Flask, session, controller, now, api: Call) -> None:  # type: ignore[no-untyped-def]
    found = make_request(session, controller, now)
    path = f"/requests/{found.reference}/sources/accounting/findings"
    entry = {"category": "invoice", "description": "Invoices", "rows": [{"no": "R-1"}]}
    body = {"outcome": "found", "entries": [entry], "note": "Asked the tax adviser."}
    not_started = api("POST", path, json=body)
    assert not_started.status_code == 409
    assert not_started.content_type == "application/problem+json"
    task = _task(app, session, found, now)
    wrong = api("POST", path, json={**body, "entries": [{**entry, "category": "usage"}]})
    assert wrong.status_code == 409 and "usage" in wrong.json["detail"]
    assert session.scalars(select(ManualFinding)).all() == []  # nothing of a refusal stays
    response = api("POST", path, json=body)
    assert response.status_code == 201, response.json
    assert response.json == {
        "reference": found.reference,
        "source": "accounting",
        "outcome": "found",
        "entries": 1,
    }
    session.refresh(task)
    assert task.outcome is ManualOutcome.FOUND and task.note == "Asked the tax adviser."
    assert [f.rows for f in session.scalars(select(ManualFinding))] == [[{"no": "R-1"}]]
    assert api("POST", path, json=body).status_code == 409  # done once


def test_nothing_found_is_an_explicit_record(
    app: Flask, session, controller, now, api: Call
) -> None:  # type: ignore[no-untyped-def]
    found = make_request(session, controller, now)
    task = _task(app, session, found, now)
    path = f"/requests/{found.reference}/sources/accounting/findings"
    response = api("POST", path, json={"outcome": "nothing_found", "note": "No entries in DATEV."})
    assert response.status_code == 201
    session.refresh(task)
    assert task.outcome is ManualOutcome.NOTHING_FOUND
    assert actions(found)[-1] == "manual_source_done"
    no_note = api("POST", path, json={"outcome": "nothing_found"})
    assert no_note.status_code == 422
