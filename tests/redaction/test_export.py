"""A redacted extract in the export: only the copy goes out, never the original's bytes or
text; unapplied redactions block the export; every decision is in the trail with its reason,
never the redacted term."""

from __future__ import annotations

import io
import json
import zipfile
from datetime import datetime
from pathlib import Path

import pytest
from flask import Flask
from sqlalchemy import select
from sqlalchemy.orm import Session

from dsar.controllers.models import Controller
from dsar.controllers.operations import sync_controllers
from dsar.core.paths import TEMPLATES_DIR
from dsar.files.models import StoredFile
from dsar.files.storage import FileStore
from dsar.fulfilment.export import build_export
from dsar.fulfilment.manual_findings import add_finding, check_extract, store_extract
from dsar.fulfilment.manual_tasks import complete_manual_task, tasks_of
from dsar.fulfilment.models import ExportKind, ManualOutcome
from dsar.fulfilment.search import FulfilmentError, completion_blockers, run_search
from dsar.redaction.models import RedactionReason
from dsar.redaction.operations import (
    RedactionError,
    add_area,
    add_term,
    apply_redactions,
    job_of,
    redactable_extract,
    remove_redaction,
)
from dsar.register import Register, load_registers
from dsar.register.datasources import ManualSource
from dsar.requests.models import Request, RequestEvent
from dsar.requests.operations import apply_action
from dsar.requests.workflow import Action
from tests.factories import make_request
from tests.redaction.documents import NEIGHBOUR, SUBJECT, holds, pdftotext, text_pdf

EXAMPLES = Path(__file__).resolve().parents[2] / "examples"
STAFF = "dana@example.org"


@pytest.fixture
def case(app: Flask, session: Session, now: datetime, monkeypatch):  # type: ignore[no-untyped-def]
    """A verified access request of an example controller whose first manual source found a
    PDF extract (the others nothing), searched: (request, register, extract, store)."""
    [register] = [r for r in load_registers(EXAMPLES) if r.controller.slug == "cadooz"]
    monkeypatch.setitem(app.extensions, "dsar.registers", [register])
    sync_controllers(session, [register], now)
    controller = session.query(Controller).filter_by(slug="cadooz").one()
    request = make_request(session, controller, now, language="en",
                           subject_email="zoe@example.org", subject_name=SUBJECT)  # fmt: skip
    apply_action(session, request, Action.VERIFY_IDENTITY, actor="test", now=now)
    run_search(session, request, register, actor=STAFF, now=now)
    store = FileStore.from_settings(app.config["DSAR_SETTINGS"])
    upload = check_extract("ticket.pdf", text_pdf(), max_bytes=1_000_000)
    file_id = store_extract(session, store, request, upload, now=now)
    first, *others = tasks_of(session, request)
    source = register.source(first.source_id)
    assert isinstance(source, ManualSource)
    add_finding(session, request, first, categories=source.categories,
                category=source.categories[0], description="Ticket", rows=[],
                file_id=file_id, actor=STAFF, now=now)  # fmt: skip
    for task in (first, *others):
        outcome = ManualOutcome.FOUND if task is first else ManualOutcome.NOTHING_FOUND
        complete_manual_task(session, request, task, actor=STAFF, now=now, note="Searched",
                             outcome=outcome)  # fmt: skip
    extract = redactable_extract(session, request, file_id)
    assert extract is not None
    return request, register, extract, store


def _export(session: Session, request: Request, register: Register, store: FileStore, now):  # type: ignore[no-untyped-def]
    built = build_export(session, request, register, store, kind=ExportKind.ACCESS, actor=STAFF,
                         now=now, download_days=14, templates=str(TEMPLATES_DIR))  # fmt: skip
    return zipfile.ZipFile(io.BytesIO(store.read(built.export.file)))


def test_the_export_holds_the_redacted_copy_and_nothing_of_the_original(
    session: Session, now: datetime, case
) -> None:  # type: ignore[no-untyped-def]
    request, register, extract, store = case
    original = store.read(extract)
    add_term(session, request, extract, original, term=NEIGHBOUR,
             reason=RedactionReason.THIRD_PARTY, reason_text="a colleague", actor=STAFF,
             now=now)  # fmt: skip
    add_area(session, request, extract, original, page=1, rect=(60, 280, 400, 310),
             reason=RedactionReason.TRADE_SECRET, reason_text="", actor=STAFF, now=now)  # fmt: skip
    job = job_of(session, extract)
    assert job is not None
    apply_redactions(session, store, request, job, original, actor=STAFF, now=now)

    archive = _export(session, request, register, store, now)
    every = b"".join(archive.read(name) for name in archive.namelist())
    assert original not in every
    [pdf_name] = [n for n in archive.namelist() if n.endswith(".pdf")]
    assert pdf_name.endswith("-ticket-redacted.pdf")
    copy = archive.read(pdf_name)
    assert NEIGHBOUR not in pdftotext(copy) and not holds(copy, "Mustermann")
    assert "Box text 2" not in pdftotext(copy) and "Box text 3" in pdftotext(copy)
    assert SUBJECT in pdftotext(copy)
    assert not any(NEIGHBOUR.encode() in archive.read(n) for n in archive.namelist())
    manifest = {f["name"]: f for f in json.loads(archive.read("manifest.json"))["files"]}
    assert manifest[pdf_name]["size"] == len(copy)
    assert not any(name.endswith("-ticket.pdf") for name in manifest)


