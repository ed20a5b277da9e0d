"""What the status page's thread (dsar/web/intake/thread_items.py) shows of letters and exports."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from flask import url_for
from flask_babel import gettext as _
from sqlalchemy import select
from sqlalchemy.orm import Session

from dsar.fulfilment.models import Export
from dsar.letters.models import Letter, LetterStatus
from dsar.requests.models import Request


@dataclass(frozen=True)
class StatusItem:
    title: str
    sent_at: datetime | None = None
    url: str | None = None


def frozen_letter(session: Session, request: Request, letter_id: int) -> Letter | None:
    """A sent letter of this request (never another request's, never a draft)."""
    letter = session.get(Letter, letter_id)
    if letter is None or letter.request_id != request.id or letter.status != LetterStatus.SENT:
        return None
    return letter


def open_exports(
    session: Session, request: Request, slug: str, token: str, now: datetime
) -> list[StatusItem]:
    """Exports whose link still works (open, not ended), each to download from here too."""
    exports = session.execute(
        select(Export)
        .where(
            Export.request_id == request.id,
            Export.live_at(now),
        )
        .order_by(Export.created_at)
    ).scalars()
    return [
        StatusItem(
            _(
                "Your data (ZIP), available until %(until)s",
                until=export.expires_at.strftime("%Y-%m-%d"),
            ),
            export.created_at,
            url_for("downloads.status_download", slug=slug, token=token, export_id=export.id),
        )
        for export in exports
    ]
