"""The admin's account changes land in the staff chain, with the admin as actor, and show up
as the account history; no password, hash or TOTP secret is ever in an event."""

from __future__ import annotations

import json
import re

from flask import Flask
from sqlalchemy import select

from dsar.accounts.models import StaffEvent
from dsar.audit.request_trail import verify_chain
from tests.factories import PASSWORD
from tests.staff.conftest import StaffClient

TOTP_SECRET = "JBSWY3DPEHPK3PXP"


def _events(session) -> list[tuple[str, str, str, dict]]:  # type: ignore[no-untyped-def]
    session.expire_all()
    rows = session.execute(select(StaffEvent).order_by(StaffEvent.seq)).scalars()
    return [(e.action, e.actor, e.subject, e.payload) for e in rows]


def test_every_admin_change_is_an_event_by_the_admin(  # type: ignore[no-untyped-def]
    app: Flask, session, admin, agent, controller, as_user, no_csrf
) -> None:
    client = as_user(admin)
    created = client.post(
        "/staff/users", data={"email": "New@Example.org", "name": "Nia", "role": "agent"}
    )
    initial_password = re.search(r"shown once\): (\S+)", _flashes(client)).group(1)
    assert created.status_code == 303
    agent.totp_secret = TOTP_SECRET
    session.commit()
    stranger = StaffClient(app, app.response_class, use_cookies=True)
    for _ in range(3):
        stranger.post("/staff/login", data={"email": agent.email, "password": "wrong password!"})
    before = len(_events(session))
    prefix = f"u{agent.id}-"
    client.post(
        f"/staff/users/{agent.id}",
        data={
            prefix + "role": "dpo",  # active unticked: deactivated
            prefix + "controllers": str(controller.id),
            prefix + "reset_totp": "y",
            prefix + "reset_password": "y",
            prefix + "unlock": "y",
        },
    )
    new_password = re.search(r"shown once\): (\S+)", _flashes(client)).group(1)
    events = _events(session)
    assert events[0] == (
        "account_created",
        "system",
        "ada@example.org",
        {"role": "admin", "name": "Dana"},
    )
    assert (
        "account_created",
        admin.email,
        "new@example.org",
        {"role": "agent", "name": "Nia"},
    ) in events
    assert events[before:] == [
        ("role_changed", admin.email, agent.email, {"from": "agent", "to": "dpo"}),
        ("deactivated", admin.email, agent.email, {}),
        ("controllers_changed", admin.email, agent.email, {"from": [], "to": [controller.slug]}),
        ("totp_reset", admin.email, agent.email, {}),
        ("password_reset", admin.email, agent.email, {}),
        ("unlocked", admin.email, agent.email, {"failures": 3}),
    ]
    session.refresh(agent)
    secrets_ = (initial_password, new_password, PASSWORD, TOTP_SECRET, agent.password_hash)
    stored = json.dumps(events)
    assert not [s for s in secrets_ if s in stored]
    assert verify_chain(session) is None


def test_a_reset_password_works_and_the_old_one_does_not(  # type: ignore[no-untyped-def]
    app: Flask, session, admin, agent, as_user, no_csrf
) -> None:
    client = as_user(admin)
    prefix = f"u{agent.id}-"
    client.post(
        f"/staff/users/{agent.id}",
        data={prefix + "role": "agent", prefix + "active": "y", prefix + "reset_password": "y"},
    )
    new_password = re.search(r"shown once\): (\S+)", _flashes(client)).group(1)
    signing_in = StaffClient(app, app.response_class, use_cookies=True)
    old = signing_in.post("/staff/login", data={"email": agent.email, "password": PASSWORD})
    assert old.status_code == 200
    new = signing_in.post("/staff/login", data={"email": agent.email, "password": new_password})
    assert new.status_code == 302


def test_users_page_shows_the_account_history(  # type: ignore[no-untyped-def]
    session, admin, agent, dpo, as_user, no_csrf
) -> None:
    client = as_user(admin)
    prefix = f"u{agent.id}-"
    client.post(f"/staff/users/{agent.id}", data={prefix + "role": "dpo", prefix + "active": "y"})
    html = client.get("/staff/users").get_data(as_text=True)
    history = html[html.index('id="account-history"') :]
    assert '<tr data-action="role_changed">' in history
    assert "from: agent; to: DPO" in history  # roles as words, not codes
    assert history.count('data-action="account_created"') == 3
    only_dpo = client.get("/staff/users", query_string={"account": dpo.email}).get_data(
        as_text=True
    )
    only_dpo = only_dpo[only_dpo.index('id="account-history"') :]
    assert only_dpo.count("<tr data-action=") == 1 and dpo.email in only_dpo


def _flashes(client) -> str:  # type: ignore[no-untyped-def]
    """The messages flashed since the last call (taken out, as a page view would)."""
    with client.session_transaction() as sess:
        return " ".join(message for _category, message in sess.pop("_flashes", []))


def test_an_admin_limited_to_a_controller_manages_only_accounts_within_it(  # type: ignore[no-untyped-def]
    app: Flask, session, admin, agent, dpo, controller, now, as_user, no_csrf
) -> None:
    """Issue 22: a restricted admin saw and could reset every account, an unrestricted DPO's
    included. Now: only accounts limited to some of their controllers; new accounts get them."""
    from dsar.controllers.models import Controller

    other = Controller(slug="aaa", name="Aaa AG", country="AT", timezone="Europe/Vienna")
    other.loaded_at = now
    session.add(other)
    session.flush()
    admin.controllers = [controller]
    agent.controllers = [controller]
    session.commit()  # dpo: every controller, outside this admin's reach
    client = as_user(admin)

    page = client.get("/staff/users").get_data(as_text=True)
    assert agent.email in page and dpo.email not in page
    assert other.name not in page  # another controller is not offered
    assert (
        client.get(f"/staff/users?account={dpo.email}").get_data(as_text=True).count(dpo.email) == 0
    )
    prefix = f"u{dpo.id}-"
    reset = client.post(
        f"/staff/users/{dpo.id}",
        data={prefix + "role": "dpo", prefix + "active": "y", prefix + "reset_password": "y"},
    )
    assert reset.status_code == 404
    prefix = f"u{agent.id}-"
    widened = client.post(
        f"/staff/users/{agent.id}", data={prefix + "role": "agent", prefix + "active": "y"}
    )  # no controller ticked: every controller
    assert widened.status_code == 303
    session.expire_all()
    assert [c.id for c in session.get(type(agent), agent.id).controllers] == [controller.id]
    client.post("/staff/users", data={"email": "new@example.org", "name": "Nia", "role": "dpo"})
    created = session.execute(
        select(type(agent)).where(type(agent).email == "new@example.org")
    ).scalar_one()
    assert [c.id for c in created.controllers] == [controller.id]
