"""A system owner supplies a manual source's data through a single-use, expiring upload link;
staff record entries and the outcome on the data page."""

from __future__ import annotations

import dataclasses
import io
import re

import pytest
from sqlalchemy import func, select

from dsar.core.clock import FixedClock
from dsar.files.models import StoredFile
from dsar.fulfilment.models import ManualFinding, ManualOutcome, ManualTask, ManualUploadLink
from dsar.fulfilment.search import register_for, run_search
from dsar.outbox.models import OutboxMessage
from dsar.requests.models import RequestEvent
from tests.factories import PASSWORD, make_staff

PDF = b"%PDF-1.4\n% invoice 2025-117\n%%EOF\n"
SVG = b'<svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script></svg>'
EML = (
    b"From: shop@example.org\r\nTo: kunde042@example.org\r\n"
    b"Date: Mon, 2 Mar 2026 09:00:00 +0000\r\n"
    b"Subject: Your invoice\r\n\r\nHello,\r\nyour invoice is attached.\r\n"
)


@pytest.fixture
def staff_page(app, client, session, now, verified_request, monkeypatch):  # type: ignore[no-untyped-def]
    """(request, task, clock): a searched request, its manual task, a signed-in DPO."""
    clock = FixedClock(now)
    monkeypatch.setitem(app.extensions, "dsar.core.clock", clock)
    monkeypatch.setitem(app.config, "WTF_CSRF_ENABLED", False)
    request = verified_request()
    register = register_for(app.extensions["dsar.registers"], request)
    run_search(session, request, register, actor="dana@example.org", now=now)
    make_staff(session, now)
    session.commit()
    client.post("/staff/login", data={"email": "dana@example.org", "password": PASSWORD})
    task = session.execute(
        select(ManualTask).where(ManualTask.request_id == request.id)
    ).scalar_one()
    return request, task, clock


def _send_link(client, session, request, task) -> str:  # type: ignore[no-untyped-def]
    url = f"/staff/requests/{request.id}/data/tasks/{task.id}/upload-link"
    client.post(url, data={"owner_email": "steuer@example.net", "message": "Search: K-100042"})
    mail = (
        session.execute(
            select(OutboxMessage)
            .where(OutboxMessage.recipient == "steuer@example.net")
            .order_by(OutboxMessage.id.desc())
        )
        .scalars()
        .first()
    )
    assert mail is not None and "Search: K-100042" in mail.body_text
    match = re.search(r"/c/demo/extract/(\S+)", mail.body_text)
    assert match is not None
    return match.group(0)


def _upload(client, path, *files, **fields):  # type: ignore[no-untyped-def]
    data = {
        "result": "found",
        "category": "invoice",
        "description": "Invoices in DATEV",
        **fields,
        "files": [(io.BytesIO(content), name) for content, name in files],
    }
    return client.post(path, data=data, content_type="multipart/form-data")


def test_owner_link_works_once_and_staff_see_what_came(app, client, session, staff_page) -> None:  # type: ignore[no-untyped-def]
    request, task, _clock = staff_page
    path = _send_link(client, session, request, task)
    link = session.execute(select(ManualUploadLink)).scalar_one()
    assert len(link.token_hash) == 64 and path.rsplit("/", 1)[1] not in link.token_hash

    page = client.get(path)
    text = page.get_data(as_text=True)
    assert page.status_code == 200 and page.headers["Cache-Control"] == "no-store"
    assert request.reference in text and task.instructions in text
    assert request.subject_email not in text and request.subject_name not in text
    german = client.get(path + "?lang=de").get_data(as_text=True)
    assert "Daten zu einer Anfrage liefern" in german and "Was haben Sie gefunden?" in german
    client.get(path + "?lang=en")

    done = _upload(client, path, (PDF, "r.pdf"), (EML, "mail.eml"), rows="number: 2025-117")
    assert done.status_code == 200 and "The link no longer works" in done.get_data(as_text=True)
    entries = session.execute(select(ManualFinding).order_by(ManualFinding.id)).scalars().all()
    assert [(e.file.content_type, e.rows) for e in entries] == [  # type: ignore[union-attr]
        ("application/pdf", [{"number": "2025-117"}]),
        ("message/rfc822", []),
    ]
    assert {e.added_by for e in entries} == {"system owner steuer@example.net"}
    actions = (
        session.execute(select(RequestEvent.action).where(RequestEvent.request_id == request.id))
        .scalars()
        .all()
    )
    assert "manual_upload_link_sent" in actions and "manual_findings_supplied" in actions

    again = _upload(client, path, (PDF, "r.pdf"))
    assert again.status_code == 410 and client.get(path).status_code == 410
    assert session.execute(select(func.count()).select_from(ManualFinding)).scalar_one() == 2

    data_page = client.get(f"/staff/requests/{request.id}/data").get_data(as_text=True)
    assert "Invoices in DATEV" in data_page and "used 2 March 2026, " in data_page
    complete = f"/staff/requests/{request.id}/data/tasks/{task.id}"
    client.post(complete, data={"note": "The tax adviser sent the invoices", "outcome": "found"})
    session.refresh(task)
    assert task.outcome is ManualOutcome.FOUND


