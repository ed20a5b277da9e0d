"""Why an operation refused, in the page's language. The domain modules word their refusals in
English for logs and the CLI (dsar/requests/manual_intake.py, dsar/requests/saved_views.py);
the staff pages show them through this table, and anything not listed as written."""

from __future__ import annotations

import re

from dsar.web.page_words import _l

_REFUSALS = (
    (re.compile(r"manual requests come by e-mail, letter or phone"),
     _l("manual requests come by e-mail, letter or phone")),
    (re.compile(r"you do not work for this controller"),
     _l("you do not work for this controller")),
    (re.compile(r"the time of receipt is in the future"),
     _l("the time of receipt is in the future")),
    (re.compile(r"the data subject's name is needed"), _l("the data subject's name is needed")),
    (re.compile(r"attach the original e-mail or a scan of the letter"),
     _l("attach the original e-mail or a scan of the letter")),
    (re.compile(r"give the view a name of 1 to (\d+) characters"),
     _l("give the view a name of 1 to %(value)s characters")),
    (re.compile(r"choose at least one filter to save"), _l("choose at least one filter to save")),
    (re.compile(r"you have (\d+) saved views: delete one first"),
     _l("you have %(value)s saved views: delete one first")),
)  # fmt: skip


def refusal_words(error: Exception) -> str:
    """`error`'s message in the page's language."""
    text = str(error)
    for pattern, words in _REFUSALS:
        if found := pattern.fullmatch(text):
            return str(words) % {"value": found.group(1)} if found.groups() else str(words)
    return text
