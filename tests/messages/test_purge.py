"""The thread goes with its request: messages, attachments (rows and blobs), the notice link."""

from __future__ import annotations

from flask import Flask
from sqlalchemy import func, select

from dsar.files.models import StoredFile
from dsar.files.storage import FileStore
from dsar.intake.operations import request_for_status_token
from dsar.jobs.purge import purge_requests
from dsar.messages.models import Message, MessageAttachment
from dsar.messages.operations import post_from_staff, receive_from_subject
from dsar.outbox.models import OutboxMessage
from dsar.requests.models import Request
from dsar.requests.operations import apply_action
from dsar.requests.workflow import Action
from tests.factories import make_request, make_staff

PDF = b"%PDF-1.4\n1 0 obj\n<<>>\nendobj\n%%EOF\n"


def _count(session, model) -> int:  # type: ignore[no-untyped-def]
    return session.scalar(select(func.count()).select_from(model))


def test_purge_takes_the_thread_and_its_files(app: Flask, session, controller, now) -> None:  # type: ignore[no-untyped-def]
    settings = app.config["DSAR_SETTINGS"]
    store = FileStore.from_settings(settings)
    request = make_request(session, controller, now)
    kept = make_request(session, controller, now)
    staff = make_staff(session, now)
    post_from_staff(
        session, request, staff, "Frage", [("q.pdf", PDF)], now, store, settings=settings
    )
    answer = receive_from_subject(
        session, request, body="Antwort", files=[("a.pdf", PDF)], channel="web", now=now,
        store=store,
    )  # fmt: skip
    receive_from_subject(session, kept, body="stays", files=[], channel="web", now=now, store=store)
    apply_action(session, request, Action.WITHDRAW, actor="dana", now=now)
    mail = session.scalars(
        select(OutboxMessage).where(OutboxMessage.request_id == request.id)
    ).one()
    token = mail.body_text.split("/status/", 1)[1].split()[0]
    blob = store.root / answer.attachments[0].storage_path
    session.commit()
    assert blob.exists()

    result = purge_requests(session, settings, now, Request.id == request.id)
    session.commit()
    assert result.purged == 1 and result.files == 2
    assert not blob.exists()
    assert _count(session, MessageAttachment) == 0
    assert [m.body for m in session.scalars(select(Message))] == ["stays"]
    assert (
        session.scalars(select(StoredFile).where(StoredFile.request_id == request.id)).all() == []
    )
    assert request_for_status_token(session, controller, token) is None
