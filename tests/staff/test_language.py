"""The staff pages' language: the browser's until the member has one, stored at the first
sign-in; the switch stores their choice, which then wins over the browser; staff mail follows
it (dsar/web/staff/language.py)."""

from __future__ import annotations

import dataclasses
from datetime import datetime
from zoneinfo import ZoneInfo

from flask import Flask
from sqlalchemy import select

from dsar.accounts.models import Role, StaffEvent, StaffUser
from dsar.jobs.reminders import send_reminders
from dsar.outbox.models import OutboxMessage
from tests.factories import PASSWORD, make_request, make_staff
from tests.staff.conftest import StaffClient

GERMAN = {"Accept-Language": "de-DE,de;q=0.9,en;q=0.5"}
ENGLISH = {"Accept-Language": "en-GB,en;q=0.9"}


def _sign_in(app: Flask, email: str, headers: dict[str, str]) -> StaffClient:
    client = StaffClient(app, app.response_class, use_cookies=True)
    response = client.post(
        "/staff/login", data={"email": email, "password": PASSWORD}, headers=headers
    )
    assert response.status_code == 302
    return client


def _language_of(session, user: StaffUser) -> str | None:  # type: ignore[no-untyped-def]
    session.expire_all()
    return session.get(StaffUser, user.id).language


def test_a_new_member_sees_the_queue_in_the_browser_language_and_it_is_stored(  # type: ignore[no-untyped-def]
    app: Flask, session, agent, no_csrf
) -> None:
    assert agent.language is None  # nothing chosen yet
    client = _sign_in(app, agent.email, GERMAN)
    page = client.get("/staff/queue", headers=GERMAN).get_data(as_text=True)
    assert '<html lang="de">' in page
    assert "<h1>Anfragen</h1>" in page and "Weitere Filter" in page and "Abmelden" in page
    assert "More filters" not in page and "Sign out" not in page
    assert _language_of(session, agent) == "de"  # reminders and digests follow
    # stored: a browser saying English later changes nothing
    page = client.get("/staff/queue", headers=ENGLISH).get_data(as_text=True)
    assert '<html lang="de">' in page and "Weitere Filter" in page


def test_the_stored_language_is_not_overwritten_at_the_next_sign_in(  # type: ignore[no-untyped-def]
    app: Flask, session, agent, no_csrf
) -> None:
    agent.language = "en"
    session.commit()
    client = _sign_in(app, agent.email, GERMAN)
    page = client.get("/staff/queue", headers=GERMAN).get_data(as_text=True)
    assert '<html lang="en">' in page and "More filters" in page
    assert _language_of(session, agent) == "en"


def test_the_switch_stores_the_choice_which_wins_over_the_browser(  # type: ignore[no-untyped-def]
    session, agent, as_user, no_csrf
) -> None:
    client = as_user(agent)
    # before any choice: the browser's language
    assert "Weitere Filter" in client.get("/staff/queue", headers=GERMAN).get_data(as_text=True)
    back = "http://localhost/staff/queue?status=all&q=J412"
    response = client.post(
        "/staff/language", data={"language": "en"}, headers={**GERMAN, "Referer": back}
    )
    assert response.status_code == 303
    assert response.headers["Location"] == "/staff/queue?status=all&q=J412"  # back to the page
    assert _language_of(session, agent) == "en"
    page = client.get("/staff/queue", headers=GERMAN).get_data(as_text=True)
    assert '<html lang="en">' in page and "More filters" in page and "Weitere Filter" not in page
    event = session.execute(
        select(StaffEvent).where(StaffEvent.action == "language_chosen")
    ).scalar_one()
    assert (event.actor, event.subject, event.payload) == (
        agent.email,
        agent.email,
        {"from": None, "to": "en"},
    )
    client.post("/staff/language", data={"language": "de"}, headers={"Referer": back})
    assert _language_of(session, agent) == "de"
    assert "Weitere Filter" in client.get("/staff/queue", headers=ENGLISH).get_data(as_text=True)


def test_the_switch_refuses_a_language_dsar_does_not_speak_and_another_site(  # type: ignore[no-untyped-def]
    session, agent, as_user, no_csrf
) -> None:
    client = as_user(agent)
    response = client.post(
        "/staff/language",
        data={"language": "fr"},
        headers={"Referer": "https://evil.example/staff/queue"},
    )
    assert response.headers["Location"] == "/staff/"
    assert _language_of(session, agent) is None


def test_the_switch_needs_the_csrf_token(session, agent, as_user) -> None:  # type: ignore[no-untyped-def]
    response = as_user(agent).post("/staff/language", data={"language": "de"})
    assert response.status_code == 400
    assert _language_of(session, agent) is None


def test_the_sign_in_page_follows_the_browser_and_offers_links(client) -> None:  # type: ignore[no-untyped-def]
    page = client.get("/staff/login", headers=GERMAN).get_data(as_text=True)
    assert '<html lang="de">' in page and "Anmeldung für Mitarbeitende" in page
    assert 'href="/staff/login?lang=en"' in page
    page = client.get("/staff/login?lang=en", headers=GERMAN).get_data(as_text=True)
    assert '<html lang="en">' in page and "Staff sign-in" in page


def test_a_member_who_chose_german_gets_reminders_in_german(  # type: ignore[no-untyped-def]
    app: Flask, session, controller, now, no_csrf
) -> None:
    agent = make_staff(session, now, email="jonas@demo.example", role=Role.AGENT)
    session.commit()
    _sign_in(app, agent.email, GERMAN)  # the first sign-in stores the browser's German
    request = make_request(session, controller, now)
    request.assignee = session.get(StaffUser, agent.id)
    session.commit()
    settings = dataclasses.replace(
        app.config["DSAR_SETTINGS"], mail_from="dsar <dsar@demo.example>", dpo_mailbox=""
    )
    berlin = ZoneInfo("Europe/Berlin")
    assert send_reminders(session, settings, datetime(2026, 3, 26, 8, tzinfo=berlin)).queued == 1
    [mail] = session.execute(
        select(OutboxMessage).where(OutboxMessage.recipient == agent.email)
    ).scalars()
    assert mail.language == "de"
    assert "Antwort fällig in 7 Tagen" in mail.subject


def test_staff_without_a_language_get_mail_in_english(session, now) -> None:  # type: ignore[no-untyped-def]
    from dsar.jobs.emails import staff_recipient

    member = make_staff(session, now)
    assert member.language is None
    assert staff_recipient(member).language == "en"


def test_a_language_picked_on_the_sign_in_page_is_the_one_stored(  # type: ignore[no-untyped-def]
    app: Flask, session, agent, no_csrf
) -> None:
    client = StaffClient(app, app.response_class, use_cookies=True)
    assert "Anmeldung für Mitarbeitende" in client.get(
        "/staff/login?lang=de", headers=ENGLISH
    ).get_data(as_text=True)
    response = client.post(
        "/staff/login", data={"email": agent.email, "password": PASSWORD}, headers=ENGLISH
    )
    assert response.status_code == 302
    assert _language_of(session, agent) == "de"
    page = client.get("/staff/queue", headers=ENGLISH).get_data(as_text=True)
    assert '<html lang="de">' in page
