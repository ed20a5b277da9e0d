"""How far an erasure got (one row per request, source, part and step, committed per batch),
the erasure itself, and the restrictions and processing stops built on the same writers."""

from __future__ import annotations

import enum
from datetime import datetime
from typing import Any

from sqlalchemy import JSON, ForeignKey, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from dsar.core.db import Base, UTCDateTime, enum_column


class ProgressStatus(enum.StrEnum):
    PENDING = "pending"
    RUNNING = "running"  # batches are under way, or a run stopped in the middle: resume
    DONE = "done"
    FAILED = "failed"  # `error` says why; a new run tries again from `last_key`


class ErasureProgress(Base):
    """One step of an erasure (delete, anonymise, keep:<activity>) in one table or file."""

    __tablename__ = "erasure_progress"
    __table_args__ = (UniqueConstraint("request_id", "source", "part", "action"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    request_id: Mapped[int] = mapped_column(ForeignKey("request.id"))
    source: Mapped[str] = mapped_column(String(200))
    part: Mapped[str] = mapped_column(String(200))
    action: Mapped[str] = mapped_column(String(120))
    status: Mapped[ProgressStatus] = mapped_column(
        enum_column(ProgressStatus, 16), default=ProgressStatus.PENDING
    )
    rows_done: Mapped[int] = mapped_column(default=0)  # rows really changed (or kept)
    last_key: Mapped[list[Any] | None] = mapped_column(JSON)  # the batch's last primary key
    error: Mapped[str | None] = mapped_column(Text)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime)


class ErasureStatus(enum.StrEnum):
    PLANNED = "planned"  # a preview waiting for a second DPO's approval
    APPROVED = "approved"  # approved: the scheduler carries it out
    PARTIAL = "partial"  # a source failed: the report so far; a retry finishes the rest
    DONE = "done"  # every part carried out and read back
    CANCELLED = "cancelled"  # replaced by a newer plan before it was approved


class Erasure(Base):
    """One erasure of a request's subject: the plan staff saw, who planned and who approved it
    (four eyes), and what carrying it out did, part by part (`reports`)."""

    __tablename__ = "erasure"

    id: Mapped[int] = mapped_column(primary_key=True)
    request_id: Mapped[int] = mapped_column(ForeignKey("request.id"), index=True)
    scope: Mapped[list[str] | None] = mapped_column(JSON)  # category ids; None: all of them
    plans: Mapped[list[dict[str, Any]]] = mapped_column(JSON)  # ErasurePlan.to_json per source
    manual: Mapped[list[dict[str, Any]]] = mapped_column(JSON)  # {source, name, instruction}
    status: Mapped[ErasureStatus] = mapped_column(enum_column(ErasureStatus, 16))
    planned_by: Mapped[str] = mapped_column(String(320))
    planned_at: Mapped[datetime] = mapped_column(UTCDateTime)
    approved_by: Mapped[str | None] = mapped_column(String(320))
    approved_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    reports: Mapped[list[dict[str, Any]]] = mapped_column(JSON, default=list)  # PartReport
    runs: Mapped[int] = mapped_column(default=0)
    finished_at: Mapped[datetime | None] = mapped_column(UTCDateTime)


class RectificationStatus(enum.StrEnum):
    PLANNED = "planned"  # staff's mapping with the values before: nothing changed yet
    APPROVED = "approved"  # approved: the scheduler applies it
    PARTIAL = "partial"  # some items done; the rest failed or waits for a step by hand
    FAILED = "failed"  # no item could be applied; a retry tries again
    DONE = "done"  # every item applied and read back, or recorded as done by hand
    CANCELLED = "cancelled"  # replaced by a newer mapping before it was approved


class Rectification(Base):
    """One rectification (Art. 16) of a request's subject: each item the subject gave mapped
    by staff to a column and rows, the values before and the new value, who planned and
    approved it, and what applying it did per item (`reports`)."""

    __tablename__ = "rectification"

    id: Mapped[int] = mapped_column(primary_key=True)
    request_id: Mapped[int] = mapped_column(ForeignKey("request.id"), index=True)
    subject: Mapped[dict[str, str]] = mapped_column(JSON)  # lookup key -> value
    anchors: Mapped[dict[str, dict[str, list[Any]]]] = mapped_column(JSON)  # source -> anchors
    items: Mapped[list[dict[str, Any]]] = mapped_column(JSON)  # dsar.changes.rectification_plan
    status: Mapped[RectificationStatus] = mapped_column(enum_column(RectificationStatus, 16))
    planned_by: Mapped[str] = mapped_column(String(320))
    planned_at: Mapped[datetime] = mapped_column(UTCDateTime)
    approved_by: Mapped[str | None] = mapped_column(String(320))
    approved_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    reports: Mapped[list[dict[str, Any]]] = mapped_column(JSON, default=list)  # per item
    runs: Mapped[int] = mapped_column(default=0)
    finished_at: Mapped[datetime | None] = mapped_column(UTCDateTime)


class ErasureTaskKind(enum.StrEnum):
    MANUAL = "manual"  # erase by hand in a source without a connector (`ref`: the source id)
    PUBLISHED = "published"  # Art. 17(2): inform the controllers processing published data
    # (`ref`: the activity id)


class ErasureTask(Base):
    """A step of an approved erasure that staff do by hand and close with what they did (and
    optionally evidence): a manual source's erasure, or the Art. 17(2) information."""

    __tablename__ = "erasure_task"
    __table_args__ = (UniqueConstraint("erasure_id", "kind", "ref"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    erasure_id: Mapped[int] = mapped_column(ForeignKey("erasure.id"), index=True)
    request_id: Mapped[int] = mapped_column(ForeignKey("request.id"), index=True)
    kind: Mapped[ErasureTaskKind] = mapped_column(enum_column(ErasureTaskKind, 16))
    ref: Mapped[str] = mapped_column(String(64))
    title: Mapped[str] = mapped_column(String(200))
    instruction: Mapped[str] = mapped_column(Text)  # exact, built from the register
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)
    done_by: Mapped[str | None] = mapped_column(String(320))
    done_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    note: Mapped[str | None] = mapped_column(Text)  # what was done, as staff recorded it
    evidence_file_id: Mapped[int | None] = mapped_column(ForeignKey("stored_file.id"))

    @property
    def done(self) -> bool:
        return self.done_at is not None


class RestrictionStatus(enum.StrEnum):
    PLACING = "placing"  # placed by staff: the scheduler marks the subject's rows
    PARTIAL = "partial"  # a source failed: the report so far; a retry finishes the rest
    ACTIVE = "active"  # every mark dsar writes was set and read back
    LIFTING = "lifting"  # the Art. 18(3) notice was sent: the scheduler removes the marks
    LIFT_PARTIAL = "lift_partial"  # removing a mark failed somewhere: retry
    LIFTED = "lifted"  # every mark dsar wrote was removed and read back


class Restriction(Base):
    """One restriction of a request's subject (Art. 18): its ground and end condition, the
    marks dsar sets (`plans`) and the by-hand steps staff record (`manual`), then its lifting
    after the Art. 18(3) notice (`lift_plans`)."""

    __tablename__ = "restriction"

    id: Mapped[int] = mapped_column(primary_key=True)
    request_id: Mapped[int] = mapped_column(ForeignKey("request.id"), index=True)
    ground: Mapped[str] = mapped_column(String(16))  # 18.1.a .. 18.1.d
    end_condition: Mapped[str] = mapped_column(Text)  # "until the accuracy is verified"
    sources: Mapped[list[str] | None] = mapped_column(JSON)  # source ids; None: all of them
    plans: Mapped[list[dict[str, Any]]] = mapped_column(JSON)  # ErasurePlan.to_json (restrict)
    # {source, part, name, instruction, rows, restricted_by, restricted_at, lifted_by, lifted_at}
    manual: Mapped[list[dict[str, Any]]] = mapped_column(JSON)
    status: Mapped[RestrictionStatus] = mapped_column(enum_column(RestrictionStatus, 16))
    placed_by: Mapped[str] = mapped_column(String(320))
    placed_at: Mapped[datetime] = mapped_column(UTCDateTime)
    reports: Mapped[list[dict[str, Any]]] = mapped_column(JSON, default=list)  # PartReport
    runs: Mapped[int] = mapped_column(default=0)
    active_at: Mapped[datetime | None] = mapped_column(UTCDateTime)  # the marks read back
    lift_by: Mapped[str | None] = mapped_column(String(320))
    lift_at: Mapped[datetime | None] = mapped_column(UTCDateTime)  # staff asked to lift it
    lift_plans: Mapped[list[dict[str, Any]] | None] = mapped_column(JSON)
    lift_reports: Mapped[list[dict[str, Any]] | None] = mapped_column(JSON)
    lifted_at: Mapped[datetime | None] = mapped_column(UTCDateTime)


class StopStatus(enum.StrEnum):
    APPROVED = "approved"  # confirmed by staff: the scheduler stops the activities
    PARTIAL = "partial"  # a source failed: the report so far; a retry finishes the rest
    DONE = "done"  # every stop rule carried out and read back
    CONTINUED = "continued"  # an objection under Art. 21(1) not upheld: nothing changes


class ProcessingStop(Base):
    """Activities stopped for a request's subject: consent withdrawn (Art. 7(3)) or an
    objection (Art. 21), with the assessment that decided it and what the stop rules did."""

    __tablename__ = "processing_stop"

    id: Mapped[int] = mapped_column(primary_key=True)
    request_id: Mapped[int] = mapped_column(ForeignKey("request.id"), index=True)
    basis: Mapped[str] = mapped_column(String(16))  # 7.3, 21.2 (direct marketing), 21.1
    activities: Mapped[list[str]] = mapped_column(JSON)  # activity ids
    outcome: Mapped[str] = mapped_column(String(16))  # stopped | continued
    grounds: Mapped[str | None] = mapped_column(Text)  # continued: the compelling grounds
    plans: Mapped[list[dict[str, Any]]] = mapped_column(JSON)  # ErasurePlan.to_json (stop)
    manual: Mapped[list[dict[str, Any]]] = mapped_column(JSON)  # activities without a rule
    status: Mapped[StopStatus] = mapped_column(enum_column(StopStatus, 16))
    decided_by: Mapped[str] = mapped_column(String(320))
    decided_at: Mapped[datetime] = mapped_column(UTCDateTime)
    reports: Mapped[list[dict[str, Any]]] = mapped_column(JSON, default=list)
    runs: Mapped[int] = mapped_column(default=0)
    finished_at: Mapped[datetime | None] = mapped_column(UTCDateTime)  # it took effect
