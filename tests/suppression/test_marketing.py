"""An objection to direct marketing stops it for good: the subject goes on the marketing list
when its letter goes out, and only then does the letter say so (Art. 21(3))."""

from __future__ import annotations

from datetime import datetime

import pytest
from flask import Flask

from dsar.files.storage import FileStore
from dsar.letters.answer import approve_and_send
from dsar.letters.content import IncompleteLetter
from dsar.letters.operations import draft_letter, record_facts, register_for
from dsar.requests.operations import apply_action
from dsar.requests.workflow import Action, RequestType
from dsar.suppression.operations import check
from tests.factories import by_hand, make_request
from tests.suppression.conftest import SALT


def _objection(app: Flask, session, controller, now: datetime, facts: dict):  # type: ignore[no-untyped-def]
    request = make_request(
        session,
        controller,
        now,
        type=RequestType.OBJECTION,
        language="en",
        subject_email="Kunde007@Example.org",
    )
    apply_action(session, request, Action.VERIFY_IDENTITY, actor="test", now=now)
    apply_action(session, request, Action.PREPARE_ANSWER, actor="test", now=now)
    letter = draft_letter(session, request, actor="agent@x", now=now)
    record_facts(session, letter, facts, actor="agent@x", now=now)
    # staff record the outcome by hand here: dsar's own stop is tests/changes/test_stops.py
    register = by_hand(register_for(app.extensions["dsar.registers"], "demo"))
    store = FileStore.from_settings(app.config["DSAR_SETTINGS"])
    approve_and_send(
        session,
        letter,
        register=register,
        store=store,
        actor="dpo@x",
        now=now,
        suppression_salt=SALT,
    )
    return letter


def test_stopped_marketing_puts_the_subject_on_the_list_and_the_letter_says_so(
    app, session, controller, now
) -> None:  # type: ignore[no-untyped-def]
    day = now.date().isoformat()
    facts = {"outcome": "stopped", "activities": ["newsletter"], "done_on": day}
    letter = _objection(app, session, controller, now, facts)

    listed = check(session, controller, "kunde007@example.org", salt=SALT)
    assert [(entry.key, entry.scope.value) for entry in listed] == [("email", "marketing")]
    assert "on a suppression list" in " ".join((letter.text or "").split())


def test_other_objections_list_nobody_and_claim_no_list(app, session, controller, now) -> None:  # type: ignore[no-untyped-def]
    day = now.date().isoformat()
    facts = {"outcome": "stopped", "activities": ["web_logs"], "done_on": day}
    letter = _objection(app, session, controller, now, facts)

    assert check(session, controller, "kunde007@example.org", salt=SALT) == []
    assert "suppression list" not in (letter.text or "")


def test_an_objection_to_marketing_cannot_be_refused(app, session, controller, now) -> None:  # type: ignore[no-untyped-def]
    facts = {"outcome": "continued", "activities": ["newsletter"]}
    with pytest.raises(IncompleteLetter, match=r"cannot be refused \(Art. 21\(3\)\)"):
        _objection(app, session, controller, now, facts)
