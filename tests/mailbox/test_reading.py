"""Reading a message and guessing its right and language (pure: no server, no database)."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from dsar.mailbox.guesses import guess_language, guess_right
from dsar.mailbox.reading import html_text, read_mail
from dsar.requests.workflow import RequestType
from tests.mailbox.mails import UNKNOWN_CHARSET


@pytest.mark.parametrize(
    ("text", "right"),
    [
        ("Antrag auf Auskunft nach Art. 15 DSGVO", RequestType.ACCESS),
        ("Please send me a copy of my data", RequestType.ACCESS),
        ("Bitte löschen Sie mein Konto", RequestType.ERASURE),
        ("Request for erasure", RequestType.ERASURE),
        ("Widerspruch gegen Werbung, bitte Auskunft", RequestType.OBJECTION),
        ("I withdraw my consent to the newsletter", RequestType.CONSENT_WITHDRAWAL),
        ("Berichtigung meiner Adresse", RequestType.RECTIFICATION),
        ("Hello, a question about shipping", None),
    ],
)
def test_the_right_is_guessed_from_keywords(text: str, right: RequestType | None) -> None:
    assert guess_right(text) == right


def test_the_language_is_guessed_from_common_words() -> None:
    assert guess_language("Sehr geehrte Damen und Herren, ich bitte um Auskunft") == "de"
    assert guess_language("Dear team, please send me my data") == "en"
    assert guess_language("12345") is None


def test_html_is_reduced_to_its_text() -> None:
    html = "<html><head><style>p{}</style></head><body><p>Hallo&nbsp;<i>Welt</i></p>"
    assert (
        html_text(html + "<script>x()</script><div>zwei</div></body></html>") == "Hallo Welt\nzwei"
    )


def test_an_unknown_charset_is_read_with_replacements() -> None:
    read = read_mail(UNKNOWN_CHARSET)
    assert "undecodable" in read.problems
    assert read.text.startswith("Bitte l") and "Daten" in read.text


def test_garbage_never_raises() -> None:
    for raw in (b"", b"\xff\xfe\x00garbage", b"From:\r\n\r\n", b"Subject: " + b"x" * 100_000):
        read = read_mail(raw)
        assert "no_sender" in read.problems


@given(st.binary(max_size=2000))
@settings(max_examples=200, deadline=None)
def test_read_mail_never_raises_on_any_bytes(raw: bytes) -> None:
    read = read_mail(raw)
    assert isinstance(read.text, str) and isinstance(read.problems, tuple)


@given(st.text(max_size=300), st.text(max_size=300))
@settings(max_examples=200, deadline=None)
def test_read_mail_never_raises_on_header_like_text(subject: str, sender: str) -> None:
    charset = f"Content-Type: text/plain; charset={subject[:20]}"
    raw = f"From: {sender}\r\nSubject: {subject}\r\n{charset}\r\n\r\nx"
    read_mail(raw.encode("utf-8", errors="surrogateescape"))


@pytest.mark.parametrize("sender", ["x:<", '"', "a <", "=?x?q?a?= :<"])
def test_a_from_header_the_parser_chokes_on_is_read_raw(sender: str) -> None:
    # Each of these makes `policy.default` raise while parsing the header (found by Hypothesis).
    read = read_mail(f"From: {sender}\r\nSubject: Auskunft\r\n\r\nBitte.".encode())
    assert "broken_header" in read.problems and "no_sender" in read.problems
    assert (read.subject, read.text) == ("Auskunft", "Bitte.")


def test_a_parser_that_fails_outright_gives_an_unreadable_mail(monkeypatch) -> None:  # type: ignore[no-untyped-def]
    from dsar.mailbox import reading

    def broken(raw: bytes) -> None:
        raise RecursionError("a parser bug")

    monkeypatch.setattr(reading, "_read", broken)
    assert read_mail(b"From: a@example.org\r\n\r\nx") == reading.UNREADABLE
