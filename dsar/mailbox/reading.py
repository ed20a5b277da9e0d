"""Reading one raw message with the standard `email` package: never raises, says what failed.

A message with no Message-ID, no From, broken MIME or a charset nobody knows still yields a
`ReadMail`: what could be read, and `problems` naming the rest, so staff see it as a draft and
the poll goes on to the next message.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from email import policy
from email.message import EmailMessage
from email.parser import BytesParser
from email.utils import getaddresses
from html.parser import HTMLParser

from dsar.requests.operations import REFERENCE_ALPHABET

_CHARS = f"[{REFERENCE_ALPHABET}]"
REFERENCE = re.compile(rf"\bDSAR-\d{{4}}-{_CHARS}{{4}}-{_CHARS}{{4}}\b", re.IGNORECASE)
MAX_TEXT = 200_000  # characters of the body shown to staff and read for the guesses


@dataclass(frozen=True)
class ReadMail:
    message_id: str | None
    sender: str | None  # the From address, lower case
    sender_name: str | None
    subject: str | None
    text: str  # the plain text part, or the HTML part's text; never HTML
    reference: str | None  # a request's reference in the subject
    problems: tuple[str, ...]
    replies_to: tuple[str, ...] = ()  # the Message-IDs in In-Reply-To and References


UNREADABLE = ReadMail(None, None, None, None, "", None, ("unreadable",))
MESSAGE_ID = re.compile(r"<[^<>\s]{1,400}>")


def read_mail(raw: bytes) -> ReadMail:
    """Parse `raw` (RFC 5322 bytes) as well as it goes; never raises."""
    try:
        return _read(raw)
    except Exception:  # noqa: BLE001 - a parser bug must not stop the poll: the .eml is kept
        return UNREADABLE


def _read(raw: bytes) -> ReadMail:
    problems: list[str] = []
    message = BytesParser(policy=policy.default).parsebytes(raw)
    assert isinstance(message, EmailMessage)
    if message.defects or any(part.defects for part in _parts(message)):
        problems.append("broken_mime")
    message_id = _header(message, "Message-ID", problems)
    message_id = message_id.strip()[:500] if message_id and message_id.strip() else None
    if message_id is None:
        problems.append("no_message_id")
    sender_name, sender = _sender(message, problems)
    subject = _header(message, "Subject", problems)
    subject = " ".join(subject.split())[:2000] if subject else None
    text = _text(message, problems)
    found = REFERENCE.search(subject or "")
    reference = found.group(0).upper() if found else None
    replies_to = " ".join(
        _header(message, name, problems) or "" for name in ("In-Reply-To", "References")
    )
    return ReadMail(
        message_id,
        sender,
        sender_name,
        subject,
        text,
        reference,
        tuple(dict.fromkeys(problems)),
        tuple(dict.fromkeys(MESSAGE_ID.findall(replies_to)))[:50],
    )


def mail_attachments(raw: bytes) -> list[tuple[str, bytes]]:
    """The attached files of `raw` as (name, bytes), as far as they can be read; never raises."""
    try:
        message = BytesParser(policy=policy.default).parsebytes(raw)
        assert isinstance(message, EmailMessage)
        found = []
        for part in message.iter_attachments():
            content = part.get_content()
            data = content.encode() if isinstance(content, str) else content
            if isinstance(data, bytes):
                found.append((part.get_filename() or "attachment", data))
        return found
    except Exception:  # noqa: BLE001 - the .eml beside the request keeps them all
        return []


def _parts(message: EmailMessage) -> list[EmailMessage]:
    try:
        return [part for part in message.walk() if isinstance(part, EmailMessage)]
    except Exception:  # noqa: BLE001
        return []


def _header(message: EmailMessage, name: str, problems: list[str]) -> str | None:
    try:
        value = message.get(name)
        return str(value) if value is not None else None
    except Exception:  # noqa: BLE001 - a header the policy cannot parse: take its raw text
        problems.append("broken_header")
    raw = [value for key, value in message.raw_items() if key.lower() == name.lower()]
    return " ".join(str(raw[0]).split()) if raw else None


def _sender(message: EmailMessage, problems: list[str]) -> tuple[str | None, str | None]:
    raw = _header(message, "From", problems)
    pairs = [(name, address) for name, address in getaddresses([raw or ""]) if "@" in address]
    if not pairs:
        problems.append("no_sender")
        return None, None
    name, address = pairs[0]
    return (name.strip()[:200] or None), address.strip().lower()[:320]


def _text(message: EmailMessage, problems: list[str]) -> str:
    try:
        return _body_text(message, problems)
    except Exception:  # noqa: BLE001 - a Content-Type the policy cannot parse, and the like
        problems.append("undecodable")
        return ""


def _body_text(message: EmailMessage, problems: list[str]) -> str:
    try:
        body = message.get_body(preferencelist=("plain", "html"))
    except Exception:  # noqa: BLE001
        body = None
    if body is None:
        if not message.is_multipart():
            body = message
        else:
            return ""
    try:
        content = body.get_content()
    except Exception:  # noqa: BLE001 - an unknown charset, a broken transfer encoding
        problems.append("undecodable")
        payload = body.get_payload(decode=True)
        content = payload.decode("utf-8", errors="replace") if isinstance(payload, bytes) else ""
    if not isinstance(content, str):
        return ""
    if body.get_content_subtype() == "html":
        content = html_text(content)
    return content[:MAX_TEXT]


class _TextOnly(HTMLParser):
    SKIPPED = {"script", "style", "head", "title"}
    BREAKS = {"br", "p", "div", "li", "tr", "h1", "h2", "h3", "h4", "blockquote"}

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.chunks: list[str] = []
        self.skipping = 0

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in self.SKIPPED:
            self.skipping += 1
        elif tag in self.BREAKS:
            self.chunks.append("\n")

    def handle_endtag(self, tag: str) -> None:
        if tag in self.SKIPPED and self.skipping:
            self.skipping -= 1

    def handle_data(self, data: str) -> None:
        if not self.skipping:
            self.chunks.append(data)


def html_text(html: str) -> str:
    """The text of an HTML body, tags dropped (shown escaped, never rendered as HTML)."""
    parser = _TextOnly()
    parser.feed(html)
    parser.close()
    lines = (" ".join(line.split()) for line in "".join(parser.chunks).splitlines())
    return "\n".join(line for line in lines if line).strip()
