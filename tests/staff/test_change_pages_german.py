"""The pages that carry out rights speak German to a German browser: the erasure, rectification,
restriction and processing pages, their flashes and the operations' refusals shown there
(dsar/core/words.py, dsar/web/staff/change_words.py); no English label of the page is left."""

from __future__ import annotations

import html
import re
from datetime import datetime
from pathlib import Path
from typing import Any

from babel.messages.extract import extract_from_file
from flask import Flask
from flask_babel import refresh
from sqlalchemy import select

from dsar.changes.erasures import ErasureError
from dsar.changes.follow_up import ART_17_2
from dsar.changes.models import Erasure, ErasureStatus, ProcessingStop, Restriction
from dsar.core.words import N_, Said
from dsar.demo.shop import ensure_shop
from dsar.jobs.scheduler import run_job
from dsar.letters.operations import LetterError
from dsar.requests.operations import apply_action
from dsar.requests.workflow import Action, RequestType
from dsar.web.staff.case_words import said
from dsar.web.staff.labels import local_time as page_time
from dsar.web.staff.step_words import (
    by_hand_words,
    plan_note_words,
    report_reasons,
    step_words,
    task_words,
)
from tests.factories import make_request
from tests.fulfilment.conftest import GOLDEN_EMAIL

TEMPLATES = Path(__file__).resolve().parents[2] / "templates" / "staff"
GERMAN = {"Accept-Language": "de"}
KUNDE = "kunde042@example.org"


def _labels(template: str) -> list[str]:
    """The English texts a template passes through the catalog (without placeholders)."""
    found = extract_from_file("jinja2", str(TEMPLATES / template))
    return sorted({m for _, m, *_ in found if isinstance(m, str) and "%(" not in m})


def english_left(page: str, template: str) -> list[str]:
    """The template's English labels still on the page, whole words only."""
    shown = html.unescape(re.sub(r"<[^>]+>", " ", page))
    return [m for m in _labels(template) if re.search(rf"(?<!\w){re.escape(m)}(?!\w)", shown)]


def _latest(session: Any) -> Erasure:
    return session.execute(select(Erasure).order_by(Erasure.id.desc())).scalars().first()


def _german(client: Any, url: str, **kwargs: Any) -> str:
    kwargs.setdefault("follow_redirects", True)
    method = client.post if "data" in kwargs else client.get
    return str(method(url, headers=GERMAN, **kwargs).get_data(as_text=True))


def test_the_erasure_page_in_german(  # type: ignore[no-untyped-def]
    app, session, controller, now, dpo, as_user, no_csrf
) -> None:
    ensure_shop(Path(app.instance_path))
    request = make_request(
        session, controller, now, type=RequestType.ERASURE, subject_email=GOLDEN_EMAIL
    )
    staff = as_user(dpo)
    url = f"/staff/requests/{request.id}/erasure"
    refused = _german(staff, f"{url}/plan", data={"scope": "all"})
    assert "Nicht geplant: klären Sie die Identität der anfragenden Person" in refused
    apply_action(session, request, Action.VERIFY_IDENTITY, actor="test", now=now)

    form = _german(staff, url)
    assert "Löschung planen (Vorschau, ändert nichts)" in form and "Zurück zur Anfrage" in form
    assert english_left(form, "erasure.html") == []

    planned = _german(staff, f"{url}/plan", data={"scope": "all"})
    assert "Geplant. Noch hat sich nichts geändert" in planned
    assert "Plan wartet auf Freigabe" in planned and "Vier-Augen-Prinzip" in planned
    # the moment in the controller's zone, the zone named, written in German
    assert re.search(r"Geplant von \S+ am \d{1,2}\. [A-Z]\w+ \d{4}, \d\d:\d\d [A-Z]{3,4} ", planned)
    assert "<strong>löschen</strong>" in planned or "<strong>anonymisieren</strong>" in planned
    assert "Art. 17 Abs. 3 lit. b DSGVO" in planned and "Art. 17(3)(b) GDPR" not in planned
    assert ": aufbewahren nach der Aufbewahrungsfrist von " in planned
    assert english_left(planned, "erasure.html") == []

    # a plan for one category says in German what it cannot do (rules.py writes it in English)
    narrow = _german(staff, f"{url}/plan", data={"scope": "chosen", "categories": ["identity"]})
    assert (
        "contact_messages.name: nicht gelöscht: Die Regel der Tabelle löscht ganze Zeilen" in narrow
    )
    assert "not erased" not in narrow and "für die Kategorien Name." in narrow
    note = next(n for p in _latest(session).plans for part in p["parts"] for n in part["not_done"])
    with app.test_request_context():
        refresh()
        assert plan_note_words(note) == note  # in English as the plan recorded it
    _german(staff, f"{url}/plan", data={"scope": "all"})
    erasure = _latest(session)
    four_eyes = _german(staff, f"{url}/{erasure.id}/approve", data={})
    assert "Nicht freigegeben: Vier-Augen-Prinzip: Ein/e andere/r" in four_eyes
    session.refresh(erasure)
    assert erasure.status is ErasureStatus.PLANNED
    english = staff.get(url).get_data(as_text=True)  # the default browser still reads English
    assert "Plan waiting for approval" in english and "Löschung" not in english
    assert re.search(r"Planned by \S+ on \d{1,2} [A-Z][a-z]+ \d{4}, \d\d:\d\d [A-Z]{3,4} ", english)
    assert "Plan waiting for approval" in english_left(english, "erasure.html")  # it can fail
    with app.test_request_context():
        refresh()
        steps = [(s, part["part"]) for plan in erasure.plans for part in plan["parts"]
                 for s in part["steps"]]  # fmt: skip
        assert {a["action"] for a, _ in steps} >= {"delete", "anonymise", "keep"}
        # in English the page reads each step as the plan recorded it
        assert [step_words(s, p) for s, p in steps] == [
            f"{s['rule']}: {s['reason']}" for s, _ in steps
        ]


