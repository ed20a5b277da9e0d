"""Art. 19 after a rectification: a notice to each recipient that received the rows changed,
with the corrected values, drafted once the rectification is done."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy.orm import Session

from dsar.changes.follow_up import subject_line
from dsar.changes.models import Rectification, RectificationStatus
from dsar.changes.rectification_letter import corrected_item
from dsar.changes.rectification_outcome import item_done
from dsar.letters.models import RecipientNotice
from dsar.letters.recipient_notices import draft_recipient_notices
from dsar.register import Register
from dsar.requests.deadlines.legal_calendar import local_date
from dsar.requests.models import Request
from dsar.requests.operations import jurisdiction_of


def notify_rectified(
    session: Session,
    request: Request,
    rectification: Rectification,
    register: Register,
    *,
    now: datetime,
) -> list[RecipientNotice]:
    """Draft a notice per recipient of a done rectification's changed rows (none before)."""
    if rectification.status is not RectificationStatus.DONE or rectification.finished_at is None:
        return []
    reports = {r["index"]: r for r in rectification.reports}
    changes: dict[str, list[str]] = {}
    for item in rectification.items:
        if item_done(item, reports):
            for recipient in item.get("recipients", ()):
                fixed = corrected_item(item, reports[item["index"]], register, request.language)
                changes.setdefault(recipient, []).append(f"{fixed['what']}: {fixed['value']}")
    recipients = [r for r in register.recipients if r.id in changes]
    done_on = local_date(rectification.finished_at, jurisdiction_of(request.controller))
    return draft_recipient_notices(
        session,
        request,
        "rectify",
        done_on,
        recipients,
        now,
        identifier=subject_line(session, request, register),
        changes={r: "; ".join(lines) for r, lines in changes.items()},
    )
