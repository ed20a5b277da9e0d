"""The retention purge takes a request's redactions and both files with it."""

from __future__ import annotations

from datetime import UTC, datetime

from flask import Flask
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from dsar.controllers.models import Controller
from dsar.files.models import FilePurpose, StoredFile
from dsar.files.storage import FileStore
from dsar.jobs.retention import purge_closed_requests
from dsar.redaction.models import Redaction, RedactionJob, RedactionReason
from dsar.redaction.operations import add_term, apply_redactions
from dsar.requests.operations import apply_action
from dsar.requests.workflow import Action
from tests.factories import make_request
from tests.redaction.documents import NEIGHBOUR, text_pdf


def test_a_purged_request_leaves_no_redaction_and_no_file(
    app: Flask, session: Session, controller: Controller, now: datetime
) -> None:
    received, closed = datetime(2020, 1, 10, 9, tzinfo=UTC), datetime(2020, 2, 1, 9, tzinfo=UTC)
    request = make_request(session, controller, received)
    store = FileStore.from_settings(app.config["DSAR_SETTINGS"])
    data = text_pdf(1)
    original = store.save(session, data, filename="t.pdf", content_type="application/pdf",
                          purpose=FilePurpose.EXTRACT, now=received,
                          request_id=request.id)  # fmt: skip
    add_term(session, request, original, data, term=NEIGHBOUR, reason=RedactionReason.THIRD_PARTY,
             reason_text="", actor="t", now=received)  # fmt: skip
    job = session.execute(select(RedactionJob)).scalar_one()
    copy = apply_redactions(session, store, request, job, data, actor="t", now=received)
    apply_action(session, request, Action.VERIFY_IDENTITY, actor="test", now=received)
    apply_action(session, request, Action.PREPARE_ANSWER, actor="test", now=closed)
    request.answered_at = closed
    apply_action(session, request, Action.COMPLETE, actor="test", now=closed)
    session.commit()
    paths = [store.root / f.storage_path for f in (original, copy)]
    assert all(p.exists() for p in paths)

    result = purge_closed_requests(session, app.config["DSAR_SETTINGS"], now)
    session.commit()

    assert result.purged == 1
    for model in (RedactionJob, Redaction, StoredFile):
        assert session.execute(select(func.count()).select_from(model)).scalar() == 0
    assert not any(p.exists() for p in paths)
