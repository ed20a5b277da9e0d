"""Response letters: content from the register (pure), rendered as HTML, text and PDF."""

from dsar.letters.content import (
    FREE_TEXT,
    LETTER_TYPES,
    IncompleteLetter,
    LetterContent,
    build_letter,
)
from dsar.letters.facts import FoundData, FoundSource, KeptRecords, RequestFacts, Subject

__all__ = [
    "FREE_TEXT",
    "LETTER_TYPES",
    "FoundData",
    "FoundSource",
    "IncompleteLetter",
    "KeptRecords",
    "LetterContent",
    "RequestFacts",
    "Subject",
    "build_letter",
]
