"""Unconfirmed web requests expire after DSAR_CONFIRMATION_EXPIRY_DAYS, with the reason recorded;
their uploads go then, the rest DSAR_UNCONFIRMED_PURGE_DAYS later."""

from __future__ import annotations

import dataclasses
import io
import re
from datetime import timedelta
from urllib.parse import urlsplit

from sqlalchemy import func, select

from dsar.audit.request_trail import record_event, verify_chain
from dsar.core.clock import FixedClock
from dsar.extensions import limiter
from dsar.files.models import FilePurpose, StoredFile
from dsar.files.storage import FileStore
from dsar.intake.emails import queue_confirmation
from dsar.jobs.expiry import expire_unconfirmed, purge_unconfirmed
from dsar.jobs.models import PurgedRequestStatistic
from dsar.outbox.models import OutboxMessage
from dsar.requests.models import Request, RequestEvent
from dsar.requests.workflow import Channel, RequestType, Status
from tests.factories import make_request
from tests.intake.conftest import form_data


def test_only_requests_unconfirmed_for_longer_than_the_setting_expire(
    session, controller, now, job_settings
) -> None:  # type: ignore[no-untyped-def]
    stale = make_request(session, controller, now - timedelta(days=7, minutes=1), received_at=None)
    fresh = make_request(session, controller, now - timedelta(days=6, hours=23), received_at=None)
    confirmed = make_request(session, controller, now - timedelta(days=30))
    result = expire_unconfirmed(session, job_settings(confirmation_expiry_days=7), now)
    assert result.expired == 1
    assert stale.status is Status.EXPIRED and stale.closed_at == now
    assert fresh.status is Status.AWAITING_CONFIRMATION
    assert confirmed.status is Status.NEW
    event = session.execute(
        select(RequestEvent).where(
            RequestEvent.request_id == stale.id, RequestEvent.action == "expire"
        )
    ).scalar_one()
    assert event.actor == "scheduler"
    assert event.payload["reason"] == "e-mail address not confirmed within 7 days"
    assert expire_unconfirmed(session, job_settings(confirmation_expiry_days=7), now).expired == 0


def _upload(session, settings, request, now):  # type: ignore[no-untyped-def]
    return FileStore.from_settings(settings).save(
        session,
        b"%PDF-1.7 Personalausweis",
        filename="ausweis-zoe.pdf",
        content_type="application/pdf",
        purpose=FilePurpose.SUPPORTING_DOCUMENT,
        now=now,
        request_id=request.id,
        delete_after=now + timedelta(days=90),
    )


def _on_disk(settings, stored) -> bool:  # type: ignore[no-untyped-def]
    return (FileStore.from_settings(settings).root / stored.storage_path).exists()


def test_uploads_are_deleted_when_the_request_expires(
    session, controller, now, job_settings
) -> None:  # type: ignore[no-untyped-def]
    settings = job_settings(confirmation_expiry_days=7)
    stale = make_request(session, controller, now - timedelta(days=8), received_at=None)
    fresh = make_request(session, controller, now - timedelta(days=6), received_at=None)
    confirmed = make_request(session, controller, now - timedelta(days=30))
    uploads = {r.id: _upload(session, settings, r, r.created_at) for r in (stale, fresh, confirmed)}

    result = expire_unconfirmed(session, settings, now)
    assert uploads[stale.id].deleted_at == now and not _on_disk(settings, uploads[stale.id])
    for kept in (fresh, confirmed):
        assert uploads[kept.id].deleted_at is None and _on_disk(settings, uploads[kept.id])
    assert (result.expired, result.documents) == (1, 1)
    event = session.execute(
        select(RequestEvent).where(
            RequestEvent.request_id == stale.id, RequestEvent.action == "expire"
        )
    ).scalar_one()
    assert event.payload["documents_deleted"] == 1
    assert stale.subject_name == "Zoë Schmidt"  # the rest waits for DSAR_UNCONFIRMED_PURGE_DAYS


def _expired(session, controller, settings, expired_at, email):  # type: ignore[no-untyped-def]
    request = make_request(
        session,
        controller,
        expired_at - timedelta(days=8),
        received_at=None,
        type=RequestType.ERASURE,
        subject_email=email,
        details={"lookup_keys": {"customer_number": "K-100042"}, "message": "Zoë, Köln"},
    )
    stored = _upload(session, settings, request, request.created_at)
    queue_confirmation(
        session,
        request,
        key=f"confirm:{request.id}",
        link="http://127.0.0.1:5000/c/demo/confirm/token",
        settings=settings,
        now=request.created_at,
    )
    assert expire_unconfirmed(session, settings, expired_at).expired == 1
    return request, stored


def _count(session, model, **where) -> int:  # type: ignore[no-untyped-def]
    query = select(func.count()).select_from(model)
    for name, value in where.items():
        query = query.where(getattr(model, name) == value)
    return session.execute(query).scalar()


