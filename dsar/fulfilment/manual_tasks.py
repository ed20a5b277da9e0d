"""Manual sources: a system without a connector becomes a task for staff, done with evidence."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from dsar.audit.request_trail import record_event
from dsar.core.words import N_, Said
from dsar.fulfilment.models import ManualFinding, ManualOutcome, ManualTask
from dsar.register.datasources import ManualSource
from dsar.requests.models import Request
from dsar.webhooks.events import queue_task_created


class ManualTaskError(Exception):
    """A manual task cannot be completed as asked (already done, no evidence given)."""


def open_manual_task(
    session: Session, request: Request, source: ManualSource, *, language: str, now: datetime
) -> ManualTask:
    """The request's task for `source`, created once; a second search finds the same task."""
    task = session.execute(
        select(ManualTask).where(
            ManualTask.request_id == request.id, ManualTask.source_id == source.id
        )
    ).scalar_one_or_none()
    if task is not None:
        return task
    instructions = source.instructions.get(language, fallback=source.instructions.languages[0])
    task = ManualTask(
        request_id=request.id,
        source_id=source.id,
        source_name=source.name,
        instructions=instructions or "",
        created_at=now,
    )
    session.add(task)
    session.flush()
    queue_task_created(session, request, kind="manual_source", task_id=task.id, now=now)
    return task


def complete_manual_task(
    session: Session,
    request: Request,
    task: ManualTask,
    *,
    actor: str,
    now: datetime,
    note: str,
    outcome: ManualOutcome | None,
    evidence_file_id: int | None = None,
) -> ManualTask:
    """Mark the task done with a note, its outcome and optionally an evidence file; audited.

    "Found" needs at least one entry (dsar/fulfilment/manual_findings.py), "nothing found"
    none: the letter says "no data" only when every source recorded nothing, explicitly.
    """
    if task.outcome is not None:
        done = N_("the task for %(source)s was already done")
        raise ManualTaskError(Said(done, source=task.source_name))
    if not note.strip():
        note_first = N_("describe what was searched and found: the note is the evidence")
        raise ManualTaskError(Said(note_first))
    if outcome is None:
        raise ManualTaskError(Said(N_("choose what the search found: entries, or nothing")))
    entries = session.execute(
        select(ManualFinding.id).where(ManualFinding.task_id == task.id)
    ).all()
    if outcome is ManualOutcome.FOUND and not entries:
        add_first = N_("add what %(source)s holds (rows or an extract) before completing as found")
        raise ManualTaskError(Said(add_first, source=task.source_name))
    if outcome is ManualOutcome.NOTHING_FOUND and entries:
        has_entries = N_("%(source)s has entries: remove them, or complete it as found")
        raise ManualTaskError(Said(has_entries, source=task.source_name))
    task.done_by, task.done_at, task.note = actor, now, note.strip()
    task.evidence_file_id, task.outcome = evidence_file_id, outcome
    record_event(
        session,
        request,
        "manual_source_done",
        actor=actor,
        now=now,
        payload={
            "source": task.source_id,
            "evidence_file_id": evidence_file_id,
            "outcome": outcome.value,
            "entries": len(entries),
        },
    )
    return task


def tasks_of(session: Session, request: Request, *, done: bool | None = None) -> list[ManualTask]:
    """The request's manual tasks in the order they were opened: all, or only done or open ones.

    Done means an outcome was recorded: a task closed with a note alone (before issue 18) is
    open again until staff say what it found.
    """
    query = select(ManualTask).where(ManualTask.request_id == request.id).order_by(ManualTask.id)
    if done is not None:
        query = query.where(
            ManualTask.outcome.is_not(None) if done else ManualTask.outcome.is_(None)
        )
    return list(session.execute(query).scalars())
