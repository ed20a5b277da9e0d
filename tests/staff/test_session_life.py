"""A staff session ends an hour after the last request and twelve hours after sign-in,
whatever the cookie says (a copied cookie extends neither)."""

from __future__ import annotations

from flask import Flask


def _queue(client) -> int:  # type: ignore[no-untyped-def]
    return int(client.get("/staff/queue").status_code)


def test_an_idle_session_ends_after_an_hour(app: Flask, agent, as_user) -> None:  # type: ignore[no-untyped-def]
    client, clock = as_user(agent), app.extensions["dsar.core.clock"]

    clock.advance(minutes=59)
    assert _queue(client) == 200  # still within the hour; this request renews it
    clock.advance(minutes=59)
    assert _queue(client) == 200
    clock.advance(minutes=61)
    ended = client.get("/staff/queue")

    assert ended.status_code == 302 and ended.headers["Location"].endswith("/staff/login")
    assert _queue(client) == 302  # and it stays ended: the session was cleared


def test_a_busy_session_still_ends_twelve_hours_after_sign_in(app: Flask, dpo, as_user) -> None:  # type: ignore[no-untyped-def]
    client, clock = as_user(dpo), app.extensions["dsar.core.clock"]
    statuses = []
    for _ in range(15):  # a request every 50 minutes: never idle
        clock.advance(minutes=50)
        statuses.append(_queue(client))
    # 14 x 50 minutes = 11 h 40 min: still on; the 15th (12 h 30 min) is past the 12 hours
    assert statuses == [200] * 14 + [302]


def test_a_session_without_its_clocks_is_ended(app: Flask, agent, as_user) -> None:  # type: ignore[no-untyped-def]
    client = as_user(agent)
    with client.session_transaction() as sess:
        del sess["signed_in_at"]
    assert _queue(client) == 302


def test_the_limits_are_settings(app: Flask) -> None:
    settings = app.config["DSAR_SETTINGS"]
    assert (settings.staff_idle_minutes, settings.staff_session_hours) == (60, 12)
