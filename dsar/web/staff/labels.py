"""Words for the staff pages instead of raw values: rights, statuses and dates as a person
writes them. Template filters: `right_words`, `status_words`, `long_date`, `short_date`,
`days_left_words` and `local_time` (a moment in the controller's zone, the zone named)."""

from __future__ import annotations

from datetime import UTC, date, datetime
from zoneinfo import ZoneInfo

from babel.dates import format_date
from flask_babel import lazy_gettext as _l
from flask_babel import ngettext

from dsar.accounts.models import Role
from dsar.core.i18n import LOCALES, long_date
from dsar.requests.workflow import Channel, RequestType, Status
from dsar.web.intake.language import language
from dsar.web.staff import bp

RIGHT_LABELS = {
    RequestType.ACCESS: _l("access (Art. 15)"),
    RequestType.RECTIFICATION: _l("rectification (Art. 16)"),
    RequestType.ERASURE: _l("erasure (Art. 17)"),
    RequestType.RESTRICTION: _l("restriction (Art. 18)"),
    RequestType.PORTABILITY: _l("portability (Art. 20)"),
    RequestType.OBJECTION: _l("objection (Art. 21)"),
    RequestType.CONSENT_WITHDRAWAL: _l("withdrawal of consent (Art. 7(3))"),
}

STATUS_LABELS = {
    Status.AWAITING_CONFIRMATION: _l("waiting for the e-mail confirmation"),
    Status.NEW: _l("new"),
    Status.AWAITING_INFORMATION: _l("waiting for information from the subject"),
    Status.IN_PROGRESS: _l("in progress"),
    Status.AWAITING_APPROVAL: _l("refusal waiting for the DPO"),
    Status.ANSWERING: _l("answer drafted, not yet sent"),
    Status.COMPLETED: _l("completed"),
    Status.REFUSED: _l("refused"),
    Status.IDENTITY_FAILED: _l("identity not established"),
    Status.WITHDRAWN: _l("withdrawn"),
    Status.EXPIRED: _l("expired (e-mail never confirmed)"),
    Status.MERGED: _l("merged into another request"),
}


CHANNEL_LABELS = {
    Channel.WEB: _l("web form"),
    Channel.EMAIL: _l("e-mail"),
    Channel.POST: _l("post"),
    Channel.PHONE: _l("phone"),
    Channel.API: _l("API"),
}
ROLE_LABELS = {
    Role.AGENT: _l("agent"),
    Role.DPO: _l("DPO"),
    Role.ADMIN: _l("admin"),
}


@bp.app_template_filter("right_words")
def right_label(value: RequestType) -> str:
    """The right a request exercises, in words with its article."""
    return str(RIGHT_LABELS[RequestType(value)])


@bp.app_template_filter("status_words")
def status_label(value: Status) -> str:
    """A request's status in words."""
    return str(STATUS_LABELS[Status(value)])


@bp.app_template_filter("channel_words")
def channel_label(value: Channel) -> str:
    """How a request reached the controller, in words."""
    return str(CHANNEL_LABELS[Channel(value)])


@bp.app_template_filter("role_words")
def role_label(value: Role) -> str:
    """A staff member's role in words."""
    return str(ROLE_LABELS[Role(value)])


@bp.app_template_filter("long_date")
def written_date(value: date | str) -> str:
    """A date (or its ISO text, as plans record it) in the page's language as a person writes
    it: "7 December 2026", "7. Dezember 2026"."""
    day = date.fromisoformat(value) if isinstance(value, str) else value
    return long_date(day, language())


@bp.app_template_filter("short_date")
def short_date(value: date) -> str:
    """A date in a table cell: "2 Apr 2026", "02.04.2026"."""
    return format_date(value, format="medium", locale=LOCALES.get(language(), LOCALES["en"]))


@bp.app_template_filter("days_left_words")
def days_left_words(left: int) -> str:
    """Days left in words: "5 days left", "due today", "overdue by 3 days"."""
    if left < 0:
        return ngettext("overdue by %(num)d day", "overdue by %(num)d days", -left)
    if left == 0:
        return str(_l("due today"))
    return ngettext("%(num)d day left", "%(num)d days left", left)


@bp.app_template_filter("local_time")
def local_time(value: datetime | str, timezone: str) -> str:
    """A moment (or its ISO text, as plans record it; no zone means UTC) in `timezone`, the
    zone named, in the page's language: "2 March 2026, 10:15 CET"."""
    moment = datetime.fromisoformat(value) if isinstance(value, str) else value
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=UTC)
    moment = moment.astimezone(ZoneInfo(timezone))
    return f"{written_date(moment.date())}, {moment:%H:%M} {moment.tzname()}"
