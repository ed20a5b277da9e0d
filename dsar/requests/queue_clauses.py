"""The queue's filters that the dashboard's figures need beyond the plain columns: what waits
for the subject, which extensions still owe their notice, and dates in each controller's own
local day (D7). SQL clauses only; dsar/requests/queue.py applies them."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from datetime import date

from sqlalchemy import ColumnElement, and_, or_, select, true

from dsar.letters.models import Letter, LetterStatus
from dsar.requests.models import Request
from dsar.requests.workflow import Status

# The subject owes the next step: confirming the e-mail address (the clock has not started)
# or the information asked for under Art. 12(6).
WAITING_FOR_SUBJECT = (Status.AWAITING_CONFIRMATION, Status.AWAITING_INFORMATION)


def waiting_for_subject() -> ColumnElement[bool]:
    """SQL: the request waits for the subject's confirmation or information."""
    return Request.status.in_(WAITING_FOR_SUBJECT)


def extension_notice_due() -> ColumnElement[bool]:
    """SQL: the request was extended (Art. 12(3)), the extension recorded its notice as due and
    no extension letter was sent or posted yet (an approved letter not yet sent does not count)."""
    sent = select(Letter.id).where(
        Letter.request_id == Request.id,
        Letter.type == "extension",
        Letter.status == LetterStatus.SENT,
    )
    return and_(
        Request.extended_due_date.is_not(None),
        Request.details["extension_notice_due"].as_boolean() == true(),
        ~sent.exists(),
    )


def in_local_days(
    clause_on: Callable[[date], ColumnElement[bool]],
    today: date,
    today_by_controller: Mapping[int, date],
) -> ColumnElement[bool]:
    """SQL: `clause_on(day)` with each request's controller's own date; `today` for the
    controllers not in the mapping. One plain clause while every controller has the same date."""
    ids_by_day: dict[date, list[int]] = {}
    for controller_id, day in sorted(today_by_controller.items()):
        ids_by_day.setdefault(day, []).append(controller_id)
    if set(ids_by_day) <= {today}:
        return clause_on(today)
    listed = sorted(today_by_controller)
    return or_(
        *(
            and_(Request.controller_id.in_(ids), clause_on(day))
            for day, ids in sorted(ids_by_day.items())
        ),
        and_(Request.controller_id.not_in(listed), clause_on(today)),
    )
