"""A double click on "Approve and send", on a real database with real commits (both backends):
the letter goes out once; the other click is told so."""

from __future__ import annotations

import pytest
from flask import Flask
from sqlalchemy import select

from dsar.accounts.models import Role
from dsar.audit.request_trail import verify_chain
from dsar.controllers.models import Controller
from dsar.extensions import db
from dsar.letters.models import Letter, LetterStatus
from dsar.letters.operations import draft_letter
from dsar.outbox.models import OutboxMessage
from dsar.requests.operations import apply_action
from dsar.requests.workflow import Action, RequestType
from tests.conftest import NOW
from tests.factories import by_hand, make_request, make_staff
from tests.staff.conftest import signed_in_clients
from tests.threads import at_once, summary

CLICKS = 2
SENT = "Approved and queued for zoe@example.org."
TOLD = (SENT, "Not sent: letter")


def test_a_double_click_sends_the_letter_once(  # type: ignore[no-untyped-def]
    racing_app: Flask, monkeypatch: pytest.MonkeyPatch
) -> None:
    app = racing_app
    # Staff stopped the processing by hand: the letter's facts say so, no record of dsar's.
    registers = [by_hand(r) for r in app.extensions["dsar.registers"]]
    monkeypatch.setitem(app.extensions, "dsar.registers", registers)
    with app.app_context():
        controller = db.session.execute(select(Controller)).scalar_one()
        request = make_request(
            db.session, controller, NOW, type=RequestType.OBJECTION,
            details={"objection": "direct_marketing", "outcome": "stopped",
                     "done_on": NOW.date().isoformat()},
        )  # fmt: skip
        dpo = make_staff(db.session, NOW, email="dana@example.org", role=Role.DPO)
        apply_action(db.session, request, Action.VERIFY_IDENTITY, actor="dana", now=NOW)
        apply_action(db.session, request, Action.PREPARE_ANSWER, actor="dana", now=NOW)
        letter = draft_letter(db.session, request, actor="dana", now=NOW, letter_type="objection")
        db.session.commit()
        letter_id, request_id = letter.id, request.id
        clients = signed_in_clients(app, dpo, CLICKS)
        db.session.remove()

    def click(i: int) -> int:
        with app.app_context():
            code = clients[i].post(f"/staff/letters/{letter_id}/send").status_code
            page = clients[i].get(f"/staff/letters/{letter_id}?lang=en").get_data(as_text=True)
        told = [said for said in TOLD if said in page]
        return code, told[0] if told else ""

    outcomes = at_once(CLICKS, click)

    # The first click sends; the second waits for it (the request is locked by the first) and
    # is told the letter is sent.
    assert sorted(outcomes) == [(302, SENT), (302, "Not sent: letter")], summary(outcomes)
    with app.app_context():
        sent = db.session.get(Letter, letter_id)
        assert sent.status is LetterStatus.SENT
        keys = (
            db.session.execute(
                select(OutboxMessage.idempotency_key).where(OutboxMessage.request_id == request_id)
            )
            .scalars()
            .all()
        )
        assert keys.count(f"letter:{letter_id}") == 1
        assert verify_chain(db.session, request_id) is None
        db.session.remove()