def test_the_rectification_page_in_german(  # type: ignore[no-untyped-def]
    app, session, controller, now, dpo, as_user, no_csrf, private_shop
) -> None:
    items = [{"wrong": "birthday", "correct": "3 May 1980"}]
    request = make_request(session, controller, now, type=RequestType.RECTIFICATION,
                           subject_email=KUNDE, details={"items": items})  # fmt: skip
    staff = as_user(dpo)
    url = f"/staff/requests/{request.id}/rectification"
    waiting = _german(staff, url)
    assert "Klären Sie zuerst auf der Seite der Anfrage die Identität" in waiting
    apply_action(session, request, Action.VERIFY_IDENTITY, actor="test", now=now)

    form = _german(staff, url)
    assert "Vorschau vorher und nachher (ändert nichts)" in form
    assert "Angabe 1: „birthday“ → „3 May 1980“" in form
    assert english_left(form, "rectification.html") == []

    wrong = {"target_0": "shop_db|customers|birth_date", "row_0": "", "value_0": "3 May 1980"}
    refused = staff.post(f"{url}/plan", data=wrong, headers=GERMAN)
    body = refused.get_data(as_text=True)
    assert refused.status_code == 400
    assert "die Spalte customers.birth_date nimmt ein Datum auf (JJJJ-MM-TT)" in body
    assert "takes a date" not in body
    no_category = {**wrong, "target_0": "shop_db|customers|id", "value_0": "7"}
    body = staff.post(f"{url}/plan", data=no_category, headers=GERMAN).get_data(as_text=True)
    assert "die Spalte customers.id hat im Verzeichnis keine Kategorie" in body

    planned = _german(staff, f"{url}/plan", data={**wrong, "value_0": "1980-05-03"})
    assert "Geplant. Noch hat sich nichts geändert" in planned
    assert "Wartet auf Freigabe" in planned and "Freigeben: diese Werte schreiben" in planned
    assert english_left(planned, "rectification.html") == []


def test_the_restriction_page_in_german(  # type: ignore[no-untyped-def]
    app, session, controller, now, dpo, as_user, no_csrf, private_shop
) -> None:
    request = make_request(
        session, controller, now, type=RequestType.RESTRICTION, subject_email=GOLDEN_EMAIL
    )
    apply_action(session, request, Action.VERIFY_IDENTITY, actor="test", now=now)
    staff = as_user(dpo)
    url = f"/staff/requests/{request.id}/restriction"
    form = _german(staff, url)
    assert "Einschränkung setzen" in form and "Sie bestreiten die Richtigkeit" in form
    assert 'placeholder="bis die Richtigkeit der Adresse geprüft ist"' in form
    assert english_left(form, "restriction.html") == []

    place = {"ground": "18.1.a", "end_condition": " ", "where": "all"}
    refused = _german(staff, f"{url}/place", data=place)
    assert "Nicht gesetzt: geben Sie an, bis wann die Einschränkung gilt" in refused
    assert session.execute(select(Restriction)).first() is None

    chosen = {**place, "end_condition": "bis geprüft", "where": "chosen", "sources": ["shop_db"]}
    placed = _german(staff, f"{url}/place", data=chosen)
    assert "Shop-Datenbank" in form and "bis geprüft; in Shop-Datenbank." in placed
    assert "Gesetzt: wartet auf den Hintergrunddienst" in placed
    assert "aus dem Grund Art. 18 Abs. 1 lit. a DSGVO, bis geprüft; in " in placed
    assert english_left(placed, "restriction.html") == []

    run_job(app, "marks", now)
    restriction = session.execute(select(Restriction)).scalar_one()
    session.refresh(restriction)
    active = _german(staff, url)
    assert "Gesetzte Markierungen" in active and "zurückgelesen" in active
    assert ": einschränken (" in active and "Art. 18 Abs. 1 lit. a DSGVO" in active
    assert "GDPR" not in active
    assert english_left(active, "restriction.html") == []
    with app.test_request_context():
        refresh()  # in English each reason reads as the run recorded it
        reports = restriction.reports
        assert [report_reasons(r, restriction.plans) for r in reports] == [
            r["reasons"] for r in reports
        ]
        assert any(": restrict (" in reason for r in reports for reason in r["reasons"])
        assert [by_hand_words(m) for m in restriction.manual] == [
            m["instruction"] for m in restriction.manual
        ]
    assert "Markieren Sie die 1 Zeilen der betroffenen Person in Shop database" in active


