"""Words for the staff pages instead of raw values: rights, statuses and dates as a person
writes them. Template filters: `right_words`, `status_words`, `long_date`."""

from __future__ import annotations

from datetime import date

from dsar.core.i18n import DEFAULT_LANGUAGE, long_date
from dsar.requests.workflow import RequestType, Status
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
}


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
