"""Creating requests: the rows, the first events, the files; reference,
hashed status token, due date from the jurisdiction."""

from __future__ import annotations

import re
from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from sqlalchemy import func, select

from dsar.audit.chain import GENESIS, KEYED, fields_hash
from dsar.audit.keys import signing_key
from dsar.audit.request_trail import verify_chain
from dsar.controllers.models import Controller
from dsar.files.models import FilePurpose, StoredFile
from dsar.files.storage import FileStore
from dsar.outbox.models import OutboxMessage
from dsar.requests.models import Request, RequestEvent
from dsar.requests.operations import (
    NewFile,
    NewRequest,
    apply_action,
    create_request,
    hash_token,
)
from dsar.requests.workflow import (
    Action,
    Channel,
    IllegalTransition,
    RequestType,
    Status,
    Verification,
)
from tests.factories import make_request


def test_reference_follows_the_pattern(session, controller: Controller, now: datetime) -> None:
    request = make_request(session, controller, now)
    assert re.fullmatch(r"DSAR-2026-[0-9A-HJKMNP-TV-Z]{4}-[0-9A-HJKMNP-TV-Z]{4}", request.reference)


def test_status_token_is_stored_only_as_hash(
    session, controller: Controller, now: datetime
) -> None:
    created = create_request(
        session,
        NewRequest(
            controller=controller,
            type=RequestType.ERASURE,
            channel=Channel.WEB,
            language="de",
            subject_name="Jędrzej",
            subject_email="j@example.org",
            details={},
        ),
        actor="subject",
        now=now,
    )
    request, token = created.request, created.status_token
    assert len(token) >= 40
    assert request.status_token_hash == hash_token(token)
    assert token not in str(vars(request))


def test_web_request_has_no_deadline_until_confirmed(
    session, controller: Controller, now: datetime
) -> None:
    request = make_request(session, controller, now, received_at=None)
    assert request.status is Status.AWAITING_CONFIRMATION
    assert request.received_at is None and request.due_date is None


def test_due_date_uses_the_controllers_local_date(
    session, controller: Controller, now: datetime
) -> None:
    # docs/legal-rules.md G30: 22:30 UTC on 31 March is 1 April in Berlin; 1 May (Labour Day) is a
    # Friday, so the answer is due on Monday 4 May.
    assert controller.timezone == "Europe/Berlin"
    received = datetime(2026, 3, 31, 22, 30, tzinfo=UTC)
    request = make_request(session, controller, now, received_at=received)
    session.commit()
    stored = session.get(Request, request.id)
    assert stored.received_at == received
    assert stored.due_date == date(2026, 5, 4)
    event = session.execute(
        select(RequestEvent).where(
            RequestEvent.request_id == request.id, RequestEvent.action == "received"
        )
    ).scalar_one()
    assert event.payload["due_date"] == "2026-05-04"


def test_illegal_action_changes_nothing(session, controller: Controller, now: datetime) -> None:
    request = make_request(session, controller, now)
    events_before = len(session.execute(select(RequestEvent)).scalars().all())
    with pytest.raises(IllegalTransition):
        apply_action(session, request, Action.COMPLETE, actor="dana", now=now)
    assert request.status is Status.NEW
    assert len(session.execute(select(RequestEvent)).scalars().all()) == events_before


def test_closing_sets_closed_at(session, controller: Controller, now: datetime) -> None:
    request = make_request(session, controller, now)
    apply_action(session, request, Action.VERIFY_IDENTITY, actor="dana", now=now)
    assert request.closed_at is None
    apply_action(session, request, Action.PREPARE_ANSWER, actor="dana", now=now)
    apply_action(session, request, Action.COMPLETE, actor="dana", now=now)
    assert request.status is Status.COMPLETED and request.closed_at == now


def _web_request(controller: Controller, **fields) -> NewRequest:  # type: ignore[no-untyped-def]
    values = {
        "controller": controller,
        "type": RequestType.ERASURE,
        "channel": Channel.WEB,
        "language": "de",
        "subject_name": "Zoë Ğüneş",
        "subject_email": "zoe@example.org",
        "details": {"message": "Löschen, bitte — alles.", "categories": ["orders"]},
    }
    return NewRequest(**{**values, **fields})


