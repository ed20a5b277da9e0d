"""Sentences a domain module writes for staff, translatable where they are shown.

A domain module never imports Flask, so it cannot translate. It marks its sentence with `N_`
(Babel extracts `N_` by default, so the catalog test sees it) and returns a `Said`: the English
sentence as a plain `str`, which also remembers its msgid and values, so the web layer can
write it in the page's language (`dsar.web.staff.case_words.said`).
"""

from __future__ import annotations

from typing import Any


def N_(text: str) -> str:  # noqa: N802 - the catalog's marker, Babel's default keyword
    """Marks `text` for the catalog; it is translated where it is shown."""
    return text


class Said(str):
    """An English sentence (`msgid % values`) that knows its msgid and values."""

    msgid: str
    values: dict[str, Any]

    def __new__(cls, msgid: str, **values: Any) -> Said:
        said = super().__new__(cls, msgid % values if values else msgid)
        said.msgid, said.values = msgid, values
        return said
