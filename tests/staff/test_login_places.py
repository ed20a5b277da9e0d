"""Failed sign-ins lock the account's address from the place they came from, not everywhere:
three wrong passwords typed from one IP do not lock the owner out elsewhere; only guessing
from many places past ACCOUNT_CEILING locks it everywhere; an admin's unlock clears all."""

from __future__ import annotations

from datetime import datetime

from flask import Flask
from sqlalchemy import select

from dsar.accounts.models import SignInThrottle
from dsar.accounts.throttle import ACCOUNT_CEILING
from dsar.core.clock import FixedClock
from tests.factories import PASSWORD
from tests.staff.conftest import StaffClient

ATTACKER, OWNER = "192.0.2.66", "198.51.100.7"


def _login(app: Flask, ip: str, password: str = PASSWORD):  # type: ignore[no-untyped-def]
    client = StaffClient(app, app.response_class, use_cookies=True)
    data = {"email": "alex@example.org", "password": password}
    return client.post("/staff/login", data=data, environ_base={"REMOTE_ADDR": ip})


def _fixed_clock(app: Flask, now: datetime, monkeypatch) -> FixedClock:  # type: ignore[no-untyped-def]
    clock = FixedClock(now)
    monkeypatch.setitem(app.extensions, "dsar.core.clock", clock)
    return clock


def test_wrong_passwords_from_one_place_do_not_lock_the_owner_elsewhere(  # type: ignore[no-untyped-def]
    app: Flask, agent, session, now: datetime, no_csrf, monkeypatch
) -> None:
    _fixed_clock(app, now, monkeypatch)
    session.commit()
    for _ in range(3):
        assert _login(app, ATTACKER, "wrong password!").status_code == 200
    assert _login(app, ATTACKER).status_code == 429  # locked there, even with the password
    assert _login(app, OWNER).status_code == 302  # the owner, elsewhere, signs in


def test_guessing_from_many_places_locks_the_account_everywhere(  # type: ignore[no-untyped-def]
    app: Flask, agent, session, now: datetime, no_csrf, monkeypatch
) -> None:
    _fixed_clock(app, now, monkeypatch)
    session.commit()
    for n in range(ACCOUNT_CEILING):  # two guesses from each place: never locked there
        assert _login(app, f"10.{n // 2 // 250}.{n // 2 % 250}.1", "wrong!").status_code == 200
    assert _login(app, OWNER).status_code == 429
    assert b"Try again in 900 seconds." in _login(app, OWNER).data


def test_an_admins_unlock_clears_every_place(  # type: ignore[no-untyped-def]
    app: Flask, agent, session, now: datetime, no_csrf, monkeypatch
) -> None:
    from dsar.accounts.operations import _unlock

    _fixed_clock(app, now, monkeypatch)
    session.commit()
    for _ in range(3):
        _login(app, ATTACKER, "wrong password!")
    session.expire_all()
    secret = app.config["DSAR_SETTINGS"].secret_key
    assert _unlock(session, secret, agent) == 3
    session.commit()
    assert {row.failures for row in session.execute(select(SignInThrottle)).scalars()} == {0}
    assert _login(app, ATTACKER).status_code == 302