def test_expired_unconfirmed_requests_lose_their_personal_data_after_the_setting(
    session, controller, now, job_settings
) -> None:  # type: ignore[no-untyped-def]
    settings = job_settings(unconfirmed_purge_days=30)
    old, old_file = _expired(session, controller, settings, now - timedelta(days=31), "old@x.org")
    record_event(  # a staff note naming the person: it goes with the whole trail
        session, old, "note", actor="dana@example.org", now=now, payload={"text": "Zoë called"}
    )
    young, young_file = _expired(
        session, controller, settings, now - timedelta(days=29), "young@x.org"
    )
    confirmed = make_request(session, controller, now - timedelta(days=60), details={"k": "v"})
    confirmed_file = _upload(session, settings, confirmed, confirmed.created_at)
    session.commit()
    old_id, old_reference = old.id, old.reference

    result = purge_unconfirmed(session, settings, now)
    session.commit()
    assert (result.purged, result.files) == (1, 1)
    assert session.get(Request, old_id) is None
    assert session.scalar(select(Request.id).where(Request.reference == old_reference)) is None
    assert _count(session, Request, subject_email="old@x.org") == 0
    for model in (RequestEvent, OutboxMessage, StoredFile):
        assert _count(session, model, request_id=old_id) == 0
    assert not _on_disk(settings, old_file)
    [statistic] = session.execute(select(PurgedRequestStatistic)).scalars().all()
    assert (
        statistic.controller_id,
        statistic.type,
        statistic.channel,
        statistic.outcome,
        statistic.received_month,
        statistic.answered_in_time,
        statistic.purged_at,
    ) == (controller.id, RequestType.ERASURE, Channel.WEB, Status.EXPIRED, None, None, now)
    assert verify_chain(session) is None

    # Younger than the setting: its data stays (the documents went at expiry).
    young = session.get(Request, young.id)
    assert (young.status, young.subject_name, young.subject_email) == (
        Status.EXPIRED,
        "Zoë Schmidt",
        "young@x.org",
    )
    assert young.details["lookup_keys"] == {"customer_number": "K-100042"}
    assert _count(session, OutboxMessage, request_id=young.id) == 1
    young_file = session.get(StoredFile, young_file.id)
    assert young_file.deleted_at is not None and not _on_disk(settings, young_file)
    # Confirmed: untouched.
    confirmed = session.get(Request, confirmed.id)
    assert (confirmed.status, confirmed.subject_name, confirmed.details) == (
        Status.NEW,
        "Zoë Schmidt",
        {"k": "v"},
    )
    assert session.get(StoredFile, confirmed_file.id).deleted_at is None
    assert _on_disk(settings, confirmed_file)

    again = purge_unconfirmed(session, settings, now + timedelta(hours=1))
    assert (again.purged, again.files) == (0, 0)
    assert _count(session, PurgedRequestStatistic) == 1
    assert session.get(Request, young.id).subject_email == "young@x.org"


def test_links_of_a_purged_request_open_nothing(
    app, client, session, controller, now, monkeypatch
) -> None:  # type: ignore[no-untyped-def]
    """The whole way: a form with an upload, never confirmed, expired, purged; the link stays
    within its (here long) validity, yet confirms nothing and no new link can be had."""
    settings = dataclasses.replace(app.config["DSAR_SETTINGS"], confirmation_link_days=90)
    monkeypatch.setitem(app.config, "DSAR_SETTINGS", settings)
    monkeypatch.setitem(app.config, "WTF_CSRF_ENABLED", False)
    clock = FixedClock(now)
    monkeypatch.setitem(app.extensions, "dsar.core.clock", clock)
    limiter.reset()
    data = form_data(name="Zoë Schmidt", key_customer_number="K-100042")
    data["documents"] = [(io.BytesIO(b"%PDF-1.7\n%%EOF\n"), "ausweis.pdf", "application/pdf")]
    posted = client.post("/c/demo/request/access", data=data, content_type="multipart/form-data")
    assert posted.status_code == 302
    request = session.execute(select(Request)).scalar_one()
    reference, upload = request.reference, session.execute(select(StoredFile)).scalar_one()
    assert request.details["lookup_keys"] == {"customer_number": "K-100042"}
    mail = session.execute(select(OutboxMessage)).scalar_one()
    link = re.search(r"https?://\S*/c/demo/confirm/\S+", mail.body_text).group(0)

    clock.advance(days=7, minutes=1)
    expire_unconfirmed(session, settings, clock.now())
    session.commit()
    assert not _on_disk(settings, upload)
    clock.advance(days=30, minutes=1)
    assert purge_unconfirmed(session, settings, clock.now()).purged == 1
    session.commit()
    assert _count(session, Request) == 0 and _count(session, OutboxMessage) == 0

    confirm = client.post(urlsplit(link).path)
    assert confirm.status_code == 404
    assert "Zoë" not in confirm.get_data(as_text=True)
    again = client.post(
        "/c/demo/confirm/again", data={"reference": reference, "email": "zoe@example.org"}
    )
    assert "Check your e-mail" in again.get_data(as_text=True)  # the answer for any reference
    assert _count(session, Request) == 0 and _count(session, OutboxMessage) == 0
