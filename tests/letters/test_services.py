"""Draft, edit, approve (freeze), send; the frozen version cannot change afterwards."""

from __future__ import annotations

from datetime import datetime

import pytest
from flask import Flask
from sqlalchemy import select

from dsar.controllers.models import Controller
from dsar.files.storage import FileStore
from dsar.letters.content import IncompleteLetter
from dsar.letters.models import FrozenLetterError, Letter, LetterStatus
from dsar.letters.operations import (
    LetterError,
    approve_letter,
    draft_letter,
    edit_letter,
    letter_intact,
    preview_letter,
    register_for,
    send_letter,
)
from dsar.letters.rendering import letter_hash
from dsar.outbox.models import OutboxMessage
from dsar.requests.models import RequestEvent
from tests.factories import make_request


@pytest.fixture
def store(app: Flask) -> FileStore:
    return FileStore.from_settings(app.config["DSAR_SETTINGS"])


@pytest.fixture
def register(app: Flask):  # type: ignore[no-untyped-def]
    return register_for(app.extensions["dsar.registers"], "demo")


def _approved(session, controller, now, register, store) -> Letter:  # type: ignore[no-untyped-def]
    request = make_request(session, controller, now, language="de", subject_name="Zoë Schmidt")
    letter = draft_letter(session, request, actor="agent@x", now=now)
    edit_letter(session, letter, {"note": "Grüße & <b>Dank</b>"}, actor="agent@x", now=now)
    return approve_letter(session, letter, register=register, store=store, actor="dpo@x", now=now)


def test_draft_is_the_letter_due_and_previews(
    session, controller: Controller, now: datetime, register
) -> None:  # type: ignore[no-untyped-def]
    request = make_request(session, controller, now, language="de")
    letter = draft_letter(session, request, actor="agent@x", now=now)
    assert (letter.type, letter.language, letter.status) == (
        "acknowledgement",
        "de",
        LetterStatus.DRAFT,
    )
    preview = preview_letter(letter, register, now=now)
    assert "Eingangsbestätigung zu Ihrem Antrag auf Auskunft nach Art. 15 DSGVO (DSAR-" in (
        preview.subject
    )
    assert "vom 2. März 2026 bis zum 2. April 2026" in preview.text


def test_unknown_free_text_part_is_refused(session, controller, now) -> None:  # type: ignore[no-untyped-def]
    request = make_request(session, controller, now)
    letter = draft_letter(session, request, actor="a", now=now)
    with pytest.raises(LetterError, match="the acknowledgement letter has no part reasons"):
        edit_letter(session, letter, {"reasons": "x"}, actor="a", now=now)


def test_approve_freezes_html_text_pdf_and_hash(session, controller, now, register, store) -> None:  # type: ignore[no-untyped-def]
    letter = _approved(session, controller, now, register, store)
    assert letter.status is LetterStatus.APPROVED
    assert letter.sha256 == letter_hash(letter.html, letter.text)
    assert "Grüße &amp; &lt;b&gt;Dank&lt;/b&gt;" in letter.html
    assert store.read(letter.pdf_file).startswith(b"%PDF-")
    assert letter.recipient == "zoe@example.org"
    actions = (
        session.execute(
            select(RequestEvent.action).where(RequestEvent.request_id == letter.request_id)
        )
        .scalars()
        .all()
    )
    assert actions[-3:] == ["letter_drafted", "letter_edited", "letter_approved"]


def test_service_refuses_to_edit_or_reapprove_a_frozen_letter(
    session, controller, now, register, store
) -> None:  # type: ignore[no-untyped-def]
    letter = _approved(session, controller, now, register, store)
    with pytest.raises(LetterError, match="is approved: it can no longer be edited"):
        edit_letter(session, letter, {"note": "changed"}, actor="a", now=now)
    with pytest.raises(LetterError, match="is already approved"):
        approve_letter(session, letter, register=register, store=store, actor="a", now=now)


@pytest.mark.parametrize(
    ("field", "value"), [("html", "<p>forged</p>"), ("texts", {"note": "x"}), ("sha256", "0" * 64)]
)
def test_listener_refuses_a_direct_orm_change(
    session, controller, now, register, store, field: str, value: object
) -> None:  # type: ignore[no-untyped-def]
    letter = _approved(session, controller, now, register, store)
    session.flush()
    setattr(letter, field, value)
    with pytest.raises(FrozenLetterError, match="cannot change"):
        session.flush()
    session.rollback()


def test_frozen_preview_is_the_stored_version_and_hash_matches(
    session, controller, now, register, store
) -> None:  # type: ignore[no-untyped-def]
    letter = _approved(session, controller, now, register, store)
    later = now.replace(year=2027)
    assert preview_letter(letter, register, now=later).html == letter.html
    assert letter_intact(letter)


def test_send_queues_the_frozen_version_once(session, controller, now, register, store) -> None:  # type: ignore[no-untyped-def]
    letter = _approved(session, controller, now, register, store)
    send_letter(session, letter, actor="dpo@x", now=now)
    message = session.execute(
        select(OutboxMessage).where(OutboxMessage.idempotency_key == f"letter:{letter.id}")
    ).scalar_one()
    assert (message.recipient, message.body_text, message.body_html) == (
        "zoe@example.org",
        letter.text,
        letter.html,
    )
    assert letter.status is LetterStatus.SENT
    with pytest.raises(LetterError, match="is sent: only an approved letter is sent"):
        send_letter(session, letter, actor="dpo@x", now=now)
    assert letter_intact(letter)


def test_incomplete_letter_is_not_approved(session, controller, now, register, store) -> None:  # type: ignore[no-untyped-def]
    request = make_request(session, controller, now)
    letter = draft_letter(session, request, letter_type="access", actor="a", now=now)
    with pytest.raises(IncompleteLetter, match="what the search found"):
        approve_letter(session, letter, register=register, store=store, actor="dpo@x", now=now)
    assert letter.status is LetterStatus.DRAFT and letter.html is None
