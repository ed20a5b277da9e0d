"""The access export ZIP for demo customer 42 against checked-in golden files."""

from __future__ import annotations

import hashlib
import io
import json
import os
import zipfile
from pathlib import Path

import pytest
from sqlalchemy import select

from dsar.core.paths import TEMPLATES_DIR
from dsar.files.models import FilePurpose
from dsar.files.storage import FileStore
from dsar.fulfilment.exclusions import exclude
from dsar.fulfilment.export import build_export
from dsar.fulfilment.manual_tasks import complete_manual_task
from dsar.fulfilment.models import ExclusionReason, Export, ExportKind, ManualOutcome, ManualTask
from dsar.fulfilment.search import FulfilmentError, register_for, run_search
from dsar.requests.models import RequestEvent

GOLDEN = Path(__file__).parent / "golden" / "customer-42"
UPDATE = os.environ.get("DSAR_UPDATE_GOLDEN") == "1"


def _prepared(app, session, now, request):  # type: ignore[no-untyped-def]
    register = register_for(app.extensions["dsar.registers"], request)
    run_search(session, request, register, actor="dana@example.org", now=now)
    task = session.execute(
        select(ManualTask).where(ManualTask.request_id == request.id)
    ).scalar_one()
    complete_manual_task(
        session,
        request,
        task,
        actor="dana@example.org",
        now=now,
        note="none",
        outcome=ManualOutcome.NOTHING_FOUND,
    )
    return register


def _build(app, session, now, request, register, kind=ExportKind.ACCESS, **options):  # type: ignore[no-untyped-def]
    """The built export and its ZIP opened (read whole: not for large ones, open_archive=False)."""
    open_archive = options.pop("open_archive", True)
    store = FileStore.from_settings(app.config["DSAR_SETTINGS"])
    built = build_export(
        session,
        request,
        register,
        store,
        kind=kind,
        actor="dana@example.org",
        now=now,
        download_days=14,
        templates=str(TEMPLATES_DIR),
        **options,
    )
    if not open_archive:
        return built, None
    return built, zipfile.ZipFile(io.BytesIO(store.read(built.export.file)))


def _normalised(data: dict) -> dict:
    assert data["reference"].startswith("DSAR-2026-")
    return {**data, "reference": "<reference>", "created_at": "<created>"}


def _check_golden(name: str, content: str) -> None:
    path = GOLDEN / name
    if UPDATE:
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(content.encode("utf-8"))
    assert content == path.read_bytes().decode("utf-8"), f"{name} differs from the golden file"


def test_access_export_matches_golden_files(app, session, now, verified_request):
    request = verified_request()
    register = _prepared(app, session, now, request)
    built, archive = _build(app, session, now, request, register)

    names = archive.namelist()
    assert names == [
        "shop_db/customers.csv",
        "shop_db/orders.csv",
        "shop_db/invoices.csv",
        "shop_db/newsletter_subscriptions.csv",
        "shop_db/contact_messages.csv",
        "shop_db/support_tickets.csv",
        "shop_db/web_logs.csv",
        "data.json",
        "index.html",
        "manifest.json",
        "manifest.json.sig",  # tests/fulfilment/test_signed_export.py
    ]
    data = json.loads(archive.read("data.json"))
    assert data["created_at"] == "2026-03-02T09:00:00+00:00"
    _check_golden("data.json", json.dumps(_normalised(data), ensure_ascii=False, indent=2) + "\n")
    for name in names:
        if name.endswith(".csv"):
            _check_golden(name, archive.read(name).decode("utf-8"))
    assert built.export.row_count == 14


def test_manifest_hashes_every_file(app, session, now, verified_request):
    request = verified_request()
    _built, archive = _build(app, session, now, request, _prepared(app, session, now, request))

    manifest = json.loads(archive.read("manifest.json"))
    assert manifest["reference"] == request.reference
    assert manifest["created_at"] == "2026-03-02T09:00:00+00:00"
    listed = {f["name"]: f["sha256"] for f in manifest["files"]}
    assert set(listed) == set(archive.namelist()) - {"manifest.json", "manifest.json.sig"}
    for name, digest in listed.items():
        assert hashlib.sha256(archive.read(name)).hexdigest() == digest


def test_index_html_is_escaped_and_readable(app, session, now, verified_request):
    request = verified_request()
    _built, archive = _build(app, session, now, request, _prepared(app, session, now, request))

    html = archive.read("index.html").decode("utf-8")
    assert "Guten Tag, bitte helfen Sie mir weiter. &lt;Danke&gt; &amp; Grüße" in html
    assert "<Danke>" not in html
    assert "Berlin Commissioner for Data Protection and Freedom of Information" in html
    assert "Performance" not in html  # the activity texts are in the request's language
    assert "Keeping your customer account" in html


def test_export_is_encrypted_at_rest_and_expires(app, session, now, verified_request):
    request = verified_request()
    built, archive = _build(app, session, now, request, _prepared(app, session, now, request))

    stored = built.export.file
    assert stored.purpose is FilePurpose.EXPORT
    assert stored.delete_after.isoformat() == "2026-03-16T09:00:00+00:00"
    assert built.export.expires_at == stored.delete_after
    blob = (Path(app.instance_path) / "files" / stored.storage_path).read_bytes()
    assert b"kunde042" not in blob and not blob.startswith(b"PK")
    assert built.export.token_hash == hashlib.sha256(built.token.encode()).hexdigest()
    assert built.token not in built.export.token_hash


def test_excluded_row_is_left_out(app, session, now, verified_request):
    request = verified_request()
    register = _prepared(app, session, now, request)
    exclude(
        session,
        request,
        source_id="shop_db",
        part="web_logs",
        row_key="125",
        reason_code=ExclusionReason.THIRD_PARTY,
        reason="a family member's browsing",
        actor="dana@example.org",
        now=now,
    )
    built, archive = _build(app, session, now, request, register)

    logs = archive.read("shop_db/web_logs.csv").decode().splitlines()
    assert len(logs) == 2 and not logs[1].startswith("125,")
    data = json.loads(archive.read("data.json"))
    part = next(p for p in data["sources"][0]["parts"] if p["name"] == "web_logs")
    assert (part["row_count"], part["excluded_rows"]) == (1, 1)
    assert built.export.row_count == 13


def test_export_refused_while_a_source_is_unreachable(
    app, session, now, verified_request, tmp_path
):
    request = verified_request()
    register = _prepared(app, session, now, request)
    shop = register.source("shop_db").model_copy(
        update={"read_url": f"sqlite:///{tmp_path / 'gone' / 'shop.sqlite3'}"}
    )
    broken = register.model_copy(update={"sources": [shop, *register.sources[1:]]})
    run_search(session, request, broken, actor="dana@example.org", now=now)

    with pytest.raises(FulfilmentError, match="blocked: shop_db: unreachable"):
        _build(app, session, now, request, broken)
    assert session.execute(select(Export)).scalars().all() == []


def test_export_build_is_audited(app, session, now, verified_request):
    request = verified_request()
    built, _archive = _build(app, session, now, request, _prepared(app, session, now, request))

    event = (
        session.execute(
            select(RequestEvent)
            .where(RequestEvent.request_id == request.id)
            .order_by(RequestEvent.seq.desc())
        )
        .scalars()
        .first()
    )
    assert event.action == "build_access_export"
    assert event.payload["rows"] == 14 and event.payload["password"] is False
    assert event.payload["file_sha256"] == built.export.file.sha256
