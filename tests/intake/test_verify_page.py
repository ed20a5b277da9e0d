"""/verify: anyone checks a signed export or letter, on the server or in the browser."""

from __future__ import annotations

import hashlib
import io
import json
import zipfile
from datetime import datetime
from typing import Any

import pytest
from flask import Flask
from flask.testing import FlaskClient

from dsar.core.signing import Signer, install_signer
from dsar.receipts.receipt import letter_receipt, receipt_text
from dsar.receipts.verify import verify_upload
from tests.fulfilment.conftest import shop, verified_request  # noqa: F401 (fixtures)
from tests.fulfilment.test_signed_export import _changed, export_zip  # noqa: F401 (fixture)
from tests.letters.test_receipts import approved  # noqa: F401 (fixture)


def _post(client: FlaskClient, document: bytes, name: str, receipt: bytes | None = None) -> str:
    data: dict[str, Any] = {"document": (io.BytesIO(document), name)}
    if receipt is not None:
        data["receipt"] = (io.BytesIO(receipt), "letter.receipt.json")
    response = client.post("/verify", data=data, content_type="multipart/form-data")
    assert response.status_code == 200
    return response.get_data(as_text=True)


def _flip(data: bytes) -> bytes:
    changed = bytearray(data)
    changed[len(changed) // 2] ^= 0x01
    return bytes(changed)


def test_the_page_names_the_key_in_both_languages(app: Flask, client: FlaskClient) -> None:
    with app.app_context():
        fingerprint = install_signer().fingerprint
    english = client.get("/verify?lang=en").get_data(as_text=True)
    assert "Check a signed answer" in english and fingerprint in english
    german = client.get("/verify?lang=de").get_data(as_text=True)
    assert "Eine signierte Antwort prüfen" in german and fingerprint in german


@pytest.mark.usefixtures("no_csrf")
def test_an_export_verifies_and_a_changed_byte_fails(
    client: FlaskClient,
    export_zip: bytes,  # noqa: F811
) -> None:
    page = _post(client, export_zip, "export.zip")
    assert "Valid: the signature and every SHA-256 hash match" in page
    assert "Checked on our server" in page
    page = _post(client, _changed(export_zip, "data.json"), "export.zip")
    assert "Not valid" in page
    assert "data.json: SHA-256 differs from manifest.json" in page


@pytest.mark.usefixtures("no_csrf")
def test_a_letter_verifies_with_its_receipt_and_fails_without_or_changed(
    client: FlaskClient,
    approved: Any,  # noqa: F811
) -> None:
    letter, pdf = approved
    receipt = receipt_text(letter.receipt).encode()
    assert "Valid:" in _post(client, pdf, "letter.pdf", receipt)
    page = _post(client, _flip(pdf), "letter.pdf", receipt)
    assert "Not valid" in page and "differs from the receipt" in page
    page = _post(client, pdf, "letter.pdf")
    assert "a letter is checked with its receipt" in page
    client.get("/verify?lang=de")
    page = _post(client, b"hello", "note.txt")
    assert "weder eine Datenkopie (ZIP) noch ein Schreiben (PDF)" in page


def test_a_post_without_its_form_token_checks_nothing(
    client: FlaskClient,
    approved: Any,  # noqa: F811
) -> None:
    letter, pdf = approved
    response = client.post(
        "/verify",
        data={"document": (io.BytesIO(pdf), "letter.pdf")},
        content_type="multipart/form-data",
    )
    assert response.status_code == 400
    assert "Valid" not in response.get_data(as_text=True)


def _signed_files(signer: Signer, now: datetime) -> tuple[bytes, bytes, bytes]:
    """An export ZIP, a letter PDF and its receipt, signed with `signer` as dsar signs them."""
    member = "Name,Kundennummer\nZoë Müller,K-1\n".encode()
    manifest = json.dumps(
        {
            "reference": "DSAR-2026-00042",
            "files": [
                {
                    "name": "data.csv",
                    "sha256": hashlib.sha256(member).hexdigest(),
                    "size": len(member),
                }
            ],
        }
    ).encode()
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("data.csv", member)
        archive.writestr("manifest.json", manifest)
        archive.writestr("manifest.json.sig", signer.sign(manifest))
    pdf = b"%PDF-1.7\n" + "Sehr geehrte Frau Müller".encode() + b"\n%%EOF\n"
    receipt = letter_receipt(
        signer,
        reference="DSAR-2026-00042",
        letter_id=7,
        letter_sha256="0" * 64,
        pdf_sha256=hashlib.sha256(pdf).hexdigest(),
        signed_at=now,
    )
    return out.getvalue(), pdf, receipt_text(receipt).encode()


@pytest.mark.browser
def test_the_browser_checks_without_uploading(
    page: Any, live_app: Flask, live_server: str, now: datetime
) -> None:
    with live_app.app_context():
        signer = install_signer()
        export, pdf, receipt = _signed_files(signer, now)
        key = signer.public_raw
    # The server's check agrees on the same files: one meaning of "valid".
    assert verify_upload(export, None, key).valid
    assert verify_upload(pdf, receipt, key).valid
    posts: list[str] = []
    page.on("request", lambda r: posts.append(r.url) if r.method == "POST" else None)
    page.goto(f"{live_server}/verify?lang=de")
    result = page.locator("#verify-result")

    def check(document: bytes, name: str, mime: str, with_receipt: bytes | None = None) -> str:
        page.set_input_files("#document", {"name": name, "mimeType": mime, "buffer": document})
        files = (
            []
            if with_receipt is None
            else [
                {"name": "x.receipt.json", "mimeType": "application/json", "buffer": with_receipt}
            ]
        )
        page.set_input_files("#receipt", files)
        page.get_by_role("button", name="Prüfen").click()
        result.locator("p").first.wait_for()
        text = result.inner_text()
        page.evaluate("document.getElementById('verify-result').textContent = ''")
        return text

    text = check(export, "export.zip", "application/zip")
    assert "Gültig" in text and "In Ihrem Browser geprüft" in text, text
    assert "Nicht gültig" in check(_changed(export, "data.csv"), "export.zip", "application/zip")
    text = check(_changed(export, "manifest.json", 0.3), "export.zip", "application/zip")
    assert "Die Signatur passt nicht zu manifest.json" in text, text
    assert "Gültig" in check(pdf, "letter.pdf", "application/pdf", receipt)
    text = check(_flip(pdf), "letter.pdf", "application/pdf", receipt)
    assert "der SHA-256 der PDF-Datei weicht von pdf_sha256 im Beleg ab" in text, text
    forged = json.loads(receipt) | {"reference": "DSAR-2026-00043"}
    text = check(pdf, "letter.pdf", "application/pdf", json.dumps(forged).encode())
    assert "die Signatur des Belegs passt nicht zu seinem Inhalt" in text, text
    assert posts == []  # nothing left the browser


@pytest.mark.usefixtures("no_csrf")
@pytest.mark.parametrize("files", [5, [1], {"a": 1}, ["data.csv"]])
def test_a_manifest_listing_its_files_wrongly_is_not_valid(
    app: Flask, client: FlaskClient, now: datetime, files: object
) -> None:
    """An edited manifest is what the page judges: a clear finding, never a server error."""
    with app.app_context():
        signer = install_signer()
    manifest = json.dumps({"reference": "DSAR-2026-00042", "files": files}).encode()
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as archive:
        archive.writestr("data.csv", b"x")
        archive.writestr("manifest.json", manifest)
        archive.writestr("manifest.json.sig", signer.sign(manifest))
    page = _post(client, out.getvalue(), "export.zip")
    assert "Not valid" in page and "manifest.json lists its files wrongly" in page
