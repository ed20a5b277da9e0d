"""Part A's staff pages, the error pages and the download pages in a German browser: German
words, no English ones left (issue 21). The member has not chosen a language, so the browser's
decides (dsar/web/staff/language.py)."""

from __future__ import annotations

import pyotp
import pytest
from flask import Flask
from werkzeug.exceptions import (
    BadRequest,
    HTTPException,
    InternalServerError,
    RequestEntityTooLarge,
)

from dsar.accounts.models import Role
from dsar.extensions import limiter
from dsar.requests.workflow import Action, IllegalTransition, RequestType, Status
from tests.factories import PASSWORD, make_mail, make_request, make_staff
from tests.staff.conftest import StaffClient

GERMAN = {"Accept-Language": "de-DE,de;q=0.9"}
# Words of the frame that every signed-in page shows in English, none of them in German.
FRAME_ENGLISH = ("Skip to content", "Sign out", "Record a request", ">Queue<", ">Mail<")


def _german(client, url: str, status: int = 200) -> str:  # type: ignore[no-untyped-def]
    response = client.get(url, headers=GERMAN)
    assert response.status_code == status, url
    page = response.get_data(as_text=True)
    assert '<html lang="de">' in page
    return page


def _absent(page: str, *english: str) -> None:
    assert [word for word in english if word in page] == []


def test_the_queue_in_german(session, controller, now, agent, as_user) -> None:  # type: ignore[no-untyped-def]
    make_request(session, controller, now, type=RequestType.CONSENT_WITHDRAWAL)
    make_request(session, controller, now, type=RequestType.ERASURE, channel="email")
    page = _german(as_user(agent), "/staff/queue?status=all")
    for word in (
        "Zum Inhalt springen",
        "Eingang",
        "Anfrage erfassen",
        "Abmelden",
        "<h1>Anfragen</h1>",
        "Widerruf der Einwilligung (Art. 7 Abs. 3)",
        "Löschung (Art. 17)",
        "neu",
        "Mir zuweisen",
        "Weitere Filter",
        "Suche (Aktenzeichen, Name, E-Mail)",
        "2 Anfragen",
        "noch ",
        "Webformular",
    ):
        assert word in page, word
    _absent(
        page,
        *FRAME_ENGLISH,
        "Assign to me",
        "More filters",
        "withdrawal of consent",
        "erasure (Art",
        "days left",
        "request(s)",
        "No requests",
        ">new<",
        "web form",
    )


def test_the_dashboard_in_german(session, controller, now, dpo, as_user) -> None:  # type: ignore[no-untyped-def]
    make_request(session, controller, now)
    page = _german(as_user(dpo), "/staff/dashboard")
    for word in (
        "<h1>Übersicht</h1>",
        "Offene Anfragen",
        "Überfällig: die Frist ist abgelaufen",
        "Je Verantwortlichem",
        "Offene Anfragen nach Status und Recht",
        "Auskunft (Art. 15)",
        "Verzeichnis aller Anfragen herunterladen (CSV)",
        "für die Aufsichtsbehörde",
    ):
        assert word in page, word
    _absent(
        page,
        *FRAME_ENGLISH,
        "Open requests",
        "Overdue",
        "Per controller",
        "access (Art",
        "Download the register",
        "Answered by the due date",
        "December",
        "March",
    )


def test_the_users_page_in_german(session, now, admin, as_user) -> None:  # type: ignore[no-untyped-def]
    page = _german(as_user(admin), "/staff/users")
    for word in (
        "Konten der Mitarbeitenden",
        "Neues Konto",
        "Anlegen",
        "Kontoverlauf",
        "Rolle",
        "Sachbearbeitung",
        "Konto angelegt",
        "Speichern",
        "(Admin)",
    ):
        assert word in page, word
    _absent(
        page,
        "Skip to content",
        "Sign out",
        "Staff accounts",
        "New account",
        "account created",
        "Account history",
        ">agent<",
        "Reset TOTP",
        ">Save<",
    )


