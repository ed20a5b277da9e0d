"""A redaction job per source document, and each redaction staff decided on, with its reason."""

from __future__ import annotations

import enum
from datetime import datetime

from sqlalchemy import ForeignKey, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from dsar.core.db import Base, UTCDateTime, enum_column
from dsar.files.models import StoredFile


class RedactionReason(enum.StrEnum):
    THIRD_PARTY = "third_party"  # another person's data (Art. 15(4))
    TRADE_SECRET = "trade_secret"  # noqa: S105 - a reason, not a password
    OTHER = "other"  # described in the free text


class RedactionJob(Base):
    """The redaction of one document (an extract): its original and, once applied, its copy.

    While `pending`, redactions were added or removed since the copy was made (or none was
    made yet): the export refuses to take the document until they are applied.
    """

    __tablename__ = "redaction_job"

    id: Mapped[int] = mapped_column(primary_key=True)
    request_id: Mapped[int] = mapped_column(ForeignKey("request.id"), index=True)
    original_file_id: Mapped[int] = mapped_column(ForeignKey("stored_file.id"), unique=True)
    redacted_file_id: Mapped[int | None] = mapped_column(ForeignKey("stored_file.id"))
    pending: Mapped[bool] = mapped_column(default=True)
    created_by: Mapped[str] = mapped_column(String(320))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)
    applied_by: Mapped[str | None] = mapped_column(String(320))
    applied_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    original: Mapped[StoredFile] = relationship(foreign_keys=[original_file_id])
    redacted: Mapped[StoredFile | None] = relationship(foreign_keys=[redacted_file_id])
    redactions: Mapped[list[Redaction]] = relationship(
        back_populates="job", order_by="Redaction.id", cascade="all, delete-orphan"
    )


class Redaction(Base):
    """An area on a page, or a search term on every page, removed for a reason."""

    __tablename__ = "redaction"

    id: Mapped[int] = mapped_column(primary_key=True)
    job_id: Mapped[int] = mapped_column(ForeignKey("redaction_job.id"), index=True)
    page: Mapped[int | None]  # 0-based; None for a search term
    x0: Mapped[float | None]  # the area in PDF points, origin top left
    y0: Mapped[float | None]
    x1: Mapped[float | None]
    y1: Mapped[float | None]
    # What to search for; kept only to apply it again, never written to the audit trail.
    term: Mapped[str | None] = mapped_column(String(200))
    matches: Mapped[int] = mapped_column(default=0)  # areas covered when last counted
    reason: Mapped[RedactionReason] = mapped_column(enum_column(RedactionReason))
    reason_text: Mapped[str] = mapped_column(Text, default="")
    added_by: Mapped[str] = mapped_column(String(320))
    added_at: Mapped[datetime] = mapped_column(UTCDateTime)

    job: Mapped[RedactionJob] = relationship(back_populates="redactions")
