"""The letters pages in German for a browser that asks for it: the list, the draft form, the
preview and the flash after saving; none of their English words left (issue 21). The letter
itself is written in the request's language, whatever the page's."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import select

from dsar.letters.models import Letter
from tests.factories import make_request

GERMAN = {"Accept-Language": "de"}


def _main(html: str) -> str:
    return html.split("<main", 1)[1].split("</main>", 1)[0]


def test_the_letters_list_and_preview_speak_german(  # type: ignore[no-untyped-def]
    session, controller, now: datetime, dpo, as_user, no_csrf
) -> None:
    request = make_request(session, controller, now, language="en")
    staff = as_user(dpo)
    listed = _main(
        staff.get(f"/staff/requests/{request.id}/letters", headers=GERMAN).get_data(as_text=True)
    )
    for words in (
        "Schreiben zu",
        "Noch keine Schreiben.",
        "Schreiben entwerfen",
        "Eingangsbestätigung",
        "Englisch",
    ):
        assert words in listed, words
    for words in (
        "Letters for",
        "No letters yet",
        "Draft letter",
        ">Letter<",
        ">acknowledgement<",
        ">en<",
    ):
        assert words not in listed, words

    staff.post(f"/staff/requests/{request.id}/letters", data={"letter_type": "acknowledgement"})
    letter = session.execute(select(Letter)).scalar_one()
    saved = staff.post(
        f"/staff/letters/{letter.id}/edit",
        data={"note": "Danke"},
        headers=GERMAN,
        follow_redirects=True,
    )
    preview = _main(saved.get_data(as_text=True))
    for words in (
        "Gespeichert.",
        "Schreiben: Eingangsbestätigung (Englisch) · Entwurf",
        "Schreiben zu",
        "Betreff:",
        "Freigeben und senden",
        "Vorschau des Schreibens",
    ):
        assert words in preview, words
    for words in (
        "Saved.",
        "Approve and send",
        "Letters for",
        "letter (en)",
        "Subject:",
        "Letter preview",
    ):
        assert words not in preview, words
    assert "Eine Schlussbemerkung an die betroffene Person (optional)" in preview  # fields.py
    assert "A closing note to the subject" not in preview
    assert "We have received your request" in preview  # the letter: in the request's language


def test_an_incomplete_letter_says_so_in_german(  # type: ignore[no-untyped-def]
    session, controller, now: datetime, dpo, as_user, no_csrf
) -> None:
    request = make_request(session, controller, now)
    staff = as_user(dpo)
    staff.post(f"/staff/requests/{request.id}/letters", data={"letter_type": "refusal"})
    letter = session.execute(select(Letter)).scalar_one()
    page = staff.get(f"/staff/letters/{letter.id}", headers=GERMAN).get_data(as_text=True)
    assert "das Schreiben (Ablehnung) ist unvollständig: es fehlt " in page
    assert "letter is incomplete" not in page
