"""Words a domain module gives staff without speaking their language itself.

An operation that refuses (`raise ErasureError(N_("... %(status)s", status=...))`) runs in a
web request, a job or a command; only the web page knows the reader's language. `N_` marks
the English text for the catalog and keeps it with its values: the result reads as the
English sentence (logs, jobs, `str(error)`), and the web layer translates it where it is
shown (dsar/web/staff/change_words.py). No Flask here: the domain stays free of the web.
"""

from __future__ import annotations

from typing import Any


class Words(str):
    """An English sentence that remembers its catalog id and the values put into it."""

    msgid: str
    params: dict[str, Any]

    def __new__(cls, msgid: str, **params: Any) -> Words:
        made = super().__new__(cls, msgid % params if params else msgid)
        made.msgid = msgid
        made.params = params
        return made


def N_(msgid: str, **params: Any) -> Words:  # noqa: N802 (the catalog's keyword for "mark only")
    """Mark `msgid` for the catalog and fill in `params`; translated where it is shown."""
    return Words(msgid, **params)


def words_of(error: BaseException) -> Words | None:
    """The translatable words an exception was raised with, if it was raised with `N_`."""
    first = error.args[0] if len(error.args) == 1 else None
    return first if isinstance(first, Words) else None