def test_writes_the_request_and_its_first_event(
    session, controller: Controller, now: datetime
) -> None:
    created = create_request(session, _web_request(controller), actor="subject", now=now)
    session.commit()
    session.expire_all()

    request = session.get(Request, created.request.id)
    assert request.controller_id == controller.id
    assert request.subject_name == "Zoë Ğüneş"
    assert request.details["message"] == "Löschen, bitte — alles."
    assert request.status is Status.AWAITING_CONFIRMATION
    assert request.verification is Verification.UNVERIFIED
    assert request.status_token_hash == hash_token(created.status_token)
    assert (request.created_at, request.updated_at) == (now, now)
    (event,) = session.execute(
        select(RequestEvent).where(RequestEvent.request_id == request.id)
    ).scalars()
    assert (event.seq, event.action, event.actor, event.prev_hash) == (
        1,
        "created",
        "subject",
        GENESIS,
    )
    assert event.payload == {
        "type": "erasure",
        "channel": "web",
        "status": "awaiting_confirmation",
    }
    expected = fields_hash(  # every field of the event, spelled out: stored hashes depend on them
        {
            "request_id": request.id,
            "seq": 1,
            "action": "created",
            "actor": "subject",
            "payload": event.payload,
            "created_at": now.isoformat(timespec="microseconds"),
            "prev_hash": GENESIS,
        },
        signing_key(),  # HMAC-SHA256 with the audit key
    )
    assert event.hash_scheme == KEYED
    assert event.hash == expected
    assert (request.event_seq, request.chain_head) == (1, expected)
    assert verify_chain(session, request.id) is None
    # The channel queues its own first mail (the web form: intake.operations.submit_request).
    assert session.scalar(select(func.count()).select_from(OutboxMessage)) == 0
    assert session.scalar(select(func.count()).select_from(StoredFile)) == 0


def test_a_taken_reference_is_drawn_again(
    session, controller: Controller, now: datetime, monkeypatch: pytest.MonkeyPatch
) -> None:
    import dsar.requests.operations as requests

    first = make_request(session, controller, now)
    drawn = iter([first.reference, first.reference, "DSAR-2026-AAAA-BBBB"])
    monkeypatch.setattr(requests, "new_reference", lambda _now: next(drawn))
    second = create_request(session, _web_request(controller), actor="subject", now=now)
    session.commit()
    assert second.request.reference == "DSAR-2026-AAAA-BBBB"
    assert session.scalar(select(func.count()).select_from(Request)) == 2
    assert verify_chain(session) is None


def test_files_are_stored_with_the_request(
    app, session, controller: Controller, now: datetime
) -> None:  # type: ignore[no-untyped-def]
    store = FileStore.from_settings(app.config["DSAR_SETTINGS"])
    keep_until = now + timedelta(days=90)
    created = create_request(
        session,
        _web_request(controller),
        actor="subject",
        now=now,
        files=[
            NewFile(
                "Ausweis.pdf",
                "application/pdf",
                b"%PDF-1.7 one",
                FilePurpose.SUPPORTING_DOCUMENT,
                keep_until,
            ),
            NewFile(
                "Brief.png",
                "image/png",
                b"\x89PNG two",
                FilePurpose.SUPPORTING_DOCUMENT,
                keep_until,
            ),
        ],
        store=store,
    )
    session.commit()
    rows = session.execute(select(StoredFile).order_by(StoredFile.id)).scalars().all()
    assert [row.id for row in rows] == [f.id for f in created.files]
    assert [(r.request_id, r.filename, r.delete_after) for r in rows] == [
        (created.request.id, "Ausweis.pdf", keep_until),
        (created.request.id, "Brief.png", keep_until),
    ]
    assert [store.read(row) for row in rows] == [b"%PDF-1.7 one", b"\x89PNG two"]


def test_files_without_a_store_are_refused_before_anything_is_written(
    session, controller: Controller, now: datetime
) -> None:
    upload = NewFile("a.pdf", "application/pdf", b"%PDF", FilePurpose.SUPPORTING_DOCUMENT)
    with pytest.raises(ValueError, match="FileStore"):
        create_request(session, _web_request(controller), actor="subject", now=now, files=[upload])
    assert session.scalar(select(func.count()).select_from(Request)) == 0


def test_due_date_counts_the_registers_municipal_and_own_holidays(session, now: datetime) -> None:
    from dsar.controllers.operations import sync_controllers
    from dsar.requests.operations import jurisdiction_of, register_jurisdiction
    from tests.regions import bavarian_register

    register = bavarian_register()  # DE-BY, a Catholic municipality, a town festival 2026-06-12
    (row,) = sync_controllers(session, [register], now)
    session.commit()
    session.expire_all()
    stored = session.get(Controller, row.id)
    assert jurisdiction_of(stored) == register_jurisdiction(register)
    assert stored.municipality == "catholic"
    assert stored.extra_holidays == [
        {"date": "2026-06-12", "name": {"de": "Stadtfest", "en": "Town festival"}}
    ]
    berlin = ZoneInfo("Europe/Berlin")
    assumption = make_request(
        session, stored, now, received_at=datetime(2025, 7, 15, 9, tzinfo=berlin)
    )
    festival = make_request(
        session, stored, now, received_at=datetime(2026, 5, 12, 9, tzinfo=berlin)
    )
    assert (assumption.due_date, festival.due_date) == (date(2025, 8, 18), date(2026, 6, 15))
