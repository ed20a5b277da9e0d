"""Said for the pages that carry out rights (erasure, rectification, restriction, stops, Art. 19
notices) in the page's language: an operation's refusal (raised with dsar.core.words.N_), the
state of a change in a sentence, the kind of a measure. Template filters `said`,
`change_state_words`, `measure_words` and
`page_date`, `page_time` (steps: step_words.py)."""

from __future__ import annotations

from datetime import UTC, date, datetime
from zoneinfo import ZoneInfo

from flask_babel import get_locale
from flask_babel import lazy_gettext as _l

from dsar.changes.models import ErasureStatus, RectificationStatus, RestrictionStatus, StopStatus
from dsar.core.i18n import long_date
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


def page_language() -> str:
    """The language the page speaks ("de", "en")."""
    return str(get_locale() or "en")


@bp.app_template_filter("change_state_words")
def change_state_words(value: str) -> str:
    """A change's state (planned, approved, ...) in words."""
    return str(STATE_WORDS.get(str(value), value))


@bp.app_template_filter("measure_words")
def measure_words(action: str) -> str:
    """What a planned step does, in words ("delete", "anonymise", "keep", a mark)."""
    return str(MEASURE_WORDS.get(action, action))


@bp.app_template_filter("page_date")
def page_date(value: date | str) -> str:
    """A date (or its ISO text) as a person writes it in the page's language ("2 March 2026",
    "2. März 2026")."""
    day = date.fromisoformat(value) if isinstance(value, str) else value
    return long_date(day, page_language())


@bp.app_template_filter("page_time")
def page_time(value: datetime | str, timezone: str) -> str:
    """A moment (or its ISO text, as plans record it) in the controller's zone, the zone
    named, in the page's language: "2 March 2026, 11:15 CET"."""
    moment = datetime.fromisoformat(value) if isinstance(value, str) else value
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=UTC)
    local = moment.astimezone(ZoneInfo(timezone))
    return f"{page_date(local.date())}, {local:%H:%M} {local.tzname()}"
