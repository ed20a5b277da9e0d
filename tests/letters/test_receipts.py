"""An approved letter carries a signed receipt; the PDF and the receipt check out offline."""

from __future__ import annotations

import base64
import json
from datetime import datetime
from pathlib import Path

import pytest
from flask import Flask

from dsar.cli import cli
from dsar.core.signing import install_signer
from dsar.files.storage import FileStore
from dsar.letters.operations import approve_letter, draft_letter, register_for
from dsar.letters.rendering import letter_hash
from dsar.receipts.receipt import receipt_text
from dsar.receipts.verify import verify_letter
from tests.factories import make_request


@pytest.fixture
def approved(app: Flask, session, controller, now: datetime):  # type: ignore[no-untyped-def]
    """(letter, its PDF's bytes) of an approved acknowledgement."""
    register = register_for(app.extensions["dsar.registers"], "demo")
    store = FileStore.from_settings(app.config["DSAR_SETTINGS"])
    request = make_request(session, controller, now, language="en")
    letter = draft_letter(session, request, actor="agent@x", now=now, letter_type="acknowledgement")
    approve_letter(session, letter, register=register, store=store, actor="dpo@x", now=now)
    session.flush()
    assert letter.pdf_file is not None
    return letter, store.read(letter.pdf_file)


def _key(app: Flask) -> bytes:
    return install_signer().public_raw


def test_the_receipt_signs_the_recorded_hashes_and_the_footer_names_the_key(
    app: Flask, approved
) -> None:  # type: ignore[no-untyped-def]
    letter, pdf = approved
    receipt = letter.receipt
    assert receipt["reference"] == letter.request.reference
    assert receipt["letter_sha256"] == letter.sha256 == letter_hash(letter.html, letter.text)
    assert receipt["pdf_sha256"] == letter.pdf_file.sha256
    assert receipt["fingerprint"] == install_signer().fingerprint
    assert install_signer().fingerprint in letter.text
    assert install_signer().fingerprint in letter.html
    outcome = verify_letter(pdf, receipt, _key(app))
    assert outcome.valid, outcome.problems
    event = next(e for e in letter.request.events if e.action == "letter_approved")
    assert event.payload["receipt_signature"] == receipt["signature"]


def test_a_changed_pdf_byte_or_receipt_field_fails(app: Flask, approved) -> None:  # type: ignore[no-untyped-def]
    letter, pdf = approved
    changed = bytearray(pdf)
    changed[len(changed) // 2] ^= 0x01
    outcome = verify_letter(bytes(changed), letter.receipt, _key(app))
    assert outcome.problems == ["the PDF's SHA-256 differs from the receipt's pdf_sha256"]
    other_reference = {**letter.receipt, "reference": "DSAR-2026-99999"}
    outcome = verify_letter(pdf, other_reference, _key(app))
    assert outcome.problems == ["the receipt's signature does not match its content"]


def test_the_command_checks_a_pdf_with_the_receipt_beside_it(
    app: Flask, approved, tmp_path: Path
) -> None:  # type: ignore[no-untyped-def]
    letter, pdf = approved
    key = base64.b64encode(_key(app)).decode()
    path = tmp_path / "letter.pdf"
    path.write_bytes(pdf)
    (tmp_path / "letter.receipt.json").write_text(receipt_text(letter.receipt))
    runner = app.test_cli_runner()

    valid = runner.invoke(cli, ["receipt", "verify", str(path), "--key", key])
    assert valid.exit_code == 0, valid.output
    assert valid.output.startswith(f"valid: letter {letter.request.reference}")

    path.write_bytes(pdf[:-1] + bytes([pdf[-1] ^ 0x01]))
    changed = runner.invoke(cli, ["receipt", "verify", str(path), "--key", key])
    assert changed.exit_code == 1
    assert "SHA-256 differs" in changed.output

    alone = tmp_path / "alone.pdf"
    alone.write_bytes(pdf)
    missing = runner.invoke(cli, ["receipt", "verify", str(alone), "--key", key])
    assert missing.exit_code == 2
    assert json.loads(receipt_text(letter.receipt)) == letter.receipt


def test_the_letter_command_writes_the_pdf_and_its_receipt_that_then_verify(
    app: Flask, approved, tmp_path: Path
) -> None:  # type: ignore[no-untyped-def]
    letter, pdf = approved
    runner = app.test_cli_runner()
    written = runner.invoke(cli, ["receipt", "letter", str(letter.id), "--out", str(tmp_path)])
    assert written.exit_code == 0, written.output
    (path,) = tmp_path.glob("*.pdf")
    assert path.read_bytes() == pdf
    assert json.loads(path.with_suffix(".receipt.json").read_text()) == letter.receipt
    assert runner.invoke(cli, ["receipt", "verify", str(path)]).exit_code == 0  # own key
    draft = runner.invoke(cli, ["receipt", "letter", "999999", "--out", str(tmp_path)])
    assert draft.exit_code == 2
