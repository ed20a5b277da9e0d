"""Answering access and portability: searches of the sources, exclusions, manual tasks, exports."""

from __future__ import annotations

import enum
from datetime import datetime
from typing import Any

from sqlalchemy import JSON, ColumnElement, ForeignKey, String, Text, UniqueConstraint, and_
from sqlalchemy.orm import Mapped, mapped_column, relationship

from dsar.core.db import Base, UTCDateTime, enum_column
from dsar.files.models import StoredFile


class FindingStatus(enum.StrEnum):
    FOUND = "found"  # a table or file was searched (count may be 0)
    UNREACHABLE = "unreachable"  # the source could not be reached: blocks the export
    MISMATCH = "mismatch"  # the register does not fit the source: blocks the export
    MANUAL = "manual"  # a system without connector: a manual task


class SearchRun(Base):
    """One search of every source for a request's subject, with the register version it used."""

    __tablename__ = "search_run"

    id: Mapped[int] = mapped_column(primary_key=True)
    request_id: Mapped[int] = mapped_column(ForeignKey("request.id"), index=True)
    register_sha256: Mapped[str | None] = mapped_column(String(64))
    actor: Mapped[str] = mapped_column(String(320))
    started_at: Mapped[datetime] = mapped_column(UTCDateTime)
    finished_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    findings: Mapped[list[SearchFinding]] = relationship(
        back_populates="run", order_by="SearchFinding.id", cascade="all, delete-orphan"
    )

    @property
    def blocked(self) -> bool:
        """A source was unreachable or did not match the register: no export from this run."""
        return any(
            f.status in (FindingStatus.UNREACHABLE, FindingStatus.MISMATCH) for f in self.findings
        )


class SearchFinding(Base):
    """What one table or file held about the subject (count and a small sample), or why not."""

    __tablename__ = "search_finding"

    id: Mapped[int] = mapped_column(primary_key=True)
    run_id: Mapped[int] = mapped_column(ForeignKey("search_run.id"), index=True)
    source_id: Mapped[str] = mapped_column(String(64))
    part: Mapped[str | None] = mapped_column(String(128))  # table or file; None: whole source
    status: Mapped[FindingStatus] = mapped_column(enum_column(FindingStatus))
    row_count: Mapped[int] = mapped_column(default=0)
    columns: Mapped[list[str]] = mapped_column(JSON, default=list)
    key_columns: Mapped[list[str]] = mapped_column(JSON, default=list)
    categories: Mapped[list[str]] = mapped_column(JSON, default=list)
    sample: Mapped[list[dict[str, Any]]] = mapped_column(JSON, default=list)
    message: Mapped[str | None] = mapped_column(Text)
    # Register recipients this subject's rows went to (the part's `disclosures`), and values
    # of its disclosure column the register does not map to a recipient (a letter then asks).
    recipients: Mapped[list[str]] = mapped_column(JSON, default=list)
    unmapped_recipients: Mapped[list[str]] = mapped_column(JSON, default=list)

    run: Mapped[SearchRun] = relationship(back_populates="findings")


class ExclusionReason(enum.StrEnum):
    """Why a row or field is left out of a copy (Art. 15(4): others' rights and freedoms)."""

    THIRD_PARTY = "third_party"  # personal data of another person
    CONFIDENTIAL = "confidential"  # another person's confidential communication
    INTELLECTUAL_PROPERTY = "intellectual_property"  # trade secrets, copyright (Recital 63)
    NOT_SUBJECT = "not_subject"  # wrongly matched: not about the requester at all
    OTHER = "other"  # said in the free text


