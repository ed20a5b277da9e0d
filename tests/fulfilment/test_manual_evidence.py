"""Closing a manual search from the staff page, with an evidence file checked by content."""

from __future__ import annotations

import io

from sqlalchemy import select

from dsar.core.clock import FixedClock
from dsar.files.models import FilePurpose, StoredFile
from dsar.files.storage import FileStore
from dsar.fulfilment.models import ManualTask
from dsar.fulfilment.search import register_for, run_search
from tests.factories import PASSWORD, make_staff

PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 64


def _task_page(app, client, session, now, verified_request, monkeypatch):  # type: ignore[no-untyped-def]
    monkeypatch.setitem(app.extensions, "dsar.core.clock", FixedClock(now))
    monkeypatch.setitem(app.config, "WTF_CSRF_ENABLED", False)
    request = verified_request()
    run_search(
        session,
        request,
        register_for(app.extensions["dsar.registers"], request),
        actor="dana@example.org",
        now=now,
    )
    make_staff(session, now)
    session.commit()
    client.post("/staff/login", data={"email": "dana@example.org", "password": PASSWORD})
    task = session.execute(select(ManualTask)).scalar_one()
    return request, task, f"/staff/requests/{request.id}/data/tasks/{task.id}"


def test_evidence_file_is_stored_encrypted_and_linked(
    app, client, session, now, verified_request, monkeypatch
) -> None:  # type: ignore[no-untyped-def]
    request, task, url = _task_page(app, client, session, now, verified_request, monkeypatch)
    data = {
        "note": "Searched DATEV by name: nothing",
        "outcome": "nothing_found",
        "evidence": (io.BytesIO(PNG), "s.png"),
    }
    client.post(url, data=data, content_type="multipart/form-data")
    session.refresh(task)
    assert task.done_at is not None and task.evidence_file_id is not None
    stored = session.get(StoredFile, task.evidence_file_id)
    assert (stored.purpose, stored.content_type) == (FilePurpose.EVIDENCE, "image/png")
    assert FileStore.from_settings(app.config["DSAR_SETTINGS"]).read(stored) == PNG
    page = client.get(f"/staff/requests/{request.id}/data").get_data(as_text=True)
    assert f"/staff/requests/{request.id}/files/{stored.id}" in page


def test_evidence_of_the_wrong_type_is_refused_and_nothing_changes(
    app, client, session, now, verified_request, monkeypatch
) -> None:  # type: ignore[no-untyped-def]
    _request, task, url = _task_page(app, client, session, now, verified_request, monkeypatch)
    data = {
        "note": "done",
        "outcome": "nothing_found",
        "evidence": (io.BytesIO(b"<svg onload=alert(1)>"), "e.png"),
    }
    page = client.post(url, data=data, content_type="multipart/form-data", follow_redirects=True)
    assert b"The evidence file was refused" in page.data
    session.refresh(task)
    assert task.done_at is None and task.evidence_file_id is None
