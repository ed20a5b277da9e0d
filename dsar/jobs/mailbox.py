"""The scheduler's mailbox jobs: every few minutes each controller's new mail, and hourly the
forgetting of discarded mail (dsar/mailbox)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy.orm import Session

from dsar.config import Settings
from dsar.files.storage import FileStore
from dsar.mailbox.forgetting import forget_discarded
from dsar.mailbox.imap import MailboxError
from dsar.mailbox.poll import PollResult, poll_mailboxes

POLL_SECONDS = 300


def poll_mailboxes_job(session: Session, settings: Settings, now: datetime) -> PollResult:
    """Poll every configured mailbox; a mailbox that failed makes the run an error (JobRun)."""
    # Commit after every message: its $DsarSeen flag is set only once its row is committed.
    result = poll_mailboxes(session, settings, now, after_each=session.commit)
    if result.failed:
        raise MailboxError("; ".join(result.errors))
    return result


@dataclass(frozen=True)
class Forgotten:
    forgotten: int


def forget_mail_job(session: Session, settings: Settings, now: datetime) -> Forgotten:
    """Forget the messages discarded long enough ago (dsar/mailbox/forgetting.py): a job of its
    own, so a mailbox that cannot be reached (its poll fails and rolls back) stops nothing."""
    store = FileStore.from_settings(settings)
    return Forgotten(forget_discarded(session, store, now, settings.unconfirmed_purge_days))
