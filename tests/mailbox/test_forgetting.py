"""A discarded message is forgotten after the period: its .eml and what it said go; the row
stays, so the mailbox's copy is never fetched as new again."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from flask import Flask
from sqlalchemy import select
from sqlalchemy.orm import Session

from dsar.accounts.models import StaffUser
from dsar.controllers.models import Controller
from dsar.files.models import StoredFile
from dsar.files.storage import FileStore
from dsar.jobs.mailbox import forget_mail_job
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
    forget_mail_job(session, settings, now + timedelta(days=days - 1))  # not yet
    session.commit()
    assert blob.exists() and spam.sender == "spam@example.net"

    forget_mail_job(session, settings, now + timedelta(days=days, hours=1))
    session.commit()
    session.expire_all()
    assert not blob.exists()
    assert session.get(StoredFile, spam_file_id).deleted_at is not None
    assert (spam.file, spam.sender, spam.subject, spam.discard_reason) == (None, None, None, None)
    assert (spam.state, spam.uid, spam.message_id is not None) == (InboundState.DISCARDED, 1, True)
    assert draft.sender == "zoe@example.org" and draft.file is not None  # a draft waits


def test_an_unreachable_mailbox_does_not_stop_the_forgetting(
    app: Flask,
    session: Session,
    controller: Controller,
    now: datetime,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """The poll fails and rolls back; the forgetting is a job of its own and stays done."""
    import dataclasses

    from dsar.jobs.scheduler import run_job
    from dsar.mailbox.address import MailboxAddress, env_key
    from dsar.mailbox.imap import MailboxError

    settings = app.config["DSAR_SETTINGS"]
    store = FileStore.from_settings(settings)
    raw = mail(subject="Gewinnspiel", sender="spam@example.net")
    store_message(session, controller.id, 1, 1, raw, len(raw), ARRIVED, too_large=False,
                  store=store, now=now)  # fmt: skip
    spam = session.scalars(select(InboundMail)).one()
    discard_draft(session, spam, "Werbung", user=make_staff(session, now), now=now)
    blob = store.root / spam.file.storage_path
    session.commit()
    closed = MailboxAddress("imap", "127.0.0.1", 1, "dsar", "wrong")
    unreachable = dataclasses.replace(settings, mailboxes={env_key(controller.slug): closed})
    monkeypatch.setitem(app.config, "DSAR_SETTINGS", unreachable)  # restored after the test
    later = now + timedelta(days=settings.unconfirmed_purge_days, hours=1)

    with pytest.raises(MailboxError):
        run_job(app, "mailbox_poll", later)
    run_job(app, "forget_mail", later)

    session.expire_all()
    assert not blob.exists()
    assert (spam.file, spam.sender, spam.state) == (None, None, InboundState.DISCARDED)
