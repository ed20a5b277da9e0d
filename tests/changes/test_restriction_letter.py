"""The restriction letter states the recorded restriction: not before its marks were read back
and its by-hand steps recorded; its day and ground are the record's, not what staff typed."""

from __future__ import annotations

import pytest

from dsar.changes.restrictions import carry_out_restriction, record_by_hand
from dsar.letters.content import IncompleteLetter
from dsar.letters.inputs import letter_content
from dsar.letters.operations import draft_letter
from dsar.letters.rendering import render
from tests.changes.test_restriction import _placed


def test_the_letter_waits_for_the_restriction_then_states_its_day_and_ground(
    session, restriction_request, shop_register, now
) -> None:  # type: ignore[no-untyped-def]
    letter = draft_letter(
        session, restriction_request, actor="d@x.org", now=now, letter_type="restriction"
    )
    letter.details = {"done_on": "2026-01-01", "ground": "18.1.d"}  # typed: the record stands

    with pytest.raises(IncompleteLetter, match="the restriction placed by dsar"):
        letter_content(letter, shop_register, now, "edpb")

    restriction = _placed(session, restriction_request, shop_register, now, ground="18.1.b")
    with pytest.raises(IncompleteLetter, match="it is placing"):
        letter_content(letter, shop_register, now, "edpb")

    carry_out_restriction(session, restriction, shop_register, now=now, checkpoint=session.flush)
    with pytest.raises(IncompleteLetter, match="by-hand restriction steps recorded"):
        letter_content(letter, shop_register, now, "edpb")

    for index in range(len(restriction.manual)):
        record_by_hand(session, restriction, index, lifted=False, actor="d@x.org", now=now)
    content = letter_content(letter, shop_register, now, "edpb")
    text = " ".join(render(content).text.split())

    assert (content.details["done_on"], content.details["ground"]) == ("2026-03-02", "18.1.b")
    assert "We restricted it on 2 March 2026" in text
    covered = text.split("The restriction covers: ")[1]
    # the customer's row (flag), the orders that follow it, the newsletter (by hand)
    for label in ("Contact details", "Order data", "Record of consent"):
        assert label in covered.split(" Ground:")[0], label
    assert "January 2026" not in text
