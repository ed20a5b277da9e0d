"""The thread on the status page: read, reply, attachments, letters; and what a token opens."""

from __future__ import annotations

import io
import json
import secrets

import pytest
from flask import Flask
from sqlalchemy import select, update

from dsar.files.storage import FileStore
from dsar.letters.models import Letter
from dsar.letters.operations import approve_letter, draft_letter, send_letter
from dsar.messages.models import Author, Message
from dsar.messages.operations import post_from_staff, receive_from_subject
from dsar.requests.models import RequestEvent
from dsar.requests.operations import apply_action, hash_token
from dsar.requests.workflow import Action
from tests.factories import by_hand, make_request, make_staff

PDF = b"%PDF-1.4\n1 0 obj\n<<>>\nendobj\n%%EOF\n"


@pytest.fixture
def store(app: Flask) -> FileStore:
    return FileStore.from_settings(app.config["DSAR_SETTINGS"])


def _with_token(session, controller, now, **fields):  # type: ignore[no-untyped-def]
    request = make_request(session, controller, now, **fields)
    token = secrets.token_urlsafe(32)
    request.status_token_hash = hash_token(token)
    return request, token


def _staff_says(app, session, request, now, store, body, files=()):  # type: ignore[no-untyped-def]
    staff = make_staff(session, now, email=f"{secrets.token_hex(3)}@example.org")
    settings = app.config["DSAR_SETTINGS"]
    return post_from_staff(
        session, request, staff, body, list(files), now, store, settings=settings
    )


@pytest.mark.parametrize(
    ("lang", "words"),
    [
        ("en", ["Messages", "Message from Demo", "new", "Send message"]),
        ("de", ["Nachrichten", "Nachricht von Demo", "neu", "Nachricht senden"]),
    ],
)
def test_thread_shown_escaped_and_marked_read(  # type: ignore[no-untyped-def]
    app, client, session, controller, clock, store, lang, words
) -> None:
    request, token = _with_token(session, controller, clock.now())
    message = _staff_says(
        app, session, request, clock.now(), store, "<script>alert(1)</script>", [("a.pdf", PDF)]
    )
    session.commit()
    answer = client.get(f"/c/demo/status/{token}?lang={lang}")
    page = answer.get_data(as_text=True)
    assert answer.headers["Cache-Control"] == "no-store"
    for word in words:
        assert word in page
    assert "<script>alert(1)" not in page and "&lt;script&gt;alert(1)" in page
    assert 'id="verify-hint"' not in page  # only messages: nothing signed to check
    (stored,) = message.attachments
    assert f"/c/demo/status/{token}/messages/{message.id}/files/{stored.id}" in page
    session.refresh(message)
    assert message.read_at is not None  # seen by the subject: audited once
    read = session.scalars(
        select(RequestEvent).where(
            RequestEvent.request_id == request.id, RequestEvent.action == "messages_read"
        )
    ).all()
    assert [e.payload for e in read] == [{"reader": "subject", "messages": [message.id]}]
    again = client.get(f"/c/demo/status/{token}?lang={lang}").get_data(as_text=True)
    assert ">" + words[2] + "<" not in again


def test_subject_replies_with_an_attachment(
    app, client, session, controller, clock, no_csrf
) -> None:  # type: ignore[no-untyped-def]
    request, token = _with_token(session, controller, clock.now())
    session.commit()
    sent = client.post(
        f"/c/demo/status/{token}/messages",
        data={"body": "Meine Kundennummer: 4711", "attachments": (io.BytesIO(PDF), "id.pdf")},
        content_type="multipart/form-data",
    )
    assert sent.status_code == 303 and sent.headers["Location"].endswith("message=sent#thread")
    (message,) = session.scalars(select(Message)).all()
    assert message.author is Author.SUBJECT and message.request_id == request.id
    (stored,) = message.attachments
    url = f"/c/demo/status/{token}/messages/{message.id}/files/{stored.id}"
    download = client.get(url)
    assert download.data == PDF and download.headers["Cache-Control"] == "no-store"
    assert download.mimetype == "application/octet-stream"
    page = client.get(f"/c/demo/status/{token}?message=sent&lang=en").get_data(as_text=True)
    assert "Meine Kundennummer: 4711" in page and "Your message was sent." in page


def test_a_lying_attachment_is_refused(client, session, controller, clock, no_csrf) -> None:  # type: ignore[no-untyped-def]
    request, token = _with_token(session, controller, clock.now())
    session.commit()
    sent = client.post(
        f"/c/demo/status/{token}/messages",
        data={"body": "hi", "attachments": (io.BytesIO(b"<html><script>"), "id.pdf")},
        content_type="multipart/form-data",
    )
    assert sent.headers["Location"].endswith("message=type#thread")
    assert session.scalars(select(Message)).all() == []


def test_a_reply_needs_the_csrf_token(client, session, controller, clock) -> None:  # type: ignore[no-untyped-def]
    request, token = _with_token(session, controller, clock.now())
    session.commit()
    assert client.post(f"/c/demo/status/{token}/messages", data={"body": "hi"}).status_code == 400
    assert session.scalars(select(Message)).all() == []


