"""A response letter: editable while a draft, frozen (rendered, hashed, stored) once approved."""

from __future__ import annotations

import enum
from datetime import date, datetime
from typing import Any

from sqlalchemy import (
    JSON,
    ColumnElement,
    ForeignKey,
    String,
    Text,
    UniqueConstraint,
    cast,
    event,
    inspect,
    literal,
)
from sqlalchemy.orm import Mapped, Mapper, mapped_column, relationship

from dsar.core.db import Base, UTCDateTime, enum_column
from dsar.files.models import StoredFile
from dsar.requests.models import Request


class LetterStatus(enum.StrEnum):
    DRAFT = "draft"
    APPROVED = "approved"  # frozen: rendered, hashed and stored; waits to be sent
    SENT = "sent"


# What the approval froze; after it only status (approved -> sent) and sent_at may change.
FROZEN_FIELDS = (
    "request_id",
    "type",
    "language",
    "texts",
    "details",
    "found",
    "recipient",
    "subject_line",
    "html",
    "text",
    "sha256",
    "pdf_file_id",
    "receipt",
    "approved_by",
    "approved_at",
)


class FrozenLetterError(RuntimeError):
    """An approved or sent letter was changed: the sent version must stay what was approved."""


class Letter(Base):
    __tablename__ = "letter"

    id: Mapped[int] = mapped_column(primary_key=True)
    request_id: Mapped[int] = mapped_column(ForeignKey("request.id"), index=True)
    type: Mapped[str] = mapped_column(String(32))
    language: Mapped[str] = mapped_column(String(8))
    status: Mapped[LetterStatus] = mapped_column(enum_column(LetterStatus, 16))
    texts: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)  # staff free text
    # Facts staff record on the letter's page (dates, choices): dsar/letters/fields.py.
    details: Mapped[dict[str, Any] | None] = mapped_column(JSON, default=dict)
    found: Mapped[dict[str, Any] | None] = mapped_column(JSON)  # fulfilment summary, if any
    recipient: Mapped[str | None] = mapped_column(String(320))  # where the e-mail goes
    subject_line: Mapped[str | None] = mapped_column(String(300))
    html: Mapped[str | None] = mapped_column(Text)
    text: Mapped[str | None] = mapped_column(Text)
    sha256: Mapped[str | None] = mapped_column(String(64))
    pdf_file_id: Mapped[int | None] = mapped_column(ForeignKey("stored_file.id"))
    # The signed receipt over sha256, the PDF's SHA-256 and the reference (dsar/receipts).
    receipt: Mapped[dict[str, Any] | None] = mapped_column(JSON)
    created_by: Mapped[str] = mapped_column(String(320))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime)
    approved_by: Mapped[str | None] = mapped_column(String(320))
    approved_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    sent_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    posted_on: Mapped[date | None]  # a printed letter: the day staff posted it

    request: Mapped[Request] = relationship()
    pdf_file: Mapped[StoredFile | None] = relationship()

    @property
    def frozen(self) -> bool:
        return self.status is not LetterStatus.DRAFT

    @property
    def outbox_key(self) -> str:
        """The idempotency key of the letter's e-mail in the outbox."""
        return f"letter:{self.id}"

    @classmethod
    def outbox_key_sql(cls) -> ColumnElement[str]:
        """`outbox_key` as SQL, to join letters to their outbox messages."""
        return literal("letter:").concat(cast(cls.id, String))

    def __repr__(self) -> str:
        return f"<Letter {self.id} {self.type} {self.language} {self.status.value}>"


def _committed_status(letter: Letter) -> LetterStatus | None:
    history = inspect(letter).attrs.status.history
    before = history.deleted[0] if history.deleted else letter.status
    return LetterStatus(before) if before is not None else None


@event.listens_for(Letter, "before_update")
def _refuse_changes_to_frozen(_mapper: Mapper[Letter], _connection: Any, letter: Letter) -> None:
    """The database guard behind the service's checks: a frozen letter keeps its content."""
    before = _committed_status(letter)
    if before is LetterStatus.DRAFT:
        return
    state = inspect(letter)
    changed = [name for name in FROZEN_FIELDS if state.attrs[name].history.has_changes()]
    if changed:
        raise FrozenLetterError(
            f"letter {letter.id} is {before.value if before else 'frozen'}: "
            f"{', '.join(changed)} cannot change"
        )
    if before is LetterStatus.SENT and state.attrs.status.history.has_changes():
        raise FrozenLetterError(f"letter {letter.id} was sent: its status cannot change")
    if before is LetterStatus.APPROVED and letter.status is LetterStatus.DRAFT:
        raise FrozenLetterError(f"letter {letter.id} is approved: it cannot become a draft again")
    if before is LetterStatus.SENT and state.attrs.sent_at.history.has_changes():
        raise FrozenLetterError(f"letter {letter.id} was sent: sent_at cannot change")


class RecipientNotice(Base):
    """An Art. 19 notice to one register recipient of the request's rectification, erasure or
    restriction, tracked until the recipient confirms it or staff close it with a reason.

    Sent and posted come from its letter (the outbox, `posted_on`); a notice whose letter is
    still a draft, approved or queued tells nobody yet."""

    __tablename__ = "recipient_notice"
    __table_args__ = (UniqueConstraint("request_id", "recipient_id", "action"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    request_id: Mapped[int] = mapped_column(ForeignKey("request.id"), index=True)
    recipient_id: Mapped[str] = mapped_column(String(64))
    action: Mapped[str] = mapped_column(String(16))  # rectify | erase | restrict
    done_on: Mapped[date]  # the day the action was recorded as done
    letter_id: Mapped[int] = mapped_column(ForeignKey("letter.id"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)
    confirmed_on: Mapped[date | None]  # the day the recipient confirmed it, as staff recorded
    closed_reason: Mapped[str | None] = mapped_column(Text)  # closed without confirmation: why
    note: Mapped[str | None] = mapped_column(Text)
    settled_by: Mapped[str | None] = mapped_column(String(320))
    settled_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    letter: Mapped[Letter] = relationship()


@event.listens_for(Letter, "before_delete")
def _refuse_deleting_frozen(_mapper: Mapper[Letter], _connection: Any, letter: Letter) -> None:
    if _committed_status(letter) is not LetterStatus.DRAFT:
        raise FrozenLetterError(f"letter {letter.id} is frozen: it cannot be deleted")
