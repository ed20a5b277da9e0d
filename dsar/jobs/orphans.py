"""Blobs that no row holds, removed once they are old enough to be sure of it.

`FileStore.save` writes the encrypted blob, then the row, and the caller commits later: a worker
killed in between leaves a blob on disk with no row, which no retention rule would ever find.
The daily `purge_requests` job (`retention.daily_purge`) runs this sweep after its purge, so
the store and the database agree again.
"""

from __future__ import annotations

import logging
from datetime import datetime, timedelta

from sqlalchemy import select
from sqlalchemy.orm import Session

from dsar.files.models import StoredFile
from dsar.files.storage import FileStore

log = logging.getLogger(__name__)

# An upload's row is committed within seconds of its blob: a blob without a row after a day
# belongs to a transaction that is over, never to one in flight.
ORPHAN_GRACE = timedelta(days=1)


def remove_orphan_blobs(session: Session, store: FileStore, now: datetime) -> int:
    """Remove blobs written over a day before `now` that no undeleted StoredFile row holds."""
    candidates = store.blobs_written_before(now - ORPHAN_GRACE)
    if not candidates:
        return 0
    # A row marked deleted holds nothing: its blob should be gone already.
    held = set(
        session.execute(
            select(StoredFile.storage_path).where(StoredFile.deleted_at.is_(None))
        ).scalars()
    )
    orphans = [name for name in candidates if name not in held]
    for name in orphans:
        store.remove_blob(name)
    if orphans:
        log.warning("removed %d stored blobs that no row holds", len(orphans))
    return len(orphans)
