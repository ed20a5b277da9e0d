"""Posting into a request's thread: rules, attachments, audit, notice mail, read state."""

from __future__ import annotations

import hashlib

import pytest
from flask import Flask
from sqlalchemy import select

from dsar.audit.request_trail import verify_chain
from dsar.controllers.models import Controller
from dsar.files.models import FilePurpose
from dsar.files.storage import FileStore
from dsar.intake.operations import request_for_status_token
from dsar.messages.models import Author, Message
from dsar.messages.operations import (
    MessageRejected,
    mark_read,
    post_from_staff,
    receive_from_subject,
)
from dsar.messages.thread import attachment_of, messages_of, unread_by_staff
from dsar.outbox.models import OutboxMessage
from dsar.requests.models import RequestEvent
from dsar.requests.operations import apply_action
from dsar.requests.workflow import Action, Status
from tests.factories import make_request, make_staff

PDF = b"%PDF-1.4\n1 0 obj\n<<>>\nendobj\n%%EOF\n"


@pytest.fixture
def store(app: Flask) -> FileStore:
    return FileStore.from_settings(app.config["DSAR_SETTINGS"])


def _events(session, request, action):  # type: ignore[no-untyped-def]
    return session.scalars(
        select(RequestEvent).where(
            RequestEvent.request_id == request.id, RequestEvent.action == action
        )
    ).all()


def test_staff_message_notifies_without_content(app, session, controller, now, store) -> None:  # type: ignore[no-untyped-def]
    request = make_request(session, controller, now, language="de")
    staff = make_staff(session, now)
    body = "Bitte senden Sie uns Ihre Kundennummer.\r\nBcc: evil@example.org"
    message = post_from_staff(
        session,
        request,
        staff,
        body,
        [("scan.pdf", PDF)],
        now,
        store,
        settings=app.config["DSAR_SETTINGS"],
    )
    mail = session.scalars(
        select(OutboxMessage).where(OutboxMessage.request_id == request.id)
    ).one()
    assert mail.recipient == "zoe@example.org"
    assert mail.subject == f"Neue Nachricht zu Ihrer Anfrage {request.reference}"
    assert "Kundennummer" not in mail.body_text and "evil" not in mail.body_text
    assert "evil" not in str(mail.headers) and "\n" not in mail.subject
    # The mailed link opens this request's status page (its own token, stored hashed only).
    token = mail.body_text.split("/status/", 1)[1].split()[0]
    assert request_for_status_token(session, controller, token) is request
    assert message.notice_token_hash and token not in message.notice_token_hash
    (event,) = _events(session, request, "message_posted")
    assert event.actor == staff.email
    assert "Kundennummer" not in str(event.payload)
    assert event.payload["body_sha256"] == hashlib.sha256(message.body.encode()).hexdigest()
    (stored,) = message.attachments
    assert stored.purpose is FilePurpose.MESSAGE and stored.request_id == request.id
    assert event.payload["attachments"] == [{"name": "scan.pdf", "sha256": stored.sha256}]
    assert store.read(stored) == PDF
    assert verify_chain(session, request.id) is None


def test_subject_message_is_unread_until_staff_read_or_answer(
    app, session, controller, now, store
) -> None:  # type: ignore[no-untyped-def]
    request = make_request(session, controller, now)
    other = make_request(session, controller, now)
    staff = make_staff(session, now)
    receive_from_subject(
        session, request, body="<b>hi</b>", files=[], channel="email", now=now, store=store
    )
    assert unread_by_staff(session, [request.id, other.id]) == {request.id}
    assert session.scalars(select(OutboxMessage)).all() == []  # staff see it on the queue
    (event,) = _events(session, request, "message_posted")
    assert event.actor == "subject" and event.payload["channel"] == "email"
    post_from_staff(
        session, request, staff, "Danke", [], now, store, settings=app.config["DSAR_SETTINGS"]
    )
    assert unread_by_staff(session, [request.id]) == set()
    assert [m.author for m in messages_of(session, request)] == [Author.SUBJECT, Author.STAFF]
    assert mark_read(session, request, Author.SUBJECT, now, actor="subject") == 1
    assert mark_read(session, request, Author.SUBJECT, now, actor="subject") == 0
    assert len(_events(session, request, "messages_read")) == 2  # staff's answer, the subject's


@pytest.mark.parametrize(
    ("files", "body", "reason"),
    [
        ([("x.pdf", b"<html><script>alert(1)</script>")], "see file", "type"),
        ([("evil.svg", b"<svg onload=alert(1)>")], "", "type"),
        ([("a.pdf", PDF)] * 4, "four", "too_many_files"),
        ([("a.pdf", PDF + b"x" * 100)], "big", "too_large"),
        ([], "   ", "empty"),
        ([("a.pdf", b"")], "with a file", "empty_file"),  # not "your message is empty"
        ([], "x" * 20_001, "too_long"),
    ],
)
def test_refused_message_leaves_nothing(
    session, controller, now, store, files, body, reason
) -> None:  # type: ignore[no-untyped-def]
    request = make_request(session, controller, now)
    with pytest.raises(MessageRejected) as refused:
        receive_from_subject(
            session,
            request,
            body=body,
            files=files,
            channel="web",
            now=now,
            store=store,
            max_bytes=len(PDF) + 10,
        )
    assert refused.value.reason == reason
    assert session.scalars(select(Message)).all() == []
    assert _events(session, request, "message_posted") == []


def test_closed_or_unconfirmed_thread_is_read_only(app, session, controller, now, store) -> None:  # type: ignore[no-untyped-def]
    closed = make_request(session, controller, now)
    apply_action(session, closed, Action.WITHDRAW, actor="dana", now=now)
    unconfirmed = make_request(session, controller, now, received_at=None)
    assert unconfirmed.received_at is None
    expired = make_request(session, controller, now, received_at=None)
    expired.status = Status.EXPIRED  # closed before the address was ever confirmed
    cases = ((closed, "closed"), (unconfirmed, "unconfirmed"), (expired, "closed"))
    for request, reason in cases:
        with pytest.raises(MessageRejected) as refused:
            receive_from_subject(
                session, request, body="hi", files=[], channel="web", now=now, store=store
            )
        assert refused.value.reason == reason


def test_attachment_only_of_its_own_request(session, controller: Controller, now, store) -> None:  # type: ignore[no-untyped-def]
    request = make_request(session, controller, now)
    other = make_request(session, controller, now)
    message = receive_from_subject(
        session, request, body="", files=[("id.pdf", PDF)], channel="web", now=now, store=store
    )
    (stored,) = message.attachments
    assert attachment_of(session, request, message.id, stored.id) is stored
    assert attachment_of(session, other, message.id, stored.id) is None
    assert attachment_of(session, request, message.id + 1, stored.id) is None


def test_staff_who_may_not_see_the_request_post_nothing(
    app, session, controller, now, store
) -> None:  # type: ignore[no-untyped-def]
    from dsar.accounts.models import Role
    from dsar.requests.decisions import NotPermitted

    request = make_request(session, controller, now)
    request.assignee = make_staff(session, now, email="alex@example.org", role=Role.AGENT)
    other = make_staff(session, now, email="otto@example.org", role=Role.AGENT)
    settings = app.config["DSAR_SETTINGS"]
    with pytest.raises(NotPermitted):
        post_from_staff(session, request, other, "hi", [], now, store, settings=settings)
    assert session.scalars(select(Message)).all() == []
    assert session.scalars(select(OutboxMessage)).all() == []
