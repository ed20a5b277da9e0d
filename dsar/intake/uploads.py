"""Supporting documents: the type is decided by the bytes, never by the name or the browser."""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass

MAX_FILES = 3

# Magic numbers of the only types accepted. SVG, HTML and everything else are refused,
# whatever the file is called or declared as: they can carry scripts.
_SIGNATURES: tuple[tuple[bytes, str, str], ...] = (
    (b"%PDF-", "application/pdf", ".pdf"),
    (b"\x89PNG\r\n\x1a\n", "image/png", ".png"),
    (b"\xff\xd8\xff", "image/jpeg", ".jpg"),
)
# A manual source's extract (docs/fulfilment.md) may also be a table or a saved e-mail: text,
# recognised by its content (never HTML), for the subject's copy.
_TEXT_TYPES: tuple[tuple[str, str], ...] = (("message/rfc822", ".eml"), ("text/csv", ".csv"))
DOCUMENTS = frozenset(mime for _m, mime, _e in _SIGNATURES)
EXTRACTS = DOCUMENTS | {mime for mime, _e in _TEXT_TYPES}
_HEADER = re.compile(r"^[A-Za-z][A-Za-z0-9-]*: ")
_MAIL_HEADERS = {"from", "to", "date", "subject", "received", "message-id", "mime-version"}


@dataclass(frozen=True)
class Upload:
    filename: str
    content_type: str  # from sniffing
    data: bytes


class UploadRejected(ValueError):
    """The file is empty, too large, or not a PDF, PNG or JPEG by its content."""


def sniff(data: bytes) -> str | None:
    """The MIME type the first bytes prove, or None."""
    for magic, mime, _ext in _SIGNATURES:
        if data.startswith(magic):
            return mime
    return None


def sniff_text(data: bytes) -> str | None:
    """message/rfc822 or text/csv when the bytes are UTF-8 text of that shape, else None."""
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError:
        return None
    if any(unicodedata.category(ch) == "Cc" and ch not in "\t\r\n" for ch in text):
        return None
    lines = [line for line in text.splitlines()[:50] if line.strip()]
    if not lines or lines[0].lstrip().startswith("<"):
        return None
    head = text.replace("\r\n", "\n").split("\n\n", 1)[0].splitlines()
    names = {line.split(":", 1)[0].lower() for line in head if _HEADER.match(line)}
    if "from" in names and len(names & _MAIL_HEADERS) >= 3:
        return "message/rfc822"
    for delimiter in ("\t", ";", ","):
        if all(delimiter in line for line in lines[:20]):
            return "text/csv"
    return None


def clean_filename(name: str, content_type: str) -> str:
    """A display name without paths or control characters; the extension follows the content."""
    base = name.replace("\\", "/").rsplit("/", 1)[-1]
    base = "".join(ch for ch in base if unicodedata.category(ch)[0] != "C").strip(" .")
    stem = base.rsplit(".", 1)[0] if "." in base else base
    types = [(mime, ext) for _m, mime, ext in _SIGNATURES] + list(_TEXT_TYPES)
    extension = next(ext for mime, ext in types if mime == content_type)
    return (stem[:100] or "document") + extension


def accept_upload(
    name: str, data: bytes, *, max_bytes: int, accept: frozenset[str] = DOCUMENTS
) -> Upload:
    """Check one uploaded file and describe it, or raise UploadRejected with the reason."""
    if not data:
        raise UploadRejected("empty")
    if len(data) > max_bytes:
        raise UploadRejected("too_large")
    content_type = sniff(data) or (sniff_text(data) if accept - DOCUMENTS else None)
    if content_type is None or content_type not in accept:
        raise UploadRejected("type")
    return Upload(clean_filename(name, content_type), content_type, data)
