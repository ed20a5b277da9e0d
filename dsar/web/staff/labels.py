"""Words for the staff pages instead of raw values: rights, statuses and dates as a person
writes them. Template filters: `right_words`, `status_words`, `long_date`, `short_date`,
`days_left_words` and `local_time` (a moment in the controller's zone, the zone named)."""

from __future__ import annotations

from datetime import UTC, date, datetime
from zoneinfo import ZoneInfo

from jinja2.runtime import Context
from jinja2.utils import pass_context

from dsar.accounts.models import Role
from dsar.core.i18n import long_date
from dsar.requests.workflow import Channel, RequestType, Status
from dsar.web.intake.language import language
from dsar.web.page_words import Word, _l, page_date_locale, page_translations_of, word_filter
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


def right_label(value: RequestType) -> Word:
    """The right a request exercises, in words with its article."""
    return RIGHT_LABELS[RequestType(value)]


def status_label(value: Status) -> Word:
    """A request's status in words."""
    return STATUS_LABELS[Status(value)]


def channel_label(value: Channel) -> Word:
    """How a request reached the controller, in words."""
    return CHANNEL_LABELS[Channel(value)]


def role_label(value: Role) -> Word:
    """A staff member's role in words."""
    return ROLE_LABELS[Role(value)]


for _name, _lookup in (
    ("right_words", right_label),
    ("status_words", status_label),
    ("channel_words", channel_label),
    ("role_words", role_label),
):
    bp.add_app_template_filter(word_filter(_lookup), _name)


@bp.app_template_filter("long_date")
def written_date(value: date | str) -> str:
    """A date (or its ISO text, as plans record it) in the page's language as a person writes
    it: "7 December 2026", "7. Dezember 2026"."""
    day = date.fromisoformat(value) if isinstance(value, str) else value
    return long_date(day, language())


@bp.app_template_filter("short_date")
@pass_context
def short_date(context: Context, value: date) -> str:
    """A date in a table cell: "2 Apr 2026", "02.04.2026" (the locale's medium pattern, as
    `format_date(value, "medium")` writes it without parsing the locale for each row)."""
    locale = page_date_locale(context)
    return locale.date_formats["medium"].apply(value, locale)


@bp.app_template_filter("days_left_words")
@pass_context
def days_left_words(context: Context, left: int) -> str:
    """Days left in words: "5 days left", "due today", "overdue by 3 days"."""
    translations = page_translations_of(context)
    if left < 0:
        overdue = translations.ungettext("overdue by %(num)d day", "overdue by %(num)d days", -left)
        return overdue % {"num": -left}
    if left == 0:
        return translations.ugettext("due today")
    return translations.ungettext("%(num)d day left", "%(num)d days left", left) % {"num": left}


@bp.app_template_filter("local_time")
def local_time(value: datetime | str, timezone: str) -> str:
    """A moment (or its ISO text, as plans record it; no zone means UTC) in `timezone`, the
    zone named, in the page's language: "2 March 2026, 10:15 CET"."""
    moment = datetime.fromisoformat(value) if isinstance(value, str) else value
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=UTC)
    moment = moment.astimezone(ZoneInfo(timezone))
    return f"{written_date(moment.date())}, {moment:%H:%M} {moment.tzname()}"
