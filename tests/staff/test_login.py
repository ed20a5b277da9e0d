"""Sign-in: password, TOTP, enrolment, growing locks, one answer for every failure.

Known and unknown addresses must be indistinguishable: same status, same page, same lock.
"""

from __future__ import annotations

import dataclasses
from datetime import datetime, timedelta

import pyotp
import pytest
from flask import Flask, g
from sqlalchemy import select

from dsar.accounts.models import SignInThrottle, StaffEvent
from dsar.accounts.throttle import address_key, lock_duration
from tests.factories import PASSWORD
from tests.staff.conftest import StaffClient


@pytest.fixture
def fresh(app: Flask):  # type: ignore[no-untyped-def]
    return StaffClient(app, app.response_class, use_cookies=True)


def _login(client, email: str, password: str = PASSWORD):  # type: ignore[no-untyped-def]
    return client.post("/staff/login", data={"email": email, "password": password})


def _throttle(app: Flask, session, email: str, client: str | None = "127.0.0.1") -> SignInThrottle:  # type: ignore[no-untyped-def]
    """The failures of `email` from `client` (the test client's address), or from anywhere."""
    session.expire_all()
    key = address_key(app.config["DSAR_SETTINGS"].secret_key, email, client)
    return session.get(SignInThrottle, key)


@pytest.mark.parametrize(
    ("failures", "expected"),
    [
        (1, 0),
        (2, 0),
        (3, 2),
        (4, 4),
        (5, 15 * 60),
        (9, 15 * 60),
        (10, 30 * 60),
        (15, 60 * 60),
        (100, 24 * 3600),
    ],
)
def test_lock_duration_grows(failures: int, expected: int) -> None:
    assert lock_duration(failures) == timedelta(seconds=expected)


def test_password_sign_in_renews_the_session(fresh, agent, session, no_csrf) -> None:  # type: ignore[no-untyped-def]
    session.commit()
    with fresh.session_transaction() as sess:
        sess["planted"] = "by an attacker"
    response = _login(fresh, "ALEX@example.org")
    assert response.status_code == 302
    assert response.headers["Location"] == "/staff/queue"
    with fresh.session_transaction() as sess:
        assert "planted" not in sess
        assert sess["_user_id"] == agent.get_id()


def test_unknown_email_and_wrong_password_get_the_same_answer(
    fresh, agent, session, no_csrf
) -> None:  # type: ignore[no-untyped-def]
    session.commit()
    unknown = _login(fresh, "nobody@example.org")
    wrong = _login(fresh, "alex@example.org", "wrong password!")
    assert unknown.status_code == wrong.status_code == 200
    assert b"E-mail or password is wrong." in unknown.data
    assert b"E-mail or password is wrong." in wrong.data


def test_failures_lock_without_sleeping(  # type: ignore[no-untyped-def]
    app: Flask, fresh, agent, session, now: datetime, no_csrf, monkeypatch
) -> None:
    from dsar.core.clock import FixedClock

    clock = FixedClock(now)
    monkeypatch.setitem(app.extensions, "dsar.core.clock", clock)
    session.commit()
    for _ in range(3):
        _login(fresh, "alex@example.org", "wrong password!")
    # Third failure: locked for 2 seconds; even the right password is refused meanwhile.
    locked = _login(fresh, "alex@example.org")
    assert locked.status_code == 429
    assert b"Try again in 2 seconds." in locked.data
    clock.advance(seconds=3)
    _login(fresh, "alex@example.org", "wrong password!")
    clock.advance(seconds=5)
    _login(fresh, "alex@example.org", "wrong password!")
    throttle = _throttle(app, session, "alex@example.org")
    assert throttle.failures == 5
    assert throttle.locked_until == now + timedelta(seconds=8, minutes=15)
    assert b"Try again in 900 seconds." in _login(fresh, "alex@example.org").data
    clock.advance(minutes=15)
    assert _login(fresh, "alex@example.org").status_code == 302
    throttle = _throttle(app, session, "alex@example.org")
    assert (throttle.failures, throttle.locked_until) == (0, None)


