"""`poll_mailboxes` against a real dovecot: drafts, arrival times, flags, nothing twice."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from dsar.config import Settings
from dsar.controllers.models import Controller
from dsar.files.models import FilePurpose
from dsar.files.storage import FileStore
from dsar.mailbox.models import InboundMail, InboundState
from dsar.mailbox.poll import poll_mailboxes
from dsar.requests.workflow import RequestType
from tests.mailbox.conftest import Dovecot
from tests.mailbox.mails import html_mail, mail

ARRIVED = datetime(2026, 2, 27, 16, 45, tzinfo=UTC)  # a Friday afternoon, before NOW


def poll(session: Session, settings: Settings, now: datetime):  # type: ignore[no-untyped-def]
    return poll_mailboxes(session, settings, now, after_each=session.commit)


def rows(session: Session) -> list[InboundMail]:
    return list(session.scalars(select(InboundMail).order_by(InboundMail.uid)))


def test_a_message_becomes_a_draft_received_when_it_arrived(
    session: Session,
    controller: Controller,
    dovecot: Dovecot,
    mail_settings: Settings,
    now: datetime,
) -> None:
    raw = mail()
    dovecot.append(raw, ARRIVED)

    result = poll(session, mail_settings, now)

    assert (result.drafts, result.failed) == (1, 0)
    [draft] = rows(session)
    assert draft.state is InboundState.DRAFT
    assert draft.arrived_at == ARRIVED  # the server's INTERNALDATE, not the time of the poll
    assert draft.fetched_at == now
    assert (draft.sender, draft.sender_name) == ("zoe@example.org", "Zoë Schmidt")
    assert draft.subject == "Auskunft nach Art. 15 DSGVO"
    assert (draft.guessed_type, draft.guessed_language) == (RequestType.ACCESS, "de")
    assert draft.problems == []
    assert draft.file is not None and draft.file.purpose is FilePurpose.INBOUND_MAIL
    store = FileStore.from_settings(mail_settings)
    assert store.read(draft.file) == raw  # the original, byte for byte
    assert raw not in (store.root / draft.file.storage_path).read_bytes()  # encrypted at rest
    assert b"$DsarSeen" in dovecot.flags()[1]
    assert dovecot.count() == 1  # nothing deleted or moved


def test_a_second_poll_creates_nothing_twice_even_when_the_flag_was_lost(
    session: Session,
    controller: Controller,
    dovecot: Dovecot,
    mail_settings: Settings,
    now: datetime,
) -> None:
    dovecot.append(mail(), ARRIVED)
    poll(session, mail_settings, now)
    assert poll(session, mail_settings, now).drafts == 0  # flagged: not even fetched

    dovecot.unflag(1)  # as if the process died between its commit and the flag
    again = poll(session, mail_settings, now + timedelta(minutes=5))

    assert (again.drafts, again.known) == (0, 1)
    assert len(rows(session)) == 1
    assert b"$DsarSeen" in dovecot.flags()[1]


def test_the_same_message_id_twice_is_stored_once(
    session: Session,
    controller: Controller,
    dovecot: Dovecot,
    mail_settings: Settings,
    now: datetime,
) -> None:
    raw = mail(message_id="<same@example.org>")
    dovecot.append(raw, ARRIVED)
    dovecot.append(raw, ARRIVED + timedelta(minutes=1))  # a copy: another UID

    result = poll(session, mail_settings, now)

    assert (result.drafts, result.known) == (1, 1)
    assert session.scalar(select(func.count()).select_from(InboundMail)) == 1
    assert all(b"$DsarSeen" in flags for flags in dovecot.flags().values())


def test_the_unique_key_holds_against_a_second_process(
    session: Session,
    controller: Controller,
    dovecot: Dovecot,
    mail_settings: Settings,
    now: datetime,
) -> None:
    from dsar.mailbox.poll import store_message

    store = FileStore.from_settings(mail_settings)
    raw = mail(message_id=None)
    first = store_message(
        session, controller.id, 7, 1, raw, len(raw), ARRIVED, too_large=False, store=store, now=now
    )
    # The other process read the same UID before this one committed: its insert must fail.
    second = store_message(
        session,
        controller.id,
        7,
        1,
        mail(),
        len(raw),
        ARRIVED,
        too_large=False,
        store=store,
        now=now,
    )
    assert (first, second) == ("drafts", "known")
    assert session.scalar(select(func.count()).select_from(InboundMail)) == 1


def test_an_html_only_message_is_read_as_text_without_its_scripts(
    session: Session,
    controller: Controller,
    dovecot: Dovecot,
    mail_settings: Settings,
    now: datetime,
) -> None:
    from dsar.mailbox.reading import read_mail

    raw = html_mail("<p>Please <b>delete</b> my account</p><script>alert('x')</script>")
    dovecot.append(raw, ARRIVED)
    poll(session, mail_settings, now)

    [draft] = rows(session)
    assert draft.guessed_type is RequestType.ERASURE
    assert read_mail(raw).text == "Please delete my account"


def test_a_message_is_flagged_only_after_its_commit(
    session: Session,
    controller: Controller,
    dovecot: Dovecot,
    mail_settings: Settings,
    now: datetime,
) -> None:
    import pytest

    dovecot.append(mail(), ARRIVED)
    calls = []

    def commit_fails_for_the_message() -> None:
        calls.append(1)
        if len(calls) > 2:  # the controller list's and the known UIDs' reads commit first
            raise RuntimeError("the database went away")
        session.commit()

    with pytest.raises(RuntimeError):
        poll_mailboxes(session, mail_settings, now, after_each=commit_fails_for_the_message)

    assert b"$DsarSeen" not in dovecot.flags()[1]  # not flagged: the next poll takes it
