"""A lookup key the requester typed (a customer number, say): a claim until it is verified.

Only the confirmed e-mail address and verified keys find a subject's data (docs/lookup-keys.md).
"""

from __future__ import annotations

import enum
from datetime import datetime

from sqlalchemy import ForeignKey, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from dsar.core.db import Base, UTCDateTime, enum_column


class ClaimState(enum.StrEnum):
    UNVERIFIED = "unverified"  # not used to find data; blocks the answer until resolved
    VERIFIED = "verified"  # tied to the subject by `method`: searched like the e-mail
    SET_ASIDE = "set_aside"  # answered without it (reason in `detail`): never searched
    NOT_FOUND = "not_found"  # the automated sources hold nothing under it, and there is no other


class ClaimMethod(enum.StrEnum):
    ROW_CARRIES_EMAIL = "row_carries_email"  # the record found by the key has the confirmed e-mail
    CODE_TO_CONTACT_ON_FILE = "code_to_contact_on_file"  # a code sent to the e-mail on file
    DOCUMENT_COMPARED = "document_compared"  # the DPO compared a document (what: `detail`)


class LookupClaim(Base):
    """One typed lookup key of a request, its verification, and a pending one-time code."""

    __tablename__ = "lookup_claim"
    __table_args__ = (UniqueConstraint("request_id", "key"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    request_id: Mapped[int] = mapped_column(ForeignKey("request.id"), index=True)
    key: Mapped[str] = mapped_column(String(64))
    value: Mapped[str] = mapped_column(String(200))
    state: Mapped[ClaimState] = mapped_column(enum_column(ClaimState))
    method: Mapped[ClaimMethod | None] = mapped_column(enum_column(ClaimMethod))
    detail: Mapped[str | None] = mapped_column(Text)  # how it was verified, or why set aside
    finding: Mapped[str | None] = mapped_column(Text)  # what the last automated check saw
    # The last check found records under the key not tied to the confirmed e-mail address:
    # only a code to the address on file or the DPO's document check can verify it now.
    conflict: Mapped[bool] = mapped_column(default=False)
    decided_by: Mapped[str | None] = mapped_column(String(320))
    decided_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    code_hash: Mapped[str | None] = mapped_column(String(64))
    code_sent_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    code_expires_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    code_attempts: Mapped[int] = mapped_column(default=0)  # wrong entries of the current code
    codes_sent: Mapped[int] = mapped_column(default=0)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)

    @property
    def resolved(self) -> bool:
        return self.state is not ClaimState.UNVERIFIED
