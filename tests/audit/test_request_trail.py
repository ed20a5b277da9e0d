"""The hash-chained audit trail and its verifier, including tampered rows."""

from __future__ import annotations

from datetime import datetime, timedelta, timezone

from sqlalchemy import select

from dsar.audit.chain import Fault
from dsar.audit.request_trail import event_hash, verify_chain
from dsar.controllers.models import Controller
from dsar.requests.models import RequestEvent
from dsar.requests.operations import apply_action
from dsar.requests.workflow import Action
from tests.audit.stored_rows import assert_linked, change, forge, remove
from tests.factories import make_request


def _chain(session, controller: Controller, now: datetime):  # type: ignore[no-untyped-def]
    request = make_request(session, controller, now)
    apply_action(
        session, request, Action.VERIFY_IDENTITY, actor="dana", now=now + timedelta(hours=1)
    )
    apply_action(session, request, Action.PREPARE_ANSWER, actor="dana", now=now + timedelta(days=2))
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
    request, events = _chain(session, controller, now)
    assert [e.action for e in events] == [
        "created",
        "received",
        "verify_identity",
        "prepare_answer",
        "complete",
    ]
    assert_linked(events)
    assert (request.event_seq, request.chain_head) == (5, events[-1].hash)
    assert events[2].payload == {"from": "new", "to": "in_progress"}
    assert events[2].actor == "dana"
    assert verify_chain(session) is None


def test_changed_payload_is_found(session, controller: Controller, now: datetime) -> None:
    request, events = _chain(session, controller, now)
    change(session, events[2], payload={"to": "refused"})
    broken = verify_chain(session)
    assert broken is not None
    assert (broken.chain, broken.seq, broken.fault) == (f"request {request.id}", 3, Fault.CONTENT)
    assert "content does not match hash" in str(broken)


def test_deleted_event_is_found(session, controller: Controller, now: datetime) -> None:
    request, events = _chain(session, controller, now)
    remove(session, events[1])
    broken = verify_chain(session)
    assert broken is not None
    assert (broken.chain, broken.seq, broken.fault) == (f"request {request.id}", 3, Fault.ORDER)
    assert "expected #2" in broken.reason


def test_deleted_last_event_is_found(session, controller: Controller, now: datetime) -> None:
    request, events = _chain(session, controller, now)
    remove(session, events[-1])
    broken = verify_chain(session)
    assert broken is not None
    assert (broken.chain, broken.fault) == (f"request {request.id}", Fault.HEAD)
    assert broken.reason == "the request's chain head is event #5, the trail ends at #4"


def test_changed_head_is_found(session, controller: Controller, now: datetime) -> None:
    request, events = _chain(session, controller, now)
    request.chain_head = "f" * 64
    session.flush()
    broken = verify_chain(session, request.id)
    assert str(broken) == (
        f"request {request.id}, event #5 (id {events[-1].id}): the request's chain head does not"
        " match its last event"
    )


def test_rehashed_row_still_breaks_the_next_link(
    session, controller: Controller, now: datetime
) -> None:
    _request, events = _chain(session, controller, now)
    # A forger who recomputes the row's own hash still breaks its successor's prev_hash.
    forge(session, events[2], event_hash, payload={"from": "new", "to": "refused"})
    broken = verify_chain(session)
    assert broken is not None
    assert (broken.seq, broken.fault, broken.reason) == (4, Fault.LINK, "previous hash differs")


def test_cli_verify_reports_the_first_broken_link(runner, session, controller, now) -> None:  # type: ignore[no-untyped-def]
    request, events = _chain(session, controller, now)
    ok = runner(["audit", "verify"])
    assert ok.exit_code == 0 and "intact" in ok.output
    change(session, events[0], actor="eve")
    session.commit()
    bad = runner(["audit", "verify"])
    assert bad.exit_code == 1
    assert f"request {request.id}, event #1" in bad.output


def test_an_event_recorded_at_an_offset_instant_verifies(
    session, controller: Controller, now: datetime
) -> None:
    """A job run with `--now 2027-01-20T08:00:00+01:00` records its events with that offset;
    they are stored and read back in UTC and must hash the same (it reported a broken chain)."""
    request = make_request(session, controller, now)
    berlin = (now + timedelta(days=3)).astimezone(timezone(timedelta(hours=1)))
    apply_action(session, request, Action.VERIFY_IDENTITY, actor="system", now=berlin)
    session.commit()
    session.expire_all()  # read the events back as stored

    assert verify_chain(session, request.id) is None
