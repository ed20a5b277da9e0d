"""Form POSTs on a real database with real commits (both backends): many at once are each
answered and each has its rows; one that fails half-way leaves no row behind."""

from __future__ import annotations

import io
from datetime import UTC, datetime, timedelta

import pytest
from flask import Flask
from sqlalchemy import func, select

from dsar.audit.request_trail import verify_chain
from dsar.core.clock import FixedClock
from dsar.extensions import db, limiter
from dsar.files.models import StoredFile
from dsar.files.storage import FileStore
from dsar.outbox.models import OutboxMessage
from dsar.requests.models import Request, RequestEvent
from tests.conftest import NOW
from tests.intake.conftest import form_data
from tests.threads import at_once, summary

POSTS = 10
PDF = b"%PDF-1.7\n1 0 obj<<>>endobj\n%%EOF\n"
TABLES = (Request, RequestEvent, OutboxMessage, StoredFile)


@pytest.fixture
def form_app(committed_db_app: Flask, monkeypatch: pytest.MonkeyPatch) -> Flask:
    monkeypatch.setitem(committed_db_app.extensions, "dsar.core.clock", FixedClock(NOW))
    monkeypatch.setitem(committed_db_app.config, "WTF_CSRF_ENABLED", False)
    monkeypatch.setattr(limiter, "enabled", False)  # many posts from one address
    return committed_db_app


def _counts(app: Flask) -> list[int]:
    with app.app_context():
        counts = [db.session.scalar(select(func.count()).select_from(t)) for t in TABLES]
        db.session.remove()
    return counts  # type: ignore[return-value]


def test_parallel_posts_are_all_answered_and_each_has_its_rows(form_app: Flask) -> None:
    clients = [form_app.test_client() for _ in range(POSTS)]

    def post(i: int) -> int:
        data = form_data(email=f"p{i}@example.org", key_customer_number="K-100042")
        return clients[i].post("/c/demo/request/access", data=data).status_code

    outcomes = at_once(POSTS, post)

    assert outcomes == [302] * POSTS, summary(outcomes)
    assert _counts(form_app) == [POSTS, POSTS, POSTS, 0]
    with form_app.app_context():
        rows = db.session.execute(
            select(Request.id, Request.reference, Request.subject_email)
        ).all()
        assert len({reference for _id, reference, _email in rows}) == POSTS
        keys = set(db.session.execute(select(OutboxMessage.idempotency_key)).scalars())
        assert keys == {f"confirm:{request_id}" for request_id, _ref, _email in rows}
        assert {email for _id, _ref, email in rows} == {f"p{i}@example.org" for i in range(POSTS)}
        assert verify_chain(db.session) is None
        db.session.remove()


def test_a_post_that_fails_half_way_leaves_no_row(
    form_app: Flask, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The second upload fails after the request, its event, its mail and the first file's row
    were flushed: the transaction rolls back whole. The first blob stays on disk without a
    row until the daily sweep (dsar/jobs/orphans.py)."""
    real_save = FileStore.save_file
    calls: list[str] = []

    def second_fails(self, session, source, **fields):  # type: ignore[no-untyped-def]
        calls.append(fields["filename"])
        if len(calls) == 2:
            raise OSError("no space left on device")
        return real_save(self, session, source, **fields)

    monkeypatch.setattr(FileStore, "save_file", second_fails)
    data = form_data(key_customer_number="K-100042")
    data["documents"] = [(io.BytesIO(PDF), "one.pdf"), (io.BytesIO(PDF), "two.pdf")]
    with pytest.raises(OSError, match="no space left"):
        form_app.test_client().post(
            "/c/demo/request/access", data=data, content_type="multipart/form-data"
        )

    assert calls == ["one.pdf", "two.pdf"]
    assert _counts(form_app) == [0, 0, 0, 0]
    store = FileStore.from_settings(form_app.config["DSAR_SETTINGS"])
    assert len(store.blobs_written_before(datetime.now(UTC) + timedelta(minutes=1))) == 1
