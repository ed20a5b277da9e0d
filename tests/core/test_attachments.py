"""Download headers: any file name survives as RFC 6266 `filename*`, the header stays ASCII."""

from __future__ import annotations

from email import message_from_string
from email.policy import compat32
from email.utils import collapse_rfc2231_value

import pytest
from hypothesis import given
from hypothesis import strategies as st
from werkzeug.http import parse_options_header

from dsar.core.attachments import clean_name, content_disposition, private_download_headers


def parsed_name(header: str) -> str:
    """What a client makes of the header (RFC 6266: `filename*` wins), by two parsers."""
    _value, options = parse_options_header(header)
    message = message_from_string(f"Content-Disposition: {header}\n\n", policy=compat32)
    params = [v for k, v in message.get_params(header="content-disposition") if k == "filename"]
    star = [v for v in params if isinstance(v, tuple)]  # RFC 2231/8187 encoded: filename*
    assert collapse_rfc2231_value((star or params)[0]) == options["filename"]
    return str(options["filename"])


@pytest.mark.parametrize(
    ("name", "fallback"),
    [
        ("Łukasz-dowód.pdf", "filename=_ukasz-dowod.pdf;"),
        ("Ελένη.pdf", "filename=_.pdf;"),
        ("паспорт 日本.pdf", 'filename="_ _.pdf";'),
        ("Wiadomość.eml", "filename=Wiadomosc.eml;"),
        ('say "hi"\\.pdf', 'filename="say _hi_.pdf";'),
    ],
)
def test_non_ascii_names_go_in_filename_star(name: str, fallback: str) -> None:
    header = content_disposition(name)
    header.encode("ascii")  # gunicorn sends Latin-1 only; ASCII is safe everywhere
    assert header.startswith("attachment; " + fallback)  # for clients without RFC 6266
    assert parsed_name(header) == name


def test_plain_ascii_names_stay_as_they_are() -> None:
    assert content_disposition("R-1-access.pdf", inline=True) == "inline; filename=R-1-access.pdf"
    assert content_disposition("a b.csv") == 'attachment; filename="a b.csv"'


def test_control_characters_cannot_end_the_header() -> None:
    header = content_disposition("evil\r\nSet-Cookie: x=1.pdf")
    assert "\r" not in header and "\n" not in header
    assert parsed_name(header) == "evilSet-Cookie: x=1.pdf"
    assert parsed_name(content_disposition("\x00\t ")) == "file"


def test_downloads_are_never_cached_or_sniffed() -> None:
    headers = private_download_headers("x.pdf")
    assert headers["Cache-Control"] == "no-store"
    assert headers["X-Content-Type-Options"] == "nosniff"


@given(st.text(max_size=60))
def test_any_name_gives_an_ascii_header_that_names_it(name: str) -> None:
    header = content_disposition(name)
    header.encode("ascii")
    assert all(" " <= ch < "\x7f" for ch in header)  # printable ASCII: no line break
    assert parse_options_header(header)[1]["filename"] == clean_name(name)
