"""The hash-chained audit trail and its verifier, including tampered rows."""

from __future__ import annotations

from datetime import datetime, timedelta

from sqlalchemy import select, update

from dsar.audit.request_trail import GENESIS, verify_chain
from dsar.controllers.models import Controller
from dsar.requests.models import RequestEvent
from dsar.requests.operations import apply_action
from dsar.requests.workflow import Action
from tests.factories import make_request


def _chain(session, controller: Controller, now: datetime):  # type: ignore[no-untyped-def]
    request = make_request(session, controller, now)
    apply_action(
        session, request, Action.VERIFY_IDENTITY, actor="dana", now=now + timedelta(hours=1)
    )
    apply_action(session, request, Action.COMPLETE, actor="dana", now=now + timedelta(days=2))
    session.commit()
    events = (
        session.execute(
            select(RequestEvent)
            .where(RequestEvent.request_id == request.id)
            .order_by(RequestEvent.seq)
        )
        .scalars()
        .all()
    )
    return request, events


def test_events_form_a_chain(session, controller: Controller, now: datetime) -> None:
    _request, events = _chain(session, controller, now)
    assert [e.action for e in events] == ["created", "received", "verify_identity", "complete"]
    assert [e.seq for e in events] == [1, 2, 3, 4]
    assert events[0].prev_hash == GENESIS
    for previous, event in zip(events, events[1:], strict=False):
        assert event.prev_hash == previous.hash
    assert events[2].payload == {"from": "new", "to": "in_progress"}
    assert events[2].actor == "dana"
    assert verify_chain(session) is None


def test_changed_payload_is_found(session, controller: Controller, now: datetime) -> None:
    request, events = _chain(session, controller, now)
    session.execute(
        update(RequestEvent)
        .where(RequestEvent.id == events[2].id)
        .values(payload={"to": "refused"})
    )
    session.expire_all()
    broken = verify_chain(session)
    assert broken is not None
    assert (broken.request_id, broken.seq) == (request.id, 3)
    assert "content does not match hash" in str(broken)


def test_deleted_event_is_found(session, controller: Controller, now: datetime) -> None:
    request, events = _chain(session, controller, now)
    session.delete(events[1])
    session.flush()
    session.expire_all()
    broken = verify_chain(session)
    assert broken is not None
    assert (broken.request_id, broken.seq) == (request.id, 3)
    assert "expected #2" in broken.reason


def test_deleted_last_event_is_found(session, controller: Controller, now: datetime) -> None:
    request, events = _chain(session, controller, now)
    session.delete(events[-1])
    session.flush()
    session.expire_all()
    broken = verify_chain(session)
    assert broken is not None and broken.request_id == request.id
    assert "chain head is event #4, the trail ends at #3" in broken.reason


def test_rehashed_row_still_breaks_the_next_link(
    session, controller: Controller, now: datetime
) -> None:
    request, events = _chain(session, controller, now)
    # A forger who recomputes the row's own hash still breaks its successor's prev_hash.
    from dsar.audit.request_trail import event_hash

    forged = {"from": "new", "to": "refused"}
    e = events[2]
    new_hash = event_hash(
        request_id=e.request_id,
        seq=e.seq,
        action=e.action,
        actor=e.actor,
        payload=forged,
        created_at=e.created_at,
        prev_hash=e.prev_hash,
    )
    session.execute(
        update(RequestEvent).where(RequestEvent.id == e.id).values(payload=forged, hash=new_hash)
    )
    session.expire_all()
    broken = verify_chain(session)
    assert broken is not None and (broken.seq, broken.reason) == (4, "previous hash differs")


def test_cli_verify_reports_the_first_broken_link(runner, session, controller, now) -> None:  # type: ignore[no-untyped-def]
    request, events = _chain(session, controller, now)
    ok = runner(["audit", "verify"])
    assert ok.exit_code == 0 and "intact" in ok.output
    session.execute(update(RequestEvent).where(RequestEvent.id == events[0].id).values(actor="eve"))
    session.commit()
    bad = runner(["audit", "verify"])
    assert bad.exit_code == 1
    assert f"request {request.id}, event #1" in bad.output