def test_the_users_page_flashes_in_german(session, now, admin, agent, as_user, no_csrf) -> None:  # type: ignore[no-untyped-def]
    client = as_user(admin)
    client.post(
        f"/staff/users/{agent.id}",
        data={f"u{agent.id}-role": "dpo", f"u{agent.id}-active": "y"},
        headers=GERMAN,
    )
    page = _german(client, "/staff/users")
    assert f"{agent.email}: Rolle Sachbearbeitung → DSB." in page
    assert "Rolle geändert" in page and "role changed" not in page
    assert "von: Sachbearbeitung; nach: DSB" in page and "from: agent" not in page
    client.post("/staff/users", data={"email": agent.email, "role": "agent"}, headers=GERMAN)
    page = _german(client, "/staff/users")
    assert f"Nicht angelegt: für {agent.email} gibt es bereits ein Konto." in page


def test_mail_new_request_and_two_factor_in_german(session, now, agent, as_user) -> None:  # type: ignore[no-untyped-def]
    make_mail(session, now, key="k1", to=agent.email)
    client = as_user(agent)
    page = _german(client, "/staff/mail")
    for word in ("Ausgehende E-Mails", "Betreff", "Versuche", "wartet"):
        assert word in page, word
    _absent(page, *FRAME_ENGLISH, "Outgoing mail", "Attempts", ">pending<")
    page = _german(client, "/staff/requests/new")
    for word in (
        "Per E-Mail, Brief oder Telefon eingegangene Anfrage erfassen",
        "Verantwortlicher",
        "Eingegangen per",
        "Brief",
        "Postanschrift",
        "Auskunft (Art. 15)",
        "Erfassen",
    ):
        assert word in page, word
    _absent(
        page,
        *FRAME_ENGLISH,
        "Came in by",
        "Postal address",
        "The deadline counts",
        "access (Art",
        ">Record<",
    )
    page = _german(client, "/staff/account/totp")
    assert "Zwei-Faktor-Anmeldung" in page and "Scannen Sie diesen Code" in page
    _absent(page, *FRAME_ENGLISH, "Scan this code", "Turn on", "Cannot scan")


def test_the_sign_in_steps_in_german(app: Flask, session, now, no_csrf) -> None:  # type: ignore[no-untyped-def]
    user = make_staff(session, now, email="tina@example.org", role=Role.AGENT)
    user.totp_secret = pyotp.random_base32()
    session.commit()
    client = StaffClient(app, app.response_class, use_cookies=True)
    page = _german(client, "/staff/login")
    for word in ("Anmeldung für Mitarbeitende", "Passwort", "Anmelden"):
        assert word in page, word
    _absent(page, "Staff sign-in", "Password", ">Sign in<")
    refused = client.post(
        "/staff/login", data={"email": user.email, "password": "wrong"}, headers=GERMAN
    )
    assert "E-Mail-Adresse oder Passwort ist falsch." in refused.get_data(as_text=True)
    client.post("/staff/login", data={"email": user.email, "password": PASSWORD}, headers=GERMAN)
    page = _german(client, "/staff/login/totp")
    assert "Code eingeben" in page and "Code aus Ihrer Authenticator-App" in page
    _absent(page, "Enter your code", "Continue", "authenticator app")


def test_error_pages_in_german(app: Flask, session, agent, as_user, client) -> None:  # type: ignore[no-untyped-def]
    signed_in = as_user(agent)
    page = _german(signed_in, "/staff/requests/999999", 404)
    assert "Es gibt keine Anfrage mit dieser Nummer, die Sie öffnen dürfen." in page
    assert "Zurück zur Startseite" in page and "Back to the start page" not in page
    page = _german(signed_in, "/staff/users", 403)
    assert "Ihre Rolle erlaubt dies nicht." in page
    page = _german(client, "/nowhere", 404)
    assert "Unter dieser Adresse gibt es nichts." in page and "requested URL" not in page
    page = _german(signed_in, "/staff/logout", 405)
    assert "Diese Seite lässt sich so nicht öffnen." in page and "not allowed" not in page
    response = signed_in.post("/staff/language", data={"language": "de"}, headers=GERMAN)
    page = response.get_data(as_text=True)
    assert response.status_code == 400 and "Das Formular ist abgelaufen" in page


