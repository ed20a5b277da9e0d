"""The thread on the case page: read, answer, ask a question, mark read; the queue's marker."""

from __future__ import annotations

import io

import pytest
from flask import Flask
from sqlalchemy import select

from dsar.files.storage import FileStore
from dsar.messages.models import Author, Message
from dsar.messages.operations import mark_read, post_from_staff, receive_from_subject
from dsar.outbox.models import OutboxMessage
from tests.factories import make_request

PDF = b"%PDF-1.4\n1 0 obj\n<<>>\nendobj\n%%EOF\n"


@pytest.fixture
def store(app: Flask) -> FileStore:
    return FileStore.from_settings(app.config["DSAR_SETTINGS"])


def _subject_wrote(session, request, now, store, body="<b>Hallo</b>"):  # type: ignore[no-untyped-def]
    return receive_from_subject(
        session, request, body=body, files=[("id.pdf", PDF)], channel="web", now=now, store=store
    )


@pytest.mark.parametrize(
    ("lang", "words"),
    [
        ("en", ["Messages with the subject", "1 unread message from the subject", "Mark as read"]),
        ("de", ["Nachrichten mit der betroffenen Person", "1 ungelesene Nachricht", "Als gelesen"]),
    ],
)
def test_case_page_shows_the_thread(
    session, controller, now, dpo, as_user, store, lang, words
) -> None:  # type: ignore[no-untyped-def]
    request = make_request(session, controller, now)
    message = _subject_wrote(session, request, now, store)
    session.commit()
    page = (
        as_user(dpo)
        .get(f"/staff/requests/{request.id}", headers={"Accept-Language": lang})
        .get_data(as_text=True)
    )
    for word in words:
        assert word in page, word
    assert "&lt;b&gt;Hallo&lt;/b&gt;" in page and "<b>Hallo" not in page
    (stored,) = message.attachments
    assert f"/staff/requests/{request.id}/files/{stored.id}" in page


def test_staff_downloads_an_attachment_only_when_they_see_the_request(  # type: ignore[no-untyped-def]
    session, controller, now, agent, other_agent, as_user, store
) -> None:
    request = make_request(session, controller, now)
    request.assignee = agent
    (stored,) = _subject_wrote(session, request, now, store).attachments
    session.commit()
    url = f"/staff/requests/{request.id}/files/{stored.id}"
    assert as_user(agent).get(url).data == PDF
    assert as_user(other_agent).get(url).status_code == 404


def test_question_prefilled_in_the_request_language(session, controller, now, dpo, as_user) -> None:  # type: ignore[no-untyped-def]
    request = make_request(session, controller, now, language="de")
    session.commit()
    client = as_user(dpo)
    page = client.get(
        f"/staff/requests/{request.id}?question=identity", headers={"Accept-Language": "en"}
    ).get_data(as_text=True)
    assert "müssen wir zunächst bestätigen, dass diese Anfrage von Ihnen stammt" in page
    page = client.get(
        f"/staff/requests/{request.id}?question=clarification", headers={"Accept-Language": "en"}
    ).get_data(as_text=True)
    assert "welche Daten oder welche Verarbeitung Sie meinen" in page
    assert "Ask about identity" in page


def test_staff_answer_reads_the_thread_and_tells_the_subject(  # type: ignore[no-untyped-def]
    session, controller, now, dpo, as_user, store, no_csrf
) -> None:
    request = make_request(session, controller, now)
    _subject_wrote(session, request, now, store)
    session.commit()
    client = as_user(dpo)
    assert "unread message" in client.get("/staff/queue?lang=en").get_data(as_text=True)
    answer = client.post(
        f"/staff/requests/{request.id}/messages",
        data={"body": "Danke!\r\nBcc: x@example.org", "attachments": (io.BytesIO(PDF), "a.pdf")},
        content_type="multipart/form-data",
    )
    assert answer.status_code == 303
    sent = session.scalars(select(Message).where(Message.author == Author.STAFF)).one()
    assert sent.staff_id == dpo.id and len(sent.attachments) == 1
    mail = session.scalars(select(OutboxMessage)).one()
    assert "Danke" not in mail.body_text and "x@example.org" not in mail.subject
    assert "unread message" not in client.get("/staff/queue").get_data(as_text=True)