def test_without_redaction_the_original_goes_out(session: Session, now: datetime, case) -> None:  # type: ignore[no-untyped-def]
    """The other side of the test above: the checks there find the original when it is in."""
    request, register, extract, store = case
    archive = _export(session, request, register, store, now)
    [pdf_name] = [n for n in archive.namelist() if n.endswith(".pdf")]
    assert archive.read(pdf_name) == store.read(extract)
    assert NEIGHBOUR in pdftotext(archive.read(pdf_name))


def test_unapplied_redactions_block_the_export(session: Session, now: datetime, case) -> None:  # type: ignore[no-untyped-def]
    request, register, extract, store = case
    original = store.read(extract)
    redaction = add_term(session, request, extract, original, term=NEIGHBOUR,
                         reason=RedactionReason.THIRD_PARTY, reason_text="", actor=STAFF,
                         now=now)  # fmt: skip
    assert completion_blockers(session, request) == ["ticket.pdf: redactions not applied yet"]
    with pytest.raises(FulfilmentError, match="redactions not applied"):
        _export(session, request, register, store, now)
    job = job_of(session, extract)
    assert job is not None
    apply_redactions(session, store, request, job, original, actor=STAFF, now=now)
    assert completion_blockers(session, request) == []
    remove_redaction(session, request, redaction, actor=STAFF, now=now)  # changed since
    assert completion_blockers(session, request) == ["ticket.pdf: redactions not applied yet"]


def test_a_term_that_matches_nothing_is_refused_and_not_kept(
    session: Session, now: datetime, case
) -> None:  # type: ignore[no-untyped-def]
    request, _register, extract, store = case
    with pytest.raises(RedactionError, match="matches nothing"):
        add_term(session, request, extract, store.read(extract), term="Erika Musterfrau",
                 reason=RedactionReason.THIRD_PARTY, reason_text="", actor=STAFF,
                 now=now)  # fmt: skip
    assert job_of(session, extract) is None
    assert completion_blockers(session, request) == []


@pytest.mark.parametrize(
    ("page", "rect", "reason", "text", "message"),
    [
        (5, (10, 10, 50, 50), RedactionReason.THIRD_PARTY, "", "no page 6"),
        (0, (10, 10, 10, 50), RedactionReason.THIRD_PARTY, "", "the area is empty"),
        (0, (900, 900, 950, 950), RedactionReason.THIRD_PARTY, "", "outside page 1"),
        (0, (10, 10, 50, 50), RedactionReason.OTHER, " ", "describe the reason"),
    ],
)
def test_areas_are_checked(session, now, case, page, rect, reason, text, message) -> None:  # type: ignore[no-untyped-def]
    request, _register, extract, store = case
    with pytest.raises(RedactionError, match=message):
        add_area(session, request, extract, store.read(extract), page=page, rect=rect,
                 reason=reason, reason_text=text, actor=STAFF, now=now)  # fmt: skip
    assert job_of(session, extract) is None


def test_the_trail_holds_each_decision_and_reason_never_the_term(
    session: Session, now: datetime, case
) -> None:  # type: ignore[no-untyped-def]
    request, _register, extract, store = case
    original = store.read(extract)
    add_term(session, request, extract, original, term=NEIGHBOUR,
             reason=RedactionReason.THIRD_PARTY, reason_text="colleague's name", actor=STAFF,
             now=now)  # fmt: skip
    add_area(session, request, extract, original, page=1, rect=(60, 280, 400, 310),
             reason=RedactionReason.OTHER, reason_text="bank details of a supplier",
             actor=STAFF, now=now)  # fmt: skip
    job = job_of(session, extract)
    assert job is not None
    copy = apply_redactions(session, store, request, job, original, actor=STAFF, now=now)
    events = session.execute(
        select(RequestEvent).where(RequestEvent.request_id == request.id)
        .where(RequestEvent.action.like("redaction_%")).order_by(RequestEvent.seq)
    ).scalars().all()  # fmt: skip
    assert [e.action for e in events] == ["redaction_added", "redaction_added", "redaction_applied"]
    term, area, applied = (e.payload for e in events)
    assert term["kind"] == "term" and term["matches"] == 3 and term["reason"] == "third_party"
    assert term["reason_text"] == "colleague's name"
    assert area["page"] == 2 and area["area"] == [60, 280, 400, 310]
    assert (area["reason"], area["reason_text"]) == ("other", "bank details of a supplier")
    assert applied["redacted_file"] == copy.id and applied["document"] == extract.id
    assert [r["matches"] for r in applied["redactions"]] == [3, 1]
    assert "Mustermann" not in json.dumps([e.payload for e in events])
    assert session.get(StoredFile, copy.id) is not None and copy.content_type == "application/pdf"
