"""The rectification letter states what the recorded rectification changed, and cannot be
approved before it is done; the request's closing check names an unfinished one."""

from __future__ import annotations

import pytest

from dsar.changes.rectifications import approve_rectification, carry_out_rectification
from dsar.letters.content import IncompleteLetter
from dsar.letters.inputs import letter_content
from dsar.letters.operations import draft_letter
from dsar.letters.rendering import render
from dsar.requests.closing import completion_blockers
from tests.changes.test_rectifications import SURNAME, _plan, rect_request  # noqa: F401
from tests.factories import make_staff


def test_the_letter_waits_for_the_rectification_then_states_it(
    session,
    rect_request,  # noqa: F811
    shop_register,
    now,
) -> None:  # type: ignore[no-untyped-def]
    letter = draft_letter(
        session, rect_request, actor="d@x.org", now=now, letter_type="rectification"
    )
    letter.texts = {"changes": "We corrected your surname."}  # typed by hand
    letter.details = {"done_on": "2026-01-01"}
    with pytest.raises(IncompleteLetter, match="the rectification carried out by dsar"):
        letter_content(letter, shop_register, now, "edpb")

    rectification = _plan(session, rect_request, shop_register, now, SURNAME)
    with pytest.raises(IncompleteLetter, match="the rectification carried out: it is planned"):
        letter_content(letter, shop_register, now, "edpb")
    assert completion_blockers(session, rect_request) == [
        "the rectification is planned: see the request's Rectification page"
    ]
    approve_rectification(session, rectification, approver=make_staff(session, now), now=now)
    with pytest.raises(IncompleteLetter, match="it is approved"):
        letter_content(letter, shop_register, now, "edpb")

    carry_out_rectification(session, rectification, shop_register, now=now)
    letter.texts = {}  # the record says what was corrected: no text needed
    content = letter_content(letter, shop_register, now, "edpb")
    text = " ".join(render(content).text.split())

    assert content.details["done_on"] == now.date().isoformat()
    assert "We did so on 2 March 2026:" in text and "January 2026" not in text
    assert "- Last name: Schmidt-Meyer (Customer account, Shop database)" in text
    assert completion_blockers(session, rect_request) == []


def test_the_german_letter_names_the_column_in_german(
    session, controller, shop_register, now
) -> None:  # type: ignore[no-untyped-def]
    from dsar.requests.operations import apply_action
    from dsar.requests.workflow import Action, RequestType
    from tests.changes.test_rectifications import EMAIL, ITEMS
    from tests.factories import make_request

    request = make_request(
        session, controller, now, type=RequestType.RECTIFICATION, subject_email=EMAIL,
        details={"items": ITEMS}, language="de",
    )  # fmt: skip
    apply_action(session, request, Action.VERIFY_IDENTITY, actor="test", now=now)
    rectification = _plan(session, request, shop_register, now, SURNAME)
    approve_rectification(session, rectification, approver=make_staff(session, now), now=now)
    carry_out_rectification(session, rectification, shop_register, now=now)
    letter = draft_letter(session, request, actor="d@x.org", now=now, letter_type="rectification")

    text = " ".join(render(letter_content(letter, shop_register, now, "edpb")).text.split())

    assert "- Nachname: Schmidt-Meyer (Kundenkonto, Shop-Datenbank)" in text
