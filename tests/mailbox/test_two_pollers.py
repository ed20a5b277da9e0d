"""Two pollers at once (a second scheduler, a `dsar mailbox poll` beside the job), on real
commits: both see the same unflagged messages, and each message is stored once."""

from __future__ import annotations

import dataclasses
import threading
from datetime import UTC, datetime

import pytest
from flask import Flask
from sqlalchemy import func, select

from dsar.controllers.models import Controller
from dsar.extensions import db
from dsar.jobs.scheduler import run_job
from dsar.mailbox.address import env_key
from dsar.mailbox.imap import ImapMailbox
from dsar.mailbox.models import InboundMail
from tests.mailbox.conftest import Dovecot
from tests.mailbox.mails import NO_MESSAGE_ID, mail
from tests.threads import at_once, summary

ARRIVED = datetime(2026, 2, 27, 16, 45, tzinfo=UTC)


def test_two_scheduler_runs_at_once_store_each_message_once(
    committed_db_app: Flask, dovecot: Dovecot, monkeypatch: pytest.MonkeyPatch, now: datetime
) -> None:
    app = committed_db_app
    for n in range(4):
        dovecot.append(mail(subject=f"Auskunft {n}"), ARRIVED)
    dovecot.append(NO_MESSAGE_ID, ARRIVED)  # unique by its UID alone
    with app.app_context():
        slug = db.session.scalars(select(Controller.slug)).one()
    settings = app.config["DSAR_SETTINGS"]
    monkeypatch.setitem(
        app.config,
        "DSAR_SETTINGS",
        dataclasses.replace(settings, mailboxes={env_key(slug): dovecot.address}),
    )
    # Both runs list the unflagged messages before either stores one.
    listed = threading.Barrier(2)
    unflagged = ImapMailbox.unflagged

    def list_then_wait(self: ImapMailbox) -> list[int]:
        uids = unflagged(self)
        listed.wait(timeout=30)
        return uids

    monkeypatch.setattr(ImapMailbox, "unflagged", list_then_wait)

    outcomes = at_once(2, lambda _i: run_job(app, "mailbox_poll", now))

    assert not any(isinstance(o, BaseException) for o in outcomes), summary(outcomes)
    stored = sum(o.drafts for o in outcomes)  # type: ignore[union-attr]
    known = sum(o.known for o in outcomes)  # type: ignore[union-attr]
    assert (stored, known) == (5, 5)
    with app.app_context():
        assert db.session.scalar(select(func.count()).select_from(InboundMail)) == 5
    assert all(b"$DsarSeen" in flags for flags in dovecot.flags().values())
