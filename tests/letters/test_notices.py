"""Art. 19: an erasure letter names the recipients told, and only once the notice reached them."""

from __future__ import annotations

from dataclasses import replace
from datetime import datetime, timedelta

import pytest
from flask import Flask

from dsar.files.storage import FileStore
from dsar.letters.content import IncompleteLetter, build_letter
from dsar.letters.facts import FoundData, FoundSource, RecipientTold
from dsar.letters.inputs import facts_for
from dsar.letters.notices import recipients_told
from dsar.letters.operations import (
    approve_letter,
    draft_letter,
    edit_letter,
    record_facts,
    register_for,
    send_letter,
)
from dsar.letters.rendering import render
from dsar.requests.workflow import RequestType
from tests.factories import make_request
from tests.staff.test_answering import dispatch

FOUND = FoundData(
    (FoundSource("shop_db", {"order": 4}, ("orders",), recipients=("payments", "parcel")),)
)


def _notice(session, request, register, store, now, recipient: str):  # type: ignore[no-untyped-def]
    letter = draft_letter(
        session, request, actor="agent@x", now=now, letter_type="recipient_notice"
    )
    edit_letter(
        session,
        letter,
        {"identifier": "Kundennummer K-100042", "change": "Alle Daten sind zu löschen."},
        actor="agent@x",
        now=now,
    )
    facts = {"recipient": recipient, "action": "erase", "action_on": now.date().isoformat()}
    record_facts(session, letter, facts, actor="agent@x", now=now)
    approve_letter(session, letter, register=register, store=store, actor="dpo@x", now=now)
    return send_letter(session, letter, actor="dpo@x", now=now)


def test_a_recipient_counts_as_told_once_its_notice_was_delivered(
    app: Flask, session, controller, now: datetime, smtp_server, monkeypatch
) -> None:  # type: ignore[no-untyped-def]
    register = register_for(app.extensions["dsar.registers"], "demo")
    store = FileStore.from_settings(app.config["DSAR_SETTINGS"])
    request = make_request(session, controller, now, type=RequestType.ERASURE, language="en")
    _notice(session, request, register, store, now, "parcel")
    session.flush()

    assert recipients_told(session, request) == ()  # queued is not told
    dispatch(app, smtp_server, monkeypatch, now + timedelta(minutes=2))
    assert recipients_told(session, request) == (RecipientTold("parcel", now.date()),)
    assert smtp_server.handler.messages[-1]["To"] == "datenschutz@paket-express.example"

    facts = replace(
        facts_for(request),
        told=recipients_told(session, request),
        details={"done_on": now.date().isoformat(), "erasure_status": "done"},
    )
    with pytest.raises(IncompleteLetter, match="Art. 19 notice to Zahlungsdienst Demo AG"):
        build_letter(register, facts, letter_type="erasure", today=now.date(), found=FOUND)
    reason = "Its contract ended in 2025; it deleted its copy then."
    content = build_letter(
        register,
        facts,
        letter_type="erasure",
        today=now.date(),
        found=FOUND,
        texts={"untold": reason},
    )
    text = " ".join(render(content).text.split())
    assert (
        "of the erasure (Art. 19 GDPR): Paket-Express Demo GmbH, Hamburg on 2 March 2026." in text
    )
    assert (
        "We have not informed Zahlungsdienst Demo AG, Frankfurt am Main of the erasure "
        f"(Art. 19 GDPR): {reason}" in text
    )
    assert "every recipient" not in text
