"""Accountability figures for the dashboard, from plain rows: no clock, no database.

"Answered" means a request whose answer reached the subject: its final letter was delivered by
the outbox or posted (`request.answered_at`, docs/staff.md): completed, or refused. The
answer's date, not the day the request was closed in the workspace, is what counts.
"""

from __future__ import annotations

import io
import statistics
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from datetime import date, timedelta

from dsar.core.csv_cells import SafeWriter

ANSWERED_OUTCOMES = frozenset({"completed", "refused", "identity_failed"})
WINDOW_DAYS = 90


@dataclass(frozen=True)
class ClosedRow:
    """One answered request, in the controller's local dates."""

    received_on: date
    answered_on: date  # the day the final letter was delivered or posted
    due: date  # the effective due date (extended if extended)
    outcome: str  # the closing status value


def _answered_in_window(rows: Iterable[ClosedRow], today: date, days: int) -> list[ClosedRow]:
    since = today - timedelta(days=days)
    return [r for r in rows if r.outcome in ANSWERED_OUTCOMES and since < r.answered_on <= today]


def median_days_to_completion(
    rows: Iterable[ClosedRow], today: date, days: int = WINDOW_DAYS
) -> float | None:
    """Median calendar days from receipt to answer, over answers of the last `days` days."""
    answered = _answered_in_window(rows, today, days)
    if not answered:
        return None
    return float(statistics.median((r.answered_on - r.received_on).days for r in answered))


def share_answered_in_time(
    rows: Iterable[ClosedRow], today: date, days: int = WINDOW_DAYS
) -> float | None:
    """The share (0..1) of answers of the last `days` days given on or before the due date."""
    answered = _answered_in_window(rows, today, days)
    if not answered:
        return None
    return sum(1 for r in answered if r.answered_on <= r.due) / len(answered)


REGISTER_HEADER = (
    "reference",
    "type",
    "channel",
    "received",
    "due",
    "extended",
    "closed",
    "answered",
    "outcome",
)


def register_csv(rows: Iterable[tuple[object, ...]]) -> Iterator[str]:
    """The register of requests as CSV text chunks, header first, every cell made safe."""
    buffer = io.StringIO()
    writer = SafeWriter(buffer, lineterminator="\r\n")
    writer.writerow(REGISTER_HEADER)
    for row in rows:
        writer.writerow(row)
        if buffer.tell() > 64 * 1024:
            yield buffer.getvalue()
            buffer.seek(0)
            buffer.truncate()
    yield buffer.getvalue()
