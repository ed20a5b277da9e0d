"""Web requests whose e-mail address was never confirmed: expiry, then early deletion.

Nobody proved they own the address such a request names, so it may have been typed in
someone else's name: its uploaded documents go when it expires (in the same transaction),
and the request itself DSAR_UNCONFIRMED_PURGE_DAYS later, through the same purge as answered
requests (dsar/jobs/purge.py: one anonymous statistic stays), not three years later like them.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import select
from sqlalchemy.orm import Session

from dsar.config import Settings
from dsar.files.models import StoredFile
from dsar.files.storage import FileStore
from dsar.jobs.purge import PurgeResult, purge_requests
from dsar.requests.models import Request
from dsar.requests.operations import apply_action
from dsar.requests.workflow import Action, Status

ACTOR = "scheduler"


@dataclass
class ExpiryResult:
    expired: int = 0
    documents: int = 0  # uploads deleted with the requests that expired


def expire_unconfirmed(session: Session, settings: Settings, now: datetime) -> ExpiryResult:
    """Expire requests awaiting confirmation for longer than DSAR_CONFIRMATION_EXPIRY_DAYS,
    and delete their uploaded documents."""
    days = settings.confirmation_expiry_days
    awaiting = (
        Request.status == Status.AWAITING_CONFIRMATION,
        Request.created_at < now - timedelta(days=days),
    )
    requests = (
        session.execute(select(Request).where(*awaiting).order_by(Request.id)).scalars().all()
    )
    files: defaultdict[int | None, list[StoredFile]] = defaultdict(list)
    uploads = select(StoredFile).where(
        StoredFile.request_id.in_(select(Request.id).where(*awaiting)),
        StoredFile.deleted_at.is_(None),
    )
    for stored in session.execute(uploads).scalars():
        files[stored.request_id].append(stored)
    store = FileStore.from_settings(settings)
    result = ExpiryResult()
    reason = f"e-mail address not confirmed within {days} days"
    for request in requests:
        # The blob goes first, the row is marked after: a rollback leaves the request to
        # expire again on the next run, and unlinking a missing blob is fine.
        for stored in files[request.id]:
            store.delete(stored, now)
        payload = {"reason": reason, "documents_deleted": len(files[request.id])}
        apply_action(session, request, Action.EXPIRE, actor=ACTOR, now=now, payload=payload)
        result.expired += 1
        result.documents += len(files[request.id])
    session.flush()
    return result


def purge_unconfirmed(session: Session, settings: Settings, now: datetime) -> PurgeResult:
    """Delete requests that expired unconfirmed over DSAR_UNCONFIRMED_PURGE_DAYS ago, with
    their whole record; one anonymous statistic stays for each (their blobs went at expiry)."""
    cutoff = now - timedelta(days=settings.unconfirmed_purge_days)
    expired_unconfirmed = (
        Request.status == Status.EXPIRED,
        Request.received_at.is_(None),  # never confirmed, so never received
        Request.closed_at < cutoff,
    )
    return purge_requests(session, settings, now, *expired_unconfirmed)
