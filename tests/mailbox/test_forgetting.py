"""A discarded message is forgotten after the period: its .eml and what it said go; the row
stays, so the mailbox's copy is never fetched as new again."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from flask import Flask
from sqlalchemy import select
from sqlalchemy.orm import Session

from dsar.accounts.models import StaffUser
from dsar.controllers.models import Controller
from dsar.files.models import StoredFile
from dsar.files.storage import FileStore
from dsar.jobs.mailbox import poll_mailboxes_job
from dsar.mailbox.drafts import discard_draft
from dsar.mailbox.models import InboundMail, InboundState
from dsar.mailbox.poll import store_message
from tests.factories import make_staff
from tests.mailbox.mails import mail

ARRIVED = datetime(2026, 2, 27, 16, 45, tzinfo=UTC)


def test_a_discarded_message_is_forgotten_after_the_period_and_a_draft_is_not(
    app: Flask, session: Session, controller: Controller, now: datetime
) -> None:
    settings = app.config["DSAR_SETTINGS"]
    store = FileStore.from_settings(settings)
    for uid, sender in ((1, "spam@example.net"), (2, "zoe@example.org")):
        raw = mail(subject="Gewinnspiel" if uid == 1 else "Auskunft", sender=sender)
        store_message(
            session, controller.id, 1, uid, raw, len(raw), ARRIVED, too_large=False,
            store=store, now=now,
        )  # fmt: skip
    spam, draft = session.scalars(select(InboundMail).order_by(InboundMail.uid)).all()
    staff: StaffUser = make_staff(session, now)
    discard_draft(session, spam, "Werbung", user=staff, now=now)
    assert spam.file is not None
    blob = store.root / spam.file.storage_path
    spam_file_id = spam.file.id
    session.commit()

    days = settings.unconfirmed_purge_days
    poll_mailboxes_job(session, settings, now + timedelta(days=days - 1))  # not yet
    session.commit()
    assert blob.exists() and spam.sender == "spam@example.net"

    poll_mailboxes_job(session, settings, now + timedelta(days=days, hours=1))
    session.commit()
    session.expire_all()
    assert not blob.exists()
    assert session.get(StoredFile, spam_file_id).deleted_at is not None
    assert (spam.file, spam.sender, spam.subject, spam.discard_reason) == (None, None, None, None)
    assert (spam.state, spam.uid, spam.message_id is not None) == (InboundState.DISCARDED, 1, True)
    assert draft.sender == "zoe@example.org" and draft.file is not None  # a draft waits
