"""The identity decision shortens how long identity and supporting documents are kept."""

from __future__ import annotations

from datetime import timedelta

from dsar.accounts.models import Role
from dsar.files.models import FilePurpose
from dsar.files.storage import FileStore
from dsar.requests.deadlines.clock_policies import ClockPolicy
from dsar.requests.deadlines.operations import ClockSettings
from dsar.requests.decisions import DecisionInput, decide
from dsar.requests.workflow import Decision
from tests.factories import make_request, make_staff


def test_verification_schedules_the_documents_deletion(app, session, controller, now) -> None:  # type: ignore[no-untyped-def]
    request = make_request(session, controller, now)
    store = FileStore.from_settings(app.config["DSAR_SETTINGS"])
    upload = store.save(
        session,
        b"%PDF-1.4 id",
        filename="id.pdf",
        content_type="application/pdf",
        purpose=FilePurpose.SUPPORTING_DOCUMENT,
        now=now,
        request_id=request.id,
        delete_after=now + timedelta(days=90),
    )
    export = store.save(
        session,
        b"zip",
        filename="data.zip",
        content_type="application/zip",
        purpose=FilePurpose.EXPORT,
        now=now,
        request_id=request.id,
        delete_after=now + timedelta(days=90),
    )
    decided = now + timedelta(days=2)
    decide(
        session,
        request,
        DecisionInput(Decision.VERIFY_IDENTITY, version=request.version),
        user=make_staff(session, now, role=Role.DPO),
        clock=ClockSettings(ClockPolicy.EDPB, 3),
        now=decided,
        documents_after_decision_days=7,
    )
    assert upload.delete_after == decided + timedelta(days=7)
    assert export.delete_after == now + timedelta(days=90)  # not an identity document


def test_information_asked_for_too_late_drafts_a_letter_that_says_so(
    app, session, controller, now
) -> None:  # type: ignore[no-untyped-def]
    from sqlalchemy import select

    from dsar.letters.models import Letter
    from dsar.letters.operations import record_facts

    request = make_request(session, controller, now)  # due 2 April 2026
    decide(
        session,
        request,
        DecisionInput(
            Decision.REQUEST_INFORMATION, version=request.version, what="Postcode", why="Unsure"
        ),
        user=make_staff(session, now, role=Role.DPO),
        clock=ClockSettings(ClockPolicy.EDPB, 3),
        now=now + timedelta(days=30),  # 1 April: too late for the clock to stop (D12)
    )
    letter = session.execute(select(Letter)).scalar_one()
    assert letter.type == "identity_request" and letter.details == {"late_request": "yes"}
    record_facts(session, letter, {"id_document": True}, actor="dpo@x.org", now=now)
    assert letter.details == {"late_request": "yes", "id_document": True}