def test_totp_step_and_replay(  # type: ignore[no-untyped-def]
    fresh, dpo, session, now: datetime, no_csrf
) -> None:
    secret = pyotp.random_base32()
    dpo.totp_secret = secret
    session.commit()
    response = _login(fresh, "dana@example.org")
    assert response.headers["Location"] == "/staff/login/totp"
    assert fresh.get("/staff/queue").status_code == 302  # not signed in yet
    assert fresh.post("/staff/login/totp", data={"code": "000000"}).status_code == 200
    code = pyotp.TOTP(secret).at(now)
    response = fresh.post("/staff/login/totp", data={"code": code})
    assert response.status_code == 302
    assert fresh.get("/staff/queue").status_code == 200
    # The same code cannot be used again.
    other = StaffClient(fresh.application, fresh.application.response_class, use_cookies=True)
    _login(other, "dana@example.org")
    assert (
        b"The code is wrong or was already used."
        in other.post("/staff/login/totp", data={"code": code}).data
    )


def test_admins_in_production_must_enrol(  # type: ignore[no-untyped-def]
    app: Flask, fresh, admin, session, now: datetime, no_csrf, monkeypatch
) -> None:
    settings = app.config["DSAR_SETTINGS"]
    monkeypatch.setitem(
        app.config, "DSAR_SETTINGS", dataclasses.replace(settings, env="production")
    )
    session.commit()
    response = _login(fresh, "ada@example.org")
    assert response.headers["Location"] == "/staff/login/enrol"
    page = fresh.get("/staff/login/enrol")
    with fresh.session_transaction() as sess:
        secret = sess["enrol_secret"]
    assert b"<svg" in page.data
    assert f'<code id="totp-secret">{secret}</code>'.encode() in page.data
    assert fresh.get("/staff/users").status_code == 302
    response = fresh.post("/staff/login/enrol", data={"code": pyotp.TOTP(secret).at(now)})
    assert response.headers["Location"] == "/staff/users"
    session.refresh(admin)
    assert admin.totp_secret == secret


def test_voluntary_enrolment(fresh, as_user, agent, session, now: datetime, no_csrf) -> None:  # type: ignore[no-untyped-def]
    client = as_user(agent)
    assert b"<svg" in client.get("/staff/account/totp").data
    with client.session_transaction() as sess:
        secret = sess["enrol_secret"]
    client.post("/staff/account/totp", data={"code": pyotp.TOTP(secret).at(now)})
    session.refresh(agent)
    assert agent.totp_secret == secret


def test_login_form_needs_csrf(fresh, agent, session) -> None:  # type: ignore[no-untyped-def]
    session.commit()
    response = _login(fresh, "alex@example.org")
    assert response.status_code == 400
    assert fresh.get("/staff/queue").status_code == 302


def test_logout(as_user, agent, no_csrf) -> None:  # type: ignore[no-untyped-def]
    client = as_user(agent)
    assert client.post("/staff/logout").status_code == 302
    assert client.get("/staff/queue").status_code == 302


def _cookie(client) -> str:  # type: ignore[no-untyped-def]
    return client.get_cookie("session").value


def _thief(app, victim, cookie: str):  # type: ignore[no-untyped-def]
    """A client with the victim's session cookie, address and browser string (both are easy to
    copy, so Flask-Login's "strong" protection does not stop it)."""
    # The tests' app context outlives each request, and Flask-Login keeps the user on `g`;
    # a server starts every request without it.
    g.pop("_login_user", None)
    thief = app.test_client()
    thief.environ_base = dict(victim.environ_base)
    thief.set_cookie("session", cookie)
    return thief


def test_signing_out_ends_a_copied_session_cookie(  # type: ignore[no-untyped-def]
    app, as_user, agent, no_csrf
) -> None:
    """A session cookie copied before sign-out opens nothing afterwards (issue 22)."""
    client = as_user(agent)
    assert client.get("/staff/queue").status_code == 200
    copied = _cookie(client)
    assert client.post("/staff/logout").status_code == 302
    assert _thief(app, client, copied).get("/staff/queue").status_code == 302  # to sign-in


