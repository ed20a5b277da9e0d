"""The request life cycle: every allowed transition, and forbidden ones refused."""

from __future__ import annotations

import itertools

import pytest

from dsar.requests.workflow import (
    CLOSED_STATUSES,
    OPEN_STATUSES,
    TRANSITIONS,
    Action,
    IllegalTransition,
    Status,
    allowed_actions,
    transition,
)

S, A = Status, Action

# Written out by hand from the life cycle we want, not derived from TRANSITIONS.
EXPECTED = [
    (S.AWAITING_CONFIRMATION, A.CONFIRM_EMAIL, S.NEW),
    (S.AWAITING_CONFIRMATION, A.EXPIRE, S.EXPIRED),
    (S.NEW, A.VERIFY_IDENTITY, S.IN_PROGRESS),
    (S.NEW, A.REQUEST_INFORMATION, S.AWAITING_INFORMATION),
    (S.NEW, A.FAIL_IDENTITY, S.IDENTITY_FAILED),
    (S.NEW, A.PROPOSE_REFUSAL, S.AWAITING_APPROVAL),
    (S.NEW, A.WITHDRAW, S.WITHDRAWN),
    (S.AWAITING_INFORMATION, A.RECEIVE_INFORMATION, S.NEW),
    (S.AWAITING_INFORMATION, A.VERIFY_IDENTITY, S.IN_PROGRESS),
    (S.AWAITING_INFORMATION, A.FAIL_IDENTITY, S.IDENTITY_FAILED),
    (S.AWAITING_INFORMATION, A.WITHDRAW, S.WITHDRAWN),
    (S.IN_PROGRESS, A.REQUEST_INFORMATION, S.AWAITING_INFORMATION),
    (S.IN_PROGRESS, A.PROPOSE_REFUSAL, S.AWAITING_APPROVAL),
    (S.IN_PROGRESS, A.PREPARE_ANSWER, S.ANSWERING),
    (S.ANSWERING, A.REOPEN, S.IN_PROGRESS),
    (S.ANSWERING, A.COMPLETE, S.COMPLETED),
    (S.ANSWERING, A.WITHDRAW, S.WITHDRAWN),
    (S.IN_PROGRESS, A.WITHDRAW, S.WITHDRAWN),
    (S.AWAITING_APPROVAL, A.APPROVE_REFUSAL, S.REFUSED),
    (S.AWAITING_APPROVAL, A.REJECT_REFUSAL, S.IN_PROGRESS),
    (S.AWAITING_APPROVAL, A.WITHDRAW, S.WITHDRAWN),
    # A duplicate is merged before its own answer or refusal is under way (issue 21).
    (S.NEW, A.MERGE, S.MERGED),
    (S.AWAITING_INFORMATION, A.MERGE, S.MERGED),
    (S.IN_PROGRESS, A.MERGE, S.MERGED),
]


@pytest.mark.parametrize(("source", "action", "target"), EXPECTED)
def test_allowed_transition(source: Status, action: Action, target: Status) -> None:
    assert transition(source, action) is target


def test_the_table_has_exactly_the_expected_transitions() -> None:
    assert {(s, a): t for s, a, t in EXPECTED} == dict(TRANSITIONS)


FORBIDDEN = [
    (S.AWAITING_CONFIRMATION, A.COMPLETE),  # nothing happens before the e-mail is confirmed
    (S.AWAITING_CONFIRMATION, A.VERIFY_IDENTITY),
    (S.NEW, A.COMPLETE),  # identity first
    (S.NEW, A.APPROVE_REFUSAL),  # a refusal must be proposed before the DPO approves it
    (S.AWAITING_INFORMATION, A.COMPLETE),
    (S.IN_PROGRESS, A.CONFIRM_EMAIL),
    (S.COMPLETED, A.WITHDRAW),
    (S.REFUSED, A.COMPLETE),
    (S.EXPIRED, A.CONFIRM_EMAIL),  # an expired request cannot be brought back by a late click
    (S.WITHDRAWN, A.VERIFY_IDENTITY),
    (S.MERGED, A.MERGE),  # merged once, for good
    (S.MERGED, A.REOPEN),  # not reopened by accident
    (S.ANSWERING, A.MERGE),  # the drafted answer is decided on its own
    (S.AWAITING_APPROVAL, A.MERGE),
    (S.AWAITING_CONFIRMATION, A.MERGE),  # not received: it expires on its own
]


@pytest.mark.parametrize(("source", "action"), FORBIDDEN)
def test_forbidden_transition_raises_a_clear_error(source: Status, action: Action) -> None:
    with pytest.raises(IllegalTransition) as raised:
        transition(source, action)
    message = str(raised.value)
    assert action.value.replace("_", " ") in message
    assert source.value.replace("_", " ") in message


def test_every_pair_outside_the_table_is_forbidden() -> None:
    for status, action in itertools.product(Status, Action):
        if (status, action) in TRANSITIONS:
            continue
        with pytest.raises(IllegalTransition):
            transition(status, action)


def test_closed_statuses_allow_nothing() -> None:
    assert CLOSED_STATUSES == {
        S.COMPLETED, S.REFUSED, S.IDENTITY_FAILED, S.WITHDRAWN, S.EXPIRED, S.MERGED
    }  # fmt: skip
    for status in CLOSED_STATUSES:
        assert allowed_actions(status) == frozenset()


def test_every_open_status_can_be_left() -> None:
    for status in OPEN_STATUSES:
        assert allowed_actions(status), status


def test_clock_does_not_run_before_confirmation() -> None:
    assert not S.AWAITING_CONFIRMATION.clock_running
    assert S.NEW.clock_running and S.AWAITING_INFORMATION.clock_running
    assert not S.COMPLETED.clock_running


def test_every_ground_is_worded_in_the_forms_and_the_letters() -> None:
    from dsar.intake import texts
    from dsar.letters.labels import RESTRICTION_GROUNDS as LETTER_WORDING
    from dsar.requests.workflow import ERASURE_GROUNDS, RESTRICTION_GROUNDS

    assert tuple(texts.ERASURE_GROUNDS) == ERASURE_GROUNDS
    assert tuple(texts.RESTRICTION_GROUNDS) == RESTRICTION_GROUNDS
    assert all(tuple(w) == RESTRICTION_GROUNDS for w in LETTER_WORDING.values())
