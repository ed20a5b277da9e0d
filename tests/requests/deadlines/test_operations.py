"""Wiring the deadline engine into requests: suspension, restart and extension recompute dates."""

from __future__ import annotations

from datetime import UTC, date, datetime

import pytest
from sqlalchemy import select

from dsar.requests.deadlines.clock_policies import (
    ClockPolicy,
    ExtensionNotAllowed,
    InformationPurpose,
)
from dsar.requests.deadlines.operations import (
    ClockSettings,
    extend_request,
    receive_information,
    request_information,
)
from dsar.requests.models import RequestEvent
from dsar.requests.operations import apply_action
from dsar.requests.workflow import Action, Status, Verification
from tests.factories import make_request

RECEIVED = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)  # Mon 2 March, Berlin
ASKED = datetime(2026, 3, 4, 10, 0, tzinfo=UTC)  # Wed 4 March
ANSWERED = datetime(2026, 3, 10, 15, 0, tzinfo=UTC)  # Tue 10 March


def _events(session, request, action: str) -> list[RequestEvent]:  # type: ignore[no-untyped-def]
    return list(
        session.execute(
            select(RequestEvent).where(
                RequestEvent.request_id == request.id, RequestEvent.action == action
            )
        ).scalars()
    )


# docs/legal-rules.md P1-P4: received Mon 2026-03-02 (DE), asked Wed 03-04, answered Tue 03-10.
@pytest.mark.parametrize(
    ("policy", "purpose", "due"),
    [
        (ClockPolicy.STRICT, InformationPurpose.IDENTITY, date(2026, 4, 2)),
        (ClockPolicy.EDPB, InformationPurpose.IDENTITY, date(2026, 4, 8)),
        (ClockPolicy.ICO, InformationPurpose.IDENTITY, date(2026, 4, 10)),
        (ClockPolicy.ICO, InformationPurpose.CLARIFICATION, date(2026, 4, 9)),
    ],
)
def test_asking_and_answering_moves_the_due_date(session, controller, policy, purpose, due) -> None:  # type: ignore[no-untyped-def]
    clock = ClockSettings(policy, 3)
    request = make_request(session, controller, RECEIVED)
    assert request.due_date == date(2026, 4, 2)
    request_information(
        session,
        request,
        clock,
        purpose=purpose,
        what="The customer number",
        why="Two customers share this name",
        actor="dana",
        now=ASKED,
    )
    assert request.status is Status.AWAITING_INFORMATION
    assert request.verification is Verification.INFORMATION_REQUESTED
    receive_information(session, request, clock, actor="dana", now=ANSWERED)
    assert request.status is Status.NEW
    assert request.due_date == due
    changes = _events(session, request, "due_date_changed")
    if due == date(2026, 4, 2):
        assert changes == []
    else:
        # While information is awaited the date may move provisionally; the trail shows each step.
        assert changes[0].payload["old_due_date"] == "2026-04-02"
        assert changes[-1].payload["new_due_date"] == due.isoformat()
        assert changes[-1].payload["policy"] == policy.value


def test_late_request_for_information_does_not_suspend_under_edpb(session, controller) -> None:  # type: ignore[no-untyped-def]
    clock = ClockSettings(ClockPolicy.EDPB, 3)
    request = make_request(session, controller, RECEIVED)
    late = datetime(2026, 3, 12, 9, 0, tzinfo=UTC)  # 8 working days after receipt
    request_information(
        session,
        request,
        clock,
        purpose=InformationPurpose.IDENTITY,
        what="ID",
        why="doubt",
        actor="dana",
        now=late,
    )
    receive_information(
        session, request, clock, actor="dana", now=datetime(2026, 3, 20, 9, 0, tzinfo=UTC)
    )
    assert request.due_date == date(2026, 4, 2)


def test_asking_needs_what_and_why(session, controller) -> None:  # type: ignore[no-untyped-def]
    request = make_request(session, controller, RECEIVED)
    with pytest.raises(ValueError, match="what information is needed and why"):
        request_information(
            session,
            request,
            ClockSettings(ClockPolicy.EDPB, 3),
            purpose=InformationPurpose.IDENTITY,
            what=" ",
            why="doubt",
            actor="dana",
            now=ASKED,
        )
    assert request.status is Status.NEW


def test_extension_once_with_reason_before_due(session, controller) -> None:  # type: ignore[no-untyped-def]
    clock = ClockSettings(ClockPolicy.EDPB, 3)
    request = make_request(session, controller, RECEIVED)
    apply_action(session, request, Action.VERIFY_IDENTITY, actor="dana", now=RECEIVED)
    with pytest.raises(ExtensionNotAllowed):
        extend_request(session, request, clock, reason="  ", actor="dana", now=ASKED)
    new_due = extend_request(
        session,
        request,
        clock,
        reason="Records in 14 archived systems",
        actor="dana",
        now=datetime(2026, 4, 2, 20, 0, tzinfo=UTC),
    )
    assert new_due == date(2026, 6, 2)  # docs/legal-rules.md P1 extended
    assert request.effective_due_date == date(2026, 6, 2)
    assert request.details["extension_notice_due"] is True
    [event] = _events(session, request, "extended")
    assert event.payload["extended_due_date"] == "2026-06-02"
    assert event.payload["reason"] == "Records in 14 archived systems"
    with pytest.raises(ExtensionNotAllowed):
        extend_request(session, request, clock, reason="again", actor="dana", now=ASKED)


def test_no_extension_after_the_due_date(session, controller) -> None:  # type: ignore[no-untyped-def]
    request = make_request(session, controller, RECEIVED)
    with pytest.raises(ExtensionNotAllowed):
        extend_request(
            session,
            request,
            ClockSettings(ClockPolicy.EDPB, 3),
            reason="late",
            actor="dana",
            now=datetime(2026, 4, 3, 8, 0, tzinfo=UTC),
        )
    assert request.extended_due_date is None


def test_suspension_after_extension_moves_both_dates(session, controller) -> None:  # type: ignore[no-untyped-def]
    clock = ClockSettings(ClockPolicy.EDPB, 3)
    request = make_request(session, controller, RECEIVED)
    extend_request(session, request, clock, reason="Complex", actor="dana", now=ASKED)
    request_information(
        session,
        request,
        clock,
        purpose=InformationPurpose.IDENTITY,
        what="ID",
        why="doubt",
        actor="dana",
        now=ASKED,
    )
    receive_information(session, request, clock, actor="dana", now=ANSWERED)
    assert (request.due_date, request.extended_due_date) == (date(2026, 4, 8), date(2026, 6, 8))
