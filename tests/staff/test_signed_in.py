"""The signed-in member as one query: their controllers, or every controller if not limited."""

from __future__ import annotations

from datetime import datetime

from dsar.models import Controller, Role
from dsar.staff.auth import load_user
from tests.factories import make_staff


def _second_controller(session, now: datetime) -> Controller:  # type: ignore[no-untyped-def]
    other = Controller(
        slug="aaa", name="Aaa AG", country="AT", timezone="Europe/Vienna", loaded_at=now
    )
    session.add(other)
    session.flush()
    return other


def test_a_member_linked_to_no_controller_works_for_every_controller(  # type: ignore[no-untyped-def]
    session, controller, now: datetime
) -> None:
    other = _second_controller(session, now)
    member = make_staff(session, now, email="all@example.org", role=Role.DPO)
    session.flush()
    loaded = load_user(str(member.id))
    assert loaded is not None
    assert [c.name for c in loaded.controllers] == ["Aaa AG", controller.name]
    assert loaded.restricted is False
    assert loaded.controller_ids == frozenset()  # the visibility rule's "every controller"
    assert loaded.may_work_for(other.id) and loaded.may_work_for(controller.id)
    assert loaded.controllers[0].jurisdiction.country == "AT"


def test_a_linked_member_works_for_their_controllers_only(  # type: ignore[no-untyped-def]
    session, controller, now: datetime
) -> None:
    other = _second_controller(session, now)
    member = make_staff(session, now, email="one@example.org", role=Role.AGENT)
    member.controllers = [controller]
    session.flush()
    loaded = load_user(str(member.id))
    assert loaded is not None
    assert [c.id for c in loaded.controllers] == [controller.id]
    assert loaded.restricted is True
    assert loaded.controller_ids == frozenset({controller.id})
    assert loaded.may_work_for(controller.id) and not loaded.may_work_for(other.id)
    assert (loaded.email, loaded.role) == ("one@example.org", Role.AGENT)


def test_no_controller_yet_and_unknown_or_inactive_members(session, now: datetime) -> None:  # type: ignore[no-untyped-def]
    member = make_staff(session, now, email="early@example.org", role=Role.ADMIN)
    gone = make_staff(session, now, email="gone@example.org", role=Role.DPO)
    gone.active = False
    session.flush()
    loaded = load_user(str(member.id))
    assert loaded is not None and loaded.controllers == () and not loaded.restricted
    assert load_user(str(gone.id)) is None
    assert load_user("999999") is None
    assert load_user("1 OR 1=1") is None