class Exclusion(Base):
    """A row, or one field of a row, staff left out of the answer, with the reason."""

    __tablename__ = "exclusion"
    __table_args__ = (UniqueConstraint("request_id", "source_id", "part", "row_key", "field"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    request_id: Mapped[int] = mapped_column(ForeignKey("request.id"), index=True)
    source_id: Mapped[str] = mapped_column(String(64))
    part: Mapped[str] = mapped_column(String(128))
    row_key: Mapped[str] = mapped_column(String(200))
    field: Mapped[str] = mapped_column(String(128), default="", server_default="")  # "": the row
    reason_code: Mapped[ExclusionReason] = mapped_column(
        enum_column(ExclusionReason),
        default=ExclusionReason.THIRD_PARTY,
        server_default=ExclusionReason.THIRD_PARTY.value,
    )
    reason: Mapped[str] = mapped_column(Text)
    actor: Mapped[str] = mapped_column(String(320))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)


class ManualOutcome(enum.StrEnum):
    FOUND = "found"  # the task's findings are what the source holds about the subject
    NOTHING_FOUND = "nothing_found"  # an explicit answer, never a default


class ManualTask(Base):
    """A source without a connector: staff search it by hand and record what they did."""

    __tablename__ = "manual_task"
    __table_args__ = (UniqueConstraint("request_id", "source_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    request_id: Mapped[int] = mapped_column(ForeignKey("request.id"), index=True)
    source_id: Mapped[str] = mapped_column(String(64))
    source_name: Mapped[str] = mapped_column(String(200))
    instructions: Mapped[str] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)
    done_by: Mapped[str | None] = mapped_column(String(320))
    done_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    note: Mapped[str | None] = mapped_column(Text)
    evidence_file_id: Mapped[int | None] = mapped_column(ForeignKey("stored_file.id"))
    # Set when the task is done: what the search of this source came to (issue 18).
    outcome: Mapped[ManualOutcome | None] = mapped_column(enum_column(ManualOutcome))

    evidence_file: Mapped[StoredFile | None] = relationship()


# Manual findings (dsar/fulfilment/manual_findings.py): what staff or a system owner found.


class ManualFinding(Base):
    """One entry of a manual source: a category, a description, and rows typed or an extract."""

    __tablename__ = "manual_finding"

    id: Mapped[int] = mapped_column(primary_key=True)
    request_id: Mapped[int] = mapped_column(ForeignKey("request.id"), index=True)
    task_id: Mapped[int] = mapped_column(ForeignKey("manual_task.id"), index=True)
    category: Mapped[str] = mapped_column(String(64))
    description: Mapped[str] = mapped_column(Text)
    rows: Mapped[list[dict[str, Any]]] = mapped_column(JSON, default=list)
    file_id: Mapped[int | None] = mapped_column(ForeignKey("stored_file.id"))
    added_by: Mapped[str] = mapped_column(String(320))
    added_at: Mapped[datetime] = mapped_column(UTCDateTime)

    file: Mapped[StoredFile | None] = relationship()


class ManualUploadLink(Base):
    """A single-use, expiring link through which a system owner supplies a source's findings."""

    __tablename__ = "manual_upload_link"

    id: Mapped[int] = mapped_column(primary_key=True)
    request_id: Mapped[int] = mapped_column(ForeignKey("request.id"), index=True)
    task_id: Mapped[int] = mapped_column(ForeignKey("manual_task.id"), index=True)
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    owner_email: Mapped[str] = mapped_column(String(320))
    created_by: Mapped[str] = mapped_column(String(320))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)
    expires_at: Mapped[datetime] = mapped_column(UTCDateTime)
    used_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    owner_found_nothing: Mapped[bool | None]  # the owner's answer, for staff to complete the task
    owner_note: Mapped[str | None] = mapped_column(Text)


class ExportKind(enum.StrEnum):
    ACCESS = "access"  # Art. 15
    PORTABILITY = "portability"  # Art. 20


class LinkEnd(enum.StrEnum):
    """Why an export's download link was ended before it expired (docs/download-links.md)."""

    SUPERSEDED = "superseded"  # a newer export of the request was built
    WITHDRAWN = "withdrawn"  # the request was withdrawn
    REFUSED = "refused"  # the request was refused (Art. 12(5))
    IDENTITY_FAILED = "identity_failed"  # the subject could not be identified (Art. 11(2))
    MERGED = "merged"  # merged into another request of the subject, which carries the answer
    STAFF = "staff"  # revoked by staff on the request's data page


class Export(Base):
    """A built export ZIP (encrypted at rest) and the subject's download token for it."""

    __tablename__ = "export"

    id: Mapped[int] = mapped_column(primary_key=True)
    request_id: Mapped[int] = mapped_column(ForeignKey("request.id"), index=True)
    search_run_id: Mapped[int | None] = mapped_column(ForeignKey("search_run.id"))
    kind: Mapped[ExportKind] = mapped_column(enum_column(ExportKind))
    file_id: Mapped[int] = mapped_column(ForeignKey("stored_file.id"))
    row_count: Mapped[int] = mapped_column(default=0)
    created_by: Mapped[str] = mapped_column(String(320))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    expires_at: Mapped[datetime] = mapped_column(UTCDateTime)
    password_hash: Mapped[str | None] = mapped_column(String(200))
    # What the ZIP holds, for the letters: [{name, part, rows, categories}] per data file.
    contents: Mapped[list[dict[str, Any]] | None] = mapped_column(JSON)
    # Counted by one UPDATE per download (dsar/fulfilment/delivery.py), never read and written.
    download_count: Mapped[int] = mapped_column(default=0)
    last_download_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    revoked_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    revoked_reason: Mapped[LinkEnd | None] = mapped_column(enum_column(LinkEnd))
    revoked_by: Mapped[str | None] = mapped_column(String(320))

    file: Mapped[StoredFile] = relationship()

    @staticmethod
    def live_at(now: datetime) -> ColumnElement[bool]:
        """Its download link still works at `now`: neither ended nor expired."""
        return and_(Export.revoked_at.is_(None), Export.expires_at > now)


class TransmissionStatus(enum.StrEnum):
    QUEUED = "queued"  # staff asked; the send_transmissions job posts it after the commit
    SENT = "sent"  # the receiver answered (any HTTP status, recorded)
    FAILED = "failed"  # refused address or no connection: staff may queue it again


class Transmission(Base):
    """A portability export to be sent to another controller (Art. 20(2)), and its outcome.

    The POST is made by a job after the staff request's commit, never inside it: a remote call
    must not happen in a transaction that could still roll back.
    """

    __tablename__ = "transmission"

    id: Mapped[int] = mapped_column(primary_key=True)
    request_id: Mapped[int] = mapped_column(ForeignKey("request.id"), index=True)
    export_id: Mapped[int] = mapped_column(ForeignKey("export.id"))
    url: Mapped[str] = mapped_column(String(500))
    actor: Mapped[str] = mapped_column(String(320))
    status: Mapped[TransmissionStatus] = mapped_column(enum_column(TransmissionStatus))
    http_status: Mapped[int | None]
    answer: Mapped[str | None] = mapped_column(Text)  # the answer's start, or the error
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)
    finished_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
