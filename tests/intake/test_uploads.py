"""Uploads: type from the bytes, size limit, encrypted at rest, delete-after recorded."""

from __future__ import annotations

import dataclasses
import io
from datetime import timedelta

import pytest
from sqlalchemy import func, select

from dsar.files.models import FilePurpose, StoredFile
from dsar.files.storage import FileStore
from dsar.intake.uploads import (
    EXTRACTS,
    UploadRejected,
    accept_upload,
    clean_filename,
    sniff,
)
from dsar.requests.models import Request
from tests.intake.conftest import form_data

PDF = b"%PDF-1.7\n1 0 obj<<>>endobj\n%%EOF\n"
PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 32
JPEG = b"\xff\xd8\xff\xe0" + b"\x00" * 32
SVG = b'<svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script></svg>'
HTML = b"<!doctype html><script>alert(1)</script>"


@pytest.mark.parametrize(
    ("data", "expected"),
    [
        (PDF, "application/pdf"),
        (PNG, "image/png"),
        (JPEG, "image/jpeg"),
        (SVG, None),
        (HTML, None),
        (b"GIF89a", None),
        (b"", None),
    ],
)
def test_sniff_decides_by_content(data: bytes, expected: str | None) -> None:
    assert sniff(data) == expected


def test_filename_loses_paths_and_control_characters_and_follows_the_content() -> None:
    assert clean_filename("C:\\Users\\zoë\\Ausweis\x00.svg", "image/png") == "Ausweis.png"
    assert clean_filename("../../etc/passwd", "application/pdf") == "passwd.pdf"
    assert clean_filename("", "image/jpeg") == "document.jpg"


def test_accept_upload_limits() -> None:
    assert accept_upload("a.pdf", PDF, max_bytes=1024).content_type == "application/pdf"
    with pytest.raises(UploadRejected, match="too_large"):
        accept_upload("a.pdf", PDF + b"x" * 2000, max_bytes=1024)
    with pytest.raises(UploadRejected, match="empty"):
        accept_upload("a.pdf", b"", max_bytes=1024)
    with pytest.raises(UploadRejected, match="type"):
        accept_upload("a.pdf", SVG, max_bytes=1024)


EML = b"From: a@example.org\r\nTo: b@example.org\r\nSubject: Hi\r\nDate: Mon, 2 Mar 2026\r\n\r\nHi"


@pytest.mark.parametrize(
    ("name", "data", "expected"),
    [
        ("a.csv", b"name;amount\nJo;1\n", ("text/csv", "a.csv")),
        ("t.txt", b"\xef\xbb\xbfa,b\r\n1,2\r\n", ("text/csv", "t.csv")),
        ("m.eml", EML, ("message/rfc822", "m.eml")),
        ("x.pdf", PDF, ("application/pdf", "x.pdf")),
    ],
)
def test_extracts_may_also_be_tables_and_saved_mail(name, data, expected) -> None:  # type: ignore[no-untyped-def]
    upload = accept_upload(name, data, max_bytes=1024, accept=EXTRACTS)
    assert (upload.content_type, upload.filename) == expected


@pytest.mark.parametrize(
    "data", [HTML, SVG, b"plain words, no table\nsecond line", b"a;b\x00\n1;2", b"\xff\xfe;"]
)
def test_extracts_refuse_markup_binary_and_plain_text(data: bytes) -> None:
    with pytest.raises(UploadRejected, match="type"):
        accept_upload("x.csv", data, max_bytes=1024, accept=EXTRACTS)


def test_public_form_still_takes_only_pdf_png_jpeg() -> None:
    with pytest.raises(UploadRejected, match="type"):
        accept_upload("a.csv", b"a;b\n1;2\n", max_bytes=1024)


def _post(client, *files):  # type: ignore[no-untyped-def]
    data = form_data()
    data["documents"] = [(io.BytesIO(content), name, ctype) for content, name, ctype in files]
    return client.post("/c/demo/request/access", data=data, content_type="multipart/form-data")


def test_pdf_is_stored_encrypted_with_delete_after(
    app, client, session, controller, clock, no_csrf, now
) -> None:  # type: ignore[no-untyped-def]
    response = _post(client, (PDF, "Nachweis.pdf", "text/html"))
    assert response.status_code == 302
    stored = session.execute(select(StoredFile)).scalar_one()
    request = session.execute(select(Request)).scalar_one()
    assert stored.request_id == request.id
    assert stored.purpose is FilePurpose.SUPPORTING_DOCUMENT
    assert stored.content_type == "application/pdf"  # sniffed, not the declared text/html
    assert stored.filename == "Nachweis.pdf"
    assert stored.size == len(PDF)
    assert stored.delete_after == now + timedelta(days=90)
    store = FileStore.from_settings(app.config["DSAR_SETTINGS"])
    on_disk = (store.root / stored.storage_path).read_bytes()
    assert PDF not in on_disk and b"%PDF" not in on_disk
    assert store.read(stored) == PDF


@pytest.mark.parametrize(
    ("content", "name", "ctype"),
    [
        (SVG, "scan.pdf", "application/pdf"),
        (HTML, "photo.png", "image/png"),
        (SVG, "a.svg", "image/svg+xml"),
    ],
)
def test_disguised_files_are_refused(
    client, session, controller, no_csrf, content, name, ctype
) -> None:  # type: ignore[no-untyped-def]
    response = _post(client, (content, name, ctype))
    assert response.status_code == 422
    page = response.get_data(as_text=True)
    assert f"The file {name} is not a PDF, PNG or JPEG file." in page
    assert 'id="documents-error"' in page
    assert session.execute(select(func.count()).select_from(Request)).scalar_one() == 0
    assert session.execute(select(func.count()).select_from(StoredFile)).scalar_one() == 0


def test_too_large_and_too_many_files_are_refused(
    app, client, session, controller, no_csrf, monkeypatch
) -> None:  # type: ignore[no-untyped-def]
    small = dataclasses.replace(app.config["DSAR_SETTINGS"], upload_max_bytes=1024)
    monkeypatch.setitem(app.config, "DSAR_SETTINGS", small)
    big = _post(client, (PDF + b"x" * 1024, "big.pdf", "application/pdf"))
    assert big.status_code == 422
    assert "The file big.pdf is larger than 0.0 MB." in big.get_data(as_text=True)
    many = _post(client, *[(PNG, f"p{n}.png", "image/png") for n in range(4)])
    assert many.status_code == 422
    assert "Please upload at most 3 files." in many.get_data(as_text=True)
    assert session.execute(select(func.count()).select_from(StoredFile)).scalar_one() == 0
