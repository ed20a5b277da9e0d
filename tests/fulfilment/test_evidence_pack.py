"""A request's evidence pack: its timeline, verification, letters as sent and export manifests,
signed so that `dsar receipt verify` checks it; a DPO-only download on the case page."""

from __future__ import annotations

import base64
import io
import json
import zipfile
from datetime import datetime
from pathlib import Path

import pytest
from flask import Flask
from sqlalchemy import update

from dsar.accounts.models import Role
from dsar.audit.checkpoint import write_checkpoint
from dsar.cli import cli
from dsar.controllers.models import Controller
from dsar.core.clock import FixedClock
from dsar.core.signing import install_signer
from dsar.files.storage import FileStore
from dsar.fulfilment.writer import SIGNATURE
from dsar.letters.models import LetterStatus
from dsar.letters.operations import approve_letter, draft_letter, register_for
from dsar.receipts.evidence import evidence_file
from dsar.receipts.verify import verify_export
from dsar.requests.models import Request, RequestEvent
from tests.factories import PASSWORD, make_staff
from tests.fulfilment.conftest import make_export
from tests.fulfilment.test_export import _build, _prepared


@pytest.fixture
def answered(app: Flask, session, now: datetime, verified_request):  # type: ignore[no-untyped-def]
    """A request with events, an export and a sent letter; (request, export, letter)."""
    request = verified_request(language="en")
    built, _ = _build(
        app, session, now, request, _prepared(app, session, now, request), open_archive=False
    )
    store = FileStore.from_settings(app.config["DSAR_SETTINGS"])
    register = register_for(app.extensions["dsar.registers"], "demo")
    letter = draft_letter(session, request, actor="agent@x", now=now, letter_type="acknowledgement")
    approve_letter(session, letter, register=register, store=store, actor="dpo@x", now=now)
    letter.status, letter.sent_at = LetterStatus.SENT, now
    session.flush()
    return request, built.export, letter


def _pack(app: Flask, session, request: Request, now: datetime) -> zipfile.ZipFile:  # type: ignore[no-untyped-def]
    store = FileStore.from_settings(app.config["DSAR_SETTINGS"])
    with evidence_file(session, request, store=store, signer=install_signer(), now=now) as file:
        return zipfile.ZipFile(io.BytesIO(file.read()))


def test_the_pack_holds_the_timeline_letters_and_manifests_and_verifies(
    app: Flask, session, now: datetime, answered
) -> None:  # type: ignore[no-untyped-def]
    request, export, letter = answered
    pack = _pack(app, session, request, now)
    names = pack.namelist()
    stem = f"letters/{letter.id}-acknowledgement-en"
    folder = f"exports/{export.id}-access"
    for name in ("timeline.json", "timeline.html", "verification.json", "README.txt",
                 f"{stem}.pdf", f"{stem}.receipt.json", f"{folder}/manifest.json",
                 f"{folder}/{SIGNATURE}", "manifest.json", SIGNATURE):  # fmt: skip
        assert name in names, name
    assert not any(n.endswith(("data.json", ".csv", "index.html")) for n in names)
    store = FileStore.from_settings(app.config["DSAR_SETTINGS"])
    assert pack.read(f"{stem}.pdf") == store.read(letter.pdf_file)
    assert json.loads(pack.read(f"{stem}.receipt.json")) == letter.receipt
    exported = zipfile.ZipFile(io.BytesIO(store.read(export.file)))
    assert pack.read(f"{folder}/manifest.json") == exported.read("manifest.json")
    timeline = json.loads(pack.read("timeline.json"))
    events = sorted(request.events, key=lambda e: e.seq)
    assert [e["seq"] for e in timeline["events"]] == [e.seq for e in events]
    assert timeline["events"][-1]["hash"] == request.chain_head
    assert set(timeline["events"][0]) == {"seq", "time", "action", "actor", "payload",
                                          "prev_hash", "hash", "scheme"}  # fmt: skip
    assert request.chain_head in pack.read("timeline.html").decode()
    verification = json.loads(pack.read("verification.json"))
    assert verification["chain"] == {"intact": True, "broken": None}
    assert verification["signing_key"]["fingerprint"] == install_signer().fingerprint
    assert "NOT in this pack" in pack.read("README.txt").decode()
    outcome = verify_export(io.BytesIO(_raw(pack)), install_signer().public_raw)
    assert outcome.valid, outcome.problems


def _raw(pack: zipfile.ZipFile) -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as copy:
        for info in pack.infolist():
            copy.writestr(info, pack.read(info))
    return out.getvalue()


def test_a_tampered_event_shows_as_broken(app: Flask, session, now: datetime, answered) -> None:  # type: ignore[no-untyped-def]
    request, _export, _letter = answered
    session.flush()
    session.execute(
        update(RequestEvent)
        .where(RequestEvent.request_id == request.id, RequestEvent.seq == 2)
        .values(actor="someone-else")
    )
    session.expire_all()
    verification = json.loads(_pack(app, session, request, now).read("verification.json"))
    assert verification["chain"]["intact"] is False
    assert verification["chain"]["broken"]["seq"] == 2
    assert verification["chain"]["broken"]["fault"] == "content"


