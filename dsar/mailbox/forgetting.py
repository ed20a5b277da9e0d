"""A discarded message is kept for a while, then forgotten: its .eml and what it said go.

A discarded message never became a request (spam, a question, a wrong address), so nothing
obliges the controller to keep it (Art. 5(1)(e)); `DSAR_UNCONFIRMED_PURGE_DAYS` after the
discard (the same period as a web request never confirmed, docs/mailbox.md), its encrypted
.eml is deleted and its sender, name, subject and the staff's reason are cleared. The row stays
with its mailbox UID and Message-ID, so the message is never fetched as new again. The staff
trail, which is never cleared, keeps who discarded a message from which address, when and the
reason they gave (staff write it knowing that).
"""

from __future__ import annotations

from datetime import datetime, timedelta

from sqlalchemy import or_, select
from sqlalchemy.orm import Session

from dsar.files.storage import FileStore
from dsar.mailbox.models import InboundMail, InboundState

BATCH = 500


def forget_discarded(session: Session, store: FileStore, now: datetime, days: int) -> int:
    """Forget up to BATCH messages discarded more than `days` ago; flushes only. Safe to repeat:
    a rolled-back run leaves rows whose blob is gone, which the next run forgets again."""
    rows = session.scalars(
        select(InboundMail)
        .where(
            InboundMail.state == InboundState.DISCARDED,
            InboundMail.decided_at < now - timedelta(days=days),
            or_(InboundMail.file_id.is_not(None), InboundMail.sender.is_not(None)),
        )
        .order_by(InboundMail.id)
        .limit(BATCH)
    ).all()
    for row in rows:
        if row.file is not None:
            if row.file.deleted_at is None:
                store.delete(row.file, now)
            row.file = None
        row.sender = row.sender_name = row.subject = row.discard_reason = None
        row.mentioned_reference = None
    session.flush()
    return len(rows)
