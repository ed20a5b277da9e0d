"""Uploaded documents and generated exports: encrypted blobs on disk, described here."""

from __future__ import annotations

import enum
from datetime import datetime

from sqlalchemy import ForeignKey, String
from sqlalchemy.orm import Mapped, mapped_column

from dsar.core.db import Base, UTCDateTime, enum_column


class FilePurpose(enum.StrEnum):
    IDENTITY_DOCUMENT = "identity_document"
    SUPPORTING_DOCUMENT = "supporting_document"
    ORIGINAL_REQUEST = "original_request"  # the letter or e-mail a manual request came in
    EXPORT = "export"
    LETTER = "letter"
    EVIDENCE = "evidence"  # what staff attach when they close a manual search
    INBOUND_MAIL = "inbound_mail"  # a message read from a controller's mailbox (dsar/mailbox)
    EXTRACT = "extract"  # a manual source's data for the subject's copy (staff or system owner)
    MESSAGE = "message"  # attached to a message in the request's thread (dsar/messages)
    AUTHORITY_PROOF = "authority_proof"  # a representative's power of attorney, birth certificate


class StoredFile(Base):
    __tablename__ = "stored_file"

    id: Mapped[int] = mapped_column(primary_key=True)
    request_id: Mapped[int | None] = mapped_column(ForeignKey("request.id"), index=True)
    purpose: Mapped[FilePurpose] = mapped_column(enum_column(FilePurpose))
    filename: Mapped[str] = mapped_column(String(255))
    storage_path: Mapped[str] = mapped_column(String(1000))
    sha256: Mapped[str] = mapped_column(String(64))
    content_type: Mapped[str] = mapped_column(String(100))
    size: Mapped[int]
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)
    delete_after: Mapped[datetime | None] = mapped_column(UTCDateTime, index=True)
    deleted_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
