"""Retention: uploaded documents and exports past their date, closed requests past the period.

Also the housekeeping of tables that would otherwise only grow: job runs, sign-in counters,
and of the file store: blobs that no row holds (dsar/jobs/orphans.py).

A closed request is purged (dsar/jobs/purge.py) with its whole record: keeping the trail would
keep the personal data the retention period exists to remove. What stays is one anonymous
PurgedRequestStatistic row per request and the JobRun of the purge.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any, cast

from sqlalchemy import CursorResult, delete, select
from sqlalchemy.orm import Session

from dsar.accounts.throttle import prune_throttles
from dsar.config import Settings
from dsar.files.models import FilePurpose, StoredFile
from dsar.files.storage import FileStore
from dsar.jobs.models import JobRun
from dsar.jobs.orphans import remove_orphan_blobs
from dsar.jobs.purge import PurgeResult, purge_requests
from dsar.requests.deadlines.legal_calendar import add_months
from dsar.requests.models import Request
from dsar.requests.workflow import CLOSED_STATUSES

log = logging.getLogger(__name__)

DELETED_PURPOSES = (
    FilePurpose.IDENTITY_DOCUMENT,
    FilePurpose.SUPPORTING_DOCUMENT,
    FilePurpose.AUTHORITY_PROOF,
    FilePurpose.EXPORT,
)
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


def purge_closed_requests(session: Session, settings: Settings, now: datetime) -> PurgeResult:
    """Purge requests closed before the retention cutoff, keeping one anonymous statistic each."""
    cutoff = retention_cutoff(now, settings.retention_years)
    closed = (Request.status.in_(CLOSED_STATUSES), Request.closed_at < cutoff)
    result = purge_requests(session, settings, now, *closed)
    if result.purged:
        log.info("purged %d requests closed before %s", result.purged, cutoff.date().isoformat())
    return result


@dataclass
class DailyPurgeResult:
    purged: int = 0
    files: int = 0
    orphan_blobs: int = 0  # blobs on disk without a row (a killed worker's upload)


def daily_purge(session: Session, settings: Settings, now: datetime) -> DailyPurgeResult:
    """The daily `purge_requests` job: closed requests past retention, then the file store's
    blobs that no row holds (dsar/jobs/orphans.py)."""
    purged = purge_closed_requests(session, settings, now)
    orphans = remove_orphan_blobs(session, FileStore.from_settings(settings), now)
    return DailyPurgeResult(purged.purged, purged.files, orphans)


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
