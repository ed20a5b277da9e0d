"""Parallel clicks on one download link, on a real database with real commits (both backends):
every click gets the same file, none a 500, and the count is exact."""

from __future__ import annotations

import hashlib
import os

from sqlalchemy import select

from dsar.audit.request_trail import verify_chain
from dsar.controllers.models import Controller
from dsar.core.clock import FixedClock
from dsar.extensions import db, limiter
from dsar.fulfilment.models import Export
from dsar.requests.models import RequestEvent
from tests.conftest import NOW
from tests.factories import make_request
from tests.fulfilment.conftest import make_export
from tests.threads import at_once, summary

CLICKS = 10


def test_parallel_downloads_all_get_the_file_and_are_all_counted(committed_db_app, monkeypatch):  # type: ignore[no-untyped-def]
    app = committed_db_app
    monkeypatch.setitem(app.extensions, "dsar.core.clock", FixedClock(NOW))
    monkeypatch.setattr(limiter, "enabled", False)  # ten clicks from one address
    data = os.urandom(300_000)  # more than one chunk of the stored file
    with app.app_context():
        controller = db.session.execute(select(Controller)).scalar_one()
        request = make_request(db.session, controller, NOW)
        export, token = make_export(app, db.session, request, NOW, data)
        export_id, request_id = export.id, request.id
        db.session.commit()
        db.session.remove()

    def click(_i: int) -> tuple[int, str]:
        response = app.test_client().get(f"/c/demo/download/{token}")
        return response.status_code, hashlib.sha256(response.data).hexdigest()

    outcomes = at_once(CLICKS, click)

    assert outcomes == [(200, hashlib.sha256(data).hexdigest())] * CLICKS, summary(outcomes)
    with app.app_context():
        export = db.session.get(Export, export_id)
        assert export.download_count == CLICKS
        assert export.last_download_at == NOW
        counts = db.session.execute(
            select(RequestEvent.payload["count"].as_integer()).where(
                RequestEvent.request_id == request_id, RequestEvent.action == "download_export"
            )
        ).scalars()
        assert sorted(counts) == list(range(1, CLICKS + 1))
        assert verify_chain(db.session, request_id) is None
        db.session.remove()