def test_wrong_type_and_oversized_files_are_refused_and_the_link_stays(
    app, client, session, staff_page, monkeypatch
) -> None:  # type: ignore[no-untyped-def]
    request, task, _clock = staff_page
    path = _send_link(client, session, request, task)
    wrong = _upload(client, path, (SVG, "invoice.pdf"))
    assert wrong.status_code == 422
    assert "not a PDF, PNG, JPEG, CSV or saved e-mail" in wrong.get_data(as_text=True)
    small = dataclasses.replace(app.config["DSAR_SETTINGS"], upload_max_bytes=64)
    monkeypatch.setitem(app.config, "DSAR_SETTINGS", small)
    big = _upload(client, path, (PDF + b"x" * 64, "big.pdf"))
    assert big.status_code == 422 and "larger than" in big.get_data(as_text=True)
    assert session.execute(select(func.count()).select_from(StoredFile)).scalar_one() == 0
    assert session.execute(select(func.count()).select_from(ManualFinding)).scalar_one() == 0
    link = session.execute(select(ManualUploadLink)).scalar_one()
    assert link.used_at is None
    assert client.get(path).status_code == 200


def test_link_expires_and_belongs_to_its_request_only(
    app, client, session, now, staff_page, verified_request
) -> None:  # type: ignore[no-untyped-def]
    request, task, clock = staff_page
    other = verified_request(subject_email="other@example.org", details={})
    run_search(
        session,
        other,
        register_for(app.extensions["dsar.registers"], other),
        actor="dana@example.org",
        now=now,
    )
    session.commit()
    path = _send_link(client, session, request, task)
    assert client.get(path.replace("/c/demo/", "/c/nobody/")).status_code == 404
    assert client.get(path[:-3] + "xyz").status_code == 404
    _upload(client, path, (PDF, "r.pdf"))
    other_task = session.execute(
        select(ManualTask).where(ManualTask.request_id == other.id)
    ).scalar_one()
    owners = session.execute(select(ManualFinding.task_id, ManualFinding.request_id)).all()
    assert owners == [(task.id, request.id)] and other_task.id != task.id

    later = _send_link(client, session, other, other_task)
    clock.advance(days=7, seconds=1)
    expired = client.get(later)
    assert expired.status_code == 404 and "expired" in expired.get_data(as_text=True)


def test_staff_add_typed_rows_and_complete_as_found(app, client, session, staff_page) -> None:  # type: ignore[no-untyped-def]
    request, task, _clock = staff_page
    base = f"/staff/requests/{request.id}/data/tasks/{task.id}"
    client.post(base, data={"note": "searched", "outcome": "found"})  # nothing entered yet
    session.refresh(task)
    assert task.outcome is None
    rows = "number;date;amount\n2025-117;2025-07-09;49.90\n2025-118;2025-08-01;12.00"
    client.post(
        f"{base}/findings",
        data={"category": "invoice", "description": "Invoices", "rows": rows},
        content_type="multipart/form-data",
    )
    [entry] = session.execute(select(ManualFinding)).scalars().all()
    assert entry.rows[1] == {"number": "2025-118", "date": "2025-08-01", "amount": "12.00"}
    refused = client.post(
        f"{base}/findings",
        data={"category": "not_a_category", "description": "x", "rows": "a: b"},
        content_type="multipart/form-data",
        follow_redirects=True,
    )
    assert b"is not a data category of" in refused.data
    client.post(base, data={"note": "searched", "outcome": "nothing_found"})
    session.refresh(task)
    assert task.outcome is None  # entries exist: "nothing found" would be false
    client.post(base, data={"note": "searched by customer number", "outcome": "found"})
    session.refresh(task)
    assert task.outcome is ManualOutcome.FOUND
    page = client.get(f"/staff/requests/{request.id}/data").get_data(as_text=True)
    assert "found: the entries above" in page and "2025-118" in page


def test_the_owners_page_refuses_a_post_without_its_csrf_token(
    app, client, session, staff_page, monkeypatch
) -> None:  # type: ignore[no-untyped-def]
    request, task, _clock = staff_page
    path = _send_link(client, session, request, task)
    monkeypatch.setitem(app.config, "WTF_CSRF_ENABLED", True)
    assert 'name="csrf_token"' in client.get(path).get_data(as_text=True)
    assert _upload(client, path, (PDF, "r.pdf")).status_code == 400
    assert session.execute(select(ManualUploadLink.used_at)).scalar_one() is None
