"""The case page's checklist: each step done only by a record, from receipt to the answer."""

from __future__ import annotations

from datetime import timedelta

from dsar.letters.models import Letter, LetterStatus
from dsar.requests.checklist import checklist
from dsar.requests.operations import apply_action
from dsar.requests.workflow import Action, RequestType, Verification
from tests.factories import make_request


def _state(session, request, register) -> list[tuple[str, bool, str]]:  # type: ignore[no-untyped-def]
    steps = checklist(session, request, register)
    return [(s.key + (" by hand" if s.by_hand else ""), s.done, s.where) for s in steps]


def test_an_access_request_from_receipt_to_sent_answer(app, session, controller, now) -> None:  # type: ignore[no-untyped-def]
    register = app.extensions["dsar.registers"][0]
    request = make_request(session, controller, now)

    assert _state(session, request, register) == [
        ("identity", False, "decisions"),
        ("search", False, "data"),
        ("copy", False, "data"),
        ("prepared", False, "decisions"),
        ("sent", False, "letters"),
        ("delivered", False, "letters"),
    ]
    apply_action(session, request, Action.VERIFY_IDENTITY, actor="t", now=now)
    assert [done for _, done, _ in _state(session, request, register)][:2] == [True, False]


def test_by_hand_execution_waits_for_the_answer_and_a_sent_letter_counts(
    app, session, controller, now
) -> None:  # type: ignore[no-untyped-def]
    """The demo register writes its restriction flag itself; without a write credential the
    restriction is done by hand and its letter records it."""
    register = app.extensions["dsar.registers"][0]
    sources = [s.model_copy(update={"write_url": None}) if s.id == "shop_db" else s
               for s in register.sources]  # fmt: skip
    by_hand = register.model_copy(update={"sources": sources})
    request = make_request(session, controller, now, type=RequestType.RESTRICTION)
    apply_action(session, request, Action.VERIFY_IDENTITY, actor="t", now=now)
    request.verification = Verification.VERIFIED  # as the staff decision records it

    assert _state(session, request, register)[1] == ("restriction", False, "restriction")
    assert _state(session, request, by_hand)[1] == (
        "restriction by hand", False, "letters"
    )  # fmt: skip
    apply_action(session, request, Action.PREPARE_ANSWER, actor="t", now=now)
    # prepared is not done: the letter that records the day by hand has not gone out
    assert _state(session, request, by_hand)[1][1] is False
    session.add(Letter(request=request, type="restriction", language="de",
                       status=LetterStatus.SENT, texts={}, created_by="t", created_at=now,
                       updated_at=now, sent_at=now + timedelta(hours=1)))  # fmt: skip
    session.flush()
    assert [done for _, done, _ in _state(session, request, by_hand)] == [
        True, True, True, True, False
    ]  # fmt: skip
