"""The case page in German for a browser that asks for it: its labels, decisions, checklist and
timeline in German, none of its English words left (issue 21). Rights, statuses and dates are
worded by labels.py (the other half of the staff UI's translation)."""

from __future__ import annotations

import re
from datetime import datetime

from dsar.requests.workflow import RequestType
from tests.factories import make_request

DETAILS = {
    "form_version": 1,
    "lookup_keys": {"customer_number": "K-100042"},
    "message": "Bitte prüfen",
    "items": [{"wrong": "Hauptstr. 1", "correct": "Hauptstr. 2"}],
}
GERMAN = (
    "Identität geklärt",
    "als Nächstes",
    "Betroffene Person",
    "Eingangsweg · Sprache",
    "Webformular · Deutsch",
    "Zuweisung",
    "Zuweisung speichern",
    "Entscheidungen",
    "Identität bestätigt",
    "Informationen bei der betroffenen Person anfordern (Art. 12 Abs. 6)",
    "zur Bestätigung der Identität (Art. 12 Abs. 6)",
    "Ablehnung vorschlagen (Genehmigung durch den DSB nötig)",
    "offenkundig unbegründet",
    "Ich habe geprüft, dass",
    "Zu berichtigen (falsch → richtig)",
    "(eingegeben)",
    "Nachricht der betroffenen Person",
    "Interne Notiz",
    "Verlauf",
    "Anfrage angelegt",
    "Identität: noch nicht festgestellt",
    "Weitere Anfragen der betroffenen Person (12 Monate)",
)
ENGLISH = (
    "Letters<",
    ">Subject<",
    ">Received<",
    "Assignment",
    "Assign to",
    ">Decisions<",
    "Identity settled",
    "· next",
    "identity:",
    "Identity verified",
    "Ask the subject for information",
    "to confirm the identity",
    "manifestly unfounded",
    "I have checked",
    "(typed)",
    "To correct",
    "Message from the subject",
    "Internal note",
    "Add note",
    ">Timeline<",
    "Request created",
    "other requests",
    "nobody",
    "web form",
)


def _main(html: str) -> str:
    return html.split("<main", 1)[1].split("</main>", 1)[0]


def test_the_case_page_speaks_german_to_a_german_browser(  # type: ignore[no-untyped-def]
    session, controller, now: datetime, dpo, as_user
) -> None:
    request = make_request(
        session, controller, now, type=RequestType.RECTIFICATION, details=DETAILS, language="de"
    )
    page = as_user(dpo).get(f"/staff/requests/{request.id}", headers={"Accept-Language": "de"})
    main = _main(page.get_data(as_text=True))
    for words in GERMAN:
        assert words in main, words
    for words in ENGLISH:
        assert words not in main, words


def test_an_english_browser_still_reads_english(  # type: ignore[no-untyped-def]
    session, controller, now: datetime, dpo, as_user
) -> None:
    request = make_request(
        session, controller, now, type=RequestType.RECTIFICATION, details=DETAILS
    )
    page = as_user(dpo).get(f"/staff/requests/{request.id}", headers={"Accept-Language": "en"})
    main = _main(page.get_data(as_text=True))
    assert "Identity settled" in main and "Identität" not in main


def test_a_flash_after_a_decision_is_german(  # type: ignore[no-untyped-def]
    session, controller, now: datetime, dpo, as_user, no_csrf
) -> None:
    request = make_request(session, controller, now)
    staff = as_user(dpo)
    data = {"decision": "verify_identity", "version": str(request.version)}
    german = {"Accept-Language": "de"}
    staff.post(f"/staff/requests/{request.id}/decide", data=data, headers=german)
    page = staff.get(f"/staff/requests/{request.id}", headers=german).get_data(as_text=True)
    assert "Erledigt: Identität bestätigen." in page
    assert "Done:" not in page


def test_what_is_still_missing_is_german(  # type: ignore[no-untyped-def]
    session, controller, now: datetime, dpo, as_user, no_csrf
) -> None:
    """The domain's sentences (dsar/core/words.py) are written in the page's language."""
    request = make_request(session, controller, now)  # an access request
    staff = as_user(dpo)
    data = {"decision": "verify_identity", "version": str(request.version)}
    staff.post(f"/staff/requests/{request.id}/decide", data=data)
    german = staff.get(f"/staff/requests/{request.id}", headers={"Accept-Language": "de"})
    answer = german.get_data(as_text=True).split('<div id="answer">', 1)[1].split("</div>", 1)[0]
    assert "Es fehlt noch, bevor die Antwort vorbereitet werden kann:" in answer
    assert "<li>die Quellen wurden noch nicht durchsucht</li>" in answer
    session.refresh(request)
    early = {"decision": "prepare_answer", "version": str(request.version)}
    refused = staff.post(
        f"/staff/requests/{request.id}/decide", data=early, headers={"Accept-Language": "de"}
    )
    assert refused.status_code == 409
    assert (
        "Die Antwort kann noch nicht vorbereitet werden: die Quellen wurden noch nicht "
        "durchsucht. Nichts wurde geändert."
    ) in refused.get_data(as_text=True)
    english = staff.get(f"/staff/requests/{request.id}", headers={"Accept-Language": "en"})
    assert "<li>the sources have not been searched yet</li>" in english.get_data(as_text=True)


def test_a_step_the_status_does_not_allow_is_refused_in_german(  # type: ignore[no-untyped-def]
    session, controller, now: datetime, dpo, as_user, no_csrf
) -> None:
    request = make_request(session, controller, now)  # new: nothing to prepare yet
    data = {"decision": "prepare_answer", "version": str(request.version)}
    refused = as_user(dpo).post(
        f"/staff/requests/{request.id}/decide", data=data, headers={"Accept-Language": "de"}
    )
    assert refused.status_code == 409
    # the status's word is labels.py's (the other half of the translation): any word
    said = "Nicht möglich: „Antwort vorbereiten“ geht bei einer Anfrage im Status „[^“]+“ nicht."
    assert re.search(said + " Nichts wurde geändert.", refused.get_data(as_text=True))
