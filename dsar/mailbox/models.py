"""What arrived in a controller's mailbox: one row per message, never created twice."""

from __future__ import annotations

import enum
from datetime import datetime
from typing import Any

from sqlalchemy import JSON, BigInteger, ForeignKey, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from dsar.controllers.models import Controller
from dsar.core.db import Base, UTCDateTime, enum_column
from dsar.files.models import StoredFile
from dsar.requests.models import Request
from dsar.requests.workflow import RequestType


class InboundState(enum.StrEnum):
    DRAFT = "draft"  # waits for staff: confirm as a request or discard
    CONFIRMED = "confirmed"  # became `request`
    DISCARDED = "discarded"  # staff said why
    JOINED = "joined"  # a reply: attached to `request` without staff


class InboundMail(Base):
    """A message read from IMAP. The mailbox's (UIDVALIDITY, UID) and the Message-ID are each
    unique per controller, so a second poll, a second process or a re-flagged message adds
    nothing; the text lives only in the encrypted .eml (`file`), not in this row."""

    __tablename__ = "inbound_mail"
    __table_args__ = (
        UniqueConstraint("controller_id", "uidvalidity", "uid"),
        UniqueConstraint("controller_id", "message_id"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    controller_id: Mapped[int] = mapped_column(ForeignKey("controller.id"), index=True)
    uidvalidity: Mapped[int] = mapped_column(BigInteger)
    uid: Mapped[int] = mapped_column(BigInteger)
    message_id: Mapped[str | None] = mapped_column(String(500))
    arrived_at: Mapped[datetime] = mapped_column(UTCDateTime)  # the server's INTERNALDATE
    fetched_at: Mapped[datetime] = mapped_column(UTCDateTime)
    sender: Mapped[str | None] = mapped_column(String(320))
    sender_name: Mapped[str | None] = mapped_column(String(200))
    subject: Mapped[str | None] = mapped_column(Text)
    size: Mapped[int]
    guessed_type: Mapped[RequestType | None] = mapped_column(enum_column(RequestType))
    guessed_language: Mapped[str | None] = mapped_column(String(8))
    # A request's reference found in the subject (joined, or named in a stranger's mail).
    mentioned_reference: Mapped[str | None] = mapped_column(String(32))
    # What could not be read: "no_message_id", "no_sender", "undecodable", "too_large", ...
    problems: Mapped[list[str]] = mapped_column(JSON, default=list)
    file_id: Mapped[int | None] = mapped_column(ForeignKey("stored_file.id"))
    state: Mapped[InboundState] = mapped_column(enum_column(InboundState), index=True)
    request_id: Mapped[int | None] = mapped_column(ForeignKey("request.id"), index=True)
    decided_by: Mapped[str | None] = mapped_column(String(320))
    decided_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    discard_reason: Mapped[str | None] = mapped_column(Text)

    controller: Mapped[Controller] = relationship()
    file: Mapped[StoredFile | None] = relationship()
    request: Mapped[Request | None] = relationship()

    def summary(self) -> dict[str, Any]:
        """What an audit event says about the message (no text, no addresses beyond the sender)."""
        return {"inbound_mail_id": self.id, "message_id": self.message_id, "sender": self.sender}
