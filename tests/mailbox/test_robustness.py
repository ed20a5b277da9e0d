"""Malformed mail, a huge attachment and a connection that drops: the poll goes on or stops
cleanly, and the next poll picks up what is missing."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session

from dsar.config import Settings
from dsar.controllers.models import Controller
from dsar.mailbox.address import MailboxAddress
from dsar.mailbox.imap import ImapMailbox
from dsar.mailbox.models import InboundMail, InboundState
from dsar.mailbox.poll import poll_mailboxes
from tests.mailbox.conftest import Dovecot, DroppingProxy
from tests.mailbox.mails import BROKEN_MIME, NO_FROM, NO_MESSAGE_ID, UNKNOWN_CHARSET, mail

ARRIVED = datetime(2026, 2, 27, 16, 45, tzinfo=UTC)
MB = 1024 * 1024


def poll(session: Session, settings: Settings, now: datetime, **kwargs):  # type: ignore[no-untyped-def]
    return poll_mailboxes(session, settings, now, after_each=session.commit, **kwargs)


def rows(session: Session) -> list[InboundMail]:
    return list(session.scalars(select(InboundMail).order_by(InboundMail.uid)))


def test_malformed_mail_becomes_drafts_and_never_blocks_the_next_message(
    session: Session,
    controller: Controller,
    dovecot: Dovecot,
    mail_settings: Settings,
    now: datetime,
) -> None:
    for raw in (NO_MESSAGE_ID, BROKEN_MIME, UNKNOWN_CHARSET, NO_FROM, mail(subject="after")):
        dovecot.append(raw, ARRIVED)

    result = poll(session, mail_settings, now)

    assert (result.drafts, result.failed) == (5, 0)
    no_id, broken, charset, no_from, good = rows(session)
    assert all(row.state is InboundState.DRAFT and row.file is not None for row in rows(session))
    assert no_id.message_id is None and "no_message_id" in no_id.problems
    assert no_id.sender == "a@example.org"
    assert "broken_mime" in broken.problems and broken.sender == "b@example.org"
    assert "undecodable" in charset.problems and charset.sender == "c@example.org"
    assert no_from.sender is None and "no_sender" in no_from.problems
    assert (good.subject, good.problems) == ("after", [])
    assert all(b"$DsarSeen" in flags for flags in dovecot.flags().values())


def test_a_message_above_the_ceiling_is_recorded_without_its_eml(
    session: Session,
    controller: Controller,
    dovecot: Dovecot,
    mail_settings: Settings,
    now: datetime,
) -> None:
    dovecot.append(mail(subject="Auskunft mit Scan", attachment=b"\0" * (30 * MB)), ARRIVED)
    dovecot.append(mail(subject="small"), ARRIVED)

    result = poll(session, mail_settings, now)  # the default ceiling: 20 MB

    assert (result.too_large, result.drafts, result.failed) == (1, 1, 0)
    big, small = rows(session)
    assert big.state is InboundState.DRAFT and big.file is None
    assert "too_large" in big.problems and big.size > 30 * MB
    assert (big.subject, big.sender) == ("Auskunft mit Scan", "zoe@example.org")  # the header
    assert small.file is not None
    assert all(b"$DsarSeen" in flags for flags in dovecot.flags().values())


def test_a_message_under_a_raised_ceiling_is_stored(
    session: Session,
    controller: Controller,
    dovecot: Dovecot,
    mail_settings: Settings,
    now: datetime,
) -> None:
    import dataclasses

    dovecot.append(mail(attachment=b"\1" * (2 * MB)), ARRIVED)
    settings = dataclasses.replace(mail_settings, mailbox_max_bytes=3 * MB)
    assert poll(session, settings, now).drafts == 1


@pytest.fixture
def proxy(dovecot: Dovecot) -> Iterator[DroppingProxy]:
    dropping = DroppingProxy(dovecot.port, limit=150_000)
    yield dropping
    dropping.close()


def test_a_dropped_connection_ends_the_poll_and_the_next_poll_fetches_the_rest(
    session: Session,
    controller: Controller,
    dovecot: Dovecot,
    mail_settings: Settings,
    now: datetime,
    proxy: DroppingProxy,
) -> None:
    dovecot.append(mail(subject="first"), ARRIVED)
    dovecot.append(mail(subject="second", attachment=b"\2" * 400_000), ARRIVED)  # cut mid-fetch
    dovecot.append(mail(subject="third"), ARRIVED)

    def through_proxy(address: MailboxAddress) -> ImapMailbox:
        return ImapMailbox(
            MailboxAddress("imap", "127.0.0.1", proxy.port, address.user, address.password),
            timeout=10,
        )

    broken = poll(session, mail_settings, now, connect=through_proxy)

    assert proxy.dropped.is_set()
    assert (broken.drafts, broken.failed) == (1, 1)
    assert "UID FETCH failed" in broken.errors[0] and controller.slug in broken.errors[0]
    assert [row.subject for row in rows(session)] == ["first"]  # nothing half-stored
    flags = dovecot.flags()
    assert b"$DsarSeen" in flags[1] and b"$DsarSeen" not in flags[2]

    again = poll(session, mail_settings, now + timedelta(minutes=5))

    assert (again.drafts, again.failed) == (2, 0)
    assert [row.subject for row in rows(session)] == ["first", "second", "third"]
