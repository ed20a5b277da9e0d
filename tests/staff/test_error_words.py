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
