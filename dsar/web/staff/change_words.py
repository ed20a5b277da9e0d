"""Words for the pages that carry out rights (erasure, rectification, restriction, stops, Art.
19 notices) in the page's language: the state of a change and the kind of a measure. Template
filters `change_state_words`, `measure_words`; an operation's refusal is put into words by
`said` (case_words.py), dates and times by labels.py, planned steps by step_words.py."""

from __future__ import annotations

from dsar.changes.models import ErasureStatus, RectificationStatus, RestrictionStatus, StopStatus
from dsar.web.page_words import _l
from dsar.web.staff import bp

CHANGES = (ErasureStatus, RectificationStatus, RestrictionStatus, StopStatus)
# A change's state inside a sentence ("the erasure is approved, not waiting for approval"), by
# value: the kinds of change share their words.
STATE_WORDS = {
    "planned": _l("planned"),
    "approved": _l("approved"),
    "partial": _l("partly carried out"),
    "failed": _l("failed"),
    "done": _l("carried out"),
    "cancelled": _l("replaced by a newer plan"),
    "placing": _l("placed, waiting for the scheduler"),
    "active": _l("active"),
    "lifting": _l("being lifted"),
    "lift_partial": _l("partly lifted"),
    "lifted": _l("lifted"),
    "continued": _l("continued (Art. 21(1))"),
}

# What a step of a plan does (dsar.changes.rules.Step.action).
MEASURE_WORDS = {
    "delete": _l("delete"),
    "anonymise": _l("anonymise"),
    "keep": _l("keep"),
    "set": _l("set a mark"),
    "insert": _l("add a restriction row"),
    "unmark": _l("remove the restriction row"),
}


@bp.app_template_filter("change_state_words")
def change_state_words(value: str) -> str:
    """A change's state (planned, approved, ...) in words."""
    return str(STATE_WORDS.get(str(value), value))


@bp.app_template_filter("measure_words")
def measure_words(action: str) -> str:
    """What a planned step does, in words ("delete", "anonymise", "keep", a mark)."""
    return str(MEASURE_WORDS.get(action, action))
