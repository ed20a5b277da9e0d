"""Supporting documents: the type is decided by the bytes, never by the name or the browser."""

from __future__ import annotations

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


def clean_filename(name: str, content_type: str) -> str:
    """A display name without paths or control characters; the extension follows the content."""
    base = name.replace("\\", "/").rsplit("/", 1)[-1]
    base = "".join(ch for ch in base if unicodedata.category(ch)[0] != "C").strip(" .")
    stem = base.rsplit(".", 1)[0] if "." in base else base
    extension = next(ext for _m, mime, ext in _SIGNATURES if mime == content_type)
    return (stem[:100] or "document") + extension


def accept_upload(name: str, data: bytes, *, max_bytes: int) -> Upload:
    """Check one uploaded file and describe it, or raise UploadRejected with the reason."""
    if not data:
        raise UploadRejected("empty")
    if len(data) > max_bytes:
        raise UploadRejected("too_large")
    content_type = sniff(data)
    if content_type is None:
        raise UploadRejected("type")
    return Upload(clean_filename(name, content_type), content_type, data)
