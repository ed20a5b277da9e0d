"""A request made on someone else's behalf: who asked, for whom, with what proof, and the two
staff decisions that must both be "verified" before anything is disclosed (docs/representatives.md).
"""

from __future__ import annotations

import enum
from datetime import datetime
from typing import TYPE_CHECKING

from sqlalchemy import ForeignKey, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from dsar.core.db import Base, UTCDateTime, enum_column
from dsar.files.models import StoredFile

if TYPE_CHECKING:
    from dsar.requests.models import Request


class Relationship(enum.StrEnum):
    """How the representative stands to the data subject (docs/legal-rules.md R1-R3)."""

    PARENT = "parent"  # parent or guardian of a child: parental responsibility
    LAWYER = "lawyer"
    CARER = "carer"  # carer or other authorised person (power of attorney, court order)
    OTHER = "other"  # described in `relation_note`


class Check(enum.StrEnum):
    """One of the two decisions: still open, verified, or refused with a reason."""

    PENDING = "pending"
    VERIFIED = "verified"
    REFUSED = "refused"


class Representation(Base):
    __tablename__ = "representation"

    id: Mapped[int] = mapped_column(primary_key=True)
    request_id: Mapped[int] = mapped_column(ForeignKey("request.id"), unique=True)
    # The representative: the request's contact (request.subject_email holds the same address,
    # confirmed by link; every letter and e-mail goes to them).
    name: Mapped[str] = mapped_column(String(200))
    email: Mapped[str | None] = mapped_column(String(320))
    relation: Mapped[Relationship] = mapped_column(enum_column(Relationship))
    relation_note: Mapped[str | None] = mapped_column(Text)
    # The subject's own contact, where the representative knows it: a claim, never searched.
    subject_email: Mapped[str | None] = mapped_column(String(320))
    subject_address: Mapped[str | None] = mapped_column(Text)
    proof_file_id: Mapped[int | None] = mapped_column(ForeignKey("stored_file.id"))
    identity: Mapped[Check] = mapped_column(enum_column(Check), default=Check.PENDING)
    identity_by: Mapped[str | None] = mapped_column(String(320))
    identity_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    identity_note: Mapped[str | None] = mapped_column(Text)
    authority: Mapped[Check] = mapped_column(enum_column(Check), default=Check.PENDING)
    authority_by: Mapped[str | None] = mapped_column(String(320))
    authority_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    authority_note: Mapped[str | None] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)

    request: Mapped[Request] = relationship(back_populates="representation")
    proof_file: Mapped[StoredFile | None] = relationship()

    @property
    def cleared(self) -> bool:
        """Both decisions taken and both verified: only then may the subject's data go out."""
        return self.identity is Check.VERIFIED and self.authority is Check.VERIFIED