def test_a_new_password_ends_the_members_sessions(  # type: ignore[no-untyped-def]
    app, as_user, agent, admin, session, now, no_csrf
) -> None:
    from dsar.accounts.operations import update_staff

    client = as_user(agent)
    assert client.get("/staff/queue").status_code == 200
    copied = _cookie(client)
    update_staff(
        session,
        agent,
        acting=admin,
        role=agent.role,
        active=True,
        controllers=list(agent.controllers),
        now=now,
        secret_key="k" * 32,
        new_password="a new one, long enough",
    )
    session.commit()
    assert _thief(app, client, copied).get("/staff/queue").status_code == 302


def _events(session, subject: str) -> list[tuple[str, str, dict]]:  # type: ignore[no-untyped-def]
    session.expire_all()
    query = select(StaffEvent).where(StaffEvent.subject == subject).order_by(StaffEvent.seq)
    return [(e.action, e.actor, e.payload) for e in session.execute(query).scalars()]


@pytest.mark.parametrize("other", ["nobody@example.org", "idle@example.org"])
def test_unknown_and_inactive_addresses_answer_exactly_like_an_account(  # type: ignore[no-untyped-def]
    app: Flask, agent, session, now: datetime, no_csrf, monkeypatch, other: str
) -> None:
    from dsar.core.clock import FixedClock
    from tests.factories import make_staff

    make_staff(session, now, email="idle@example.org").active = False
    clock = FixedClock(now)
    monkeypatch.setitem(app.extensions, "dsar.core.clock", clock)
    session.commit()
    known = StaffClient(app, app.response_class, use_cookies=True)
    unknown = StaffClient(app, app.response_class, use_cookies=True)
    # (seconds to wait first, password): the account's right password only while locked.
    steps = [(0, "wrong"), (0, "wrong"), (0, "wrong"), (0, "right"), (3, "wrong"), (5, "wrong")]
    steps += [(0, "right"), (600, "right")]
    statuses = []
    for wait, which in steps:
        clock.advance(seconds=wait)
        password = PASSWORD if which == "right" else "wrong password!"
        a = _login(known, "alex@example.org", password)
        b = _login(unknown, other, password)
        # The page repeats the typed address; everything else must be the same bytes.
        assert a.status_code == b.status_code
        assert a.data.replace(b"alex@example.org", b"@") == b.data.replace(other.encode(), b"@")
        statuses.append(a.status_code)
    assert statuses == [200, 200, 200, 429, 200, 200, 429, 429]
    assert b"Try again in 300 seconds." in b.data
    assert (
        _throttle(app, session, other).failures
        == _throttle(app, session, "alex@example.org").failures
        == 5
    )


def test_addresses_are_stored_only_as_keyed_hashes(  # type: ignore[no-untyped-def]
    app: Flask, fresh, session, no_csrf
) -> None:
    import hashlib

    _login(fresh, " Someone@Example.org ", "wrong password!")
    rows = session.execute(select(SignInThrottle)).scalars().all()
    everywhere = _throttle(app, session, "someone@example.org", None)
    here = _throttle(app, session, "someone@example.org")
    assert {r.address_key for r in rows} == {everywhere.address_key, here.address_key}
    assert here.account_key == everywhere.address_key and everywhere.account_key is None
    assert everywhere.address_key != hashlib.sha256(b"someone@example.org").hexdigest()
    assert address_key("another secret key!", "someone@example.org") != everywhere.address_key
    assert session.execute(select(StaffEvent)).scalars().all() == []  # no account, no event


