"""A data-subject request and its append-only event trail."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date, datetime
from typing import TYPE_CHECKING, Any

from sqlalchemy import (
    JSON,
    ColumnElement,
    ForeignKey,
    Index,
    String,
    Text,
    UniqueConstraint,
    func,
    literal_column,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from dsar.accounts.models import StaffUser
from dsar.audit.chain import GENESIS, PLAIN
from dsar.controllers.models import Controller
from dsar.core.db import Base, UTCDateTime, enum_column
from dsar.requests.workflow import Channel, RequestType, Status, Verification

if TYPE_CHECKING:
    from dsar.representatives.models import Representation


class Request(Base):
    __tablename__ = "request"
    __table_args__ = (
        Index("ix_request_status_due_date", "status", "due_date"),
        # The reminder scan reads extended requests by their extended date (dsar/jobs/reminders.py).
        Index("ix_request_status_extended_due_date", "status", "extended_due_date"),
        Index("ix_request_controller_id_status", "controller_id", "status"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    controller_id: Mapped[int] = mapped_column(ForeignKey("controller.id"))
    reference: Mapped[str | None] = mapped_column(String(32), unique=True)
    type: Mapped[RequestType] = mapped_column(enum_column(RequestType))
    status: Mapped[Status] = mapped_column(enum_column(Status))
    channel: Mapped[Channel] = mapped_column(enum_column(Channel))
    language: Mapped[str] = mapped_column(String(8))
    received_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    due_date: Mapped[date | None]
    extended_due_date: Mapped[date | None]
    extension_reason: Mapped[str | None] = mapped_column(Text)
    subject_name: Mapped[str] = mapped_column(String(200))
    subject_email: Mapped[str | None] = mapped_column(String(320), index=True)
    subject_address: Mapped[str | None] = mapped_column(Text)
    subject_phone: Mapped[str | None] = mapped_column(String(64))
    details: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    verification: Mapped[Verification] = mapped_column(
        enum_column(Verification), default=Verification.UNVERIFIED
    )
    assignee_id: Mapped[int | None] = mapped_column(ForeignKey("staff_user.id"), index=True)
    status_token_hash: Mapped[str | None] = mapped_column(String(64), unique=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime)
    closed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    # When the final letter reached the subject (outbox delivered, or posted): the answer date.
    answered_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    # Status.MERGED: the request whose answer answers this one too (dsar/requests/merging.py).
    merged_into_id: Mapped[int | None] = mapped_column(ForeignKey("request.id"), index=True)
    # The head of the audit chain: appending an event needs no query for its predecessor.
    event_seq: Mapped[int] = mapped_column(default=0, server_default="0")
    chain_head: Mapped[str] = mapped_column(String(64), default=GENESIS, server_default=GENESIS)
    # Bumped by every ORM update; staff forms carry it, so a stale form is refused (dsar/staff).
    version: Mapped[int] = mapped_column(default=1, server_default="1")

    __mapper_args__ = {"version_id_col": version}

    controller: Mapped[Controller] = relationship()
    assignee: Mapped[StaffUser | None] = relationship()
    merged_into: Mapped[Request | None] = relationship(remote_side="Request.id")
    events: Mapped[list[RequestEvent]] = relationship(
        back_populates="request", order_by="RequestEvent.seq", viewonly=True
    )
    # Asked on someone else's behalf (dsar/representatives): the representative and the checks.
    representation: Mapped[Representation | None] = relationship(back_populates="request")

    @property
    def effective_due_date(self) -> date | None:
        """The date the answer is due now: the extended date once the request was extended."""
        return self.extended_due_date or self.due_date

    def __repr__(self) -> str:
        return f"<Request {self.reference} {self.type.value} {self.status.value}>"


# The staff queue: open requests by their effective due date, read from the index alone.
Index(
    "ix_request_status_effective_due",
    Request.status,
    func.coalesce(Request.extended_due_date, Request.due_date),
    Request.id,
)


def status_in(statuses: Iterable[Status]) -> ColumnElement[bool]:
    """`status IN ('new', ...)` with the values written into the SQL, in a fixed order.

    A partial index on the same term is then usable: SQLite matches the query's terms to the
    index's literally, and PostgreSQL proves the match only for values it can see (a bound
    parameter in a generic prepared plan hides them).
    """
    values = sorted(status.value for status in statuses)
    return Request.__table__.c.status.in_([literal_column(f"'{value}'") for value in values])


WORKING = status_in(s for s in Status if s.clock_running)
OPEN = status_in(s for s in Status if s.is_open)

# The default queue (received, still open) in due order, without reading closed requests:
# 100,000 closed rows do not slow a page of 50 open ones (benchmarks/queue.py).
Index(
    "ix_request_working_due",
    func.coalesce(Request.extended_due_date, Request.due_date),
    Request.id,
    sqlite_where=WORKING,
    postgresql_where=WORKING,
)
# The queue's counts per open status, for every visibility rule (assignee, controller).
Index(
    "ix_request_open_status",
    Request.status,
    Request.assignee_id,
    Request.controller_id,
    sqlite_where=OPEN,
    postgresql_where=OPEN,
)

# The same subject's other requests (dsar/requests/repeats.py): the address as lower-cased.
Index("ix_request_subject_email_lower", func.lower(Request.subject_email))


class RequestEvent(Base):
    """One action on a request; rows are only ever inserted, and each hashes its predecessor."""

    __tablename__ = "request_event"
    __table_args__ = (UniqueConstraint("request_id", "seq"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    request_id: Mapped[int] = mapped_column(ForeignKey("request.id"))
    seq: Mapped[int]
    action: Mapped[str] = mapped_column(String(64))
    actor: Mapped[str] = mapped_column(String(320))
    payload: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)
    prev_hash: Mapped[str] = mapped_column(String(64))
    hash: Mapped[str] = mapped_column(String(64))
    # KEYED (HMAC-SHA256) for every new event; PLAIN on those stored before keying began.
    hash_scheme: Mapped[str] = mapped_column(String(16), server_default=PLAIN)

    request: Mapped[Request] = relationship(back_populates="events")


SAVED_VIEW_NAME_MAX = 60


class SavedView(Base):
    """Queue filters a staff member saved under a name (dsar/requests/saved_views.py)."""

    __tablename__ = "saved_view"
    __table_args__ = (UniqueConstraint("staff_id", "name"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    staff_id: Mapped[int] = mapped_column(ForeignKey("staff_user.id", ondelete="CASCADE"))
    name: Mapped[str] = mapped_column(String(SAVED_VIEW_NAME_MAX))
    query: Mapped[str] = mapped_column(String(1000))  # the filters as a URL query string
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)
