"""Sentences a domain module writes for staff, translatable where they are shown.

A domain module never imports Flask, so it cannot translate: an operation runs in a web
request, a job or a command, and only the web page knows its reader's language. It marks its
sentence with `N_` (Babel extracts `N_` by default, so the catalog test sees it), which gives a
`Said`: the English sentence (`msgid % values`) as a plain `str` for logs, jobs and
`str(error)`, which also remembers its msgid and values, so the web layer writes it in the
page's language (`dsar.web.staff.case_words.said`).
"""

from __future__ import annotations

from typing import Any


class Said(str):
    """An English sentence (`msgid % values`) that knows its msgid and values."""

    msgid: str
    values: dict[str, Any]

    def __new__(cls, msgid: str, **values: Any) -> Said:
        said = super().__new__(cls, msgid % values if values else msgid)
        said.msgid, said.values = str(msgid), values
        return said


def N_(msgid: str, **values: Any) -> Said:  # noqa: N802 - the catalog's marker, Babel's default keyword
    """Mark `msgid` for the catalog and fill in `values`; translated where it is shown."""
    return Said(msgid, **values)


def said_of(error: BaseException) -> Said | None:
    """The translatable sentence an exception was raised with, if it was raised with one."""
    first = error.args[0] if len(error.args) == 1 else None
    return first if isinstance(first, Said) else None
