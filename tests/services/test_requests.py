"""Creating requests: reference, hashed status token, due date from the jurisdiction."""

from __future__ import annotations

import re
from datetime import UTC, date, datetime

import pytest
from sqlalchemy import select

from dsar.models import Controller, Request, RequestEvent
from dsar.services.requests import apply_action, hash_token
from dsar.workflow import Action, IllegalTransition, Status
from tests.factories import make_request


def test_reference_follows_the_pattern(session, controller: Controller, now: datetime) -> None:
    request = make_request(session, controller, now)
    assert re.fullmatch(r"DSAR-2026-[0-9A-HJKMNP-TV-Z]{4}-[0-9A-HJKMNP-TV-Z]{4}", request.reference)


def test_status_token_is_stored_only_as_hash(
    session, controller: Controller, now: datetime
) -> None:
    from dsar.services.requests import NewRequest, create_request
    from dsar.workflow import Channel, RequestType

    request, token = create_request(
        session,
        NewRequest(
            controller=controller,
            type=RequestType.ERASURE,
            channel=Channel.WEB,
            language="de",
            subject_name="Jędrzej",
            subject_email="j@example.org",
            details={},
        ),
        actor="subject",
        now=now,
    )
    assert len(token) >= 40
    assert request.status_token_hash == hash_token(token)
    assert token not in str(vars(request))


def test_web_request_has_no_deadline_until_confirmed(
    session, controller: Controller, now: datetime
) -> None:
    request = make_request(session, controller, now, received_at=None)
    assert request.status is Status.AWAITING_CONFIRMATION
    assert request.received_at is None and request.due_date is None


def test_due_date_uses_the_controllers_local_date(
    session, controller: Controller, now: datetime
) -> None:
    # docs/legal-rules.md G30: 22:30 UTC on 31 March is 1 April in Berlin; 1 May (Labour Day) is a
    # Friday, so the answer is due on Monday 4 May.
    assert controller.timezone == "Europe/Berlin"
    received = datetime(2026, 3, 31, 22, 30, tzinfo=UTC)
    request = make_request(session, controller, now, received_at=received)
    session.commit()
    stored = session.get(Request, request.id)
    assert stored.received_at == received
    assert stored.due_date == date(2026, 5, 4)
    event = session.execute(
        select(RequestEvent).where(
            RequestEvent.request_id == request.id, RequestEvent.action == "received"
        )
    ).scalar_one()
    assert event.payload["due_date"] == "2026-05-04"


def test_illegal_action_changes_nothing(session, controller: Controller, now: datetime) -> None:
    request = make_request(session, controller, now)
    events_before = len(session.execute(select(RequestEvent)).scalars().all())
    with pytest.raises(IllegalTransition):
        apply_action(session, request, Action.COMPLETE, actor="dana", now=now)
    assert request.status is Status.NEW
    assert len(session.execute(select(RequestEvent)).scalars().all()) == events_before


def test_closing_sets_closed_at(session, controller: Controller, now: datetime) -> None:
    request = make_request(session, controller, now)
    apply_action(session, request, Action.VERIFY_IDENTITY, actor="dana", now=now)
    assert request.closed_at is None
    apply_action(session, request, Action.COMPLETE, actor="dana", now=now)
    assert request.status is Status.COMPLETED and request.closed_at == now
