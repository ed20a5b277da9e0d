"""`dsar mailbox poll` and its scheduler job: new messages become drafts or join a request.

Per message: read it from IMAP, store the row and its encrypted .eml, commit (`after_each`),
then set $DsarSeen. A crash between commit and flag leaves a flagless message whose row
exists: the next poll finds the row by (UIDVALIDITY, UID) or Message-ID, adds nothing and
flags it. A connection that breaks mid-fetch stops that mailbox with a MailboxError: what was
committed stays, the message in flight was not stored, and the next poll fetches it.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from dsar.config import Settings
from dsar.controllers.models import Controller
from dsar.files.models import FilePurpose
from dsar.files.storage import FileStore
from dsar.mailbox.address import MailboxAddress, env_key
from dsar.mailbox.guesses import guess_language, guess_right
from dsar.mailbox.imap import ImapMailbox, MailboxError
from dsar.mailbox.models import InboundMail, InboundState
from dsar.mailbox.reading import ReadMail, read_mail
from dsar.mailbox.replies import join_reply, replied_reference, replied_request

log = logging.getLogger(__name__)
Connect = Callable[[MailboxAddress], ImapMailbox]


@dataclass
class PollResult:
    drafts: int = 0  # new drafts for staff
    joined: int = 0  # replies joined to their request
    known: int = 0  # already stored (a flag that failed, another process): only flagged now
    too_large: int = 0  # drafts recorded without their .eml
    failed: int = 0  # mailboxes that could not be read to the end

    def __post_init__(self) -> None:
        self.errors: list[str] = []  # why each failed mailbox failed (not a count: not a field)


def poll_mailboxes(
    session: Session,
    settings: Settings,
    now: datetime,
    *,
    after_each: Callable[[], None],
    only: str | None = None,
    connect: Connect = ImapMailbox,
) -> PollResult:
    """Poll every configured controller's mailbox (or `only` that slug); a mailbox that fails is
    counted in `failed` with its error, and the others are still polled."""
    result = PollResult()
    store = FileStore.from_settings(settings)
    rows = session.execute(select(Controller.id, Controller.slug).order_by(Controller.slug)).all()
    # Plain values, and the transaction ended: no database lock is held while IMAP answers
    # (on SQLite every job's transaction is the writer, which would hold up every web POST).
    polled = [
        (id_, slug, settings.mailboxes[env_key(slug)])
        for id_, slug in rows
        if env_key(slug) in settings.mailboxes and (only is None or slug == only)
    ]
    after_each()
    for controller_id, slug, address in polled:
        try:
            mailbox = connect(address)
        except MailboxError as error:
            result.failed += 1
            result.errors.append(f"{slug}: {error}")
            continue
        try:
            poll_one(session, controller_id, mailbox, store, now, settings, result, after_each)
        except MailboxError as broken:
            result.failed += 1
            result.errors.append(f"{slug}: {broken}")
        finally:
            mailbox.close()
    for message in result.errors:
        log.error("mailbox poll: %s", message)
    return result


def poll_one(
    session: Session,
    controller_id: int,
    mailbox: ImapMailbox,
    store: FileStore,
    now: datetime,
    settings: Settings,
    result: PollResult,
    after_each: Callable[[], None],
) -> None:
    """Read one mailbox's unflagged messages in UID order, committing and flagging each; the
    network is awaited between transactions, never inside one."""
    uids = mailbox.unflagged()
    known = (
        set(
            session.scalars(
                select(InboundMail.uid).where(
                    InboundMail.controller_id == controller_id,
                    InboundMail.uidvalidity == mailbox.uidvalidity,
                    InboundMail.uid.in_(uids),
                )
            )
        )
        if uids
        else set()
    )
    after_each()  # end the reading transaction before the network is awaited
    for uid in uids:
        if uid in known:
            result.known += 1
        else:
            size, arrived_at = mailbox.envelope(uid)
            too_large = size > settings.mailbox_max_bytes
            raw = mailbox.body(uid, headers_only=too_large)
            outcome = store_message(
                session,
                controller_id,
                mailbox.uidvalidity,
                uid,
                raw,
                size,
                arrived_at,
                too_large=too_large,
                store=store,
                now=now,
                max_bytes=settings.upload_max_bytes,
            )
            after_each()
            setattr(result, outcome, getattr(result, outcome) + 1)
        mailbox.flag(uid)


def store_message(
    session: Session,
    controller_id: int,
    uidvalidity: int,
    uid: int,
    raw: bytes,
    size: int,
    arrived_at: datetime,
    *,
    too_large: bool,
    store: FileStore,
    now: datetime,
    max_bytes: int = Settings.upload_max_bytes,
) -> str:
    """Add one message as a draft or a joined reply; "known" if it was stored before.
    `max_bytes`: the upload rules' size limit for a reply's attachments in the thread."""
    read = read_mail(raw)
    if read.message_id is not None and session.scalar(
        select(InboundMail.id).where(
            InboundMail.controller_id == controller_id, InboundMail.message_id == read.message_id
        )
    ):
        return "known"
    inbound = _row(controller_id, uidvalidity, uid, read, size, arrived_at, too_large, now)
    inbound.mentioned_reference = read.reference or replied_reference(
        session, controller_id, read.replies_to
    )
    try:
        with session.begin_nested():
            session.add(inbound)
            session.flush()
    except IntegrityError:  # another process stored it a moment ago
        return "known"
    if not too_large:
        inbound.file = store.save(
            session,
            raw,
            filename=f"mail-{inbound.id}.eml",
            content_type="message/rfc822",
            purpose=FilePurpose.INBOUND_MAIL,
            now=now,
        )
    request = replied_request(session, inbound)
    if request is not None and not too_large:
        join_reply(
            session,
            request,
            inbound,
            now,
            text=read.text,
            raw=raw,
            store=store,
            max_bytes=max_bytes,
        )
        return "joined"
    session.flush()
    return "too_large" if too_large else "drafts"


def _row(
    controller_id: int,
    uidvalidity: int,
    uid: int,
    read: ReadMail,
    size: int,
    arrived_at: datetime,
    too_large: bool,
    now: datetime,
) -> InboundMail:
    guessed_from = f"{read.subject or ''}\n{read.text}"
    return InboundMail(
        controller_id=controller_id,
        uidvalidity=uidvalidity,
        uid=uid,
        message_id=read.message_id,
        arrived_at=arrived_at,
        fetched_at=now,
        sender=read.sender,
        sender_name=read.sender_name,
        subject=read.subject,
        size=size,
        guessed_type=guess_right(guessed_from),
        guessed_language=guess_language(guessed_from),
        mentioned_reference=read.reference,
        problems=[*read.problems, *(["too_large"] if too_large else [])],
        state=InboundState.DRAFT,
    )
