"""What must be true before an answer is prepared or goes out, named in full."""

from __future__ import annotations

from datetime import timedelta

import pytest

from dsar.requests.closing import completion_blockers, copy_blockers, final_letter_type
from dsar.requests.operations import apply_action
from dsar.requests.workflow import Action, RequestType, Status
from tests.factories import make_request
from tests.fulfilment.conftest import make_export


@pytest.mark.parametrize(
    ("actions", "expected"),
    [
        ((), None),
        ((Action.VERIFY_IDENTITY,), None),
        ((Action.VERIFY_IDENTITY, Action.PREPARE_ANSWER), "objection"),
        ((Action.PROPOSE_REFUSAL, Action.APPROVE_REFUSAL), "refusal"),
    ],
)
def test_the_final_letter_follows_the_status(session, controller, now, actions, expected) -> None:  # type: ignore[no-untyped-def]
    request = make_request(session, controller, now, type=RequestType.OBJECTION)
    for action in actions:
        apply_action(session, request, action, actor="t", now=now)
    assert final_letter_type(request) == expected


def test_an_erasure_needs_its_search_and_a_rectification_nothing(session, controller, now) -> None:  # type: ignore[no-untyped-def]
    erasure = make_request(session, controller, now, type=RequestType.ERASURE)
    assert completion_blockers(session, erasure) == ["the sources have not been searched yet"]
    rectification = make_request(session, controller, now, type=RequestType.RECTIFICATION)
    assert completion_blockers(session, rectification) == []


def test_the_copy_must_be_live_or_posted(app, session, controller, now) -> None:  # type: ignore[no-untyped-def]
    request = make_request(session, controller, now)
    [missing] = copy_blockers(session, request, now)
    assert missing.startswith("the copy of the data is not available")
    assert copy_blockers(session, request, now, copy_posted=True) == []
    export, _token = make_export(app, session, request, now)
    assert copy_blockers(session, request, now) == []
    assert copy_blockers(session, request, export.expires_at + timedelta(seconds=1)) == [missing]
    other = make_request(session, controller, now, type=RequestType.RESTRICTION)
    assert copy_blockers(session, other, now) == []  # no copy owed
    assert request.status is Status.NEW
