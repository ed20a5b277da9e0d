"""Refusals written by domain modules reach a German page in German (case_words.error_words)."""

from __future__ import annotations

from datetime import date

from flask import Flask
from flask_babel import refresh

from dsar.core.words import N_, Said
from dsar.letters.content import IncompleteLetter
from dsar.letters.operations import LetterError
from dsar.requests.closing import NotReady
from dsar.web.staff.case_words import error_words


def _in(app: Flask, language: str, error: Exception) -> str:
    with app.test_request_context(headers={"Accept-Language": language}):
        refresh()
        return error_words(error)


def test_each_kind_of_refusal_in_german_and_english(app: Flask) -> None:
    late = LetterError(Said(N_("the day it was posted cannot be in the future")))
    assert _in(app, "de", late) == "der Tag des Postversands kann nicht in der Zukunft liegen"
    assert _in(app, "en", late) == "the day it was posted cannot be in the future"
    frozen = LetterError(Said(N_("letter %(id)s is already %(state)s"), id=7, state="approved"))
    assert _in(app, "de", frozen) == "Schreiben 7 ist bereits freigegeben"
    waiting = NotReady(
        Said(N_("cannot prepare the answer yet")),
        [Said(N_("the sources have not been searched yet")), "DATEV: offline"],
    )
    assert _in(app, "de", waiting) == (
        "die Antwort kann noch nicht vorbereitet werden: die Quellen wurden noch nicht "
        "durchsucht; DATEV: offline"
    )
    assert str(waiting) == _in(app, "en", waiting)
    incomplete = IncompleteLetter("refusal", ["the facts"])
    assert (
        _in(app, "de", incomplete)
        == "das Schreiben (Ablehnung) ist unvollständig: es fehlt the facts"
    )
    assert _in(app, "en", incomplete) == str(incomplete)
    plain = ValueError("as it was")
    assert _in(app, "de", plain) == "as it was"
    assert _in(app, "de", LetterError(f"{date(2026, 4, 2)}")) == "2026-04-02"


def test_operations_refusals_reach_a_german_page_in_german(  # type: ignore[no-untyped-def]
    app: Flask, session, controller, now, dpo
) -> None:
    """Raised by the operations themselves (not built here): each says its sentence in German
    on a German page, and the same English sentence as before everywhere else."""
    import pytest

    from dsar.api.keys import parse_scopes
    from dsar.requests.decisions import add_note
    from dsar.requests.saved_views import save_view
    from tests.factories import make_request

    request = make_request(session, controller, now)
    refusals = {}
    for name, call in {
        "note": lambda: add_note(session, request, "  ", user=dpo, now=now),
        "view": lambda: save_view(session, dpo, "mine", {}, now=now),
        "view name": lambda: save_view(session, dpo, "x" * 500, {"q": "a"}, now=now),
        "scope": lambda: parse_scopes([]),
    }.items():
        with pytest.raises(Exception) as raised:
            call()
        refusals[name] = raised.value
    assert {name: _in(app, "de", error) for name, error in refusals.items()} == {
        "note": "die Notiz ist leer",
        "view": "wählen Sie mindestens einen Filter zum Speichern",
        "view name": "geben Sie der Ansicht einen Namen mit 1 bis 60 Zeichen",
        "scope": "geben Sie dem Schlüssel mindestens eine Berechtigung",
    }
    assert str(refusals["note"]) == _in(app, "en", refusals["note"]) == "the note is empty"
