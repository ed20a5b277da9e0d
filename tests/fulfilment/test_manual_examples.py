"""The five example controllers (all sources manual): what staff record is what the subject gets.

An access request whose manual searches are completed with entries ends in a letter and an
export that carry them; with every source "nothing found", in the no-data letter.
"""

from __future__ import annotations

import io
import json
import zipfile
from datetime import datetime
from pathlib import Path

import pytest
from flask import Flask
from sqlalchemy.orm import Session

from dsar.controllers.models import Controller
from dsar.controllers.operations import sync_controllers
from dsar.core.paths import TEMPLATES_DIR
from dsar.files.storage import FileStore
from dsar.fulfilment.export import build_export
from dsar.fulfilment.found import found_data_for
from dsar.fulfilment.manual_findings import add_finding, check_extract, store_extract
from dsar.fulfilment.manual_tasks import ManualTaskError, complete_manual_task, tasks_of
from dsar.fulfilment.models import ExportKind, ManualOutcome
from dsar.fulfilment.search import completion_blockers, run_search
from dsar.letters.inputs import letter_content
from dsar.letters.operations import draft_letter
from dsar.letters.rendering import render_text
from dsar.register import Register, load_registers
from dsar.register.datasources import ManualSource
from dsar.requests.models import Request
from dsar.requests.operations import apply_action
from dsar.requests.workflow import Action
from tests.factories import make_request

EXAMPLES = Path(__file__).resolve().parents[2] / "examples"
SLUGS = ("cadooz", "connectpro", "cp-pro", "cplus", "ipro")


# Cplus's register holds placeholders for the address and e-mail its policy does not give:
# its letters are refused (tests/letters/test_rendering.py), so it is not walked here.
def _slugs(*refused: str) -> list[str]:
    return [s for s in SLUGS if s not in refused]


PDF = b"%PDF-1.4\n% an extract of the ticket system\n%%EOF\n"
CONFIRM = {
    "en": "We confirm that we process personal data about you.",
    "de": "Wir bestätigen, dass wir personenbezogene Daten über Sie verarbeiten.",
}
NO_DATA = {
    "en": "We searched all our systems and confirm that we process no personal data about you.",
    "de": "Wir haben alle unsere Systeme durchsucht und bestätigen, dass wir keine "
    "personenbezogenen Daten über Sie verarbeiten.",
}


@pytest.fixture(scope="module")
def examples() -> dict[str, Register]:
    return {r.controller.slug: r for r in load_registers(EXAMPLES)}


def _request(
    app: Flask, session: Session, now: datetime, register: Register, monkeypatch
) -> Request:  # type: ignore[no-untyped-def]
    monkeypatch.setitem(app.extensions, "dsar.registers", [register])
    sync_controllers(session, [register], now)
    controller = session.query(Controller).filter_by(slug=register.controller.slug).one()
    request = make_request(
        session,
        controller,
        now,
        language=register.controller.languages[0],
        subject_email="jo@example.org",
        subject_name="Jo Beispiel",
    )
    apply_action(session, request, Action.VERIFY_IDENTITY, actor="test", now=now)
    run_search(session, request, register, actor="dana@example.org", now=now)
    return request


UNNAMED = "Which company carries or pays is decided per order."


def _letter(session: Session, request: Request, register: Register, now: datetime) -> str:
    found = found_data_for(session, request, register)
    letter = draft_letter(
        session,
        request,
        actor="dana@example.org",
        now=now,
        letter_type="access",
        found=found,
        texts={"unnamed": UNNAMED},  # what staff write for recipients given only by category
    )
    return render_text(letter_content(letter, register, now, "edpb"))


def _build(app: Flask, session: Session, request: Request, register: Register, now: datetime):  # type: ignore[no-untyped-def]
    store = FileStore.from_settings(app.config["DSAR_SETTINGS"])
    built = build_export(
        session,
        request,
        register,
        store,
        kind=ExportKind.ACCESS,
        actor="dana@example.org",
        now=now,
        download_days=14,
        templates=str(TEMPLATES_DIR),
    )
    return zipfile.ZipFile(io.BytesIO(store.read(built.export.file)))


