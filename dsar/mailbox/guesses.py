"""The right and the language a message asks in, guessed from keywords: staff see it as a guess."""

from __future__ import annotations

import re

from dsar.requests.workflow import RequestType

# First match wins, most specific first: "Widerspruch gegen ... Auskunft" is an objection.
RIGHT_WORDS: tuple[tuple[RequestType, tuple[str, ...]], ...] = (
    (
        RequestType.CONSENT_WITHDRAWAL,
        ("einwilligung widerrufe", "widerruf", "withdraw my consent", "withdraw consent"),
    ),
    (RequestType.OBJECTION, ("widerspruch", "widerspreche", "object to", "objection", "art. 21")),
    (
        RequestType.ERASURE,
        (
            "löschen",
            "löschung",
            "loeschung",
            "vergessenwerden",
            "erasure",
            "delete",
            "deletion",
            "forgotten",
            "art. 17",
        ),
    ),
    (
        RequestType.RECTIFICATION,
        ("berichtigung", "berichtigen", "rectification", "rectify", "correct my", "art. 16"),
    ),
    (
        RequestType.RESTRICTION,
        ("einschränkung", "einschränken", "restriction", "restrict", "art. 18"),
    ),
    (RequestType.PORTABILITY, ("übertragbarkeit", "übertragen", "portability", "art. 20")),
    (
        RequestType.ACCESS,
        ("auskunft", "kopie meiner daten", "access", "copy of my", "subject access", "art. 15"),
    ),
)
GERMAN = (
    "ich",
    "und",
    "der",
    "die",
    "das",
    "nicht",
    "meine",
    "bitte",
    "sehr",
    "geehrte",
    "daten",
    "mit",
    "für",
)
ENGLISH = (
    "the",
    "and",
    "my",
    "please",
    "dear",
    "data",
    "with",
    "for",
    "you",
    "not",
    "your",
    "request",
)
WORD = re.compile(r"[\wäöüß]+")


def guess_right(text: str) -> RequestType | None:
    """The right whose keyword appears first in the table, or None."""
    lowered = text.lower()
    for right, words in RIGHT_WORDS:
        if any(word in lowered for word in words):
            return right
    return None


def guess_language(text: str) -> str | None:
    """ "de" or "en" by common words counted, or None when neither leads."""
    words = WORD.findall(text.lower())
    german = sum(word in GERMAN for word in words) + 3 * any(c in text for c in "äöüß")
    english = sum(word in ENGLISH for word in words)
    if german == english:
        return None
    return "de" if german > english else "en"