def test_the_command_writes_a_pack_that_receipt_verify_accepts(
    app: Flask, session, answered, tmp_path: Path
) -> None:  # type: ignore[no-untyped-def]
    request, _export, _letter = answered
    session.commit()
    runner = app.test_cli_runner()
    written = runner.invoke(cli, ["evidence", str(request.reference), "--out", str(tmp_path)])
    assert written.exit_code == 0, written.output
    path = tmp_path / f"evidence-{request.reference}.zip"
    assert path.is_file()
    key = base64.b64encode(install_signer().public_raw).decode()
    valid = runner.invoke(cli, ["receipt", "verify", str(path), "--key", key])
    assert valid.exit_code == 0, valid.output
    data = bytearray(path.read_bytes())
    copy = zipfile.ZipFile(io.BytesIO(bytes(data)))
    changed = io.BytesIO()
    with zipfile.ZipFile(changed, "w") as target:
        for info in copy.infolist():
            body = copy.read(info)
            target.writestr(info, body + b" " if info.filename == "timeline.json" else body)
    path.write_bytes(changed.getvalue())
    broken = runner.invoke(cli, ["receipt", "verify", str(path), "--key", key])
    assert broken.exit_code == 1
    assert "timeline.json: SHA-256 differs" in broken.output
    missing = runner.invoke(cli, ["evidence", "DSAR-1999-00000", "--out", str(tmp_path)])
    assert missing.exit_code == 2


def test_only_the_dpo_of_the_requests_controller_downloads_the_pack(
    app: Flask, client, session, now: datetime, answered, monkeypatch
) -> None:  # type: ignore[no-untyped-def]
    request, _export, _letter = answered
    monkeypatch.setitem(app.extensions, "dsar.core.clock", FixedClock(now))
    monkeypatch.setitem(app.config, "WTF_CSRF_ENABLED", False)
    other = Controller(slug="aaa", name="Aaa AG", country="AT", timezone="Europe/Vienna",
                       languages=["de", "en"], loaded_at=now)  # fmt: skip
    session.add(other)
    make_staff(session, now, email="dana@example.org", role=Role.DPO)
    make_staff(session, now, email="alex@example.org", role=Role.AGENT)
    make_staff(session, now, email="otto@example.org", role=Role.DPO).controllers = [other]
    session.commit()
    url = f"/staff/requests/{request.id}/evidence"

    def as_(email: str) -> int:
        client.post("/staff/logout")
        client.post("/staff/login", data={"email": email, "password": PASSWORD})
        return client.get(url).status_code

    assert as_("alex@example.org") == 403
    assert as_("otto@example.org") == 404
    client.post("/staff/logout")
    client.post("/staff/login", data={"email": "dana@example.org", "password": PASSWORD})
    page = client.get(f"/staff/requests/{request.id}")
    assert url.encode() in page.data
    response = client.get(url)
    assert response.status_code == 200
    assert f"evidence-{request.reference}.zip" in response.headers["Content-Disposition"]
    outcome = verify_export(io.BytesIO(response.data), install_signer().public_raw)
    assert outcome.valid, outcome.problems


def test_an_export_whose_zip_cannot_be_read_is_named_not_left_out(
    app: Flask, session, now: datetime, verified_request
) -> None:  # type: ignore[no-untyped-def]
    request = verified_request(language="en")
    export, _token = make_export(app, session, request, now)
    pack = _pack(app, session, request, now)
    note = pack.read(f"exports/{export.id}-access/NOTE.txt").decode()
    assert "not a readable ZIP" in note
    assert verify_export(io.BytesIO(_raw(pack)), install_signer().public_raw).valid


def test_the_chain_is_checked_against_the_newest_checkpoint(
    app: Flask, session, now: datetime, verified_request
) -> None:  # type: ignore[no-untyped-def]
    request = verified_request(language="de")
    before = json.loads(_pack(app, session, request, now).read("verification.json"))
    assert before["checkpoint"] == {"newest_signed": None, "intact": None, "broken": None}
    write_checkpoint(session, now)
    session.flush()
    pack = _pack(app, session, request, now)
    assert json.loads(pack.read("verification.json"))["checkpoint"]["intact"] is True
    assert "NICHT in diesem Paket" in pack.read("README.txt").decode()
    session.execute(
        update(RequestEvent)
        .where(RequestEvent.request_id == request.id, RequestEvent.seq == request.event_seq)
        .values(hash="f" * 64)
    )
    session.expire_all()
    after = json.loads(_pack(app, session, request, now).read("verification.json"))
    assert after["checkpoint"]["intact"] is False
    assert after["checkpoint"]["broken"]["fault"] == "checkpoint"