def test_sign_in_steps_are_in_the_staff_chain(  # type: ignore[no-untyped-def]
    app: Flask, fresh, dpo, session, now: datetime, no_csrf
) -> None:
    from dsar.audit.request_trail import verify_chain

    secret = pyotp.random_base32()
    dpo.totp_secret = secret
    session.commit()
    for _ in range(3):
        _login(fresh, "dana@example.org", "wrong password!")
    events = _events(session, "dana@example.org")
    assert [e[0] for e in events] == [
        "account_created",
        "sign_in_failed",
        "sign_in_failed",
        "sign_in_failed",
        "locked",
    ]
    assert events[3] == ("sign_in_failed", "anonymous", {"reason": "wrong password", "failures": 3})
    assert events[4] == ("locked", "system", {"failures": 3, "seconds": 2})
    clock = app.extensions["dsar.core.clock"]
    clock.advance(seconds=3)
    _login(fresh, "dana@example.org")
    fresh.post("/staff/login/totp", data={"code": "000000"})
    clock.advance(seconds=5)
    assert (
        fresh.post("/staff/login/totp", data={"code": pyotp.TOTP(secret).at(now)}).status_code
        == 302
    )
    fresh.post("/staff/logout")
    events = _events(session, "dana@example.org")[5:]
    assert events == [
        ("sign_in_failed", "anonymous", {"reason": "wrong code", "failures": 4}),
        ("locked", "system", {"failures": 4, "seconds": 4}),
        ("signed_in", "dana@example.org", {"second_factor": True}),
        # the first sign-in stores the browser's language (none sent: English)
        ("language_chosen", "dana@example.org", {"from": None, "to": "en"}),
        ("signed_out", "dana@example.org", {}),
    ]
    assert verify_chain(session) is None


def _update(session, user, admin, now, **changes):  # type: ignore[no-untyped-def]
    from dsar.accounts.operations import update_staff

    fields = {"role": user.role, "active": True, "controllers": list(user.controllers)}
    result = update_staff(
        session, user, acting=admin, now=now, secret_key="k" * 32, **{**fields, **changes}
    )
    session.commit()
    return result


@pytest.mark.parametrize(
    "change",
    [{"sign_out": True}, {"reset_totp": True}, {"active": False}],
    ids=["sign out everywhere", "two-factor reset", "deactivated"],
)
def test_an_admins_change_ends_every_copy_of_the_members_session(  # type: ignore[no-untyped-def]
    app, as_user, agent, admin, session, now, no_csrf, change
) -> None:
    """Issue 22: "sign out everywhere", a TOTP reset and a deactivation end every session; a
    deactivated member reactivated later finds none of their old sessions alive."""
    agent.totp_secret = pyotp.random_base32()
    session.commit()
    client = as_user(agent)
    assert client.get("/staff/queue").status_code == 200
    copied = _cookie(client)
    _update(session, agent, admin, now, **change)
    if change == {"active": False}:
        _update(session, agent, admin, now, active=True)
    assert _thief(app, client, copied).get("/staff/queue").status_code == 302
    assert client.get("/staff/queue").status_code == 302


def test_an_unrelated_change_keeps_the_session(  # type: ignore[no-untyped-def]
    app, as_user, agent, admin, session, now, no_csrf
) -> None:
    client = as_user(agent)
    assert client.get("/staff/queue").status_code == 200
    assert _update(session, agent, admin, now, unlock=True) == []
    assert client.get("/staff/queue").status_code == 200


def test_sign_out_everywhere_from_the_users_page(  # type: ignore[no-untyped-def]
    app, as_user, agent, admin, session, no_csrf
) -> None:
    member = as_user(agent)
    assert member.get("/staff/queue").status_code == 200
    page = as_user(admin).get("/staff/users").get_data(as_text=True)
    assert "Sign out of every session now" in page
    prefix = f"u{agent.id}-"
    form = {prefix + "role": "agent", prefix + "active": "y", prefix + "sign_out": "y"}
    answer = as_user(admin).post(f"/staff/users/{agent.id}", data=form, follow_redirects=True)
    assert "signed out everywhere" in answer.get_data(as_text=True)
    assert member.get("/staff/queue").status_code == 302
    assert _events(session, agent.email)[-1][0] == "signed_out_everywhere"
