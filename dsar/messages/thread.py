"""Reading a request's thread: its messages, an attachment of one, what is unread."""

from __future__ import annotations

from collections.abc import Collection

from sqlalchemy import select
from sqlalchemy.orm import Session, selectinload

from dsar.files.models import StoredFile
from dsar.letters.models import Letter, LetterStatus
from dsar.messages.models import Author, Message, MessageAttachment
from dsar.requests.models import Request


def messages_of(session: Session, request: Request) -> list[Message]:
    """The request's messages, oldest first, with their attachments."""
    return list(
        session.scalars(
            select(Message)
            .where(Message.request_id == request.id)
            .order_by(Message.created_at, Message.id)
            .options(selectinload(Message.attachments))
        )
    )


def letters_sent(session: Session, request: Request) -> list[Letter]:
    """The request's sent letters, in the order they went out: they belong to the thread too."""
    return list(
        session.scalars(
            select(Letter)
            .where(Letter.request_id == request.id, Letter.status == LetterStatus.SENT)
            .order_by(Letter.sent_at, Letter.id)
        )
    )


def attachment_of(
    session: Session, request: Request, message_id: int, file_id: int
) -> StoredFile | None:
    """A file attached to a message of this request; None for anything else."""
    return session.scalars(
        select(StoredFile)
        .join(MessageAttachment, MessageAttachment.stored_file_id == StoredFile.id)
        .join(Message, Message.id == MessageAttachment.message_id)
        .where(
            Message.id == message_id,
            Message.request_id == request.id,
            StoredFile.id == file_id,
            StoredFile.request_id == request.id,
        )
    ).one_or_none()


def unread_by_staff(session: Session, request_ids: Collection[int]) -> set[int]:
    """Of these requests, those with a message from the subject that staff have not read."""
    if not request_ids:
        return set()
    return set(
        session.scalars(
            select(Message.request_id)
            .where(
                Message.request_id.in_(request_ids),
                Message.author == Author.SUBJECT,
                Message.read_at.is_(None),
            )
            .distinct()
        )
    )
