"""The status page's thread: messages, letters sent and downloads, in the order they happened."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from flask import url_for
from sqlalchemy.orm import Session

from dsar.files.models import StoredFile
from dsar.intake.status_items import open_exports
from dsar.letters.models import Letter
from dsar.messages.models import Author, Message
from dsar.messages.thread import letters_sent, messages_of
from dsar.requests.models import Request


@dataclass(frozen=True)
class Link:
    title: str
    url: str


@dataclass(frozen=True)
class ThreadItem:
    kind: str  # message | letter | download
    at: datetime
    from_us: bool = True
    unread: bool = False  # a message from us the subject had not seen before this visit
    body: str = ""  # plain text: the template escapes it
    title: str = ""
    links: list[Link] = field(default_factory=list)
    signed: bool = False  # an export (its manifest is signed) or a letter with a signed receipt


def thread_items(
    session: Session, request: Request, slug: str, token: str, now: datetime
) -> list[ThreadItem]:
    """Everything in the thread, oldest first; read state as it was before this visit."""
    items = [_message(m, slug, token) for m in messages_of(session, request)]
    items += [_letter(letter, slug, token) for letter in letters_sent(session, request)]
    items += [
        ThreadItem(
            "download", d.sent_at or now, title=d.title, links=[Link(d.title, d.url)], signed=True
        )
        for d in open_exports(session, request, slug, token, now)
        if d.url
    ]
    return sorted(items, key=lambda item: item.at)


def _message(message: Message, slug: str, token: str) -> ThreadItem:
    return ThreadItem(
        "message",
        message.created_at,
        from_us=message.author is Author.STAFF,
        unread=message.author is Author.STAFF and message.read_at is None,
        body=message.body,
        links=[_attachment(message, stored, slug, token) for stored in message.attachments],
    )


def _attachment(message: Message, stored: StoredFile, slug: str, token: str) -> Link:
    url = url_for(
        "intake.status_attachment",
        slug=slug,
        token=token,
        message_id=message.id,
        file_id=stored.id,
    )
    return Link(stored.filename, url)


def _letter(letter: Letter, slug: str, token: str) -> ThreadItem:
    keys: dict[str, Any] = {"slug": slug, "token": token, "letter_id": letter.id}
    links = [Link("html", url_for("intake.status_letter", **keys))]
    if letter.pdf_file_id is not None:
        links.append(Link("pdf", url_for("intake.status_letter_pdf", **keys)))
        if letter.receipt:
            links.append(Link("receipt", url_for("intake.status_letter_receipt", **keys)))
    assert letter.sent_at is not None  # a sent letter
    return ThreadItem(
        "letter",
        letter.sent_at,
        title=letter.subject_line or letter.type,
        links=links,
        signed=bool(letter.pdf_file_id is not None and letter.receipt),
    )
