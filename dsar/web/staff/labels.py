"""Words for the staff pages instead of raw values: rights, statuses and dates as a person
writes them. Template filters: `right_words`, `status_words`, `long_date`, `short_date`,
`days_left_words` and `local_time` (a moment in the controller's zone, the zone named)."""

from __future__ import annotations

from datetime import date, datetime
from zoneinfo import ZoneInfo

from babel.dates import format_date

from dsar.core.i18n import DEFAULT_LANGUAGE, LOCALES, long_date
from dsar.requests.workflow import RequestType, Status, Verification
from dsar.web.staff import bp

RIGHT_LABELS = {
    RequestType.ACCESS: "access (Art. 15)",
    RequestType.RECTIFICATION: "rectification (Art. 16)",
    RequestType.ERASURE: "erasure (Art. 17)",
    RequestType.RESTRICTION: "restriction (Art. 18)",
    RequestType.PORTABILITY: "portability (Art. 20)",
    RequestType.OBJECTION: "objection (Art. 21)",
    RequestType.CONSENT_WITHDRAWAL: "withdrawal of consent (Art. 7(3))",
}

STATUS_LABELS = {
    Status.AWAITING_CONFIRMATION: "waiting for the e-mail confirmation",
    Status.NEW: "new",
    Status.AWAITING_INFORMATION: "waiting for information from the subject",
    Status.IN_PROGRESS: "in progress",
    Status.AWAITING_APPROVAL: "refusal waiting for the DPO",
    Status.ANSWERING: "answer drafted, not yet sent",
    Status.COMPLETED: "completed",
    Status.REFUSED: "refused",
    Status.IDENTITY_FAILED: "identity not established",
    Status.WITHDRAWN: "withdrawn",
    Status.EXPIRED: "expired (e-mail never confirmed)",
    Status.MERGED: "merged into another request",
}


IDENTITY_LABELS = {
    Verification.UNVERIFIED: "not yet established",
    Verification.EMAIL_CONFIRMED: "e-mail address confirmed through our link",
    Verification.INFORMATION_REQUESTED: "information asked for (Art. 12(6))",
    Verification.VERIFIED: "verified",
    Verification.FAILED: "could not be established",
}
PURPOSE_LABELS = {
    "identity": "to confirm the identity (Art. 12(6))",
    "clarification": "to clarify what the request covers (Recital 63)",
}


@bp.app_template_filter("identity_words")
def identity_label(value: Verification) -> str:
    """How far the subject's identity is established, in words."""
    return IDENTITY_LABELS[Verification(value)]


@bp.app_template_filter("purpose_words")
def purpose_label(value: str) -> str:
    """Why information is asked for, in words."""
    return PURPOSE_LABELS.get(str(value), str(value))


@bp.app_template_filter("right_words")
def right_label(value: RequestType) -> str:
    """The right a request exercises, in words with its article."""
    return RIGHT_LABELS[RequestType(value)]


@bp.app_template_filter("status_words")
def status_label(value: Status) -> str:
    """A request's status in words."""
    return STATUS_LABELS[Status(value)]


@bp.app_template_filter("long_date")
def written_date(value: date) -> str:
    """A date as a person writes it: "7 December 2026"."""
    return long_date(value, DEFAULT_LANGUAGE)


@bp.app_template_filter("short_date")
def short_date(value: date) -> str:
    """A date in a table cell: "2 Apr 2026"."""
    return format_date(value, format="medium", locale=LOCALES[DEFAULT_LANGUAGE])


@bp.app_template_filter("days_left_words")
def days_left_words(left: int) -> str:
    """Days left in words: "5 days left", "due today", "overdue by 3 days"."""
    if left < 0:
        return f"overdue by {-left} day{'s' if left != -1 else ''}"
    if left == 0:
        return "due today"
    return f"{left} day{'s' if left != 1 else ''} left"


@bp.app_template_filter("local_time")
def local_time(value: datetime, timezone: str) -> str:
    """A moment in `timezone`, the zone named: "2 March 2026, 10:15 CET"."""
    moment = value.astimezone(ZoneInfo(timezone))
    return f"{written_date(moment.date())}, {moment:%H:%M} {moment.tzname()}"
