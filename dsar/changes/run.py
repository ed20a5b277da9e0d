"""What one apply run needs and records: its context, per-step progress, and the part reports.

Progress must survive a crash, yet operations never commit. So the writers take a
`checkpoint` callable from their caller (the job or command that owns the session, typically
`session.commit`): after each shop-database batch has committed, the writer updates the step's
`ErasureProgress` row, flushes and calls `checkpoint()`. The caller keeps the session's life
in its own hands (a test passes a savepoint release), and a resumed run reads the committed
rows. A crash between a shop batch's commit and the checkpoint leaves that batch's rows done
but uncounted: the criteria find nothing more to change, so the data ends the same, and the
report counts only what the runs recorded.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date, datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from dsar.changes.models import ErasureProgress, ProgressStatus
from dsar.register.schema import Register

Checkpoint = Callable[[], None]
# Called after each batch's checkpoint: (part, step key, batch number). Tests stop a run here.
BatchHook = Callable[[str, str, int], None]


class WriteRefused(Exception):
    """The change cannot be made safely (no write credential, no primary key); nothing ran."""


@dataclass(frozen=True)
class ApplyContext:
    register: Register  # the activities whose retention a keep step names
    request_id: int | None  # None: a replay whose request was purged
    controller_id: int
    today: date  # the controller's local date: counts a retention without a date column
    now: datetime
    # A replay after a backup restore (dsar erasure replay) keeps no progress rows: the first
    # run's rows say "done", and the criteria find only what came back anyway.
    replay: bool = False


@dataclass
class PartReport:
    """What happened to one table or file, as WordPress erasers report items removed/retained."""

    source: str
    part: str
    removed: int = 0
    anonymised: int = 0
    kept: int = 0
    marked: int = 0  # rows whose restriction or stop column was set
    deletion_dates: list[str] = field(default_factory=list)  # ISO dates kept rows go after
    failed: bool = False
    verified: bool | None = None  # None: not checked (nothing to check, or it failed)
    reasons: list[str] = field(default_factory=list)  # the rules applied, and why, or the error

    @property
    def outcome(self) -> str:
        if self.failed:
            return "failed"
        done = [
            ("removed", self.removed),
            ("anonymised", self.anonymised),
            ("kept", self.kept),
            ("marked", self.marked),
        ]
        return ", ".join(f"{name} {count}" for name, count in done if count) or "nothing found"


def progress_for(
    session: Session, context: ApplyContext, source: str, part: str, action: str
) -> ErasureProgress:
    """The step's progress row, made (pending) on the first run; a replay's is never stored."""
    if context.replay:
        return ErasureProgress(
            request_id=context.request_id, source=source, part=part, action=action,
            status=ProgressStatus.PENDING, rows_done=0, updated_at=context.now,
        )  # fmt: skip
    row = session.execute(
        select(ErasureProgress).where(
            ErasureProgress.request_id == context.request_id,
            ErasureProgress.source == source,
            ErasureProgress.part == part,
            ErasureProgress.action == action,
        )
    ).scalar_one_or_none()
    if row is None:
        row = ErasureProgress(
            request_id=context.request_id,
            source=source,
            part=part,
            action=action,
            status=ProgressStatus.PENDING,
            rows_done=0,
            updated_at=context.now,
        )
        session.add(row)
        session.flush()
    return row


def record(
    session: Session,
    progress: ErasureProgress,
    now: datetime,
    checkpoint: Checkpoint,
    *,
    status: ProgressStatus,
    rows_done: int | None = None,
    last_key: list[object] | None = None,
    error: str | None = None,
) -> None:
    """Write the step's progress (rows done in all runs) and hand it to the caller to commit.

    Values are set, not read back: after each commit the row would be read again otherwise."""
    if rows_done is not None:
        progress.rows_done = rows_done
    if last_key is not None:
        progress.last_key = last_key
    progress.status = status
    progress.error = error
    progress.updated_at = now
    session.flush()
    checkpoint()
