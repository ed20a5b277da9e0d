"""`dsar backup create` and `restore` (docs/operations.md#backup-and-restore): a backup of an
install with requests, uploads and audit events, restored into a fresh install (a new
database, a new files folder, the same DSAR_FILE_KEY), holds every request, every file
(decrypting to the same bytes) and every audit chain intact, on both databases."""

from __future__ import annotations

import io
from pathlib import Path

import pytest
from flask import Flask
from sqlalchemy import select

from dsar.accounts.models import Role
from dsar.audit.request_trail import verify_chain
from dsar.cli import cli
from dsar.core.clock import FixedClock
from dsar.extensions import db, limiter
from dsar.files.models import StoredFile
from dsar.files.storage import FileStore, file_key
from dsar.intake.links import make_confirmation_token
from dsar.requests.models import Request, RequestEvent
from tests.conftest import NOW, build_app, make_database_url
from tests.factories import make_staff
from tests.intake.conftest import form_data

REQUESTS = 6


def _fill(app: Flask) -> None:
    """Web requests with an upload each, half of them confirmed, and a staff account."""
    client = app.test_client()
    for i in range(REQUESTS):
        data = form_data(email=f"p{i}@example.org", key_customer_number="K-100042")
        data["documents"] = [(io.BytesIO(b"%PDF-1.7\n% scan " + bytes([65 + i]) * 500), "id.pdf")]
        response = client.post(
            "/c/demo/request/access", data=data, content_type="multipart/form-data"
        )
        assert response.status_code == 302
    secret = app.config["DSAR_SETTINGS"].secret_key
    with app.app_context():
        references = db.session.execute(select(Request.reference).order_by(Request.id)).scalars()
        links = [f"/c/demo/confirm/{make_confirmation_token(secret, r, NOW)}" for r in references]
        make_staff(db.session, NOW, email="dana@example.org", role=Role.DPO)
        db.session.commit()
        db.session.remove()
    for link in links[: REQUESTS // 2]:
        assert client.post(link).status_code == 200


def _contents(app: Flask) -> tuple[list[tuple[object, ...]], dict[int, bytes], int]:
    """Every request's row and chain head, every file's plaintext, the number of events."""
    store = FileStore.from_settings(app.config["DSAR_SETTINGS"])
    with app.app_context():
        requests = [
            tuple(row)
            for row in db.session.execute(
                select(
                    Request.id,
                    Request.reference,
                    Request.subject_email,
                    Request.status,
                    Request.event_seq,
                    Request.chain_head,
                ).order_by(Request.id)
            )
        ]
        files = {f.id: store.read(f) for f in db.session.execute(select(StoredFile)).scalars()}
        events = len(db.session.execute(select(RequestEvent.id)).all())
        assert verify_chain(db.session) is None
        db.session.remove()
    return requests, files, events


@pytest.fixture
def filled_app(committed_db_app: Flask, monkeypatch: pytest.MonkeyPatch) -> Flask:
    monkeypatch.setitem(committed_db_app.extensions, "dsar.core.clock", FixedClock(NOW))
    monkeypatch.setitem(committed_db_app.config, "WTF_CSRF_ENABLED", False)
    monkeypatch.setattr(limiter, "enabled", False)
    _fill(committed_db_app)
    return committed_db_app


def test_a_backup_restores_into_a_fresh_install_whole(  # type: ignore[no-untyped-def]
    filled_app: Flask, backend: str, request: pytest.FixtureRequest, tmp_path: Path
) -> None:
    before = _contents(filled_app)
    backup = tmp_path / "backup"
    created = filled_app.test_cli_runner().invoke(cli, ["backup", "create", str(backup)])
    assert created.exit_code == 0, created.output
    assert "keep DSAR_FILE_KEY apart" in created.output

    fresh_folder = tmp_path / "fresh"
    fresh_folder.mkdir()
    settings = filled_app.config["DSAR_SETTINGS"]
    # The keys kept apart from the backup (docs/operations.md): files and audit chains need them.
    fresh = build_app(
        make_database_url(request, backend, fresh_folder),
        fresh_folder / "instance",
        file_key=file_key(settings).decode(),
        audit_key=settings.audit_key,
    )
    try:
        restored = fresh.test_cli_runner().invoke(cli, ["backup", "restore", str(backup)])
        assert restored.exit_code == 0, restored.output
        after = _contents(fresh)
        verified = fresh.test_cli_runner().invoke(cli, ["audit", "verify"])
    finally:
        with fresh.app_context():
            db.engine.dispose()

    requests, files, events = after
    print(f"\nrestored {len(requests)} requests, {len(files)} files, {events} events: intact")
    assert after == before
    assert (len(requests), len(files)) == (REQUESTS, REQUESTS)
    assert events == REQUESTS + 2 * (REQUESTS // 2)  # created; confirmed ones: confirm, received
    assert verified.exit_code == 0, verified.output
    fresh_files = fresh_folder / "instance" / "files"
    assert sum(1 for p in fresh_files.rglob("*") if p.is_file()) == REQUESTS


def test_restore_refuses_a_database_that_holds_requests(filled_app: Flask, tmp_path: Path) -> None:
    backup = tmp_path / "backup"
    runner = filled_app.test_cli_runner()
    assert runner.invoke(cli, ["backup", "create", str(backup)]).exit_code == 0
    again = runner.invoke(cli, ["backup", "restore", str(backup)])
    assert again.exit_code == 1
    assert "holds requests" in again.output
    assert runner.invoke(cli, ["backup", "create", str(backup)]).exit_code == 1  # not empty
