"""The assignment menu lists active request workers by address, as rows with id and email."""

from __future__ import annotations

from datetime import datetime

from dsar.accounts.menus import assignable_staff
from dsar.accounts.models import Role
from tests.factories import make_staff


def test_active_agents_and_dpos_by_address(session, now: datetime) -> None:  # type: ignore[no-untyped-def]
    zed = make_staff(session, now, email="zed@example.org", role=Role.AGENT)
    amy = make_staff(session, now, email="amy@example.org", role=Role.DPO)
    make_staff(session, now, email="boss@example.org", role=Role.ADMIN)
    make_staff(session, now, email="gone@example.org", role=Role.AGENT).active = False
    session.flush()
    rows = assignable_staff(session)
    assert [(row.id, row.email) for row in rows] == [(amy.id, amy.email), (zed.id, zed.email)]
