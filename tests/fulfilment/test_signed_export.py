"""A built export's manifest is signed; `dsar receipt verify` finds any changed byte."""

from __future__ import annotations

import base64
import io
import json
import zipfile
from pathlib import Path

import pytest
from flask import Flask

from dsar.cli import cli
from dsar.core.signing import Signer, install_signer, signature_valid
from dsar.fulfilment.writer import SIGNATURE
from dsar.receipts.verify import verify_export
from tests.fulfilment.test_export import _build, _prepared


@pytest.fixture
def export_zip(app, session, now, verified_request) -> bytes:  # type: ignore[no-untyped-def]
    request = verified_request()
    built, _archive = _build(
        app, session, now, request, _prepared(app, session, now, request), open_archive=False
    )
    from dsar.files.storage import FileStore

    return FileStore.from_settings(app.config["DSAR_SETTINGS"]).read(built.export.file)


def _changed(data: bytes, name: str, position: float = 0.5) -> bytes:
    """The ZIP with one byte of member `name` flipped."""
    source = zipfile.ZipFile(io.BytesIO(data))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as target:
        for info in source.infolist():
            content = bytearray(source.read(info))
            if info.filename == name:
                at = int(len(content) * position)
                content[at] ^= 0x01
            target.writestr(info, bytes(content))
    return out.getvalue()


def _key(app: Flask) -> bytes:
    with app.app_context():
        return install_signer().public_raw


def test_the_manifest_is_signed_and_the_fingerprint_is_on_the_index_page(
    app: Flask, export_zip: bytes
) -> None:
    archive = zipfile.ZipFile(io.BytesIO(export_zip))
    assert archive.namelist()[-2:] == ["manifest.json", SIGNATURE]
    manifest = archive.read("manifest.json")
    signature = archive.read(SIGNATURE).decode()
    assert signature_valid(_key(app), signature, manifest)
    with app.app_context():
        assert install_signer().fingerprint in archive.read("index.html").decode()
    assert SIGNATURE not in {f["name"] for f in json.loads(manifest)["files"]}
    outcome = verify_export(io.BytesIO(export_zip), _key(app))
    assert outcome.valid, outcome.problems
    assert outcome.what.startswith("export DSAR-")


def test_a_single_changed_byte_in_any_member_fails(app: Flask, export_zip: bytes) -> None:
    names = zipfile.ZipFile(io.BytesIO(export_zip)).namelist()
    for name in names:
        outcome = verify_export(io.BytesIO(_changed(export_zip, name)), _key(app))
        assert not outcome.valid, name
        if name == "manifest.json":
            assert f"{SIGNATURE}: the signature does not match manifest.json" in outcome.problems
        elif name != SIGNATURE:
            assert outcome.problems == [f"{name}: SHA-256 differs from manifest.json"]


def test_another_key_a_missing_signature_or_an_added_file_fails(
    app: Flask, export_zip: bytes
) -> None:
    other = Signer.from_seed(base64.b64encode(bytes(32)).decode()).public_raw
    assert not verify_export(io.BytesIO(export_zip), other).valid
    source = zipfile.ZipFile(io.BytesIO(export_zip))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as target:
        for info in source.infolist():
            if info.filename != SIGNATURE:
                target.writestr(info, source.read(info))
        target.writestr("extra.csv", b"a,b\n")
    outcome = verify_export(io.BytesIO(out.getvalue()), _key(app))
    assert outcome.problems == [f"{SIGNATURE} is missing"]


def test_the_command_exits_0_when_valid_1_when_changed_2_when_it_cannot_check(
    app: Flask, export_zip: bytes, tmp_path: Path
) -> None:
    runner = app.test_cli_runner()
    good, bad = tmp_path / "export.zip", tmp_path / "changed.zip"
    good.write_bytes(export_zip)
    bad.write_bytes(_changed(export_zip, "data.json"))
    key = base64.b64encode(_key(app)).decode()
    well_known = tmp_path / "dsar-signing-key.json"
    well_known.write_text(json.dumps({"algorithm": "Ed25519", "public_key": key}))

    given = runner.invoke(cli, ["receipt", "verify", str(good), "--key", key])
    assert given.exit_code == 0, given.output
    assert given.output.startswith("valid: export DSAR-")
    from_file = runner.invoke(cli, ["receipt", "verify", str(good), "--key", str(well_known)])
    assert from_file.exit_code == 0, from_file.output
    own = runner.invoke(cli, ["receipt", "verify", str(good)])  # the install's own key
    assert own.exit_code == 0, own.output

    changed = runner.invoke(cli, ["receipt", "verify", str(bad), "--key", key])
    assert changed.exit_code == 1
    assert "data.json: SHA-256 differs from manifest.json" in changed.output
    other = base64.b64encode(bytes(32)).decode()
    assert runner.invoke(cli, ["receipt", "verify", str(good), "--key", other]).exit_code == 1
    unreadable = runner.invoke(cli, ["receipt", "verify", str(good), "--key", "nonsense"])
    assert unreadable.exit_code == 2