@pytest.fixture
def limits_on(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(limiter, "enabled", True)
    limiter.reset()


def test_the_download_pages_and_their_rate_limit_in_german(client, controller, limits_on) -> None:  # type: ignore[no-untyped-def]
    url = f"/c/{controller.slug}/download/no-such-token"
    page = _german(client, url, 404)
    assert "Download nicht verfügbar" in page and "Download not available" not in page
    for _attempt in range(19):
        client.get(url, headers=GERMAN)
    page = _german(client, url, 429)
    assert "Zu viele Aufrufe in kurzer Zeit (höchstens 20 pro Minute)." in page
    _absent(page, "per 1 minute", "Too Many Requests", "Back to the start page")


def test_refusals_of_the_operations_read_in_german(session, agent, as_user, no_csrf) -> None:  # type: ignore[no-untyped-def]
    client = as_user(agent)
    client.post("/staff/queue/views", data={"name": " ", "back": "status=all"}, headers=GERMAN)
    page = _german(client, "/staff/queue")
    assert "Nicht gespeichert: geben Sie der Ansicht einen Namen mit 1 bis 60 Zeichen." in page
    client.post("/staff/queue/views", data={"name": "Meine", "back": ""}, headers=GERMAN)
    page = _german(client, "/staff/queue")
    assert "Nicht gespeichert: wählen Sie mindestens einen Filter zum Speichern." in page
    assert "choose at least one filter" not in page


@pytest.mark.parametrize(
    ("headers", "said"),
    [
        (GERMAN, "Dieser Schritt ist nicht möglich, solange die Anfrage den Status „neu“ hat."),
        ({}, "This step is not possible while the request is new."),
    ],
)
def test_a_step_the_status_does_not_allow_is_refused_in_the_page_language(  # type: ignore[no-untyped-def]
    app: Flask, headers: dict[str, str], said: str
) -> None:
    with app.test_request_context("/staff/queue", headers=headers):
        refused = IllegalTransition(Status.NEW, Action.PREPARE_ANSWER)
        response = app.make_response(app.handle_user_exception(refused))
    page = response.get_data(as_text=True)
    assert response.status_code == 409 and said in page


def test_the_new_request_form_says_what_is_missing_in_german(
    session, agent, as_user, no_csrf
) -> None:  # type: ignore[no-untyped-def]
    response = as_user(agent).post("/staff/requests/new", data={}, headers=GERMAN)
    page = response.get_data(as_text=True)
    assert response.status_code == 400 and '<html lang="de">' in page
    assert "This field is required" not in page and "Not a valid" not in page
    assert "Dieses Feld wird benötigt." in page  # WTForms' own German


@pytest.mark.parametrize(
    ("error", "said"),
    [
        (InternalServerError(), "Bei uns ist ein Fehler aufgetreten."),
        (RequestEntityTooLarge(), "Die hochgeladene Datei ist zu groß."),
        (BadRequest(), "Die Anfrage an den Server war nicht verständlich."),
    ],
)
def test_the_codes_own_words_in_german(app: Flask, error: HTTPException, said: str) -> None:
    with app.test_request_context("/", headers=GERMAN):
        response = app.make_response(app.handle_user_exception(error))
    page = response.get_data(as_text=True)
    assert response.status_code == error.code and said in page and '<html lang="de">' in page
    assert str(error.description) not in page  # Werkzeug's English