@pytest.mark.parametrize("slug", _slugs("cplus"))
def test_manual_findings_reach_the_letter_and_the_export(
    app, session, now, examples, monkeypatch, slug
) -> None:  # type: ignore[no-untyped-def]
    register = examples[slug]
    request = _request(app, session, now, register, monkeypatch)
    store = FileStore.from_settings(app.config["DSAR_SETTINGS"])
    tasks = tasks_of(session, request)
    assert tasks and all(isinstance(register.source(t.source_id), ManualSource) for t in tasks)
    first, *others = tasks
    source = register.source(first.source_id)
    assert isinstance(source, ManualSource)
    category = source.categories[0]
    label = register.category(category).label.get(request.language)  # type: ignore[union-attr]
    extract = store_extract(
        session, store, request, check_extract("ticket.pdf", PDF, max_bytes=10_000), now=now
    )
    common = {"categories": source.categories, "actor": "dana@example.org", "now": now}
    add_finding(
        session,
        request,
        first,
        category=category,
        description="Customer account as shown in the back office",
        rows=[{"name": "Jo Beispiel", "login": "jo.b"}, {"name": "Jo B.", "login": "jo.b2"}],
        file_id=None,
        **common,
    )
    add_finding(
        session,
        request,
        first,
        category=category,
        description="Ticket about a delivery",
        rows=[],
        file_id=extract,
        **common,
    )
    # Open manual tasks still block, as before.
    assert any("manual search not done yet" in b for b in completion_blockers(session, request))
    complete_manual_task(
        session, request, first, actor="dana@example.org", now=now,
        note="Searched by e-mail", outcome=ManualOutcome.FOUND,
    )  # fmt: skip
    for task in others:
        complete_manual_task(
            session, request, task, actor="dana@example.org", now=now,
            note="Searched by e-mail", outcome=ManualOutcome.NOTHING_FOUND,
        )  # fmt: skip
    assert completion_blockers(session, request) == []

    archive = _build(app, session, request, register, now)  # the letter says how it went
    text = _letter(session, request, register, now)
    assert CONFIRM[request.language] in text
    assert NO_DATA[request.language] not in text
    assert f"- {source.name}: {label}: 3" in text  # two rows and one extract
    activity = register.activity(source.activities[0])
    assert activity is not None and activity.title.get(request.language) in text
    recipients = [r for a in map(register.activity, source.activities) if a for r in a.recipients]
    unnamed = [r for r in map(register.recipient, recipients) if r and not r.named]
    # C-154/21: by category only with the reason staff wrote
    assert (UNNAMED in " ".join(text.split())) == bool(unnamed)

    data = json.loads(archive.read("data.json"))
    manual = {m["id"]: m for m in data["manual_sources"]}
    assert {t.source_id: manual[t.source_id]["result"] for t in others} == dict.fromkeys(
        (t.source_id for t in others), "nothing_found"
    )
    entry = manual[first.source_id]
    assert entry["result"] == "found"
    [found] = entry["categories"]
    assert (found["id"], found["label"]) == (category, label)
    rows_entry, file_entry = found["entries"]
    assert rows_entry["rows"][0] == {"name": "Jo Beispiel", "login": "jo.b"}
    path = f"files/{first.source_id}/{file_entry['extract'].rsplit('/', 1)[1]}"
    assert file_entry["extract"] == path and path.endswith("-ticket.pdf")
    assert archive.read(path) == PDF
    [category_info] = [c for c in data["categories"] if c["id"] == category]
    assert category_info["found_in"] == [
        {"source": first.source_id, "part": None, "manual": True, "columns": [], "entries": 3}
    ]
    assert category_info["activities"]
    csv_name = f"manual/{first.source_id}/{category}.csv"
    assert archive.read(csv_name).decode().splitlines()[1].endswith("Jo Beispiel,jo.b")
    manifest = {f["name"]: f for f in json.loads(archive.read("manifest.json"))["files"]}
    assert manifest[path]["size"] == len(PDF) and csv_name in manifest
    index = archive.read("index.html").decode()
    assert "Ticket about a delivery" in index and f'href="{path}"' in index
    assert "jo.b2" in index


@pytest.mark.parametrize("slug", _slugs("cplus"))
def test_every_source_nothing_found_gives_the_no_data_letter(
    app, session, now, examples, monkeypatch, slug
) -> None:  # type: ignore[no-untyped-def]
    register = examples[slug]
    request = _request(app, session, now, register, monkeypatch)
    for task in tasks_of(session, request):
        complete_manual_task(
            session, request, task, actor="dana@example.org", now=now,
            note="Searched by e-mail", outcome=ManualOutcome.NOTHING_FOUND,
        )  # fmt: skip

    text = _letter(session, request, register, now)
    assert NO_DATA[request.language] in text
    assert CONFIRM[request.language] not in text
    data = json.loads(_build(app, session, request, register, now).read("data.json"))
    assert data["categories"] == []
    assert {m["result"] for m in data["manual_sources"]} == {"nothing_found"}


def test_an_outcome_must_be_chosen_and_match_the_entries(
    app, session, now, examples, monkeypatch
) -> None:  # type: ignore[no-untyped-def]
    register = examples["cadooz"]
    request = _request(app, session, now, register, monkeypatch)
    task = tasks_of(session, request)[0]
    done = {"actor": "dana@example.org", "now": now, "note": "searched"}
    with pytest.raises(ManualTaskError, match="choose what the search found"):
        complete_manual_task(session, request, task, outcome=None, **done)
    with pytest.raises(ManualTaskError, match="before completing as found"):
        complete_manual_task(session, request, task, outcome=ManualOutcome.FOUND, **done)
    assert task.outcome is None and task.done_at is None


def test_the_data_page_offers_each_sources_categories(
    app, client, session, now, examples, monkeypatch
) -> None:  # type: ignore[no-untyped-def]
    from dsar.core.clock import FixedClock
    from tests.factories import PASSWORD, make_staff

    monkeypatch.setitem(app.extensions, "dsar.core.clock", FixedClock(now))
    monkeypatch.setitem(app.config, "WTF_CSRF_ENABLED", False)
    register = examples["cadooz"]
    request = _request(app, session, now, register, monkeypatch)
    make_staff(session, now)
    session.commit()
    client.post("/staff/login", data={"email": "dana@example.org", "password": PASSWORD})
    page = client.get(f"/staff/requests/{request.id}/data").get_data(as_text=True)
    for task in tasks_of(session, request):
        source = register.source(task.source_id)
        assert isinstance(source, ManualSource)
        assert f'id="task-{task.id}"' in page
        for category_id in source.categories:
            assert f'<option value="{category_id}">' in page
    assert 'name="outcome" value="nothing_found"' in page and " checked" not in page
