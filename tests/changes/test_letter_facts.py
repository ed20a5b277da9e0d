"""The erasure letter says what the recorded erasure did, and nothing before it is done."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import func, select

from dsar.changes.erasures import carry_out
from dsar.jobs.models import PlannedDeletion
from dsar.letters.content import IncompleteLetter
from dsar.letters.inputs import letter_content
from dsar.letters.operations import draft_letter
from dsar.letters.rendering import render
from tests.changes.test_erasures import SALT, _approved


def test_the_letter_waits_for_the_erasure_then_states_what_it_did(
    session,
    erasure_request,
    shop_register,
    now,  # noqa: F811
) -> None:  # type: ignore[no-untyped-def]
    erasure = _approved(session, erasure_request, shop_register, now)
    letter = draft_letter(session, erasure_request, actor="d@x.org", now=now, letter_type="erasure")
    letter.details = {"done_on": "2026-01-01"}  # typed by hand: the recorded erasure stands over it

    with pytest.raises(IncompleteLetter, match="the erasure carried out: it is approved"):
        letter_content(letter, shop_register, now, "edpb")

    carry_out(session, erasure, shop_register, now=now, checkpoint=session.flush, salt=SALT)
    content = letter_content(letter, shop_register, now, "edpb")
    text = " ".join(render(content).text.split())

    assert content.details["done_on"] == now.date().isoformat()
    assert "On 2 March 2026 we erased: Content of messages and support requests;" in text
    assert "January 2026" not in text
    orders = next(k for k in content.kept if k.activity == "Orders")
    assert orders.count == 4 and orders.deletion_on is not None
    assert f"planned deletion: {orders.deletion_on.day}" in text
    kept_until = session.execute(
        select(func.max(PlannedDeletion.blocked_until)).where(PlannedDeletion.target == "orders")
    ).scalar_one()
    # the letter's dates are the recorded planned deletion's: kept until, deleted the day after
    assert (orders.expires_on, orders.deletion_on) == (kept_until, kept_until + timedelta(days=1))
    # the demo's accounting is erased by hand, which dsar does not record: no "all erased"
    assert "all data we found about you has been erased" not in text
    assert "(1 record)" in text and "(1 records)" not in text
    assert "We have restricted" not in text and "35(3)" not in text
