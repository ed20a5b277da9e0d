"""Retention: uploaded documents and exports past their date, closed requests past the period.

Also the housekeeping of tables that would otherwise only grow: job runs, sign-in counters,
and of the file store: blobs that no row holds (dsar/jobs/orphans.py).

A purged request takes its whole record with it (events and their hash chain, files, mail):
keeping the trail would keep the personal data the retention period exists to remove. What
stays is one anonymous PurgedRequestStatistic row per request and the JobRun of the purge.
"""

from __future__ import annotations

import logging
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any, cast
from zoneinfo import ZoneInfo

from sqlalchemy import CursorResult, Select, Table, delete, inspect, select, update
from sqlalchemy.orm import Session, selectinload

from dsar.accounts.throttle import prune_throttles
from dsar.config import Settings
from dsar.core.db import Base, table_of
from dsar.files.models import FilePurpose, StoredFile
from dsar.files.storage import FileStore
from dsar.jobs.models import JobRun, PurgedRequestStatistic
from dsar.jobs.orphans import remove_orphan_blobs
from dsar.requests.deadlines.legal_calendar import add_months
from dsar.requests.models import Request
from dsar.requests.workflow import CLOSED_STATUSES

log = logging.getLogger(__name__)

DELETED_PURPOSES = (
    FilePurpose.IDENTITY_DOCUMENT,
    FilePurpose.SUPPORTING_DOCUMENT,
    FilePurpose.EXPORT,
)
PURGE_BATCH = 1000
# Rows that must outlive a purged request: its link is cut instead (the deletion still runs).
DETACHED_TABLES = frozenset({"planned_deletion"})
JOB_RUN_DAYS = 90


@dataclass
class FileDeletionResult:
    documents: int = 0
    exports: int = 0


def delete_expired_files(session: Session, settings: Settings, now: datetime) -> FileDeletionResult:
    """Delete identity/supporting documents and exports whose `delete_after` has passed.

    The blob goes first, the row is marked deleted after: a rollback leaves a row that the next
    run deletes again (unlinking a missing blob is fine), never a blob without its row.
    """
    store = FileStore.from_settings(settings)
    result = FileDeletionResult()
    expired = session.execute(
        select(StoredFile).where(
            StoredFile.purpose.in_(DELETED_PURPOSES),
            StoredFile.delete_after <= now,
            StoredFile.deleted_at.is_(None),
        )
    ).scalars()
    for stored in expired:
        store.delete(stored, now)
        if stored.purpose is FilePurpose.EXPORT:
            result.exports += 1
        else:
            result.documents += 1
    session.flush()
    return result


def retention_cutoff(now: datetime, years: int) -> datetime:
    """`now` minus whole years (29 February becomes 28 February)."""
    day = add_months(now.date(), -12 * years)
    return now.replace(year=day.year, month=day.month, day=day.day)


@dataclass
class PurgeResult:
    purged: int = 0
    files: int = 0
    orphan_blobs: int = 0  # blobs on disk without a row (a killed worker's upload)


def purge_closed_requests(session: Session, settings: Settings, now: datetime) -> PurgeResult:
    """Purge requests closed before the retention cutoff, keeping one anonymous statistic each;
    then remove the file store's blobs that no row holds."""
    cutoff = retention_cutoff(now, settings.retention_years)
    requests = (
        session.execute(
            select(Request)
            .where(Request.status.in_(CLOSED_STATUSES), Request.closed_at < cutoff)
            .order_by(Request.id)
            .limit(PURGE_BATCH)
            .options(selectinload(Request.controller))
        )
        .scalars()
        .all()
    )
    store = FileStore.from_settings(settings)
    result = PurgeResult()
    if requests:
        result.files = purge_with_statistics(session, store, requests, now)
        result.purged = len(requests)
        log.info("purged %d requests closed before %s", len(requests), cutoff.date().isoformat())
    result.orphan_blobs = remove_orphan_blobs(session, store, now)
    return result


