"""Fixtures for fulfilment tests: the demo shop in the app's instance folder, verified requests."""

from __future__ import annotations

from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
from flask import Flask
from sqlalchemy.orm import Session

from dsar.controllers.models import Controller
from dsar.demo.shop import ensure_shop
from dsar.files.models import FilePurpose
from dsar.files.storage import FileStore
from dsar.fulfilment.delivery import new_download
from dsar.fulfilment.models import Export, ExportKind
from dsar.requests.models import Request
from dsar.requests.operations import apply_action
from dsar.requests.workflow import Action
from tests.factories import make_request

GOLDEN_EMAIL = "kunde042@example.org"
GOLDEN_NUMBER = "K-100042"


@pytest.fixture
def shop(app: Flask) -> Path:
    """The demo shop database the demo register reads (generated once per test app)."""
    ensure_shop(Path(app.instance_path))
    return Path(app.instance_path) / "demo_shop.sqlite3"


@pytest.fixture
def verified_request(session: Session, controller: Controller, now: datetime, shop: Path):  # type: ignore[no-untyped-def]
    """make(**fields) -> a request whose identity is verified (default: demo customer 42)."""

    def make(**fields: Any) -> Request:
        values: dict[str, Any] = {
            "subject_email": GOLDEN_EMAIL,
            "subject_name": "Zoë Andersson",
            "details": {"lookup_keys": {"customer_number": GOLDEN_NUMBER}},
        }
        values.update(fields)
        request = make_request(session, controller, now, **values)
        request.reference = request.reference or "R-TEST"
        apply_action(session, request, Action.VERIFY_IDENTITY, actor="test", now=now)
        return request

    return make


def make_export(
    app: Flask, session: Session, request: Request, now: datetime, data: bytes = b"PK zip"
) -> tuple[Export, str]:
    """An export of `data` with a live download link, without a search: (export, token)."""
    stored = FileStore.from_settings(app.config["DSAR_SETTINGS"]).save(
        session,
        data,
        filename=f"{request.reference}-access.zip",
        content_type="application/zip",
        purpose=FilePurpose.EXPORT,
        now=now,
        request_id=request.id,
        delete_after=now + timedelta(days=14),
    )
    token, token_hash, _password, _hash = new_download(False)
    export = Export(
        request_id=request.id,
        kind=ExportKind.ACCESS,
        file_id=stored.id,
        created_by="dana@example.org",
        created_at=now,
        token_hash=token_hash,
        expires_at=now + timedelta(days=14),
    )
    session.add(export)
    session.flush()
    return export, token
