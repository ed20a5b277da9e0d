"""Consent-withdrawal and objection letters state the recorded stop: not before it ran; the
day it took effect, the outcome and the grounds are the record's, not what staff typed."""

from __future__ import annotations

from datetime import timedelta

import pytest

from dsar.changes.stop_facts import kept_basis
from dsar.changes.stops import carry_out_stop, decide_stop
from dsar.letters.content import IncompleteLetter
from dsar.letters.inputs import letter_content
from dsar.letters.operations import draft_letter
from dsar.letters.rendering import render
from dsar.requests.workflow import RequestType
from tests.changes.test_stops import _request


def test_the_withdrawal_letter_gives_the_moment_dsar_stopped_it(
    session, controller, shop_register, now
) -> None:  # type: ignore[no-untyped-def]
    request = _request(session, controller, now, RequestType.CONSENT_WITHDRAWAL,
                       {"activities": ["newsletter"]})  # fmt: skip
    letter = draft_letter(
        session, request, actor="d@x.org", now=now, letter_type="consent_withdrawal"
    )
    letter.details = {"effective_on": "2026-01-01"}  # typed by hand: the record stands over it
    with pytest.raises(IncompleteLetter, match="the withdrawal carried out by dsar"):
        letter_content(letter, shop_register, now, "edpb")

    stop = decide_stop(session, request, shop_register, actor="d@x.org", now=now)
    with pytest.raises(IncompleteLetter, match="it is approved"):
        letter_content(letter, shop_register, now, "edpb")
    later = now + timedelta(days=1)
    carry_out_stop(session, stop, shop_register, now=later, checkpoint=session.flush)
    content = letter_content(letter, shop_register, later, "edpb")
    text = " ".join(render(content).text.split())

    assert "The withdrawal took effect on 3 March 2026" in text
    assert "January 2026" not in text
    assert "Newsletter" in text
    assert "We have erased the data that we processed on the basis of this consent only" in text


def test_the_objection_letter_states_the_recorded_outcome_and_grounds(
    session, controller, shop_register, now
) -> None:  # type: ignore[no-untyped-def]
    details = {"objection": "legitimate_interest", "grounds": "I dislike logs"}
    request = _request(session, controller, now, RequestType.OBJECTION, details)
    letter = draft_letter(session, request, actor="d@x.org", now=now, letter_type="objection")
    letter.details = {"outcome": "stopped", "done_on": "2026-01-01"}  # typed: overridden

    decide_stop(session, request, shop_register, actor="d@x.org", now=now,
                activities=["web_logs"], continued=True,
                grounds="The logs are needed to defend against attacks.")  # fmt: skip
    content = letter_content(letter, shop_register, now, "edpb")
    text = " ".join(render(content).text.split())

    assert "We continue the processing" in text
    assert "The logs are needed to defend against attacks." in text
    assert "We stopped this processing" not in text


def test_the_basis_still_holding_comes_from_the_register_only(register) -> None:  # type: ignore[no-untyped-def]
    # customers keeps its row when marketing stops (a column is set): its account is a contract
    assert kept_basis(register, ["marketing_mail"]) == "6.1.b"
    # the newsletter's rows are deleted: nothing is kept, so no basis is named
    assert kept_basis(register, ["newsletter"]) is None