def purge_with_statistics(
    session: Session, store: FileStore, requests: Sequence[Request], now: datetime
) -> int:
    """Delete `requests` with their whole record, one anonymous statistic left for each.

    Returns how many file rows went with them. The requests' controllers must be loaded.
    """
    ids = [request.id for request in requests]
    session.add_all(statistic_of(request, now) for request in requests)
    files = 0
    stored_files = session.execute(select(StoredFile).where(StoredFile.request_id.in_(ids)))
    for stored in stored_files.scalars():
        if stored.deleted_at is None:
            store.delete(stored, now)
        files += 1
    session.flush()
    request_table = table_of(Request)
    doomed = select(Request.id).where(Request.id.in_(ids))
    _delete_dependents(session, request_table, doomed, set())
    session.execute(
        delete(Request).where(Request.id.in_(ids)), execution_options={"synchronize_session": False}
    )
    _forget(session, set(ids))
    return files


def _forget(session: Session, ids: set[int]) -> None:
    """Drop the purged rows from the session; other loaded rows reload (core updates ran)."""
    for instance in list(session.identity_map.values()):
        # Only what is loaded: reading an expired attribute would reload a row just deleted.
        state = inspect(instance)
        owner = state.identity[0] if isinstance(instance, Request) else state.dict.get("request_id")
        if owner in ids and state.class_.__tablename__ not in DETACHED_TABLES:
            session.expunge(instance)
    session.expire_all()


def _delete_dependents(session: Session, table: Table, doomed: Select, seen: set[str]) -> None:
    """Delete (depth first) every row that references a doomed row of `table`."""
    seen = seen | {table.name}
    for child in Base.metadata.sorted_tables:
        for foreign_key in child.foreign_keys:
            if foreign_key.column.table is not table or child.name in seen:
                continue
            column = child.c[foreign_key.parent.name]
            if child.name in DETACHED_TABLES:
                session.execute(update(child).where(column.in_(doomed)).values({column.name: None}))
                continue
            keys = list(child.primary_key.columns)
            if len(keys) == 1:
                _delete_dependents(session, child, select(keys[0]).where(column.in_(doomed)), seen)
            session.execute(delete(child).where(column.in_(doomed)))


def statistic_of(request: Request, now: datetime) -> PurgedRequestStatistic:
    """The counts a request leaves behind: no name, address, reference or free text."""
    zone = ZoneInfo(request.controller.timezone)
    received = request.received_at.astimezone(zone) if request.received_at else None
    closed = request.closed_at.astimezone(zone) if request.closed_at else None
    due = request.effective_due_date
    return PurgedRequestStatistic(
        controller_id=request.controller_id,
        type=request.type,
        channel=request.channel,
        received_month=f"{received:%Y-%m}" if received else None,
        outcome=request.status,
        extended=request.extended_due_date is not None,
        answered_in_time=(closed.date() <= due) if (closed and due) else None,
        days_to_close=(closed.date() - received.date()).days if (closed and received) else None,
        purged_at=now,
    )


@dataclass
class PruneResult:
    job_runs: int = 0
    sign_in_throttles: int = 0


def prune_job_runs(session: Session, settings: Settings, now: datetime) -> PruneResult:
    """Forget job runs older than 90 days and the sign-in counters of long-quiet addresses.

    The dispatcher alone records 8,640 runs a day; anyone can add a counter by posting a made-up
    address to the sign-in form (dsar/accounts/throttle.py).
    """
    gone = session.execute(
        delete(JobRun).where(JobRun.started_at < now - timedelta(days=JOB_RUN_DAYS)),
        execution_options={"synchronize_session": False},
    )
    job_runs = cast(CursorResult[Any], gone).rowcount or 0  # a DELETE's result is a CursorResult
    return PruneResult(job_runs=job_runs, sign_in_throttles=prune_throttles(session, now))
