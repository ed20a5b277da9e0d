"""Files sent to a browser (or another controller): any file name, never cached, never sniffed.

File names come from uploads, e-mails and scans, in any script. HTTP header values must be
Latin-1 (gunicorn refuses anything else), so the name goes out as RFC 6266 prescribes: an
ASCII `filename` for old clients and the exact name as UTF-8 in `filename*` (RFC 8187), the
form Werkzeug's `send_file(download_name=...)` writes. Control characters are dropped first:
a line break in an uploaded name must not end the header.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable
from urllib.parse import quote

from werkzeug.http import dump_options_header
from werkzeug.wrappers import Response

# Every download of personal data: no copy in any cache, no guessing of the type from bytes.
PRIVATE_HEADERS = {"Cache-Control": "no-store", "X-Content-Type-Options": "nosniff"}
# RFC 8187 attr-char besides letters and digits: what may stay unencoded in `filename*`.
_ATTR_CHARS = "!#$&+-.^_`|~"


def clean_name(filename: str) -> str:
    """The name without control characters or surrounding blanks; "file" when nothing is left."""
    kept = "".join(ch for ch in filename if unicodedata.category(ch)[0] != "C")
    return kept.strip() or "file"


def ascii_name(filename: str) -> str:
    """An ASCII stand-in: accents dropped (ó -> o), other letters and quotes become "_"."""
    decomposed = unicodedata.normalize("NFKD", filename)
    letters = "".join(ch for ch in decomposed if not unicodedata.combining(ch))
    simple = "".join(ch if " " <= ch < "\x7f" and ch not in '"\\' else "_" for ch in letters)
    return re.sub("_{2,}", "_", simple)


def content_disposition(filename: str, *, inline: bool = False) -> str:
    """An ASCII Content-Disposition value that names the file exactly (RFC 6266)."""
    name = clean_name(filename)
    fallback = ascii_name(name)
    options = {"filename": fallback}
    if fallback != name:
        options["filename*"] = "UTF-8''" + quote(name, safe=_ATTR_CHARS)
    return dump_options_header("inline" if inline else "attachment", options)


def private_download_headers(filename: str, *, inline: bool = False) -> dict[str, str]:
    """The headers of a file download: its name, no caching, no type sniffing."""
    return {"Content-Disposition": content_disposition(filename, inline=inline), **PRIVATE_HEADERS}


def private_download(
    body: bytes | Iterable[str] | Iterable[bytes],
    *,
    filename: str,
    mimetype: str,
    inline: bool = False,
) -> Response:
    """A response that downloads `body` (bytes, or chunks to stream) under `filename`."""
    return Response(
        body, mimetype=mimetype, headers=private_download_headers(filename, inline=inline)
    )