def test_another_token_sees_and_posts_nothing_here(  # type: ignore[no-untyped-def]
    app, client, session, controller, clock, store, no_csrf
) -> None:
    request, token = _with_token(session, controller, clock.now())
    other, other_token = _with_token(session, controller, clock.now())
    message = receive_from_subject(
        session, request, body="private text", files=[("a.pdf", PDF)], channel="web",
        now=clock.now(), store=store,
    )  # fmt: skip
    session.commit()
    (stored,) = message.attachments
    assert "private text" not in client.get(f"/c/demo/status/{other_token}").get_data(as_text=True)
    base = f"/c/demo/status/{other_token}/messages"
    assert client.get(f"{base}/{message.id}/files/{stored.id}").status_code == 404
    assert (
        client.get(f"/c/demo/status/wrong/messages/{message.id}/files/{stored.id}").status_code
        == 404
    )
    client.post(base, data={"body": "from the other"})
    posted = session.scalars(select(Message).where(Message.body == "from the other")).one()
    assert posted.request_id == other.id  # never into this thread


def test_closed_request_thread_is_read_only(
    app, client, session, controller, clock, store, no_csrf
) -> None:  # type: ignore[no-untyped-def]
    request, token = _with_token(session, controller, clock.now())
    _staff_says(app, session, request, clock.now(), store, "Before closing")
    apply_action(session, request, Action.WITHDRAW, actor="dana", now=clock.now())
    session.commit()
    page = client.get(f"/c/demo/status/{token}?lang=en").get_data(as_text=True)
    assert "Before closing" in page and 'id="thread-closed"' in page
    assert 'name="body"' not in page
    sent = client.post(f"/c/demo/status/{token}/messages", data={"body": "late"})
    assert sent.headers["Location"].endswith("message=closed#thread")
    assert session.scalars(select(Message).where(Message.body == "late")).all() == []


def test_replies_are_rate_limited(client, session, controller, clock, no_csrf) -> None:  # type: ignore[no-untyped-def]
    request, token = _with_token(session, controller, clock.now())
    session.commit()
    codes = [
        client.post(f"/c/demo/status/{token}/messages", data={"body": "x"}).status_code
        for _ in range(6)
    ]
    assert codes == [303] * 5 + [429]


def test_letter_in_the_thread_with_pdf_and_receipt(  # type: ignore[no-untyped-def]
    app, client, session, controller, clock, no_csrf
) -> None:
    now = clock.now()
    request, token = _with_token(session, controller, now)
    apply_action(session, request, Action.VERIFY_IDENTITY, actor="dana", now=now)
    apply_action(session, request, Action.PREPARE_ANSWER, actor="dana", now=now)
    letter = draft_letter(session, request, actor="dana", now=now, letter_type="acknowledgement")
    store = FileStore.from_settings(app.config["DSAR_SETTINGS"])
    register = by_hand(app.extensions["dsar.registers"][0])
    approve_letter(session, letter, register=register, store=store, actor="dana", now=now)
    send_letter(session, letter, actor="dana", now=now)
    draft = draft_letter(session, request, actor="dana", now=now, letter_type="acknowledgement")
    session.commit()
    page = client.get(f"/c/demo/status/{token}?lang=en").get_data(as_text=True)
    base = f"/c/demo/status/{token}/letters/{letter.id}"
    assert f"{base}/pdf" in page and f"{base}/receipt.json" in page
    assert "sent on" in page
    pdf = client.get(f"{base}/pdf")
    assert pdf.data == store.read(letter.pdf_file) and pdf.mimetype == "application/pdf"
    receipt = json.loads(client.get(f"{base}/receipt.json").data)
    assert receipt == letter.receipt
    # What the subject downloaded checks out on the public page the thread links to.
    assert 'id="verify-hint"' in page and 'href="/verify"' in page
    checked = client.post(
        "/verify",
        data={
            "document": (io.BytesIO(pdf.data), "letter.pdf"),
            "receipt": (io.BytesIO(client.get(f"{base}/receipt.json").data), "r.json"),
        },
        content_type="multipart/form-data",
    ).get_data(as_text=True)
    assert "Valid: the signature and every SHA-256 hash match" in checked
    other, other_token = _with_token(session, controller, now)
    session.commit()
    for url in (
        f"/c/demo/status/{other_token}/letters/{letter.id}/pdf",
        f"/c/demo/status/{other_token}/letters/{letter.id}/receipt.json",
        f"/c/demo/status/{token}/letters/{draft.id}/pdf",
        f"/c/demo/status/{token}/letters/{draft.id}/receipt.json",
    ):
        assert client.get(url).status_code == 404, url


def test_a_letter_without_a_signed_receipt_is_not_offered_for_checking(  # type: ignore[no-untyped-def]
    app, client, session, controller, clock
) -> None:
    """A letter approved before receipts existed has none: the page promises no check of it."""
    now = clock.now()
    request, token = _with_token(session, controller, now)
    apply_action(session, request, Action.VERIFY_IDENTITY, actor="dana", now=now)
    letter = draft_letter(session, request, actor="dana", now=now, letter_type="acknowledgement")
    store = FileStore.from_settings(app.config["DSAR_SETTINGS"])
    register = by_hand(app.extensions["dsar.registers"][0])
    approve_letter(session, letter, register=register, store=store, actor="dana", now=now)
    # As a letter approved before receipts existed: the model refuses the change, the row not.
    session.execute(update(Letter).where(Letter.id == letter.id).values(receipt=None))
    session.expire(letter)
    send_letter(session, letter, actor="dana", now=now)
    session.commit()
    page = client.get(f"/c/demo/status/{token}?lang=en").get_data(as_text=True)
    assert f"/letters/{letter.id}/pdf" in page and "receipt.json" not in page
    assert 'id="verify-hint"' not in page