def test_mark_as_read(session, controller, now, dpo, as_user, store, no_csrf) -> None:  # type: ignore[no-untyped-def]
    request = make_request(session, controller, now)
    message = _subject_wrote(session, request, now, store)
    session.commit()
    assert as_user(dpo).post(f"/staff/requests/{request.id}/messages/read").status_code == 303
    session.refresh(message)
    assert message.read_at is not None


def test_refused_answer_changes_nothing(session, controller, now, dpo, as_user, no_csrf) -> None:  # type: ignore[no-untyped-def]
    request = make_request(session, controller, now)
    session.commit()
    answer = as_user(dpo).post(
        f"/staff/requests/{request.id}/messages",
        data={"body": "see file", "attachments": (io.BytesIO(b"GIF89a"), "a.pdf")},
        content_type="multipart/form-data",
    )
    assert answer.status_code == 303
    assert session.scalars(select(Message)).all() == []
    assert session.scalars(select(OutboxMessage)).all() == []


def test_sent_letter_in_the_case_page_thread_in_time_order(  # type: ignore[no-untyped-def]
    app: Flask, session, controller, now, dpo, as_user, store
) -> None:
    from datetime import timedelta

    from dsar.letters.operations import approve_letter, draft_letter, send_letter
    from dsar.requests.operations import apply_action
    from dsar.requests.workflow import Action
    from tests.factories import by_hand

    request = make_request(session, controller, now)
    _subject_wrote(session, request, now, store, body="first")
    later = now + timedelta(hours=1)
    apply_action(session, request, Action.VERIFY_IDENTITY, actor="dana", now=later)
    apply_action(session, request, Action.PREPARE_ANSWER, actor="dana", now=later)
    letter = draft_letter(session, request, actor="dana", now=later, letter_type="acknowledgement")
    register = by_hand(app.extensions["dsar.registers"][0])
    approve_letter(session, letter, register=register, store=store, actor="dana", now=later)
    send_letter(session, letter, actor="dana", now=later)
    session.commit()
    page = as_user(dpo).get(f"/staff/requests/{request.id}").get_data(as_text=True)
    thread = page.split('id="thread"', 1)[1].split("</ol>", 1)[0]
    assert thread.index("first") < thread.index(f'data-letter="{letter.id}"')
    assert f"/staff/letters/{letter.id}/pdf" in thread
    assert f"/staff/letters/{letter.id}/receipt" in thread


@pytest.mark.parametrize(
    ("lang", "shown", "timeline"),
    [
        (
            "en",
            "shown on the status page",
            "Our messages were shown on the subject&#39;s status page",
        ),
        ("de", "auf der Statusseite angezeigt", "Unsere Nachrichten wurden auf der Statusseite"),
    ],
)
def test_our_message_opened_on_the_status_page_is_shown_not_read(  # type: ignore[no-untyped-def]
    app, session, controller, now, dpo, as_user, store, lang, shown, timeline
) -> None:
    """Anyone holding the status link (a mail scanner following it too) marks our messages: the
    case page says what was recorded, that the page showed them, not that the subject read them."""
    request = make_request(session, controller, now)
    post_from_staff(session, request, dpo, "Bitte Ausweis senden.", [], now, store,
                    settings=app.config["DSAR_SETTINGS"])  # fmt: skip
    mark_read(session, request, Author.SUBJECT, now, actor="subject")
    session.commit()
    page = (
        as_user(dpo)
        .get(f"/staff/requests/{request.id}", headers={"Accept-Language": lang})
        .get_data(as_text=True)
    )
    assert shown in page and timeline in page
    for claim in ("read 0", "read by", "gelesen 0", "gelesen von", "Messages in the thread read"):
        assert claim not in page, claim
