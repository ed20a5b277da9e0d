"""The purge of requests: each goes with its whole record, one anonymous statistic stays.

Both purging jobs use it: the retention purge of closed requests (dsar/jobs/retention.py) and
the early purge of requests that expired unconfirmed (dsar/jobs/expiry.py). The events and
their hash chain, files, mail and every other row that references a request go with it:
keeping the trail would keep the personal data the purge exists to remove. What stays is one
anonymous PurgedRequestStatistic row per request.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import ColumnElement, Select, Table, delete, inspect, select, update
from sqlalchemy.orm import Session, selectinload

from dsar.audit.checkpoint import record_purged
from dsar.config import Settings
from dsar.core.db import Base, table_of
from dsar.files.models import StoredFile
from dsar.files.storage import FileStore
from dsar.jobs.models import PurgedRequestStatistic
from dsar.requests.deadlines.legal_calendar import date_in
from dsar.requests.models import Request

PURGE_BATCH = 1000
# Rows that must outlive a purged request: its link is cut instead (the deletion still runs).
DETACHED_TABLES = frozenset({"planned_deletion", "suppression_entry", "erasure_tombstone"})


@dataclass
class PurgeResult:
    purged: int = 0
    files: int = 0  # file rows that went with them


def purge_requests(
    session: Session, settings: Settings, now: datetime, *where: ColumnElement[bool]
) -> PurgeResult:
    """Purge the first PURGE_BATCH requests (by id) that match `where`, with their whole record;
    one anonymous statistic stays for each."""
    requests = (
        session.execute(
            select(Request)
            .where(*where)
            .order_by(Request.id)
            .limit(PURGE_BATCH)
            .options(selectinload(Request.controller))
        )
        .scalars()
        .all()
    )
    if not requests:
        return PurgeResult()
    files = _purge(session, FileStore.from_settings(settings), requests, now)
    return PurgeResult(purged=len(requests), files=files)


def _purge(session: Session, store: FileStore, requests: Sequence[Request], now: datetime) -> int:
    """Delete `requests` with their whole record, one anonymous statistic left for each.

    Returns how many file rows went with them. The requests' controllers must be loaded.
    """
    ids = [request.id for request in requests]
    session.add_all(statistic_of(request, now) for request in requests)
    record_purged(session, requests, now)  # the signed checkpoint lets them go
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
    # A request merged into a doomed one stays (its own retention runs); its link goes.
    session.execute(
        update(Request).where(Request.merged_into_id.in_(doomed)).values(merged_into_id=None),
        execution_options={"synchronize_session": False},
    )
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
    timezone = request.controller.timezone
    received = date_in(request.received_at, timezone) if request.received_at else None
    closed = date_in(request.closed_at, timezone) if request.closed_at else None
    answered = date_in(request.answered_at, timezone) if request.answered_at else None
    due = request.effective_due_date
    return PurgedRequestStatistic(
        controller_id=request.controller_id,
        type=request.type,
        channel=request.channel,
        received_month=f"{received:%Y-%m}" if received else None,
        outcome=request.status,
        extended=request.extended_due_date is not None,
        # The day the answer was sent counts, not the day the request was closed.
        answered_in_time=(answered <= due) if (answered and due) else None,
        days_to_close=(closed - received).days if (closed and received) else None,
        purged_at=now,
    )
