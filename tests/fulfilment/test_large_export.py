"""A large export is built and downloaded in memory that does not grow with its size: the ZIP
goes from its temporary file to the encrypted store, and from there to the subject, in chunks."""

from __future__ import annotations

import hashlib
import sqlite3
import tracemalloc
from pathlib import Path

from babel import localedata
from sqlalchemy import select

from dsar.controllers.models import Controller
from dsar.core.clock import FixedClock
from dsar.demo.shop import ensure_shop
from dsar.extensions import db, limiter
from dsar.fulfilment.readable import locale_of
from dsar.requests.operations import apply_action
from dsar.requests.workflow import Action
from tests.conftest import committed_app
from tests.factories import make_request
from tests.fulfilment.test_export import _build, _prepared

SUBJECT = "large@example.org"
ROWS, PATH_BYTES = 24_000, 250  # each path 500 hex digits: the ZIP is about 14 MB


def _large_customer(instance: Path) -> None:
    """A customer with many web-log lines of random paths (which compress poorly)."""
    ensure_shop(instance)
    with sqlite3.connect(instance / "demo_shop.sqlite3") as shop:
        shop.execute(
            "INSERT INTO customers VALUES (100000, 'K-999999', ?, 'Lara', 'Large', 'Weg 1',"
            " '10115', 'Berlin', NULL, '1990-01-01', '2024-01-01 00:00:00.000000', 0, 0)",
            (SUBJECT,),
        )
        shop.execute(
            "WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < ?) "
            "INSERT INTO web_logs SELECT 1000000 + i, 100000, '203.0.113.7',"
            " '/' || hex(randomblob(?)), 'Firefox', '2025-02-01 08:00:00.000000' FROM n",
            (ROWS, PATH_BYTES),
        )


def _peak(call):  # type: ignore[no-untyped-def]
    """`call()`'s result and the peak of Python's allocations while it ran."""
    tracemalloc.start()
    try:
        result = call()
        return result, tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()


def test_large_export_is_built_and_downloaded_in_flat_memory(tmp_path, now, monkeypatch):  # type: ignore[no-untyped-def]
    # Memory does not depend on the database: one committed SQLite app is enough.
    with committed_app(tmp_path, now) as app, app.app_context():
        monkeypatch.setitem(app.extensions, "dsar.core.clock", FixedClock(now))
        monkeypatch.setattr(limiter, "enabled", False)
        _large_customer(Path(app.instance_path))
        controller = db.session.execute(select(Controller)).scalar_one()
        request = make_request(db.session, controller, now, subject_email=SUBJECT)
        apply_action(db.session, request, Action.VERIFY_IDENTITY, actor="test", now=now)
        register = _prepared(app, db.session, now, request)

        # The copy's page writes dates and amounts with Babel, whose CLDR data for the locale
        # (about 6 MB) is loaded once per process and kept: a constant, not the export's.
        localedata.load(locale_of(request.language))
        (built, _archive), building = _peak(
            lambda: _build(app, db.session, now, request, register, open_archive=False)
        )
        db.session.commit()
        stored = built.export.file
        size, sha256, rows = stored.size, stored.sha256, built.export.row_count
        db.session.remove()  # the download is a request of its own, with its own session

        def download():  # type: ignore[no-untyped-def]
            response = app.test_client().get(f"/c/demo/download/{built.token}", buffered=False)
            digest, length = hashlib.sha256(), 0
            for chunk in response.response:
                digest.update(chunk)
                length += len(chunk)
            response.close()
            return response.status_code, length, digest.hexdigest()

        answer, downloading = _peak(download)

    assert rows > ROWS and size > 10 * 2**20
    assert answer == (200, size, sha256)
    # Without streaming, each step held the ZIP (and its encrypted copy) whole: > 2x its size.
    assert building < size / 4 and downloading < size / 4, (size, building, downloading)
