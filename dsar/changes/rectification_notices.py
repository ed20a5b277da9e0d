"""Art. 19 after a rectification: a notice to each recipient that received the rows changed,
with the corrected values, drafted once the rectification is done."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy.orm import Session

from dsar.changes.follow_up import subject_line
from dsar.changes.models import Rectification, RectificationStatus
from dsar.changes.rectification_outcome import item_done
from dsar.letters.models import RecipientNotice
from dsar.letters.recipient_notices import draft_recipient_notices
from dsar.register import Register
from dsar.register.datasources import FieldSpec, FileSource, SqlSource
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
                changes.setdefault(recipient, []).append(_change(item, register, request))
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


def _change(item: dict[str, Any], register: Register, request: Request) -> str:
    """'Last name: Schmidt-Meyer': the column's label in the request's language, the value."""
    source = register.source(item["source"])
    spec: FieldSpec | None = None
    if isinstance(source, SqlSource) and (table := source.table(item["part"])) is not None:
        spec = table.column(item["column"])
    elif isinstance(source, FileSource):
        spec = next((f for f in source.fields if f.name == item["column"]), None)
    fallback = register.controller.languages[0]
    label = spec.label.get(request.language, fallback) if spec and spec.label else None
    return f"{label or item['column']}: {item['shown']['after']}"
