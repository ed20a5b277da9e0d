"""A purged request takes the e-mails that became it or joined it: rows and encrypted .eml."""

from __future__ import annotations

from datetime import UTC, datetime

from flask import Flask
from sqlalchemy import select
from sqlalchemy.orm import Session

from dsar.controllers.models import Controller
from dsar.files.storage import FileStore
from dsar.jobs.purge import purge_requests
from dsar.mailbox.models import InboundMail
from dsar.mailbox.poll import store_message
from dsar.messages.models import Message
from dsar.requests.models import Request
from tests.factories import make_request
from tests.mailbox.mails import mail

ARRIVED = datetime(2026, 2, 27, 16, 45, tzinfo=UTC)


def test_the_purge_takes_a_joined_reply_and_its_eml(
    app: Flask, session: Session, controller: Controller, now: datetime
) -> None:
    settings = app.config["DSAR_SETTINGS"]
    store = FileStore.from_settings(settings)
    request = make_request(session, controller, now, subject_email="zoe@example.org")
    raw = mail(subject=f"Re: {request.reference}", sender="zoe@example.org")
    outcome = store_message(
        session, controller.id, 1, 1, raw, len(raw), ARRIVED, too_large=False, store=store, now=now
    )
    assert outcome == "joined"
    inbound = session.scalars(select(InboundMail)).one()
    assert inbound.file is not None
    blob = store.root / inbound.file.storage_path
    session.commit()
    assert blob.exists()

    assert purge_requests(session, settings, now, Request.id == request.id).purged == 1
    session.commit()

    assert not blob.exists()
    assert session.scalars(select(InboundMail)).all() == []
    assert session.scalars(select(Message)).all() == []