def test_the_processing_page_in_german(  # type: ignore[no-untyped-def]
    app, session, controller, now, dpo, as_user, no_csrf, private_shop
) -> None:
    details = {"objection": "legitimate_interest", "grounds": "I dislike being logged"}
    request = make_request(session, controller, now, type=RequestType.OBJECTION,
                           subject_email=GOLDEN_EMAIL, details=details)  # fmt: skip
    staff = as_user(dpo)
    url = f"/staff/requests/{request.id}/processing"
    decide = {"activities": ["web_logs"], "outcome": "continued", "grounds": "Abwehr von Angriffen"}
    refused = _german(staff, f"{url}/decide", data=decide)
    assert "Nicht erfasst: klären Sie die Identität der anfragenden Person" in refused
    apply_action(session, request, Action.VERIFY_IDENTITY, actor="test", now=now)

    form = _german(staff, url)
    assert "Widerspruch nach Art. 21 Abs. 1 DSGVO" in form and "Abwägung erfassen" in form
    assert english_left(form, "processing.html") == []

    decided = _german(staff, f"{url}/decide", data=decide)
    assert session.execute(select(ProcessingStop)).scalar_one().grounds == decide["grounds"]
    assert "Die Verarbeitung wird fortgesetzt" in decided and "Gründe:" in decided
    assert english_left(decided, "processing.html") == []


def test_a_refusal_keeps_its_english_and_is_translated_where_shown(app: Flask) -> None:
    cause = LetterError(N_("this notice is settled already"))
    error = ErasureError(N_("cannot plan the erasure: %(error)s", error=cause))
    state = ErasureError(
        N_("the erasure is %(status)s, not waiting for approval", status=ErasureStatus.PARTIAL)
    )
    assert str(error) == "cannot plan the erasure: this notice is settled already"
    assert str(state) == "the erasure is partial, not waiting for approval"
    with app.test_request_context(headers=GERMAN):
        refresh()  # the test's app context outlives requests: choose the language afresh
        assert said(error) == (
            "die Löschung kann nicht geplant werden: diese Mitteilung ist bereits erledigt"
        )
        assert said(state) == "die Löschung ist teilweise ausgeführt und wartet nicht auf Freigabe"
        assert said(ValueError("plain")) == "plain"
        stop = "Stop Newsletter for the subject by hand: the register gives no stop rule for it"
        assert by_hand_words({"name": "Newsletter", "instruction": stop}).startswith(
            "Beenden Sie Newsletter für die betroffene Person von Hand"
        )
        own = {"name": "DATEV", "instruction": "Ask the tax adviser"}  # the register's own words
        assert by_hand_words(own) == "Ask the tax adviser"
        waited = "not started: orders failed, and must be done first"  # sql_writer.py
        assert plan_note_words(waited) == (
            "nicht begonnen: orders ist fehlgeschlagen und muss zuerst erledigt werden"
        )
        assert plan_note_words("OperationalError: disk full") == "OperationalError: disk full"
    with app.test_request_context():
        refresh()
        assert said(cause) == "this notice is settled already"
    words = N_("column %(where)s takes a number, not %(text)r", where="t.c", text="x")
    assert isinstance(words, Said) and words == "column t.c takes a number, not 'x'"


def test_a_recorded_moment_is_shown_in_the_controllers_zone(app: Flask) -> None:
    recorded = "2026-03-02T10:15:00+00:00"  # as a by-hand step records it (dsar/changes/stops.py)
    with app.test_request_context(headers=GERMAN):
        refresh()
        assert page_time(recorded, "Europe/Berlin") == "2. März 2026, 11:15 CET"
        assert page_time(datetime(2026, 7, 1, 10, 0), "Europe/Berlin") == "1. Juli 2026, 12:00 CEST"
    with app.test_request_context():
        refresh()
        assert page_time(recorded, "Europe/Berlin") == "2 March 2026, 11:15 CET"


def test_a_step_by_hand_reads_in_the_page_language(app: Flask) -> None:
    instruction = "\n".join(
        [
            "Ask the tax adviser for an extract.",  # the register's own words
            "Data subject: Kundennummer: K-100042.",
            "Keep what Rechnungen requires (HGB §257(1) Nr. 4, (4)): Zehn Jahre. Restrict it "
            "meanwhile and note the day its retention ends.",
            ART_17_2.format(where="www.example.org"),
        ]
    )
    with app.test_request_context():
        refresh()
        assert task_words(instruction) == instruction.replace("\n", " · ")
    with app.test_request_context(headers=GERMAN):
        refresh()
        german = task_words(instruction).split(" · ")
    assert german[0] == "Ask the tax adviser for an extract."
    assert german[1] == "Betroffene Person: Kundennummer: K-100042."
    assert german[2].startswith(
        "Bewahren Sie auf, was Rechnungen verlangt (HGB §257(1) Nr. 4, (4))"
    )
    assert (
        german[3].startswith("Informieren Sie die Verantwortlichen")
        and "www.example.org" in german[3]
    )
