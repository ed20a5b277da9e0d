"""`dsar mailbox poll` and the scheduler's `mailbox_poll` job."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime

import pytest
from flask import Flask
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from dsar.config import Settings
from dsar.controllers.models import Controller
from dsar.jobs.mailbox import poll_mailboxes_job
from dsar.mailbox.address import MailboxAddress, env_key
from dsar.mailbox.imap import MailboxError
from dsar.mailbox.models import InboundMail
from tests.mailbox.conftest import Dovecot
from tests.mailbox.mails import mail

ARRIVED = datetime(2026, 2, 27, 16, 45, tzinfo=UTC)


@pytest.fixture
def configured(app: Flask, mail_settings: Settings) -> Iterator[Settings]:
    previous = app.config["DSAR_SETTINGS"]
    app.config["DSAR_SETTINGS"] = mail_settings
    yield mail_settings
    app.config["DSAR_SETTINGS"] = previous


def count(session: Session) -> int:
    return int(session.scalar(select(func.count()).select_from(InboundMail)) or 0)


def test_the_command_polls_and_reports(
    runner, session: Session, controller: Controller, dovecot: Dovecot, configured: Settings
) -> None:  # type: ignore[no-untyped-def]
    dovecot.append(mail(), ARRIVED)

    first = runner(["mailbox", "poll", "--controller", controller.slug])
    second = runner(["mailbox", "poll"])

    assert first.exit_code == 0, first.output
    assert first.output.strip() == "drafts=1 joined=0 known=0 too_large=0 failed=0"
    assert second.output.strip() == "drafts=0 joined=0 known=0 too_large=0 failed=0"
    assert count(session) == 1


def test_the_command_refuses_an_unconfigured_controller(
    runner, controller: Controller, configured: Settings
) -> None:  # type: ignore[no-untyped-def]
    result = runner(["mailbox", "poll", "--controller", "nobody"])
    assert result.exit_code == 2 and "no controller 'nobody'" in result.output


def test_a_mailbox_that_cannot_be_reached_fails_the_command_and_the_job(
    runner, app: Flask, session: Session, controller: Controller, configured: Settings, now
) -> None:  # type: ignore[no-untyped-def]
    import dataclasses

    closed = MailboxAddress("imap", "127.0.0.1", 1, "dsar", "wrong")
    settings = dataclasses.replace(configured, mailboxes={env_key(controller.slug): closed})
    app.config["DSAR_SETTINGS"] = settings

    result = runner(["mailbox", "poll"])

    assert result.exit_code == 1
    assert "failed=1" in result.output and "ConnectionRefusedError" in result.output
    assert "wrong" not in result.output  # never the password
    with pytest.raises(MailboxError):
        poll_mailboxes_job(session, settings, now)


def test_the_job_polls_each_configured_mailbox(
    session: Session, controller: Controller, dovecot: Dovecot, mail_settings: Settings, now
) -> None:  # type: ignore[no-untyped-def]
    dovecot.append(mail(), ARRIVED)
    assert poll_mailboxes_job(session, mail_settings, now).drafts == 1
    assert count(session) == 1
