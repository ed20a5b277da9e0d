"""Staff open a request's files under their own names, in any script; nothing caches or sniffs."""

from __future__ import annotations

import io
from datetime import datetime

import pytest
from sqlalchemy import select

from dsar.files.models import FilePurpose, StoredFile
from dsar.files.storage import FileStore
from dsar.requests.models import Request
from tests.core.test_attachments import parsed_name
from tests.factories import make_request

NAMES = ["Łukasz-dowód.pdf", "Ελένη.pdf", "паспорт 日本.pdf", 'Scan "1".pdf', "plain.pdf"]


def _assert_download(response, name: str, data: bytes) -> None:  # type: ignore[no-untyped-def]
    assert response.status_code == 200
    header = response.headers["Content-Disposition"]
    header.encode("latin-1")  # what gunicorn insists on; it answered 500 for these names
    assert header.startswith("attachment;")
    assert parsed_name(header) == name
    assert response.data == data
    assert response.mimetype == "application/octet-stream"
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    assert response.headers["Cache-Control"] == "no-store"


@pytest.mark.parametrize("name", NAMES)
def test_a_supporting_document_downloads_under_its_own_name(  # type: ignore[no-untyped-def]
    app, session, controller, now: datetime, agent, as_user, name: str
) -> None:
    request = make_request(session, controller, now)
    data = b"%PDF-1.4 " + name.encode()
    stored = FileStore.from_settings(app.config["DSAR_SETTINGS"]).save(
        session,
        data,
        filename=name,
        content_type="application/pdf",
        purpose=FilePurpose.IDENTITY_DOCUMENT,
        now=now,
        request_id=request.id,
    )
    session.commit()

    response = as_user(agent).get(f"/staff/requests/{request.id}/files/{stored.id}")

    _assert_download(response, name, data)


def test_a_manual_original_with_a_polish_name_opens(  # type: ignore[no-untyped-def]
    session, controller, agent, as_user, no_csrf
) -> None:
    client = as_user(agent)
    mail = b"From: ola@example.pl\r\nSubject: Wniosek RODO\r\n\r\nProsz\xc4\x99 o kopi\xc4\x99."
    client.post(
        "/staff/requests/new",
        data={
            "controller": controller.id,
            "type": "access",
            "channel": "email",
            "language": "en",
            "received_at": "2026-03-01T10:00",
            "subject_name": "Ola",
            "description": "",
            "original": (io.BytesIO(mail), "Wiadomość.eml"),
        },
        content_type="multipart/form-data",
    )
    request = session.execute(select(Request)).scalar_one()
    stored = session.execute(select(StoredFile)).scalar_one()

    response = client.get(f"/staff/requests/{request.id}/files/{stored.id}")

    _assert_download(response, "Wiadomość.eml", mail)


def test_the_register_csv_is_a_private_download_too(  # type: ignore[no-untyped-def]
    dpo, as_user
) -> None:
    response = as_user(dpo).get("/staff/register.csv")
    assert parsed_name(response.headers["Content-Disposition"]) == "dsar-register-2026-03-02.csv"
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    assert response.headers["Cache-Control"] == "no-store"


def test_the_register_export_is_not_sniffed_either(  # type: ignore[no-untyped-def]
    session, controller, now: datetime, dpo, as_user
) -> None:
    """The CSV register is a staff download too (the letter PDF: tests/letters/test_views.py)."""
    make_request(session, controller, now)
    response = as_user(dpo).get("/staff/register.csv")
    assert response.status_code == 200
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    assert response.headers["Cache-Control"] == "no-store"
