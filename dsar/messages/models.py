"""A request's thread: messages from staff and from the subject, with their attachments."""

from __future__ import annotations

import enum
from datetime import datetime

from sqlalchemy import ForeignKey, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from dsar.core.db import Base, UTCDateTime, enum_column
from dsar.files.models import StoredFile


class Author(enum.StrEnum):
    STAFF = "staff"
    SUBJECT = "subject"


class Message(Base):
    __tablename__ = "message"

    id: Mapped[int] = mapped_column(primary_key=True)
    request_id: Mapped[int] = mapped_column(ForeignKey("request.id"), index=True)
    author: Mapped[Author] = mapped_column(enum_column(Author, 16))
    staff_id: Mapped[int | None] = mapped_column(ForeignKey("staff_user.id"))
    channel: Mapped[str] = mapped_column(String(16))  # web | email
    body: Mapped[str] = mapped_column(Text)  # plain text, shown escaped
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)
    # Read by the other side: staff read the subject's messages, the subject staff's.
    read_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    # The status link in the notice of a staff message: a token of its own (stored hashed),
    # as the first one is stored only hashed and cannot be mailed again.
    notice_token_hash: Mapped[str | None] = mapped_column(String(64), unique=True)

    attachments: Mapped[list[StoredFile]] = relationship(
        secondary="message_attachment", order_by=StoredFile.id, viewonly=True
    )


class MessageAttachment(Base):
    __tablename__ = "message_attachment"

    message_id: Mapped[int] = mapped_column(ForeignKey("message.id"), primary_key=True)
    stored_file_id: Mapped[int] = mapped_column(ForeignKey("stored_file.id"), primary_key=True)
