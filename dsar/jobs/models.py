"""What the jobs did and still have to do: runs, planned deletions, purge statistics."""

from __future__ import annotations

import enum
from datetime import date, datetime
from typing import Any

from sqlalchemy import JSON, ForeignKey, Index, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from dsar.core.db import Base, UTCDateTime, enum_column
from dsar.requests.workflow import Channel, RequestType, Status


class JobRun(Base):
    """One run of one job: `dsar jobs status` reads the last one; the truth stays in the rows."""

    __tablename__ = "job_run"
    __table_args__ = (Index("ix_job_run_job_started_at", "job", "started_at"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    job: Mapped[str] = mapped_column(String(64))
    instance: Mapped[str] = mapped_column(String(200))
    started_at: Mapped[datetime] = mapped_column(UTCDateTime)
    finished_at: Mapped[datetime] = mapped_column(UTCDateTime)
    outcome: Mapped[str] = mapped_column(String(16))  # "ok" or "error"
    counts: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    error: Mapped[str | None] = mapped_column(Text)


class DeletionStatus(enum.StrEnum):
    PLANNED = "planned"  # blocked under a statutory retention period (Art. 17(3)(b))
    DUE = "due"  # the period ended; no executor can delete it: staff must (listed in the digest)
    DONE = "done"


class PlannedDeletion(Base):
    """Data kept (restricted) only because a law says so, to be deleted when that period ends.

    The erasure feature fills this table; the retention job carries rows out once
    `blocked_until` (the last day the data must be kept) has passed.
    """

    __tablename__ = "planned_deletion"
    __table_args__ = (Index("ix_planned_deletion_status_blocked_until", "status", "blocked_until"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    controller_id: Mapped[int] = mapped_column(ForeignKey("controller.id"))
    # Nullable: the deletion outlives a purged request.
    request_id: Mapped[int | None] = mapped_column(ForeignKey("request.id"), index=True)
    kind: Mapped[str] = mapped_column(String(64))  # selects the executor, e.g. "sql_rows"
    source: Mapped[str] = mapped_column(String(200))  # data source name from the register
    target: Mapped[str] = mapped_column(String(200))  # table, folder or system
    record_key: Mapped[str] = mapped_column(Text)  # which record, described for a human
    retention_rule: Mapped[str] = mapped_column(String(300))  # e.g. "HGB §257(1) Nr 4: 8 years"
    blocked_until: Mapped[date]
    status: Mapped[DeletionStatus] = mapped_column(
        enum_column(DeletionStatus, 16), default=DeletionStatus.PLANNED
    )
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)
    due_since: Mapped[datetime | None] = mapped_column(UTCDateTime)
    done_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    evidence: Mapped[str | None] = mapped_column(Text)  # what the executor reports it did
    last_error: Mapped[str | None] = mapped_column(Text)


class PurgedRequestStatistic(Base):
    """What is kept of a request purged after the retention period: counts, nobody's data."""

    __tablename__ = "purged_request_statistic"

    id: Mapped[int] = mapped_column(primary_key=True)
    controller_id: Mapped[int] = mapped_column(ForeignKey("controller.id"), index=True)
    type: Mapped[RequestType] = mapped_column(enum_column(RequestType))
    channel: Mapped[Channel] = mapped_column(enum_column(Channel))
    received_month: Mapped[str | None] = mapped_column(String(7))  # "2023-04"
    outcome: Mapped[Status] = mapped_column(enum_column(Status))
    extended: Mapped[bool] = mapped_column(default=False)
    answered_in_time: Mapped[bool | None]  # None when it never had a due date (expired)
    days_to_close: Mapped[int | None]
    purged_at: Mapped[datetime] = mapped_column(UTCDateTime)
