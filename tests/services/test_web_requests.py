"""The web form's write: the rows, the chain and the outbox message, on both databases."""

from __future__ import annotations

from datetime import datetime

import pytest
from sqlalchemy import func, select

from dsar.audit import GENESIS, event_hash, verify_chain
from dsar.mail import message_values
from dsar.models import Controller, OutboxMessage, Request, RequestEvent
from dsar.services.requests import hash_token
from dsar.services.web_requests import FirstEvent, UnknownController, insert_web_request
from dsar.workflow import Channel, RequestType, Status, Verification


def _row(reference: str, now: datetime) -> dict:
    return {
        "reference": reference,
        "type": RequestType.ERASURE,
        "status": Status.AWAITING_CONFIRMATION,
        "channel": Channel.WEB,
        "language": "de",
        "subject_name": "Zoë Ğüneş",
        "subject_email": "zoe@example.org",
        "details": {"message": "Löschen, bitte — alles.", "categories": ["orders"]},
        "verification": Verification.UNVERIFIED,
        "status_token_hash": hash_token(f"secret for {reference}"),
        "created_at": now,
        "updated_at": now,
    }


def _event(now: datetime) -> FirstEvent:
    payload = {"type": RequestType.ERASURE, "channel": Channel.WEB, "status": "awaiting"}
    return FirstEvent(action="created", actor="subject", payload=payload, created_at=now)


def _mail(now: datetime) -> dict:
    return message_values(
        recipient="zoe@example.org", subject="Bitte bestätigen", text="Link", html="<p>", now=now
    )


def _insert(session, slug: str, reference: str, now: datetime) -> int | None:  # type: ignore[no-untyped-def]
    return insert_web_request(
        session, slug, _row(reference, now), _event(now), _mail(now), mail_key_prefix="confirm:"
    )


def test_writes_the_request_its_first_event_and_the_mail(
    session, controller: Controller, now: datetime
) -> None:
    request_id = _insert(session, controller.slug, "DSAR-2026-AAAA-BBBB", now)
    session.commit()

    request = session.get(Request, request_id)
    assert request.controller_id == controller.id
    assert request.subject_name == "Zoë Ğüneş"
    assert request.details["message"] == "Löschen, bitte — alles."
    assert request.status is Status.AWAITING_CONFIRMATION
    assert request.version == 1
    (event,) = session.execute(
        select(RequestEvent).where(RequestEvent.request_id == request_id)
    ).scalars()
    assert (event.seq, event.action, event.prev_hash) == (1, "created", GENESIS)
    assert event.payload == {"type": "erasure", "channel": "web", "status": "awaiting"}
    expected = event_hash(
        request_id=request_id,
        seq=1,
        action="created",
        actor="subject",
        payload=event.payload,
        created_at=now,
        prev_hash=GENESIS,
    )
    assert event.hash == expected
    assert (request.event_seq, request.chain_head) == (1, expected)
    assert verify_chain(session, request_id) is None
    (mail,) = session.execute(
        select(OutboxMessage).where(OutboxMessage.request_id == request_id)
    ).scalars()
    assert mail.idempotency_key == f"confirm:{request_id}"
    assert (mail.recipient, mail.subject, mail.status.value) == (
        "zoe@example.org",
        "Bitte bestätigen",
        "pending",
    )


def test_ids_follow_the_sequence_the_orm_uses(
    session, controller: Controller, now: datetime
) -> None:
    from tests.factories import make_request

    first = _insert(session, controller.slug, "DSAR-2026-AAAA-CCCC", now)
    between = make_request(session, controller, now).id
    last = _insert(session, controller.slug, "DSAR-2026-AAAA-DDDD", now)
    session.commit()
    assert first < between < last
    assert verify_chain(session) is None


def test_a_taken_reference_writes_nothing(session, controller: Controller, now: datetime) -> None:
    assert _insert(session, controller.slug, "DSAR-2026-AAAA-EEEE", now) is not None
    counts = [session.scalar(select(func.count()).select_from(t)) for t in _TABLES]
    assert _insert(session, controller.slug, "DSAR-2026-AAAA-EEEE", now) is None
    assert [session.scalar(select(func.count()).select_from(t)) for t in _TABLES] == counts


_TABLES = (Request, RequestEvent, OutboxMessage)


def test_unknown_controller(session, controller: Controller, now: datetime) -> None:
    with pytest.raises(UnknownController):
        _insert(session, "nobody", "DSAR-2026-AAAA-FFFF", now)
    assert session.scalar(select(func.count()).select_from(Request)) == 0
