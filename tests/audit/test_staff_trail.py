"""The staff accounts' hash chain: appending, concurrent appenders, and the verifier."""

from __future__ import annotations

import threading
import time
from datetime import datetime, timedelta
from pathlib import Path

import pytest
from flask import current_app
from sqlalchemy import delete, select
from sqlalchemy.orm import Session

from dsar.accounts.models import AuditHead, StaffEvent
from dsar.audit.chain import Fault
from dsar.audit.request_trail import verify_chain
from dsar.audit.staff_trail import STAFF_CHAIN, record_staff_event, staff_event_hash
from dsar.extensions import db
from tests.audit.stored_rows import assert_linked, change, forge, remove
from tests.conftest import build_app, make_database_url


def _chain(session, now: datetime) -> list[StaffEvent]:  # type: ignore[no-untyped-def]
    for minutes, action in enumerate(("account_created", "role_changed", "signed_in", "locked")):
        record_staff_event(
            session,
            action,
            actor="ada@example.org",
            subject="alex@example.org",
            now=now + timedelta(minutes=minutes),
            payload={"n": minutes},
        )
    session.commit()
    return list(session.execute(select(StaffEvent).order_by(StaffEvent.seq)).scalars())


def test_events_form_one_chain_with_its_head_stored(session, now: datetime) -> None:  # type: ignore[no-untyped-def]
    events = _chain(session, now)
    assert_linked(events)
    head = session.get(AuditHead, STAFF_CHAIN)
    assert (head.seq, head.head) == (4, events[-1].hash)
    assert (events[1].actor, events[1].subject, events[1].payload) == (
        "ada@example.org",
        "alex@example.org",
        {"n": 1},
    )
    assert verify_chain(session) is None


def test_changed_event_is_named(session, now: datetime) -> None:  # type: ignore[no-untyped-def]
    events = _chain(session, now)
    change(session, events[2], actor="eve@example.org")
    broken = verify_chain(session)
    assert broken is not None and broken.fault is Fault.CONTENT
    assert str(broken) == f"staff chain, event #3 (id {events[2].id}): content does not match hash"


def test_rehashed_event_breaks_the_next_link(session, now: datetime) -> None:  # type: ignore[no-untyped-def]
    events = _chain(session, now)
    forge(session, events[1], staff_event_hash, payload={"n": 99})
    broken = verify_chain(session)
    assert broken is not None
    assert (broken.seq, broken.fault, broken.reason) == (3, Fault.LINK, "previous hash differs")


def test_deleted_tail_is_found_through_the_head(session, now: datetime) -> None:  # type: ignore[no-untyped-def]
    events = _chain(session, now)
    remove(session, events[-1])
    broken = verify_chain(session)
    assert broken is not None and (broken.chain, broken.fault) == ("staff chain", Fault.HEAD)
    assert broken.reason == "the chain head is event #4, the trail ends at #3"


def test_deleted_middle_event_is_found(session, now: datetime) -> None:  # type: ignore[no-untyped-def]
    events = _chain(session, now)
    remove(session, events[1])
    broken = verify_chain(session)
    assert broken is not None and (broken.seq, broken.reason) == (3, "expected #2")


def test_reordered_events_are_found(session, now: datetime) -> None:  # type: ignore[no-untyped-def]
    events = _chain(session, now)
    second, third = events[1], events[2]
    # Swap #2 and #3 (through a free number: seq is unique).
    change(session, second, seq=99)
    change(session, third, seq=2)
    change(session, second, seq=3)
    broken = verify_chain(session)
    assert broken is not None
    assert (broken.seq, broken.event_id, broken.reason) == (2, third.id, "previous hash differs")


def test_deleted_head_row_is_found(session, now: datetime) -> None:  # type: ignore[no-untyped-def]
    _chain(session, now)
    session.execute(delete(AuditHead))
    session.expire_all()
    broken = verify_chain(session)
    assert broken is not None and broken.reason == "the chain's head row is missing"


def test_empty_chain_is_intact(session) -> None:  # type: ignore[no-untyped-def]
    assert verify_chain(session) is None


def test_cli_verify_names_the_staff_link(runner, session, now: datetime) -> None:  # type: ignore[no-untyped-def]
    events = _chain(session, now)
    assert runner(["audit", "verify"]).exit_code == 0
    change(session, events[0], subject="x")
    session.commit()
    result = runner(["audit", "verify"])
    assert result.exit_code == 1
    assert f"staff chain, event #1 (id {events[0].id}): content does not match hash" in (
        result.output
    )


@pytest.fixture
def own_database(backend: str, request: pytest.FixtureRequest, tmp_path: Path):  # type: ignore[no-untyped-def]
    """A database of its own with real commits, for two connections at once."""
    app = build_app(make_database_url(request, backend, tmp_path), tmp_path)
    with app.app_context():
        db.create_all()
        yield db.engine
        db.engine.dispose()


def test_concurrent_appenders_queue_instead_of_forking(own_database, now: datetime) -> None:  # type: ignore[no-untyped-def]
    def append(session: Session, action: str) -> None:
        record_staff_event(session, action, actor="system", subject="a@example.org", now=now)
        session.flush()

    with Session(own_database) as first:
        append(first, "account_created")
        first.commit()
        append(first, "signed_in")  # holds the head until its commit
        outcome: list[object] = []

        app = current_app._get_current_object()  # type: ignore[attr-defined]

        def second_appender() -> None:  # the trail reads the audit key from the running app
            with app.app_context(), Session(own_database) as second:
                try:
                    append(second, "signed_out")
                    second.commit()
                    outcome.append("committed")
                except Exception as error:  # noqa: BLE001 - reported by the assertion below
                    outcome.append(error)

        thread = threading.Thread(target=second_appender)
        thread.start()
        time.sleep(0.5)
        assert thread.is_alive(), outcome  # waiting for the head, not reading a stale one
        first.commit()
        thread.join(timeout=20)
    assert outcome == ["committed"]
    with Session(own_database) as check:
        events = list(check.execute(select(StaffEvent).order_by(StaffEvent.seq)).scalars())
        assert [(e.seq, e.action) for e in events] == [
            (1, "account_created"),
            (2, "signed_in"),
            (3, "signed_out"),
        ]
        assert verify_chain(check) is None
