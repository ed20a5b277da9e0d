"""Every letter type can be finished on its page: each fact it needs is recorded by the system
or has a labelled field there (stored on the letter, shown back), then approved and sent."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest
from babel.dates import format_date
from markupsafe import escape
from sqlalchemy import select

from dsar.core.i18n import LOCALES
from dsar.demo.shop import ensure_shop
from dsar.letters.content import LETTER_TYPES
from dsar.letters.fields import TEXT_LABELS, fact_fields
from dsar.letters.models import Letter, LetterStatus
from dsar.requests.workflow import RequestType
from tests.factories import make_request
from tests.fulfilment.conftest import GOLDEN_EMAIL, GOLDEN_NUMBER
from tests.staff.test_answering import search_and_export

DAY = "2026-03-01"
# What staff type into the labelled fields of each letter type's page.
FILLED: dict[str, dict[str, str | list[str]]] = {
    "acknowledgement": {},
    "identity_request": {"doubt": "The address differs.", "needed": "Your customer number."},
    "clarification": {"question": "Which orders?", "provided": "Nothing yet."},
    "extension": {"reasons": "Forty sources to search."},
    "access": {"withheld": "A colleague's note about you (Art. 15(4))."},
    "rectification": {"changes": "Address corrected.", "fact_done_on": DAY},
    "erasure": {"fact_done_on": DAY, "untold": "Their contracts ended in 2025; they hold no copy."},
    "restriction": {"fact_ground": "18.1.a", "fact_done_on": DAY},
    "restriction_lift": {"fact_ground": "18.1.a", "fact_lift_on": DAY, "reason": "Verified."},
    "objection": {"fact_outcome": "continued", "grounds": "Fraud prevention."},
    "consent_withdrawal": {"fact_effective_on": DAY, "fact_activities": ["newsletter"]},
    "human_review": {
        "review": "A person looked at the account's age and open invoices.",
        "fact_activities": ["invoice_payment_check"],
        "fact_outcome": "confirmed",
        "fact_reviewed_on": DAY,
    },
    "refusal": {
        "facts": "Twelve requests this week.",
        "reasons": "Excessive.",
        "fact_ground": "excessive",
        "fact_partial": "no",
        "fact_fee": "25,00",
    },
    "identity_failed": {"unidentified": "No customer number matched the address."},
    "recipient_notice": {
        "fact_recipient": "parcel",
        "fact_action": "erase",
        "fact_action_on": DAY,
        "identifier": "Customer K-100042",
        "change": "All data erased.",
    },
    "portability": {"fact_transmitted": "no", "fact_eligible": "yes"},
}
SEARCHED = ("access", "portability", "erasure")


def test_the_table_covers_every_letter_type() -> None:
    assert set(FILLED) == set(LETTER_TYPES)


@pytest.mark.parametrize("letter_type", LETTER_TYPES)
def test_each_letter_type_is_finished_through_its_labelled_fields(  # type: ignore[no-untyped-def]
    app, session, controller, now, dpo, as_user, no_csrf, erasure_by_hand, letter_type
) -> None:
    """Drafted on the Letters page of a request of another right (an outcome letter of the
    request's own right goes out only as its prepared answer); access and portability, whose
    copy belongs to their own request, as the prepared answer."""
    ensure_shop(Path(app.instance_path))
    other = RequestType.ERASURE if letter_type == "rectification" else RequestType.RECTIFICATION
    with_copy = letter_type in ("access", "portability")  # their copy is of their own right
    if with_copy:
        other = RequestType(letter_type)
    request = make_request(
        session,
        controller,
        now,
        type=other,
        subject_email=GOLDEN_EMAIL,
        details={"lookup_keys": {"customer_number": GOLDEN_NUMBER}},
    )
    request.extended_due_date = date(2026, 6, 2)  # the extension letter's new date
    staff = as_user(dpo)
    staff.post(
        f"/staff/requests/{request.id}/decide",
        data={"decision": "verify_identity", "version": str(request.version)},
    )
    if letter_type in SEARCHED:  # the copy, where one is owed, is recorded by the system
        kind = letter_type if letter_type != "erasure" else None
        search_and_export(staff, session, request, kind)
    if with_copy:  # drafted as the prepared answer
        session.refresh(request)
        staff.post(
            f"/staff/requests/{request.id}/decide",
            data={"decision": "prepare_answer", "version": str(request.version)},
        )
    else:
        staff.post(f"/staff/requests/{request.id}/letters", data={"letter_type": letter_type})
    letter = session.execute(select(Letter).where(Letter.request_id == request.id)).scalar_one()

    page = staff.get(f"/staff/letters/{letter.id}").get_data(as_text=True)
    for field in fact_fields(letter_type):
        assert escape(field.label) in page
        if field.hint:
            assert escape(field.hint) in page
    for name in FILLED[letter_type]:
        if not name.startswith("fact_"):
            assert escape(TEXT_LABELS[name]) in page  # a plain label, never the raw key

    assert (
        staff.post(f"/staff/letters/{letter.id}/edit", data=FILLED[letter_type]).status_code == 302
    )
    session.refresh(letter)
    facts = {k[5:] for k in FILLED[letter_type] if k.startswith("fact_")}
    assert set(letter.details or {}) == facts
    shown = staff.get(f"/staff/letters/{letter.id}").get_data(as_text=True)
    assert "is incomplete" not in shown, shown[shown.find("is incomplete") - 200 :][:600]
    if DAY in FILLED[letter_type].values():
        assert f"<td>{DAY}</td>" in shown  # the recorded fact, shown back

    sent = staff.post(f"/staff/letters/{letter.id}/send", follow_redirects=True)
    assert b"Approved and queued for" in sent.data, sent.get_data(as_text=True)
    session.refresh(letter)
    assert letter.status is LetterStatus.SENT
    if DAY in FILLED[letter_type].values():
        recorded = format_date(date.fromisoformat(DAY), format="long", locale=LOCALES["en"])
        assert recorded in (letter.text or "")  # the recorded day, not the letter's date


@pytest.mark.parametrize("letter_type", ["rectification", "erasure", "restriction", "objection"])
def test_a_right_carried_out_by_hand_needs_its_day(  # type: ignore[no-untyped-def]
    app, session, controller, now, dpo, as_user, no_csrf, erasure_by_hand, letter_type
) -> None:
    ensure_shop(Path(app.instance_path))
    request = make_request(
        session,
        controller,
        now,
        subject_email=GOLDEN_EMAIL,
        details={"lookup_keys": {"customer_number": GOLDEN_NUMBER}},
    )
    staff = as_user(dpo)
    staff.post(
        f"/staff/requests/{request.id}/decide",
        data={"decision": "verify_identity", "version": str(request.version)},
    )
    if letter_type in SEARCHED:
        search_and_export(staff, session, request, None)
    staff.post(f"/staff/requests/{request.id}/letters", data={"letter_type": letter_type})
    letter = session.execute(select(Letter).where(Letter.request_id == request.id)).scalar_one()
    without_day = {k: v for k, v in FILLED[letter_type].items() if k != "fact_done_on"}
    if letter_type == "objection":
        without_day = {"fact_outcome": "stopped"}
    staff.post(f"/staff/letters/{letter.id}/edit", data=without_day)
    page = staff.get(f"/staff/letters/{letter.id}").get_data(as_text=True)
    assert "is incomplete: missing the date" in page
    refused = staff.post(f"/staff/letters/{letter.id}/send", follow_redirects=True)
    assert b"Not sent:" in refused.data
    session.refresh(letter)
    assert letter.status is LetterStatus.DRAFT


def test_an_outcome_letter_goes_out_only_as_the_prepared_answer(  # type: ignore[no-untyped-def]
    session, controller, now, dpo, as_user, no_csrf
) -> None:
    from dsar.requests.workflow import Status

    request = make_request(session, controller, now, type=RequestType.RECTIFICATION)
    staff = as_user(dpo)
    staff.post(
        f"/staff/requests/{request.id}/decide",
        data={"decision": "verify_identity", "version": str(request.version)},
    )
    staff.post(f"/staff/requests/{request.id}/letters", data={"letter_type": "rectification"})
    letter = session.execute(select(Letter).where(Letter.request_id == request.id)).scalar_one()
    staff.post(f"/staff/letters/{letter.id}/edit", data=FILLED["rectification"])
    refused = staff.post(f"/staff/letters/{letter.id}/send", follow_redirects=True)
    assert b"Not sent: the answer cannot go out yet: prepare the answer" in refused.data
    session.refresh(letter)
    session.refresh(request)
    assert (letter.status, request.status) == (LetterStatus.DRAFT, Status.IN_PROGRESS)
