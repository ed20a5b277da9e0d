"""The demo data: staff and requests made the way every channel makes them (create_request)."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import func, select

from dsar.accounts.models import StaffUser
from dsar.audit.request_trail import verify_chain
from dsar.controllers.models import Controller
from dsar.demo.data import database_is_empty, load_demo
from dsar.outbox.models import OutboxMessage
from dsar.requests.models import Request


def test_load_demo_fills_an_empty_database_with_intact_chains(
    session, controller: Controller, now: datetime
) -> None:  # type: ignore[no-untyped-def]
    assert database_is_empty(session)
    result = load_demo(session, controller, now)
    session.commit()
    assert not database_is_empty(session)
    assert session.scalar(select(func.count()).select_from(Request)) == result.requests == 24
    assert session.scalar(select(func.count()).select_from(StaffUser)) == len(result.staff) == 3
    assert session.scalar(select(func.count()).select_from(OutboxMessage)) == 0
    received = session.execute(select(Request.received_at)).scalars().all()
    assert all(at is not None and at <= now for at in received)
    assert verify_chain(session) is None
