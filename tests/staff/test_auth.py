"""The signed-in member is their StaffUser, loaded with their controllers; only active members."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import inspect

from dsar.accounts.models import Role
from dsar.controllers.models import Controller
from dsar.web.staff.auth import load_user
from tests.factories import make_staff


def _second_controller(session, now: datetime) -> Controller:  # type: ignore[no-untyped-def]
    other = Controller(
        slug="aaa", name="Aaa AG", country="AT", timezone="Europe/Vienna", loaded_at=now
    )
    session.add(other)
    session.flush()
    return other


def test_the_loader_brings_the_member_with_their_controllers(  # type: ignore[no-untyped-def]
    session, controller, now: datetime
) -> None:
    other = _second_controller(session, now)
    member = make_staff(session, now, email="one@example.org", role=Role.AGENT)
    member.controllers = [controller]
    session.flush()
    session.expire_all()
    loaded = load_user(member.get_id())
    assert loaded is member
    assert "controllers" not in inspect(loaded).unloaded  # in the same query, no lazy load
    assert [c.id for c in loaded.controllers] == [controller.id]
    assert loaded.controller_ids == frozenset({controller.id})
    assert loaded.may_work_for(controller.id) and not loaded.may_work_for(other.id)
    assert (loaded.email, loaded.role) == ("one@example.org", Role.AGENT)


def test_a_member_linked_to_no_controller_works_for_every_controller(  # type: ignore[no-untyped-def]
    session, controller, now: datetime
) -> None:
    other = _second_controller(session, now)
    member = make_staff(session, now, email="all@example.org", role=Role.DPO)
    session.flush()
    loaded = load_user(member.get_id())
    assert loaded is not None
    assert loaded.controllers == []
    assert loaded.controller_ids == frozenset()  # the visibility rule's "every controller"
    assert loaded.may_work_for(other.id) and loaded.may_work_for(controller.id)


def test_unknown_malformed_or_inactive_members_are_not_loaded(session, now: datetime) -> None:  # type: ignore[no-untyped-def]
    gone = make_staff(session, now, email="gone@example.org", role=Role.DPO)
    gone.active = False
    session.flush()
    assert load_user(gone.get_id()) is None
    assert load_user("999999.0") is None
    assert load_user("1 OR 1=1") is None
    assert load_user("1") is None  # a session id from before the epoch: sign in again


def test_an_account_deactivated_meanwhile_is_signed_out(  # type: ignore[no-untyped-def]
    session, dpo, as_user
) -> None:
    client = as_user(dpo)
    assert client.get("/staff/queue").status_code == 200
    dpo.active = False
    session.commit()
    response = client.get("/staff/queue")
    assert response.status_code == 302 and "/staff/login" in response.headers["Location"]
